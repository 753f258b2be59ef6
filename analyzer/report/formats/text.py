"""Plain-text output, in the manner of ruff's: per finding a ``path:line:col: severity category/rule``
line with its qualifiers and basis, the sentence with the claim marked, and one evidence line
(verdict, the entry's first sentence, its source URL); then one summary line.

Lines are cut to ``RenderContext.width``: the terminal's width when writing to a terminal, the
``COLUMNS`` environment variable when it is set, else nothing is cut (a file or a pipe gets every
sentence whole, for grep and editors). ``--quiet`` prints the first line of each finding only,
with the claim's words;
``--statistics`` prints a count per rule instead of the findings. Paths, ids and scanned text are
shown through :func:`~._common.visible`: control and bidi characters appear as escapes, never raw.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from typing import TextIO

from ...findings import Finding, ScanResult
from .. import RenderContext, Report
from ._common import claim_spans, first_source, headline, one_line, qualifiers, short_basis, visible

_COLOURS = {"high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
_BOLD, _DIM, _RESET, _MARK = "\033[1m", "\033[2m", "\033[0m", "\033[1;4m"
# Where a claim starts and ends while a sentence is laid out; visible() escapes these characters in
# scanned text, so only the renderer's own can be present.
_OPEN, _CLOSE = "\x01", "\x02"
INDENT = "    "
_SPACES = re.compile(r"\s+")


def use_colour(stream: TextIO, forced: bool | None = None) -> bool:
    if forced is not None:
        return forced
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def terminal_width(stream: TextIO) -> int | None:
    """Columns to cut lines at: the terminal's (or ``COLUMNS``) for a terminal, ``COLUMNS`` when set
    for anything else, else None (no cut)."""
    if getattr(stream, "isatty", lambda: False)() or os.environ.get("COLUMNS", "").isdigit():
        return max(shutil.get_terminal_size().columns, 40)
    return None


def location(result: ScanResult, f: Finding) -> str:
    """path:line:column of a finding (see ScanResult.location), with a post's id; escaped for a terminal."""
    doc = result.document
    line, column = result.location(f)
    return visible(f"{doc.path}:{line}:{column}" + (f" [{doc.id}]" if doc.source_line is not None else ""))


def marked_sentence(sentence: str, claims: list[str]) -> str:
    """The sentence on one line with each claim between ``_OPEN`` and ``_CLOSE``."""
    out, at = [], 0
    for start, end in claim_spans(sentence, claims):
        out += [sentence[at:start], _OPEN, sentence[start:end], _CLOSE]
        at = end
    out.append(sentence[at:])
    # runs of whitespace become one space; then controls are escaped (the markers are added after)
    text = "".join(p if p in (_OPEN, _CLOSE) else visible(_SPACES.sub(" ", p)) for p in out)
    return text.strip()


def cut(text: str, width: int | None, focus: int = 0) -> str:
    """``text`` in ``width`` characters, keeping position ``focus`` in view; an ellipsis marks each cut."""
    if width is None or len(text) <= width:
        return text
    begin = max(0, min(focus - width // 3, len(text) - width + 1))
    if begin:
        text = "…" + text[begin + 1 :]
    return text if len(text) <= width else text[: width - 1] + "…"


def evidence_line(f: Finding, width: int | None) -> str:
    """``= verdict: first sentence of the entry's summary URL``, the sentence cut to fit the URL in."""
    if not f.evidence:
        return ""
    summary, url = first_source(f)
    head = f"{INDENT}= {f.evidence[0].get('verdict', '').replace('_', ' ')}: "
    url = visible(url)
    room = None if width is None else width - len(head) - len(url) - 1
    if room is not None and room < 12:  # no room for words: the verdict and the URL
        return f"{head}{url}".rstrip()
    return f"{head}{cut(visible(headline(summary)), room)} {url}".rstrip()


def finding_lines(result: ScanResult, f: Finding, context: RenderContext) -> list[str]:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if context.colour else text

    subject = f" [{visible(f.substance)}]" if f.substance else ""
    basis = short_basis(f.basis)
    claim = f' "{one_line(f.text)}"' if context.quiet else ""  # the one line has the claim itself
    where = location(result, f)
    tail = f"{f.category}/{f.rule_id}{claim}{qualifiers(f)}" + (f" basis: {basis}" if basis else "") + subject
    if context.width is not None:  # the location, severity and rule stay whole; the rest is cut to fit
        tail = tail[: len(f.category) + len(f.rule_id) + 1] + cut(
            tail[len(f.category) + len(f.rule_id) + 1 :],
            max(context.width - len(where) - len(f.severity) - len(f.category) - len(f.rule_id) - 4, 1),
        )
    head = f"{paint(where, _BOLD)}: {paint(f.severity, _COLOURS[f.severity])} {tail}"
    if context.quiet:
        return [head]
    sentence = marked_sentence(f.sentence or f.text, [f.text])
    width = None if context.width is None else context.width - len(INDENT)
    shown = cut(sentence, width, max(sentence.find(_OPEN), 0))
    if context.colour:  # a claim cut at the line's end still ends its colour there
        unclosed = shown.count(_OPEN) > shown.count(_CLOSE)
        shown = shown.replace(_OPEN, _MARK).replace(_CLOSE, _RESET) + (_RESET if unclosed else "")
    else:
        shown = shown.replace(_OPEN, "«").replace(_CLOSE, "»")
    return [head, INDENT + shown, evidence_line(f, context.width)]


def statistics_lines(report: Report) -> list[str]:
    """A line per rule: how many findings, ``category/rule``, severity and the rule's message; most first."""
    counts: Counter = Counter()
    about: dict[str, tuple[str, str]] = {}
    for _, f in report.findings():
        key = f"{f.category}/{f.rule_id}"
        counts[key] += 1
        about.setdefault(key, (f.severity, f.message))
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not rows:
        return []
    wide_n = len(str(rows[0][1]))
    wide_key = max(len(k) for k, _ in rows)
    return [f"{n:>{wide_n}}  {k:<{wide_key}}  {about[k][0]:<6}  {about[k][1]}".rstrip() for k, n in rows]


def summary_line(report: Report) -> str:
    summary = report.summary
    total, docs = summary.findings, summary.documents
    parts = [
        f"Found {total} claim{'s' if total != 1 else ''} in {summary.documents_with_findings} of {docs} "
        f"document{'s' if docs != 1 else ''}"
    ]
    if summary.suppressed:
        parts.append(f"{summary.suppressed} suppressed or in the baseline")
    if summary.documents_with_errors:
        parts.append(f"{summary.documents_with_errors} could not be read")
    return "; ".join(parts) + "."


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    w = stream.write
    if context.statistics:
        for line in statistics_lines(report):
            w(line + "\n")
    else:
        for result, f in report.findings():
            w("".join(line + "\n" for line in finding_lines(result, f, context) if line))
    if not context.quiet:
        summary = summary_line(report)
        w((f"{_DIM}{summary}{_RESET}" if context.colour else summary) + "\n")
