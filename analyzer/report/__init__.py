"""The report: scan results with their summary, how renderers are called, and the JSON-ready
dict built from them (valid against report.schema.json)."""

from __future__ import annotations

import functools
import importlib
import json
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, Iterator, TextIO

from .. import __version__
from ..findings import Finding, ScanResult
from ..packs.loader import Rule

SCHEMA_VERSION = "1.0"


def report_schema() -> dict:
    return json.loads((resources.files("analyzer.schemas") / "report.schema.json").read_text("utf-8"))


def document_entry(result: ScanResult) -> dict:
    doc = result.document
    entry = {
        "id": doc.id,
        "path": doc.path,
        "status": doc.status,
        "findings": [f.to_dict() for f in result.findings],
        "problems": [p.to_dict() for p in (*doc.problems, *result.notes)],
    }
    if result.suppressed:
        entry["suppressed"] = [{**f.to_dict(), "suppressed_by": list(f.suppressed_by)} for f in result.suppressed]
    if doc.source_line is not None:
        entry["source_line"] = doc.source_line
    return entry


@dataclass
class Summary:
    """What a run found, counted once for every renderer."""

    documents: int
    documents_scanned: int
    documents_empty: int
    documents_with_errors: int
    documents_with_findings: int
    findings: int
    hedged: int
    suppressed: int
    warnings: int
    by_category_severity: Counter  # (category, severity) -> findings
    by_rule: Counter  # rule id -> findings

    @classmethod
    def of(cls, results: list[ScanResult]) -> Summary:
        findings = [f for r in results for f in r.findings]
        statuses = Counter(r.document.status for r in results)
        return cls(
            documents=len(results),
            documents_scanned=statuses.get("ok", 0),
            documents_empty=statuses.get("empty", 0),
            documents_with_errors=statuses.get("error", 0),
            documents_with_findings=sum(1 for r in results if r.findings),
            findings=len(findings),
            hedged=sum(1 for f in findings if f.hedged),
            suppressed=sum(len(r.suppressed) for r in results),
            warnings=sum(1 for r in results for p in (*r.document.problems, *r.notes) if p.warning),
            by_category_severity=Counter((f.category, f.severity) for f in findings),
            by_rule=Counter(f.rule_id for f in findings),
        )

    def count(self, category: str | None = None, severity: str | None = None) -> int:
        return sum(
            n for (c, s), n in self.by_category_severity.items() if category in (None, c) and severity in (None, s)
        )

    def categories(self) -> list[str]:
        return sorted({c for c, _ in self.by_category_severity})


@dataclass
class Report:
    """The results of a run, in input order, and their summary."""

    results: list[ScanResult]

    @functools.cached_property
    def summary(self) -> Summary:
        return Summary.of(self.results)

    def findings(self) -> Iterator[tuple[ScanResult, Finding]]:
        """Every reported finding with its document's result, in order."""
        return ((r, f) for r in self.results for f in r.findings)


@dataclass
class RenderContext:
    """What renderers may need beyond the report: output settings and the rules' data."""

    colour: bool = False
    quiet: bool = False
    rules: list[Rule] = field(default_factory=list)
    # category -> its fallback evidence items (SARIF rule help)
    category_evidence: dict[str, list[dict]] = field(default_factory=dict)
    root: str | None = None  # paths are shown relative to it (default: the current directory)


def render(fmt: str, report: Report, stream: TextIO, context: RenderContext | None = None) -> None:
    """Write ``report`` in format ``fmt``: every renderer is ``render(report, stream, context)``."""
    renderer = importlib.import_module(f"{__name__}.formats.{fmt}")
    renderer.render(report, stream, context or RenderContext())


def summarize(results: list[ScanResult]) -> dict:
    """The summary as the JSON report holds it."""
    summary = Summary.of(results)
    by_category: Counter = Counter()
    by_severity: Counter = Counter()
    for (category, severity), n in summary.by_category_severity.items():
        by_category[category] += n
        by_severity[severity] += n
    return {
        "documents": summary.documents,
        "documents_scanned": summary.documents_scanned,
        "documents_empty": summary.documents_empty,
        "documents_with_errors": summary.documents_with_errors,
        "documents_with_findings": summary.documents_with_findings,
        "findings": summary.findings,
        "hedged": summary.hedged,
        "suppressed": summary.suppressed,
        "warnings": summary.warnings,
        "by_category": dict(sorted(by_category.items())),
        "by_severity": dict(sorted(by_severity.items())),
        "by_rule": dict(sorted(summary.by_rule.items())),
    }


def build_report(results: Iterable[ScanResult]) -> dict:
    results = list(results)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "healthclaims", "version": __version__},
        "documents": [document_entry(r) for r in results],
        "summary": summarize(results),
    }
