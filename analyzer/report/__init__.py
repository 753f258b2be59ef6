"""The report: scan results with their summary, how renderers are called, and the JSON-ready
dict built from them (valid against report.schema.json).

The JSON report holds each evidence entry once, in a top-level ``evidence`` table keyed by its id,
and each rule's basis and fix once, in ``rules`` keyed by ``category/rule_id``; a finding names its
evidence by id with how the entry fits its claim. A JSON Lines document (one per line) has no such
tables, so each finding's first evidence reference also carries the entry's verdict, headline and
first source URL (``healthclaims evidence show ID`` prints the whole entry).
"""

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
from .formats._common import first_source, headline

SCHEMA_VERSION = "2.0"


def report_schema() -> dict:
    return json.loads((resources.files("analyzer.schemas") / "report.schema.json").read_text("utf-8"))


# The fields a finding keeps in the report, in the order of Finding's own (basis and fix are the
# rule's and go in the ``rules`` table; evidence is a list of references).
FINDING_FIELDS = (
    "rule_id",
    "category",
    "severity",
    "hedged",
    "text",
    "sentence",
    "start",
    "end",
    "substance",
    "substance_id",
    "target",
    "target_id",
    "message",
    "line",
    "column",
    "confidence",
)


def finding_entry(f: Finding, lead: bool = False) -> dict:
    """A finding as the report holds it; ``lead``: its first evidence reference carries the entry's
    verdict, headline and URL too (a JSON Lines document, read without the evidence table)."""
    data = {name: getattr(f, name) for name in FINDING_FIELDS}
    refs = [{"id": ev["id"], "fit": ev["fit"]} for ev in f.evidence]
    if lead and refs:
        summary, url = first_source(f)
        refs[0].update(verdict=f.evidence[0]["verdict"], headline=headline(summary), url=url)
    data["evidence"] = refs
    return data


def document_entry(result: ScanResult, lead: bool = False) -> dict:
    doc = result.document
    entry = {
        "id": doc.id,
        "path": doc.path,
        "status": doc.status,
        "findings": [finding_entry(f, lead) for f in result.findings],
        "problems": [p.to_dict() for p in (*doc.problems, *result.notes)],
    }
    if result.suppressed:
        entry["suppressed"] = [
            {**finding_entry(f, lead), "suppressed_by": list(f.suppressed_by)} for f in result.suppressed
        ]
    if doc.source_line is not None:
        entry["source_line"] = doc.source_line
    return entry


def rule_key(f: Finding) -> str:
    """A finding's key in the report's ``rules`` table: ``category/rule_id`` (the scorer's one rule
    has a basis and fix per category)."""
    return f"{f.category}/{f.rule_id}"


def tables(results: list[ScanResult]) -> tuple[dict, dict]:
    """(evidence, rules): each evidence entry the findings cite, by id, without how it fits a claim;
    each rule's basis and fix, by :func:`rule_key`; both sorted by key."""
    evidence: dict[str, dict] = {}
    rules: dict[str, dict] = {}
    for r in results:
        for f in (*r.findings, *r.suppressed):
            for ev in f.evidence:
                if ev["id"] not in evidence:
                    evidence[ev["id"]] = {k: v for k, v in ev.items() if k != "fit"}
            key = rule_key(f)
            if key not in rules:
                rules[key] = {"basis": f.basis, "fix": f.fix}
    return dict(sorted(evidence.items())), dict(sorted(rules.items()))


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
    statistics: bool = False  # text: a count per rule instead of the findings
    width: int | None = None  # text: columns to cut lines at (None: no cut)
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
    evidence, rules = tables(results)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "healthclaims", "version": __version__},
        "documents": [document_entry(r) for r in results],
        "evidence": evidence,
        "rules": rules,
        "summary": summarize(results),
    }
