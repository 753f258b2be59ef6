"""JSON Lines for bulk runs: one line per document, written as each one finishes, in input order.

A killed run leaves a valid prefix, which ``--resume`` continues.
"""

from __future__ import annotations

import json
from typing import Iterable, TextIO

from ..report import document_entry
from ..scan import ScanResult


def line(result: ScanResult) -> str:
    return json.dumps(document_entry(result), sort_keys=True, ensure_ascii=False) + "\n"


def render(results: Iterable[ScanResult], stream: TextIO) -> None:
    for result in results:
        stream.write(line(result))
        stream.flush()
