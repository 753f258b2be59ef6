"""Helpers shared by the report renderers."""

from __future__ import annotations

import functools
import hashlib
import re
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


# Characters that must not reach a terminal or a rendered page raw: C0 and C1 controls (ANSI and OSC
# escapes start with them), bidirectional overrides and isolates, line and paragraph separators, and
# lone surrogates.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_hidden(match: re.Match) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def visible(text: str) -> str:
    """``text`` with every control, bidi and separator character shown as an escape (``\\x1b``,
    ``\\u202e``, ``\\n``), so a path, id or post cannot move the cursor, set a title or mirror text."""
    return _HIDDEN.sub(_escape_hidden, text)


def one_line(text: str) -> str:
    """Scanned text for a one-line display: runs of whitespace as one space, the rest :func:`visible`."""
    return visible(" ".join(text.split()))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@functools.lru_cache(maxsize=4096)
def headline(summary: str, limit: int = 160) -> str:
    """An evidence summary's first sentence, cut at a word to ``limit`` characters."""
    first = _SENTENCE_END.split(" ".join(summary.split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


_AUTHORITY = re.compile(r"\d+ CFR \d+\.\d+(?:\([a-z]\))?|FD&C Act|\bFTC\b|\bFDA\b")


def short_basis(basis: dict) -> str:
    """A rule's basis in short form: the regulations and agencies its authority names, in order
    (``21 CFR 101.93(g) / FD&C Act``, ``FTC``); else the authority's first part."""
    authority = basis.get("authority") or ""
    named = list(dict.fromkeys(_AUTHORITY.findall(authority)))
    return " / ".join(named) if named else authority.split(";")[0].strip()


def claim_spans(sentence: str, claims: list[str]) -> list[tuple[int, int]]:
    """Where each claim text is in its sentence: sorted, overlapping spans merged; texts not found are left out."""
    spans = []
    for claim in claims:
        at = sentence.find(claim)
        if at != -1 and claim:
            spans.append((at, at + len(claim)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
