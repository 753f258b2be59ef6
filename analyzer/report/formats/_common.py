"""Helpers shared by the report renderers."""

from __future__ import annotations

import hashlib
from collections import Counter

from ...findings import Finding, ScanResult, finding_key
from ...run.inputs import relative_path  # noqa: F401  (re-exported for the renderers)

SARIF_LEVEL = {"high": "error", "medium": "warning", "low": "note"}


def fingerprints_for(result: ScanResult, findings: list[Finding]) -> list[str]:
    """Stable per-finding keys: :func:`~analyzer.findings.finding_key` (rule, document, claim text)
    and which repeat of it, not line numbers."""
    seen: Counter = Counter()
    keys = []
    for f in findings:
        key = finding_key(result, f)
        seen[key] += 1
        raw = "|".join((*key, str(seen[key])))
        keys.append(hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32])
    return keys


def qualifiers(f: Finding) -> str:
    """What to say after a finding's category: the scorer's confidence, and whether it is hedged."""
    parts = [f"confidence {f.confidence:.2f}"] if f.confidence is not None else []
    if f.hedged:
        parts.append("hedged: still a claim")
    return f" ({', '.join(parts)})" if parts else ""


def first_source(f: Finding) -> tuple[str, str]:
    """(summary, url) of the finding's first evidence item."""
    if not f.evidence:
        return "", ""
    ev = f.evidence[0]
    sources = ev.get("sources") or [{}]
    return ev.get("summary", ""), sources[0].get("url", "")
