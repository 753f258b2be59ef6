"""The report: a JSON-ready dict built from scan results, valid against report.schema.json."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Iterable

from . import __version__
from .scan import ScanResult

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


def summarize(results: list[ScanResult]) -> dict:
    findings = [f for r in results for f in r.findings]
    statuses = Counter(r.document.status for r in results)
    return {
        "documents": len(results),
        "documents_scanned": statuses.get("ok", 0),
        "documents_empty": statuses.get("empty", 0),
        "documents_with_errors": statuses.get("error", 0),
        "documents_with_findings": sum(1 for r in results if r.findings),
        "findings": len(findings),
        "hedged": sum(1 for f in findings if f.hedged),
        "suppressed": sum(len(r.suppressed) for r in results),
        "warnings": sum(1 for r in results for p in (*r.document.problems, *r.notes) if p.warning),
        "by_category": dict(sorted(Counter(f.category for f in findings).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in findings).items())),
        "by_rule": dict(sorted(Counter(f.rule_id for f in findings).items())),
    }


def build_report(results: Iterable[ScanResult]) -> dict:
    results = list(results)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "healthclaims", "version": __version__},
        "documents": [document_entry(r) for r in results],
        "summary": summarize(results),
    }
