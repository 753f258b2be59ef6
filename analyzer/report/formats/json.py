"""JSON output: the report as one deterministic JSON document (sorted keys).

Laid out for reading and diffing at the size of an export: objects are indented down to each
finding, problem and evidence source, which stay on one line each. Written document by document.
"""

from __future__ import annotations

import json
from typing import TextIO

from .. import SCHEMA_VERSION, RenderContext, Report, __version__, document_entry, summarize, tables

# Levels of nesting laid out over lines; deeper values are written on one line.
DEPTH = 4
_compact = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": ")).encode


def layout(value, depth: int = DEPTH, indent: int = 0) -> str:
    """``value`` as JSON with sorted keys, indented by two spaces down to ``depth`` levels."""
    if depth == 0 or not isinstance(value, (dict, list)) or not value:
        return _compact(value)
    pad, end = "  " * (indent + 1), "  " * indent
    if isinstance(value, dict):
        items = [f"{pad}{_compact(k)}: {layout(v, depth - 1, indent + 1)}" for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    return "[\n" + ",\n".join(pad + layout(v, depth - 1, indent + 1) for v in value) + "\n" + end + "]"


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    results = report.results
    evidence, rules = tables(results)
    w = stream.write
    w('{\n  "documents": [')
    for n, result in enumerate(results):
        w(",\n    " if n else "\n    ")
        w(layout(document_entry(result), DEPTH - 2, 2))
    w("\n  ]," if results else "],")
    w(f'\n  "evidence": {layout(evidence, DEPTH - 1, 1)},')
    w(f'\n  "rules": {layout(rules, DEPTH - 1, 1)},')
    w(f'\n  "schema_version": {_compact(SCHEMA_VERSION)},')
    w(f'\n  "summary": {layout(summarize(results), DEPTH - 1, 1)},')
    w(f'\n  "tool": {_compact({"name": "healthclaims", "version": __version__})}\n}}\n')
