"""CSV output: one row per finding, for spreadsheets.

Spreadsheets evaluate a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and some
also after a leading tab, carriage return or NUL), so scanned text could run formulas on the
reviewer's machine. As OWASP's CSV Injection page advises, such a text cell is written with a single
quote in front (``'=HYPERLINK(...)``); spreadsheets show it as text, and a program reading the file
sees the quote as the first character."""

from __future__ import annotations

import csv
from typing import TextIO

from .. import RenderContext, Report
from ._common import first_source

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")

COLUMNS = [
    "document",
    "path",
    "line",
    "column",
    "rule_id",
    "category",
    "severity",
    "hedged",
    "confidence",
    "substance",
    "target",
    "claim",
    "sentence",
    "evidence_summary",
    "evidence_url",
]


def cell(value: object) -> object:
    """A value as a spreadsheet will read it literally: text that would start a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in report.results:
        doc = result.document
        for f in result.findings:
            line, column = result.location(f)
            summary, url = first_source(f)
            row = [
                doc.id,
                doc.path,
                line,
                column,
                f.rule_id,
                f.category,
                f.severity,
                "true" if f.hedged else "false",
                "" if f.confidence is None else f"{f.confidence:.3f}",
                f.substance or "",
                f.target or "",
                f.text,
                f.sentence,
                summary,
                url,
            ]
            writer.writerow([cell(value) for value in row])
