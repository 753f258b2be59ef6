"""Text normalised before matching, with a map back to the original offsets.

Web text hides words from a matcher, by accident or on purpose: "cu\u00adres"
(a soft hyphen), "cu\u200bres" (a zero-width space), "\u202ecures" (a bidi
control), "ｃｕｒｅｓ" (full-width letters), "cur\u0435s" (a Cyrillic "е" among
Latin letters). :func:`normalize` undoes these:

- Unicode NFKC (full-width and compatibility forms, ligatures, composed accents);
- zero-width characters, soft hyphens and bidi controls are removed;
- in a word that mixes Latin letters with Cyrillic or Greek look-alikes, the
  look-alikes become the Latin letters they imitate (a word wholly in another
  script is left alone);
- a hyphen that ends a word before a space ("Ashwagandha- calms anxiety", a list
  label) becomes a dash, which the tokenizer splits from the word as it does "–".

The result keeps, for each of its characters, the span of the original text it
came from, so a finding on the normalised text maps back to offsets (and so to
lines and columns) in the original (:meth:`Normalized.restore`). Text that
needs none of this, such as plain ASCII, is returned as ``None`` at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..findings import Finding

# Characters removed: zero-width space, non-joiner, joiner, word joiner, BOM; soft hyphen;
# bidi marks, embeddings, overrides and isolates; the Arabic letter mark; Mongolian vowel separator.
INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e"
)
# Cyrillic and Greek letters that look like Latin ones, and the Latin letter each imitates.
LOOKALIKES = {
    **dict(zip("аеорсухіјѕԁӏ", "aeopcyxijsdl")),
    **dict(zip("АВЕКМНОРСТХІЈЅ", "ABEKMHOPCTXIJS")),
    **dict(zip("οαικνρτυχ", "oaikvptux")),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")),
}
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_LOOKALIKE = re.compile(f"[{''.join(LOOKALIKES)}]")
_MIXED_WORD = re.compile(r"\w+")
_LABEL_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=\s)")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
# any of the above in a text that is already NFKC
_SUSPECT = re.compile(f"[{INVISIBLE}{''.join(LOOKALIKES)}]|{_LABEL_HYPHEN.pattern}")


@dataclass(frozen=True)
class Normalized:
    """A normalised text, with the original span ``[starts[i], ends[i])`` of each character ``i``
    (``None``: one character for one, the same offsets)."""

    original: str
    text: str
    starts: list[int] | None
    ends: list[int] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of characters [start, end) of the normalised text."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def restore(self, findings: list[Finding]) -> list[Finding]:
        """``findings`` on the normalised text, made findings on the original (offsets, text and
        sentence)."""
        for f in findings:
            before, after = getattr(f, "sentence_around", (None, None))
            if before is not None:  # the sentence as the original has it (hidden characters and all)
                s, e = self.span(f.start - before, f.end + after)
                f.sentence = " ".join(self.original[s:e].split())
            f.start, f.end = self.span(f.start, f.end)
            f.text = self.original[f.start : f.end]
        return findings


def needs_normalizing(text: str) -> bool:
    """Whether :func:`normalize` would change ``text`` (cheap: C-level tests, ASCII first)."""
    if text.isascii():
        return _may_hold_label_hyphen(text) and _LABEL_HYPHEN.search(text) is not None
    return not unicodedata.is_normalized("NFKC", text) or _SUSPECT.search(text) is not None


def _may_hold_label_hyphen(text: str) -> bool:
    """A quick test (substring search) before the regular expression's slower one."""
    return "- " in text or "-\n" in text or "-\t" in text or "-\r" in text


def normalize(text: str) -> Normalized | None:
    """``text`` normalised (see the module docstring), or ``None`` when nothing changes."""
    if not needs_normalizing(text):
        return None
    if text.isascii():
        return Normalized(text, _LABEL_HYPHEN.sub("\u2013", text), None, None)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _NOT_ASCII.finditer(text):
        first = m.start()
        if first > pos and unicodedata.combining(text[first]):
            first -= 1  # the letter the marks combine with
        if first > pos:  # ASCII stays as it is
            out.append(text[pos:first])
            starts.extend(range(pos, first))
            ends.extend(range(pos + 1, first + 1))
        pos = _normalize_run(text, first, m.end(), out, starts, ends)
    out.append(text[pos:])
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    normalized = _LABEL_HYPHEN.sub("\u2013", _unmask_lookalikes("".join(out)))
    if normalized == text:
        return None
    return Normalized(text, normalized, starts, ends)


def _normalize_run(text: str, i: int, end: int, out: list[str], starts: list[int], ends: list[int]) -> int:
    """NFKC of text[i:end] without invisible characters, each letter with its combining marks
    (which may follow ``end``); appends to ``out`` and the maps, returns where it stopped."""
    n = len(text)
    while i < end:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text[i:j]))
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return i


def _unmask_lookalikes(text: str) -> str:
    """Latin letters for the Cyrillic and Greek look-alikes in words that also hold Latin letters
    (the same length: one letter for one)."""
    if _LOOKALIKE.search(text) is None:
        return text

    def latin(m: re.Match) -> str:
        word = m.group()
        if _LOOKALIKE.search(word) is None or not any("a" <= c.lower() <= "z" for c in word):
            return word
        return "".join(LOOKALIKES.get(c, c) for c in word)

    return _MIXED_WORD.sub(latin, text)
