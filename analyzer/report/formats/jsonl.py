"""JSON Lines for bulk runs: one line per document, written as each one finishes, in input order.

A killed run leaves a valid prefix, which ``--resume`` continues. Each line stands alone: a
finding's first evidence reference carries the entry's verdict, headline and URL, the others
their ids (``healthclaims evidence show ID`` prints an entry in full).
"""

from __future__ import annotations

import json
from typing import TextIO

from ...findings import ScanResult
from .. import RenderContext, Report, document_entry

_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def line(result: ScanResult) -> str:
    return _encode(document_entry(result, lead=True)) + "\n"


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    for result in report.results:
        stream.write(line(result))
        stream.flush()


class WorkerLine:
    """Applies the run's configuration and renders the JSON line inside a worker process.

    Used by ``--jobs`` runs without a baseline or ``--diff`` (those need state
    that lives in the parent). Returns (line, status, severities, messages, size).
    """

    def __init__(self, config):
        self.config = config

    def __call__(self, result: ScanResult) -> tuple[str, str, list[str], list[str], int]:
        from ...run.policy import Policy

        Policy(self.config).apply(result)
        messages = [p.format() for p in (*result.document.problems, *result.notes)]
        return (
            line(result),
            result.document.status,
            [f.severity for f in result.findings],
            messages,
            result.document.size,
        )
