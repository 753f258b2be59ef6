"""JSON output: the report as one deterministic JSON document (sorted keys)."""

from __future__ import annotations

import json
from typing import TextIO

from ..report import build_report
from ..scan import ScanResult


def render(results: list[ScanResult], stream: TextIO) -> None:
    json.dump(build_report(results), stream, indent=2, sort_keys=True, ensure_ascii=False)
    stream.write("\n")
