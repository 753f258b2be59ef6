"""The ``healthclaims`` command line.

Exit codes: 0 no finding at or above --fail-on; 1 such a finding exists;
2 usage, input or pattern errors (an unreadable input still lets the other
inputs be scanned and reported).
"""

from __future__ import annotations

import enum
import functools
import gc
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .. import __version__
from ..errors import HealthClaimsError, problem

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Flag unsupported health claims in supplement marketing, with cited counter-evidence.",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List the claim rules, or test them against their examples.", no_args_is_help=False)
patterns_app = typer.Typer(help="Work with pattern packs (lexicons, rules, context, evidence).", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(patterns_app, name="patterns")
evidence_app = typer.Typer(help="Inspect the counter-evidence base.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"
    csv = "csv"
    junit = "junit"
    html = "html"
    jsonl = "jsonl"


class FailOn(str, enum.Enum):
    low = "low"
    medium = "medium"
    high = "high"
    none = "none"


PatternsOption = typer.Option(
    None, "--patterns", "-p", help="Extra pattern directory (repeatable); extends or overrides built-ins by id."
)

ModelOption = typer.Option(
    None, "--model", help="A scorer folder written by 'healthclaims train' (default: the shipped one)."
)
MinConfidenceOption = typer.Option(
    None,
    "--min-confidence",
    min=0.0,
    max=1.0,
    help="Confidence a sentence no rule matched, naming a target and a subject, needs to be reported; "
    "the model's stricter thresholds move with it (default: the model's policy).",
)
NoScorerOption = typer.Option(False, "--no-scorer", help="Rules alone: no trained scorer.")


def _err(message: str) -> None:
    from ..report.formats.github import stderr_text  # no forged workflow commands in GitHub Actions

    typer.echo(stderr_text(message), err=True)


def echo_json(data) -> None:
    """Print ``data`` as the JSON every ``--format json`` command writes: indented, keys sorted."""
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def echo_data(data, as_json: bool, format_text) -> None:
    """Print ``data`` as JSON (:func:`echo_json`) or as ``format_text`` writes it."""
    if as_json:
        echo_json(data)
    else:
        typer.echo(format_text(data))


def reports_errors(func):
    """Turn a HealthClaimsError into its coded messages on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except HealthClaimsError as exc:
            for prob in exc.problems:
                _err(prob.format())
            raise typer.Exit(2) from None

    return wrapper


def _pack(patterns: Optional[List[Path]]):
    from ..packs.loader import cached_pack

    return cached_pack(tuple(str(p) for p in patterns or ()))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"healthclaims {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """healthclaims: rule-based detection of unsupported health claims."""


def _option(default, *names: str, help: str):
    return typer.Option(default, *names, help=help)


# The options of 'scan' (see cli/scan.py's ScanOptions)
SCAN_OPTIONS = {
    "output_format": _option(OutputFormat.text, "--format", "--output-format", "-f", help="Output format."),
    "output": _option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    "fail_on": _option(
        None,
        "--fail-on",
        help="Exit 1 when a finding at or above this severity exists (default: the config's, else low).",
    ),
    "exit_zero": _option(False, "--exit-zero", help="Report only: exit 0 even when claims are found."),
    "config_file": _option(
        None,
        "--config",
        help="Configuration file (default: .healthclaims.toml or "
        "[tool.healthclaims] in pyproject.toml, searched upwards).",
    ),
    "no_config": _option(False, "--no-config", help="Ignore any configuration file."),
    "baseline": _option(
        None, "--baseline", help="Report and fail only on findings not recorded in this baseline file."
    ),
    "write_baseline": _option(None, "--write-baseline", help="Record today's findings in this file (then exit 0)."),
    "diff": _option(
        None, "--diff", help="Report only findings on lines changed since this git ref (e.g. origin/main)."
    ),
    "jobs": _option(
        None,
        "--jobs",
        "-j",
        help="Worker processes; 0: one per core. Default: one per core for post "
        "exports of 5 MB or more, else 1 (workers take seconds to start).",
    ),
    "resume": _option(
        False,
        "--resume",
        help="With --format jsonl --output FILE: continue a killed run after the documents already in FILE.",
    ),
    "progress": _option(
        None,
        "--progress/--no-progress",
        help="Progress line on stderr (default: on a terminal, from 2 s after the first document is done).",
    ),
    "id_field": _option("id", "--id-field", help="JSONL field holding the post id."),
    "text_field": _option("text", "--text-field", help="JSONL field holding the post text."),
    "url_field": _option(
        None, "--url-field", help="JSONL/CSV field holding the post's source URL (linked in the HTML report)."
    ),
    "color": _option(
        None, "--color/--no-color", help="Force colour on or off (default: on for a terminal, off with NO_COLOR)."
    ),
    "quiet": _option(
        False, "--quiet", "-q", help="Text: one line per finding and nothing else (no summary, no progress line)."
    ),
    "statistics": _option(False, "--statistics", help="Text: count the findings per rule instead of listing them."),
}


@app.command()
@reports_errors
def scan(
    paths: List[str] = typer.Argument(..., help="Files, directories (recursive) or - for stdin."),
    output_format: OutputFormat = SCAN_OPTIONS["output_format"],
    output: Optional[Path] = SCAN_OPTIONS["output"],
    fail_on: Optional[FailOn] = SCAN_OPTIONS["fail_on"],
    exit_zero: bool = SCAN_OPTIONS["exit_zero"],
    config_file: Optional[Path] = SCAN_OPTIONS["config_file"],
    no_config: bool = SCAN_OPTIONS["no_config"],
    baseline: Optional[Path] = SCAN_OPTIONS["baseline"],
    write_baseline: Optional[Path] = SCAN_OPTIONS["write_baseline"],
    diff: Optional[str] = SCAN_OPTIONS["diff"],
    jobs: Optional[int] = SCAN_OPTIONS["jobs"],
    resume: bool = SCAN_OPTIONS["resume"],
    progress: Optional[bool] = SCAN_OPTIONS["progress"],
    patterns: Optional[List[Path]] = PatternsOption,
    model: Optional[Path] = ModelOption,
    no_scorer: bool = NoScorerOption,
    min_confidence: Optional[float] = MinConfidenceOption,
    id_field: str = SCAN_OPTIONS["id_field"],
    text_field: str = SCAN_OPTIONS["text_field"],
    url_field: Optional[str] = SCAN_OPTIONS["url_field"],
    color: Optional[bool] = SCAN_OPTIONS["color"],
    quiet: bool = SCAN_OPTIONS["quiet"],
    statistics: bool = SCAN_OPTIONS["statistics"],
) -> None:
    """Scan text, Markdown, HTML and JSONL posts for health claims."""
    parameters = dict(locals())  # the parameters by name (read before any other name is bound here)
    from .scan import ScanOptions, run

    raise typer.Exit(run(ScanOptions(**parameters)))


@app.command("dask")
@reports_errors
def dask_scan(
    inputs: List[str] = typer.Argument(
        ..., help="JSONL (.jsonl, .jsonl.gz) or Parquet inputs: paths, globs or fsspec URLs."
    ),
    output: str = typer.Option(..., "--output", "-o", help="Folder of part files to write (path or fsspec URL)."),
    output_format: str = typer.Option(
        "parquet",
        "--format",
        "-f",
        help="parquet (a row per document) or jsonl (the lines 'scan --format jsonl' writes).",
    ),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (default: a local cluster)."
    ),
    workers: int = typer.Option(2, "--workers", help="Worker processes of the local cluster."),
    config_file: Optional[Path] = SCAN_OPTIONS["config_file"],
    no_config: bool = SCAN_OPTIONS["no_config"],
    patterns: Optional[List[Path]] = PatternsOption,
    model: Optional[Path] = ModelOption,
    no_scorer: bool = NoScorerOption,
    min_confidence: Optional[float] = MinConfidenceOption,
    id_field: str = typer.Option("id", "--id-field", help="Field holding the post id."),
    text_field: str = typer.Option("text", "--text-field", help="Field holding the post text."),
) -> None:
    """Scan a partitioned post export on Dask and write a data set of findings (needs the 'dask' extra)."""
    from ..distributed import scan_dataset
    from .scan import ScanOptions, load_settings

    options = ScanOptions(inputs, config_file=config_file, no_config=no_config, patterns=patterns, model=model)
    options.no_scorer, options.min_confidence = no_scorer, min_confidence  # as 'scan' takes them
    settings = load_settings(options)  # the configuration, packs and scorer 'scan' would use, checked alike
    counts = scan_dataset(
        inputs,
        output,
        id_field=id_field,
        text_field=text_field,
        config=settings.config,
        engine=settings.engine,
        output_format=output_format,
        scheduler=scheduler,
        workers=workers,
    )
    for prob in counts["problems"]:
        _err(prob.format())
    typer.echo(
        f"Scanned {counts['posts']} posts: {counts['findings']} claims in {counts['posts_with_findings']} "
        f"posts, {counts['errors']} with errors; findings written to {output}"
    )
    raise typer.Exit(2 if counts["errors"] else 0)


@rules_app.callback(invoke_without_command=True)
@reports_errors
def rules_list(
    ctx: typer.Context,
    patterns: Optional[List[Path]] = PatternsOption,
) -> None:
    """List the claim rules (id, category, severity, message)."""
    if ctx.invoked_subcommand is not None:
        return
    pack = _pack(patterns)
    for rule in pack.active_rules():
        typer.echo(f"{rule.id:<20} {rule.category:<16} {rule.severity:<6} {rule.message}")


@rules_app.command("test")
@reports_errors
def rules_test(patterns: Optional[List[Path]] = PatternsOption) -> None:
    """Run every rule against its own match / no_match examples."""
    from ..packs.rulecheck import check_examples

    pack = _pack(patterns)
    total, failures = check_examples(pack, tuple(str(p) for p in patterns or ()))
    for f in failures:
        _err(f.describe())
    typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    raise typer.Exit(1 if failures else 0)


@app.command()
@reports_errors
def explain(
    rule_id: str = typer.Argument(..., help="A rule id from 'healthclaims rules'."),
    patterns: Optional[List[Path]] = PatternsOption,
) -> None:
    """Show a rule: what it flags, its basis, how to fix the text, examples and evidence."""
    pack = _pack(patterns)
    rule = pack.rules.get(rule_id)
    if rule is None:
        raise HealthClaimsError(problem("HC301", id=rule_id))
    out = [
        f"{rule.id}  ({rule.category}, severity {rule.severity})",
        "",
        rule.message,
        "",
        f"Basis: {rule.basis['authority']}",
        f"  {' '.join(rule.basis['summary'].split())}",
    ]
    if rule.basis.get("url"):
        out.append(f"  {rule.basis['url']}")
    out += ["", f"How to fix: {' '.join(rule.fix.split())}", "", "Flags:"]
    out += [f"  + {t}" for t in rule.examples["match"]]
    out += ["Does not flag:"] + [f"  - {t}" for t in rule.examples["no_match"]]
    fallback = pack.fallback_evidence(rule.category)
    if fallback:
        out += ["", "Counter-evidence (category level; findings add substance- and condition-specific entries):"]
        for e in fallback:
            out.append(f"  [{e.verdict}] {e.summary}")
            out += [
                f"    - {s['title']} ({s['publisher']}{', ' + str(s['year']) if s.get('year') else ''}) {s['url']}"
                for s in e.sources
            ]
    typer.echo("\n".join(out))


@patterns_app.command("validate")
@reports_errors
def patterns_validate(
    dirs: Optional[List[Path]] = typer.Argument(
        None, help="Pattern directories to check with the built-ins (default: built-ins only)."
    ),
) -> None:
    """Validate pattern files against their JSON Schemas and check cross-references."""
    from ..packs.loader import check_sources, load_pack

    pack = load_pack([str(d) for d in dirs or ()])
    problems = check_sources(pack)
    if problems:
        raise HealthClaimsError(problems)
    counts = {
        "substances": len(pack.ids("SUBSTANCE")),
        "conditions": len(pack.ids("CONDITION")),
        "effects": len(pack.ids("EFFECT")),
        "rules": len(pack.active_rules()),
        "context triggers": len(pack.triggers),
        "evidence entries": len(pack.evidence),
        "sources": len(pack.registry),
    }
    typer.echo("ok: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@evidence_app.command("coverage")
@reports_errors
def evidence_coverage(
    files: Optional[List[Path]] = typer.Argument(
        None, help="JSONL with 'text' (and 'label': only lines labelled 1 count); default: the rules' own examples."
    ),
    top: int = typer.Option(20, "--top", help="How many uncovered (substance, target) pairs to list."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    patterns: Optional[List[Path]] = PatternsOption,
) -> None:
    """How the first evidence item fits the claims found, and the most frequent gaps."""
    from ..run.coverage import format_text, measure, rule_examples, texts_from

    pack = _pack(patterns)
    for f in files or ():
        if not f.is_file():
            raise HealthClaimsError(problem("HC107", str(f)))
    texts = texts_from(files) if files else rule_examples(pack)
    result = measure(texts, tuple(str(p) for p in patterns or ()), top=top)
    echo_data(result, output_format is OutputFormat.json, format_text)


@evidence_app.command("show")
@reports_errors
def evidence_show(
    entry_id: str = typer.Argument(..., help="An evidence id, as a finding in a report names it."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    patterns: Optional[List[Path]] = PatternsOption,
) -> None:
    """Print one evidence entry in full: verdict, summary, sources (HC401 for an unknown id)."""
    from .evidence_show import entry_json, entry_text, find_entry

    entry = find_entry(_pack(patterns), entry_id)
    typer.echo(entry_json(entry) if output_format is OutputFormat.json else entry_text(entry))


def _scorer(model: Optional[Path], no_scorer: bool) -> str:
    """The pipeline's ``scorer`` setting for these options (HC107 for a missing model folder)."""
    if no_scorer:
        return ""
    if model is None:
        return "builtin"
    if not model.is_dir():
        raise HealthClaimsError(problem("HC107", str(model)))
    return str(model)


@app.command("eval")
@reports_errors
def eval_command(
    files: List[Path] = typer.Argument(..., help="Labelled JSONL: text, label (1/0), optional type, source_url."),
    show_errors: bool = typer.Option(False, "--show-errors", help="List misses and false flags."),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
    patterns: Optional[List[Path]] = PatternsOption,
    cv: int = typer.Option(0, "--cv", min=0, help="K-fold cross-validation grouped by source_url (K >= 2)."),
    model: Optional[Path] = ModelOption,
    no_scorer: bool = NoScorerOption,
    min_confidence: Optional[float] = MinConfidenceOption,
) -> None:
    """Measure precision, recall and F1 on labelled sentences: overall, per category, per source kind.

    With --cv K: rules alone, the scorer alone and both combined, each measured on held-out folds
    (the scorer is trained anew on the other folds; its score on its own training lines is never shown).
    """
    from ..run.evaluate import evaluate, format_table, load_labelled

    _pack(patterns)
    for file in files:
        if not file.is_file():
            raise HealthClaimsError(problem("HC107", str(file)))
    pats = tuple(str(p) for p in patterns or ())
    examples = load_labelled(*files)
    if cv:
        _cross_validate(examples, cv, pats, output_format)
        return
    result = evaluate(examples, pats, scorer=_scorer(model, no_scorer), min_confidence=min_confidence)
    if output_format is OutputFormat.json:
        if not show_errors:
            result = {k: v for k, v in result.items() if k not in ("misses", "false_flags")}
        echo_json(result)
        return
    typer.echo(format_table(result))
    if show_errors:
        _show_errors(result)


def _cross_validate(examples, k: int, patterns: tuple[str, ...], output_format: OutputFormat) -> None:
    from ..run.evaluate import format_table
    from ..run.training import cross_validate

    if k < 2:
        raise typer.BadParameter("--cv needs at least 2 folds", param_hint="--cv")
    results = cross_validate(examples, k, patterns)
    if output_format is OutputFormat.json:
        trimmed = {m: {k: v for k, v in r.items() if k not in ("misses", "false_flags")} for m, r in results.items()}
        echo_json(trimmed)
        return
    for mode, result in results.items():
        typer.echo(f"== {mode} ({k}-fold cross-validation grouped by source)")
        typer.echo(format_table(result) + "\n")


def _show_errors(result: dict) -> None:
    typer.echo(f"\nMisses ({len(result['misses'])}):")
    for m in result["misses"]:
        why = f"  [{'; '.join(m['suppressed_by'])}]" if m["suppressed_by"] else ""
        typer.echo(f"  {m['line']}: ({m['category']}) {m['text']}{why}")
    typer.echo(f"\nFalse flags ({len(result['false_flags'])}):")
    for m in result["false_flags"]:
        typer.echo(f"  {m['line']}: {','.join(m['flagged'])}: {m['text']}")


@app.command("train")
@reports_errors
def train_command(
    files: List[Path] = typer.Argument(..., help="Labelled JSONL, as for 'eval'."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write the scorer to."),
    patterns: Optional[List[Path]] = PatternsOption,
    epochs: int = typer.Option(10, "--epochs", min=1),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train the claim scorer on labelled lines; use it with --model on scan and eval."""
    from ..run.evaluate import load_labelled
    from ..run.training import save, train_scorer

    _pack(patterns)
    for file in files:
        if not file.is_file():
            raise HealthClaimsError(problem("HC107", str(file)))
    examples = load_labelled(*files)
    save(train_scorer(examples, tuple(str(p) for p in patterns or ()), epochs=epochs, seed=seed), output)
    typer.echo(f"trained on {len(examples)} lines ({sum(e.label for e in examples)} claims): {output}")


# 'healthclaims review': its module imports only Typer; the database and web code load per command.
from .review import review_app  # noqa: E402  (needs reports_errors above)

app.add_typer(review_app, name="review")


# The cyclic collector's first threshold for a command's run (Python's default: 700). Starting a
# scan makes some 300,000 objects that live as long as the run (spaCy's modules, the pack, the
# pipeline); at the default, each of a few hundred collections walks the young ones and two full
# ones walk them all: 0.15 to 0.2 s of a one-line scan's 1 to 1.2 s CPU, against 0.05 at this one.
# (Nearly all of a scan's garbage is freed by reference counting; what waits for the collector is
# bounded by this many objects.)
GC_THRESHOLD = 50_000


def main() -> None:
    """Console entry point: no traceback reaches the user."""
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        _run()
    finally:
        # The process ends here: its objects need no collecting. The interpreter collects once more
        # as it exits, walking every object a scan made (spaCy's, the pack, the pipeline): some
        # 0.15 G instructions, 3 % of a one-line scan. Frozen objects are not walked; files, the
        # output included, are closed and flushed before this (and standard output as Python exits).
        gc.freeze()


def _run() -> None:
    try:
        app()
    except HealthClaimsError as exc:
        for prob in exc.problems:
            _err(prob.format())
        sys.exit(2)
    except KeyboardInterrupt:
        _err("healthclaims: interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last line of defence
        _err(f"healthclaims: internal error: {type(exc).__name__}: {exc}. Please report this with the command you ran.")
        sys.exit(2)
