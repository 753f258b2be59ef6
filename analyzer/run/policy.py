"""What the team chose to report: configuration, inline suppressions and baselines.

Runs on scan results, after the pipeline and before the report:

- configuration: disabled rules or categories, severity overrides, allowed
  phrases and substances (:mod:`analyzer.config`);
- inline suppressions, in an HTML comment (Markdown and HTML keep them out of
  the rendered page; plain text accepts them too)::

      <!-- healthclaims-disable-line safety-claim -- quoting the label -->
      <!-- healthclaims-disable-next-line disease_claim -->
      <!-- healthclaims-disable proof-claim -->  ...  <!-- healthclaims-enable proof-claim -->

  Rule ids or categories, separated by commas or spaces (none: every rule),
  then optionally ``--`` and a reason. Suppressed findings are kept and counted,
  not dropped; a suppression that suppresses nothing is reported (HC110);
- baselines: findings recorded earlier, keyed on rule, document and matched
  text (not line numbers), are reported as baselined, not as new.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HealthClaimsError, problem
from ..findings import Finding, ScanResult, finding_key
from ..lines import count_lines, line_at
from .config import Config
from .gitutil import resolved

_DIRECTIVE = re.compile(r"<!--\s*healthclaims-(disable-next-line|disable-line|disable|enable)\b(.*?)-->", re.DOTALL)
BASELINE_VERSION = 1


@dataclass
class Directive:
    kind: str
    line: int
    rules: frozenset[str]
    reason: str
    end_line: int | None = None  # for ranges: the line of the matching enable
    used: bool = False

    def covers(self, f: Finding) -> bool:
        if self.rules and f.rule_id not in self.rules and f.category not in self.rules:
            return False
        if self.kind == "disable-line":
            return f.line == self.line
        if self.kind == "disable-next-line":
            return f.line == self.line + 1
        return self.line <= f.line and (self.end_line is None or f.line <= self.end_line)

    def describe(self) -> str:
        what = ", ".join(sorted(self.rules)) or "all rules"
        return f"healthclaims-{self.kind} ({what})"


def parse_directives(text: str) -> list[Directive]:
    directives: list[Directive] = []
    open_ranges: list[Directive] = []
    for m in _DIRECTIVE.finditer(text):
        line = line_at(text, m.start())
        body, _, reason = m.group(2).partition("--")
        rules = frozenset(r for r in re.split(r"[\s,]+", body.strip()) if r)
        kind = m.group(1)
        if kind == "enable":
            for d in reversed(open_ranges):
                if not rules or d.rules == rules:
                    d.end_line = line
                    open_ranges.remove(d)
                    break
            continue
        d = Directive(kind, line, rules, reason.strip())
        directives.append(d)
        if kind == "disable":
            open_ranges.append(d)
    return directives


@dataclass
class Baseline:
    counts: Counter = field(default_factory=Counter)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text("utf-8"))
            entries = data["findings"]
            counts = Counter({(e["rule_id"], e["path"], e["text"]): int(e.get("count", 1)) for e in entries})
        except OSError as exc:
            raise HealthClaimsError(problem("HC305", str(path), reason=exc.strerror or str(exc))) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise HealthClaimsError(
                problem("HC305", str(path), reason=f"not a healthclaims baseline ({exc})")
            ) from None
        return cls(counts)

    @staticmethod
    def write(path: Path, results: list[ScanResult]) -> int:
        counts = Counter(finding_key(r, f) for r in results for f in r.findings)
        entries = [{"rule_id": k[0], "path": k[1], "text": k[2], "count": n} for k, n in sorted(counts.items())]
        path.write_text(json.dumps({"version": BASELINE_VERSION, "findings": entries}, indent=2) + "\n", "utf-8")
        return sum(counts.values())


class Policy:
    """Applies configuration, suppressions, the baseline and ``--diff`` to one result at a time."""

    def __init__(
        self, config: Config, baseline: Baseline | None = None, changed: dict[Path, set[int] | None] | None = None
    ):
        self.config = config
        self.baseline = baseline
        self.remaining = Counter(baseline.counts) if baseline else Counter()
        self.disabled = set(config.disable)
        self.changed = changed

    def _dropped(self, f: Finding) -> bool:
        config = self.config
        if f.rule_id in self.disabled or f.category in self.disabled:
            return True
        if config.allow and any(a in f.sentence.lower() for a in config.allow):
            return True
        return bool(
            config.allow_substances
            and f.substance
            and (
                (f.substance_id or "").lower() in config.allow_substances
                or f.substance.lower() in config.allow_substances
            )
        )

    def apply(self, result: ScanResult) -> ScanResult:
        text = result.document.text
        directives = parse_directives(text) if "healthclaims-" in text else []
        kept: list[Finding] = []
        for f in result.findings:
            if self._dropped(f):
                continue
            if f.rule_id in self.config.severity:
                f.severity = self.config.severity[f.rule_id]
            directive = next((d for d in directives if d.covers(f)), None)
            if directive is not None:
                directive.used = True
                f.suppressed_by = [f"inline:{directive.reason}" if directive.reason else "inline"]
                result.suppressed.append(f)
                continue
            key = finding_key(result, f) if self.baseline else None
            if key is not None and self.remaining[key] > 0:
                self.remaining[key] -= 1
                f.suppressed_by = ["baseline"]
                result.suppressed.append(f)
                continue
            kept.append(f)
        result.findings = kept
        for d in directives:
            if not d.used:
                result.notes.append(
                    problem(
                        "HC110",
                        result.document.path,
                        result.document.file_line(d.line),
                        warning=True,
                        directive=d.describe(),
                    )
                )
        if self.changed is not None:
            limit_to_changes([result], self.changed)
        return result


def git_lines(doc, f: Finding) -> range:
    """The file lines a finding covers as git numbers them (only LF ends a line) for ``--diff``."""
    if doc.source_line is not None:
        return range(doc.file_line(f.line), doc.file_line(f.line + count_lines(f.text) - 1) + 1)
    first = doc.text.count("\n", 0, f.start) + 1
    return range(first, first + f.text.count("\n") + 1)


def limit_to_changes(results: list[ScanResult], changed: dict[Path, set[int] | None]) -> None:
    """Keep only findings on changed lines (``--diff``); a file git does not track counts as all changed."""
    for result in results:
        doc = result.document
        if doc.path.startswith("<"):
            continue
        lines = changed.get(resolved(Path(doc.file or doc.path)), set())
        if lines is None:
            continue
        result.findings = [f for f in result.findings if any(n in lines for n in git_lines(doc, f))]
