"""GitHub Actions workflow commands: one annotation per finding, shown inline on pull requests.

The runner reads a workflow command from any line of a step's stdout or stderr that starts with
``::`` (``::error file=...::message``) and from any line holding ``##[`` (the old syntax), and it splits
lines at CR and LF. Scanned text and file names are escaped as the runner's own escaping rules
(actions/runner ``ActionCommand``) expect: ``%``, CR and LF in the message, and also ``:`` and ``,`` in
properties, are percent-encoded, so a file named ``x\n::error ...`` cannot start a command of its own."""

from __future__ import annotations

import os
from typing import TextIO

from .. import RenderContext, Report
from ._common import first_source, qualifiers, relative_path

COMMAND = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def inert(message: str) -> str:
    """``message`` as one plain log line the runner does not read as a workflow command."""
    return escape_data(message).replace("::", "%3A%3A").replace("##[", "##%5B")


def stderr_text(message: str) -> str:
    """What to print on stderr for ``message``: inside GitHub Actions (``GITHUB_ACTIONS=true``), where
    the runner parses stderr for workflow commands whatever ``--format`` is, an :func:`inert` line."""
    return inert(message) if os.environ.get("GITHUB_ACTIONS") == "true" else message


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    for result in report.results:
        path = relative_path(result.document.path)
        for f in result.findings:
            line, column = result.location(f)
            props = [f"file={escape_property(path)}", f"line={line}"]
            if result.document.source_line is None:
                end_line, end_column = result.end_position(f)
                props += [f"col={column}", f"endLine={end_line}", f"endColumn={end_column}"]
            props.append(f"title={escape_property(f'healthclaims {f.rule_id} ({f.severity})')}")
            summary, url = first_source(f)
            message = f'{f.category}{qualifiers(f)}: "{f.text}". {f.message}'
            if summary:
                message += f" Counter-evidence: {summary}"
            if url:
                message += f" ({url})"
            stream.write(f"::{COMMAND[f.severity]} {','.join(props)}::{escape_data(message)}\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        from . import markdown

        with open(summary_path, "a", encoding="utf-8") as fh:
            markdown.render(report, fh, context)
