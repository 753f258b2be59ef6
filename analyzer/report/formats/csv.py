"""CSV output: one row per finding, for spreadsheets."""

from __future__ import annotations

import csv
from typing import TextIO

from .. import RenderContext, Report
from ._common import first_source

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


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for result in report.results:
        doc = result.document
        for f in result.findings:
            line, column = result.location(f)
            summary, url = first_source(f)
            writer.writerow(
                [
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
            )
