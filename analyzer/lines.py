"""What a line is, defined once: every line and column the tool reports is counted here.

A line ends at CR LF, LF, a lone CR, NEL (U+0085), LINE SEPARATOR (U+2028) or PARAGRAPH
SEPARATOR (U+2029): the newline functions of the Unicode Newline Guidelines (UTR #13). Form
feed and vertical tab are not line breaks (editors show them inside a line). Columns count characters (code points) from
1 at the start of the line.
"""

from __future__ import annotations

import bisect
import re

LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_BYTE_BREAK = re.compile(rb"\r\n|[\n\r]|\xc2\x85|\xe2\x80[\xa8\xa9]")


def line_starts(text: str) -> list[int]:
    """The offset at which each line starts (the first is 0)."""
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def line_at(text: str, offset: int) -> int:
    """The 1-based line of a character offset."""
    return 1 + sum(1 for _ in LINE_BREAK.finditer(text, 0, offset))


def byte_line_at(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset in UTF-8 (or undecodable) bytes, with the same line breaks."""
    return 1 + sum(1 for _ in _BYTE_BREAK.finditer(data, 0, offset))


def count_lines(text: str) -> int:
    """How many lines ``text`` spans (a text without a line break is one line)."""
    return line_at(text, len(text))


class LineIndex:
    """Maps a character offset to a 1-based (line, column)."""

    def __init__(self, text: str):
        self.starts = line_starts(text)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1
