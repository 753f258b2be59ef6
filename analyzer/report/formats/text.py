"""Plain-text output: one line per finding, a problem line per unreadable input, one summary line."""

from __future__ import annotations

import os
from typing import TextIO

from ...findings import Finding, ScanResult
from .. import RenderContext, Report
from ._common import qualifiers

_COLOURS = {"high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def use_colour(stream: TextIO, forced: bool | None = None) -> bool:
    if forced is not None:
        return forced
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def location(result: ScanResult, f: Finding) -> str:
    """path:line:column of a finding (see ScanResult.location), with a post's id."""
    doc = result.document
    line, column = result.location(f)
    return f"{doc.path}:{line}:{column}" + (f" [{doc.id}]" if doc.source_line is not None else "")


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if context.colour else text

    for result, f in report.findings():
        where = paint(location(result, f), _BOLD)
        sev = paint(f.severity, _COLOURS[f.severity])
        subject = f" [{f.substance}]" if f.substance else ""
        line = f'{where}: {sev} {f.category}/{f.rule_id}{qualifiers(f)}: "{f.text}"{subject}'
        if f.evidence:
            ev = f.evidence[0]
            src = ev["sources"][0]
            year = f", {src['year']}" if src.get("year") else ""
            line += f" -> {ev['summary']} ({src['publisher']}{year}: {src['url']})"
        stream.write(line + "\n")
    summary = report.summary
    total, docs = summary.findings, summary.documents
    if not context.quiet or total:
        parts = [
            f"Found {total} claim{'s' if total != 1 else ''} in {summary.documents_with_findings} of {docs} "
            f"document{'s' if docs != 1 else ''}"
        ]
        if summary.suppressed:
            parts.append(f"{summary.suppressed} suppressed or in the baseline")
        if summary.documents_with_errors:
            parts.append(f"{summary.documents_with_errors} could not be read")
        stream.write(paint("; ".join(parts) + ".", _DIM) + "\n")
