"""Markdown summary, for a pull-request comment or a moderation ticket.

One block per flagged sentence, with every claim in it marked and its findings listed under it;
the evidence the findings cite follows once, at the end, each entry under its id (findings link
to it). Scanned text is escaped: markup shows as text, control characters as escapes, and
``@name`` or ``#123`` in a post mentions or links nothing.
"""

from __future__ import annotations

import itertools
from typing import TextIO

from ...findings import Finding, ScanResult
from .. import RenderContext, Report, tables
from ._common import claim_spans, qualifiers, visible

SEVERITIES = ("high", "medium", "low")
# A zero-width space after @ and # keeps GitHub from turning them into mentions and issue links.
_ESCAPES = {**{ch: "\\" + ch for ch in "\\`*_{}[]()<>+!|~&"}, "@": "@&#8203;", "#": "#&#8203;"}
_ESCAPES.update({"\r": " ", "\n": " "})
_TABLE = str.maketrans(_ESCAPES)


def _md(text: str) -> str:
    """Escape scanned text so it renders as text, not markup, mentions or links."""
    return visible(text.translate(_TABLE))


def _highlight(sentence: str, claims: list[str]) -> str:
    out, at = [], 0
    for start, end in claim_spans(sentence, claims):
        out.append(f"{_md(sentence[at:start])}**{_md(sentence[start:end])}**")
        at = end
    return "".join(out) + _md(sentence[at:])


def _summary_table(report: Report, w) -> None:
    summary = report.summary
    w(
        f"{summary.findings} claim{'s' if summary.findings != 1 else ''} in {summary.documents_with_findings} of "
        f"{summary.documents} document{'s' if summary.documents != 1 else ''}.\n\n"
    )
    if summary.findings:
        w("| category | " + " | ".join(SEVERITIES) + " | total |\n")
        w("| --- |" + " --- |" * (len(SEVERITIES) + 1) + "\n")
        for c in summary.categories():
            row = [summary.count(c, s) for s in SEVERITIES]
            w(f"| {c} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |\n")
        w("\n")


def _finding_item(r: ScanResult, f: Finding) -> str:
    line, column = r.location(f)
    subject = f" \\[{_md(f.substance)}\\]" if f.substance else ""
    basis = f.basis.get("authority", "")
    refs = ", ".join(f"[{_md(ev['id'])}](#{ev['id']}) ({ev['fit']})" for ev in f.evidence)
    return (
        f"- {line}:{column} **{f.severity}** {f.category}/{f.rule_id}{qualifiers(f)}{subject}: "
        f"**{_md(f.text)}**. {_md(f.message)}"
        + (f" Basis: {_md(basis)}." if basis else "")
        + (f" Evidence: {refs}." if refs else "")
        + "\n"
    )


def _sentence_blocks(report: Report, w) -> None:
    for _, group in itertools.groupby(report.findings(), key=lambda rf: (id(rf[0]), rf[1].sentence)):
        pairs = list(group)
        r, sentence, findings = pairs[0][0], pairs[0][1].sentence, [f for _, f in pairs]
        line, _ = r.location(findings[0])
        where = _md(r.document.path) + (f" \\[{_md(r.document.id)}\\]" if r.document.source_line is not None else "")
        n = len(findings)
        w(f"### {where}:{line} ({n} claim{'s' if n != 1 else ''})\n\n")
        w(f"> {_highlight(sentence or findings[0].text, [f.text for f in findings])}\n\n")
        w("".join(_finding_item(r, f) for f in findings) + "\n")


def _evidence_section(report: Report, w) -> None:
    evidence, _ = tables(report.results)
    if not evidence:
        return
    w("## Evidence\n\n")
    for entry_id, ev in evidence.items():
        links = ", ".join(
            f"[{_md(s.get('publisher') or s.get('title', 'source'))}{', ' + str(s['year']) if s.get('year') else ''}]"
            f"(<{s['url']}>)"
            for s in ev.get("sources", [])
            if s.get("url")
        )
        w(f"#### {_md(entry_id)}\n\n**{ev.get('verdict', '').replace('_', ' ')}**: {_md(ev.get('summary', ''))}")
        w(f" {links}\n\n" if links else "\n\n")


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    w = stream.write
    w("## healthclaims report\n\n")
    _summary_table(report, w)
    _sentence_blocks(report, w)
    _evidence_section(report, w)
    problems = [p for r in report.results for p in r.document.problems]
    if problems:
        w("### Input problems\n\n")
        for p in problems:
            w(f"- {_md(p.format())}\n")
