"""Markdown summary, for a pull-request comment or a moderation ticket."""

from __future__ import annotations

from typing import TextIO

from .. import RenderContext, Report
from ._common import qualifiers

SEVERITIES = ("high", "medium", "low")


def _md(text: str) -> str:
    """Escape scanned text so it renders as text, not markup."""
    out = []
    for ch in text:
        if ch in "\\`*_{}[]()<>#+!|~":
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _highlight(sentence: str, claim: str) -> str:
    at = sentence.find(claim)
    if at == -1:
        return _md(sentence)
    return f"{_md(sentence[:at])}**{_md(claim)}**{_md(sentence[at + len(claim) :])}"


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    w = stream.write
    summary = report.summary
    w("## healthclaims report\n\n")
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
    for r, f in report.findings():
        line, column = r.location(f)
        subject = f" [{_md(f.substance)}]" if f.substance else ""
        w(f"### `{r.document.path}:{line}:{column}` {f.severity} {f.category}{qualifiers(f)}{subject}\n\n")
        w(f"> {_highlight(f.sentence, f.text)}\n\n")
        w(f"{_md(f.message)} Rule `{f.rule_id}`.\n\n")
        for ev in f.evidence:
            links = ", ".join(
                f"[{_md(s.get('publisher') or s.get('title', 'source'))}{', ' + str(s['year']) if s.get('year') else ''}]"
                f"(<{s['url']}>)"
                for s in ev.get("sources", [])
                if s.get("url")
            )
            w(f"- **{ev.get('verdict', '').replace('_', ' ')}**: {_md(ev.get('summary', ''))} {links}\n")
        w("\n")
    problems = [(r, p) for r in report.results for p in r.document.problems]
    if problems:
        w("### Input problems\n\n")
        for _, p in problems:
            w(f"- {_md(p.format())}\n")
