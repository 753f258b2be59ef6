"""Helpers shared by the report renderers."""

from __future__ import annotations

import hashlib
from collections import Counter

from ..findings import Finding
from ..inputs import relative_path  # noqa: F401  (re-exported for the renderers)
from ..scan import ScanResult

SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def fingerprints_for(result: ScanResult, findings: list[Finding]) -> list[str]:
    """Stable per-finding keys: rule, document and matched text (and which repeat), not line numbers."""
    seen: Counter = Counter()
    keys = []
    for f in findings:
        key = (f.rule_id, result.document.id, " ".join(f.text.lower().split()))
        seen[key] += 1
        raw = "|".join((*key, str(seen[key])))
        keys.append(hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32])
    return keys


def end_position(result: ScanResult, f: Finding) -> tuple[int, int]:
    """1-based (line, column) just past the end of a finding, in the document text."""
    text = result.document.text
    before = text[: f.end]
    line = before.count("\n") + 1
    column = f.end - (before.rfind("\n") + 1) + 1
    return line, column


def first_source(f: Finding) -> tuple[str, str]:
    """(summary, url) of the finding's first evidence item."""
    if not f.evidence:
        return "", ""
    ev = f.evidence[0]
    sources = ev.get("sources") or [{}]
    return ev.get("summary", ""), sources[0].get("url", "")


def location(result: ScanResult, f: Finding) -> tuple[int, int]:
    """(line, column) to show: for a JSONL post, the line of its record in the file."""
    doc = result.document
    if doc.source_line is not None:
        return doc.source_line, f.column
    return f.line, f.column
