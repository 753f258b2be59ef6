"""Plain-text output: one line per finding, a problem line per unreadable input, one summary line."""

from __future__ import annotations

import os
from typing import TextIO

from ..scan import ScanResult

_COLOURS = {"high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def use_colour(stream: TextIO, forced: bool | None = None) -> bool:
    if forced is not None:
        return forced
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def location(result: ScanResult, line: int, column: int) -> str:
    doc = result.document
    if doc.source_line is not None:
        # a JSONL post: the record's line in the file, the column within the post
        return f"{doc.path}:{doc.source_line + line - 1}:{column} [{doc.id}]"
    return f"{doc.path}:{line}:{column}"


def render(results: list[ScanResult], stream: TextIO, colour: bool, quiet: bool = False) -> None:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    total = 0
    for result in results:
        for f in result.findings:
            total += 1
            where = paint(location(result, f.line, f.column), _BOLD)
            sev = paint(f.severity, _COLOURS[f.severity])
            hedge = " (hedged)" if f.hedged else ""
            subject = f" [{f.substance}]" if f.substance else ""
            line = f"{where}: {sev} {f.category}/{f.rule_id}{hedge}: \"{f.text}\"{subject}"
            if f.evidence:
                ev = f.evidence[0]
                src = ev["sources"][0]
                year = f", {src['year']}" if src.get("year") else ""
                line += f" -> {ev['summary']} ({src['publisher']}{year}: {src['url']})"
            stream.write(line + "\n")
    docs = len(results)
    flagged = sum(1 for r in results if r.findings)
    errors = sum(1 for r in results if r.document.status == "error")
    if not quiet or total:
        parts = [f"Found {total} claim{'s' if total != 1 else ''} in {flagged} of {docs} document{'s' if docs != 1 else ''}"]
        suppressed = sum(len(r.suppressed) for r in results)
        if suppressed:
            parts.append(f"{suppressed} suppressed or in the baseline")
        if errors:
            parts.append(f"{errors} could not be read")
        stream.write(paint("; ".join(parts) + ".", _DIM) + "\n")
