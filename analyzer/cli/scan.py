"""``healthclaims scan``, step by step: settings, input, scanning, output, exit code.

:func:`run` is what the command does once Typer has parsed its options into
:class:`ScanOptions`; each step is a small function below it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Iterator, TextIO

import typer

from ..errors import HealthClaimsError, problem
from ..findings import ScanResult
from ..packs.loader import PatternPack, cached_pack
from ..report import RenderContext, Report, render
from ..run.config import Config, EngineSpec, key_line, load_config
from ..run.policy import Baseline, Policy
from ..run.progress import Progress

AUTO_JOBS_BYTES = 5 * 1024 * 1024


@dataclasses.dataclass
class ScanOptions:
    """The options of ``healthclaims scan`` (see its help)."""

    paths: list[str]
    output_format: str = "text"
    output: Path | None = None
    fail_on: str | None = None
    exit_zero: bool = False
    config_file: Path | None = None
    no_config: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    diff: str | None = None
    jobs: int | None = None
    resume: bool = False
    progress: bool | None = None
    patterns: list[Path] = dataclasses.field(default_factory=list)
    model: Path | None = None
    no_scorer: bool = False
    min_confidence: float | None = None
    id_field: str = "id"
    text_field: str = "text"
    url_field: str | None = None
    color: bool | None = None
    quiet: bool = False
    statistics: bool = False

    def __post_init__(self) -> None:
        # Typer hands over choices as enums and a missing repeatable option as None
        self.output_format = getattr(self.output_format, "value", self.output_format)
        self.fail_on = getattr(self.fail_on, "value", self.fail_on)
        self.patterns = list(self.patterns or ())


@dataclasses.dataclass
class ScanSettings:
    """What the options and the configuration file decide together, checked before any input is read."""

    config: Config
    pattern_dirs: tuple[str, ...]
    pack: PatternPack
    baseline: Baseline | None
    changed: dict | None  # --diff: file -> changed lines
    workers: int
    engine: EngineSpec = EngineSpec()

    @property
    def policy(self) -> Policy:
        return Policy(self.config, self.baseline, self.changed)


@dataclasses.dataclass
class Outcome:
    """What the exit code needs from a run: whether a document failed, and the severities seen."""

    error: bool = False
    severities: set = dataclasses.field(default_factory=set)

    def add(self, status: str, severities: list[str]) -> None:
        self.error = self.error or status == "error"
        self.severities.update(severities)


def run(options: ScanOptions) -> int:
    """Scan, write the report, and return the exit code."""
    settings = load_settings(options)
    docs = read_inputs(options, settings)
    meter = Progress(
        _total_bytes(options.paths),
        options.progress if options.progress is not None else (sys.stderr.isatty() and not options.quiet),
        delay=0.0 if options.progress else 2.0,  # asked for: from the start; on a terminal: after 2 s
    )
    try:
        outcome, results = _write_report(options, settings, docs, meter)
    except OSError as exc:  # a full disk, a refused write: HC231, not a traceback
        if isinstance(exc, BrokenPipeError):
            raise
        from ..run.inputs import failure_reason

        where = str(options.output) if options.output else "standard output"
        raise HealthClaimsError(problem("HC231", where, reason=failure_reason(exc))) from None
    if options.write_baseline is not None:
        count = Baseline.write(options.write_baseline, results)
        _err(f"healthclaims: wrote {count} finding{'s' if count != 1 else ''} to the baseline {options.write_baseline}")
    for r in results:
        outcome.add(r.document.status, [f.severity for f in r.findings])
    return exit_code(outcome, options, settings.config)


def _write_report(options: ScanOptions, settings: ScanSettings, docs, meter: Progress) -> tuple[Outcome, list]:
    """Scan ``docs`` into the report, written to the output as it comes (JSONL) or at the end."""
    stream = _open_output(options)
    try:
        if options.output_format == "jsonl":
            return write_lines(docs, settings, stream, meter), []
        results = list(_scanned(docs, settings, meter))
        meter.close()
        render(options.output_format, Report(results), stream, render_context(options, settings.pack, stream))
        return Outcome(), results
    finally:
        if options.output:
            stream.close()


def load_settings(options: ScanOptions) -> ScanSettings:
    """Configuration, pattern packs, baseline and ``--diff``; a problem with any stops the run."""
    config = Config() if options.no_config else load_config(options.config_file)
    pattern_dirs = tuple(config.patterns) + tuple(str(p) for p in options.patterns)
    pack = cached_pack(pattern_dirs)  # validate pattern packs before reading any input
    baseline = Baseline.load(options.baseline) if options.baseline is not None else None
    check_rule_names(config, pack)
    changed = None
    if options.diff is not None:
        from ..run.gitutil import changed_lines

        changed = changed_lines(options.diff)
    check_combinations(options)
    engine = EngineSpec(pattern_dirs, scorer_setting(options, config), _min_confidence(options, config))
    return ScanSettings(config, pattern_dirs, pack, baseline, changed, workers(options.jobs, options.paths), engine)


def check_rule_names(config: Config, pack: PatternPack) -> None:
    """HC304 for a rule or category the packs do not have; HC310 for a category in ``severity``,
    which takes rule ids (a category's rules can differ in severity on purpose)."""
    rules = pack.active_rules()
    categories = {r.category for r in rules}
    unknown = sorted({*config.disable, *config.severity} - {r.id for r in rules} - categories)
    if unknown:
        reason = f"unknown rule or category {', '.join(unknown)}"
        raise HealthClaimsError(problem("HC304", str(config.path), field="disable/severity", reason=reason))
    for name in sorted(set(config.severity) & categories):
        members = ", ".join(sorted(r.id for r in rules if r.category == name))
        line = key_line(config.path, name) if config.path else None
        raise HealthClaimsError(problem("HC310", str(config.path), line, name=name, rules=members))


def scorer_setting(options: ScanOptions, config: Config) -> str:
    """The pipeline's scorer: none with --no-scorer, else --model, the configured model or the shipped one."""
    if options.no_scorer:
        return ""
    model = options.model or (Path(config.model) if config.model else None)
    if model is None:
        return "builtin"
    if not model.is_dir():
        raise HealthClaimsError(problem("HC107", str(model)))
    return str(model)


def _min_confidence(options: ScanOptions, config: Config) -> float | None:
    return options.min_confidence if options.min_confidence is not None else config.min_confidence


def check_combinations(options: ScanOptions) -> None:
    """HC307 for options that do not go together."""
    if options.resume and (options.output is None or options.output_format != "jsonl"):
        raise HealthClaimsError(problem("HC307", reason="--resume needs --format jsonl and --output FILE"))
    if options.statistics and options.output_format != "text":
        raise HealthClaimsError(problem("HC307", reason="--statistics works with --format text only"))
    if options.write_baseline is not None and options.output_format == "jsonl":
        raise HealthClaimsError(problem("HC307", reason="--write-baseline cannot be combined with --format jsonl"))


def read_inputs(options: ScanOptions, settings: ScanSettings):
    """The documents to scan, in order; with ``--resume``, those a previous run did not finish."""
    from ..run.inputs import read_documents

    config = settings.config
    docs = read_documents(
        options.paths,
        options.id_field,
        options.text_field,
        accept=config.wants if (config.include or config.exclude) else None,
        url_field=options.url_field,
    )
    done = resume_point(options.output) if options.resume else 0
    return (doc for k, doc in enumerate(docs) if k >= done)


def _scanned(docs, settings: ScanSettings, meter: Progress) -> Iterator[ScanResult]:
    """Scan results with the policy applied, each document's problems printed as it finishes."""
    from ..run.scan import scan_documents

    policy = settings.policy
    try:
        for result in scan_documents(docs, settings.engine, jobs=settings.workers):
            policy.apply(result)
            meter.update(result.document.size)
            for prob in (*result.document.problems, *result.notes):
                _err(prob.format())
            yield result
    except HealthClaimsError:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence: the report keeps what was scanned
        yield _failed_run(exc)


def _failed_run(exc: Exception) -> ScanResult:
    """What an unexpected failure of the run itself leaves in the report: an error document (HC118)."""
    from ..run.inputs import Document, failure_reason

    prob = problem("HC118", reason=failure_reason(exc))
    _err(prob.format())
    return ScanResult(Document("<healthclaims>", "<healthclaims>", status="error", problems=[prob]))


def write_lines(docs, settings: ScanSettings, stream: TextIO, meter: Progress) -> Outcome:
    """``--format jsonl``: a line per document as it finishes, keeping only what the exit code needs
    (memory stays flat). With workers and no baseline or ``--diff``, all but writing happens in them."""
    outcome = Outcome()
    if settings.workers > 1 and settings.baseline is None and settings.changed is None:
        from ..report.formats.jsonl import WorkerLine
        from ..run.scan import finished_in_workers

        for text, status, severities, messages, size in finished_in_workers(
            docs, settings.engine, settings.workers, WorkerLine(settings.config)
        ):
            meter.update(size)
            for message in messages:
                _err(message)
            stream.write(text)
            outcome.add(status, severities)
    else:
        from ..report.formats.jsonl import line

        for result in _scanned(docs, settings, meter):
            stream.write(line(result))
            stream.flush()
            outcome.add(result.document.status, [f.severity for f in result.findings])
    stream.flush()
    meter.close()
    return outcome


def render_context(options: ScanOptions, pack: PatternPack, stream: TextIO) -> RenderContext:
    from ..report.formats.text import terminal_width, use_colour

    rules = pack.active_rules()
    return RenderContext(
        colour=use_colour(stream, options.color),
        quiet=options.quiet,
        statistics=options.statistics,
        width=terminal_width(stream),
        rules=rules,
        category_evidence={c: [e.to_dict() for e in pack.fallback_evidence(c)] for c in {r.category for r in rules}},
    )


def exit_code(outcome: Outcome, options: ScanOptions, config: Config) -> int:
    if outcome.error:
        return 2
    if options.exit_zero or options.write_baseline is not None:
        return 0
    threshold = options.fail_on or config.fail_on or "low"
    from ..run.scan import failing

    return 1 if failing([outcome.severities], threshold) else 0


def workers(jobs: int | None, paths: list[str]) -> int:
    """Worker processes: ``--jobs`` (0: one per core), else one per core for post exports of 5 MB or more."""
    cores = os.cpu_count() or 1
    if jobs is not None:
        return jobs if jobs > 0 else cores
    from ..run.inputs import export_kind

    size = 0
    for raw in paths:
        p = Path(raw)
        if raw != "-" and p.is_file() and export_kind(p):
            size += p.stat().st_size
    return cores if size >= AUTO_JOBS_BYTES else 1


def resume_point(output: Path) -> int:
    """How many documents a previous --format jsonl run finished; a torn last line is cut off."""
    if not output.exists():
        return 0
    data = output.read_bytes()
    keep = data.rfind(b"\n") + 1
    lines = data[:keep].splitlines()
    for n, raw in enumerate(lines):
        try:
            json.loads(raw)
        except ValueError:
            keep = sum(len(x) + 1 for x in lines[:n])
            lines = lines[:n]
            break
    if keep != len(data):
        with open(output, "r+b") as fh:
            fh.truncate(keep)
    return len(lines)


def _open_output(options: ScanOptions) -> TextIO:
    if options.output is None:
        return sys.stdout
    return open(options.output, "a" if options.resume else "w", encoding="utf-8")


def _total_bytes(paths: list[str]) -> int | None:
    from ..run.inputs import total_bytes

    return total_bytes(paths)


def _err(message: str) -> None:
    from ..report.formats._common import visible
    from ..report.formats.github import stderr_text  # no forged workflow commands in GitHub Actions

    typer.echo(stderr_text(visible(message)), err=True)  # no terminal escapes from a path or id
