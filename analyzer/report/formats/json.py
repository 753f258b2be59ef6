"""JSON output: the report as one deterministic JSON document (sorted keys)."""

from __future__ import annotations

import json
from typing import TextIO

from .. import RenderContext, Report, build_report


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    json.dump(build_report(report.results), stream, indent=2, sort_keys=True, ensure_ascii=False)
    stream.write("\n")
