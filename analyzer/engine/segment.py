"""Sentence boundaries for marketing copy.

spaCy's statistical parsers are trained on edited prose; marketing pages are
made of headings without full stops, numbered and bulleted lists and question
headings. This component marks a sentence start:

- after a line break (a heading, a list item, a paragraph);
- after ``.``, ``!``, ``?`` or ``…`` when the next word does not continue the
  sentence (lower-case continuation, closing quotes and brackets are kept);
- at a list marker (``•``, ``-``, ``*``, ``1.``) that opens a line, which then
  belongs to its item rather than to the previous one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from operator import methodcaller
from typing import NamedTuple

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_END = {".", "!", "?", "…", "!!", "!!!", "??", "???", "?!", "!?", "?!?", "...", "...."}
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
_NO_OPEN = _CLOSERS | _END | {",", ";", ":"}
_BULLETS = {"•", "·", "-", "*", "–", "—", "▪", "●", "◦", "✓", "✔", "➤", "→", ">"}


# Each token becomes one byte whose bits are its properties (see type_code);
# the rules above are then one regular expression over those bytes, run in C.
_SPACE, _LOWER, _ENDS, _CLOSER, _NO_OPEN_BIT, _NEWLINE, _COLON = (1 << k for k in range(7))


def _byte_class(test) -> bytes:
    return b"[" + b"".join(re.escape(bytes([code])) for code in range(128) if test(code)) + b"]"


_OPENS = _byte_class(lambda c: not c & (_SPACE | _LOWER | _NO_OPEN_BIT))  # a word that may open a sentence
# A sentence starts at the first word after a line break, or at a word that may open
# one after an end mark (and a closing quote or bracket).
_STARTS = re.compile(
    _byte_class(lambda c: c & _NEWLINE)
    + _byte_class(lambda c: c & _SPACE)
    + b"*(?="
    + _byte_class(lambda c: not c & _SPACE)
    + b")|"
    + _byte_class(lambda c: c & _ENDS)
    + _byte_class(lambda c: c & _CLOSER)
    + b"?(?="
    + _OPENS
    + b")"
)
_LABEL_COLON = re.compile(_byte_class(lambda c: c & _COLON) + b"(?=" + _OPENS + b")")


def type_code(lexeme) -> int:
    """A word type's code byte: the bits the sentence-start rules test, one per property."""
    text = lexeme.orth_
    return (
        (_SPACE if lexeme.is_space else 0)
        | (_LOWER if lexeme.is_lower else 0)
        | (_ENDS if text in _END else 0)
        | (_CLOSER if text in _CLOSERS else 0)
        | (_NO_OPEN_BIT if text in _NO_OPEN else 0)
        | (_NEWLINE if "\n" in text and not text.strip() else 0)
        | (_COLON if text == ":" else 0)
    )


class Segmenter:
    """Sentence starts of docs; the ``healthclaims_sentencizer`` component.

    It keeps each word type's code byte (:func:`type_code`) once computed, so a
    doc's codes are one dictionary lookup per token.
    """

    def __init__(self):
        self._codes: dict[int, int] = {}

    def codes(self, doc: Doc) -> bytes:
        """One :func:`type_code` byte per token."""
        known = self._codes
        out = bytearray(len(doc))
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            code = known.get(orth)
            if code is None:
                code = known[orth] = type_code(doc.vocab[orth])
            out[i] = code
        return bytes(out)

    def starts(self, doc: Doc, codes: bytes | None = None) -> list[int]:
        """Token indices where a sentence starts (always including 0 for a non-empty doc).

        ``codes`` are the doc's :meth:`codes`, when the caller has them.
        """
        if len(doc) == 0:
            return []
        return _starts(doc, self.codes(doc) if codes is None else codes)

    def __call__(self, doc: Doc) -> Doc:
        """Mark sentence starts on the doc."""
        n = len(doc)
        if n:
            starts = numpy.full(n, -1, dtype="int64")
            starts[self.starts(doc)] = 1
            doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
        return doc

    def ensure(self, doc: Doc) -> Doc:
        """Segment a doc that has no sentence boundaries yet (e.g. in a blank pipeline)."""
        if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
            self(doc)
        return doc


def sentence_starts(doc: Doc) -> list[int]:
    """Token indices where a sentence starts (see :class:`Segmenter`)."""
    return Segmenter().starts(doc)


def set_sentence_starts(doc: Doc) -> Doc:
    return Segmenter()(doc)


def _starts(doc: Doc, codes: bytes) -> list[int]:
    starts = [0, *map(_match_end, _STARTS.finditer(codes))]
    # "1. Mood Enhancement: One of the most..." - a list label, then its text
    if _LABEL_COLON.search(codes) is None:  # most texts: no colon before a word that may open a sentence
        return starts
    labelled = [m.end() for m in _LABEL_COLON.finditer(codes) if _is_label(doc, m.start())]
    if labelled:
        starts = sorted(set(starts).union(labelled))
    return starts


_match_end = methodcaller("end")


def _is_label(doc: Doc, colon: int) -> bool:
    """A short title-like run of words from the line start up to a colon."""
    words = 0
    j = colon - 1
    while j >= 0 and not (doc[j].is_space and "\n" in doc[j].text):
        tok = doc[j]
        if tok.is_alpha:
            words += 1
            if words > 6 or not (
                tok.is_title or tok.is_upper or tok.lower_ in {"and", "of", "for", "the", "to", "in", "a"}
            ):
                return False
        j -= 1
    return words >= 1


@Language.factory(
    "healthclaims_sentencizer",
    default_config={},
)
def make_sentencizer(nlp: Language, name: str) -> Segmenter:
    return Segmenter()


class SentenceBounds(NamedTuple):
    """A sentence as token offsets into its doc (lighter than a Span)."""

    start: int
    end: int
    doc: Doc


class Sentences:
    """Sentence boundaries of a doc.

    Boundaries already set on the doc (by a parser or a sentencizer) are used;
    otherwise they are computed from the doc's :meth:`Segmenter.codes`, without
    writing them to the doc.
    """

    def __init__(self, doc: Doc, codes: bytes):
        """``codes``: the doc's :meth:`Segmenter.codes` (read only if the doc has no boundaries)."""
        self.doc = doc
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            starts = numpy.nonzero(doc.to_array([SENT_START]).astype("int64") == 1)[0].tolist()
            if not starts or starts[0] != 0:
                starts = [0, *starts]
        else:
            starts = (_starts(doc, codes) if len(doc) else []) or [0]
        self.starts: list[int] = starts

    def group(self, spans: list) -> dict[int, list]:
        """Sentence index -> the spans (anything with a ``start`` token) that start in it, in order."""
        starts = self.starts
        by_sent: dict[int, list] = {}
        for span in spans:
            by_sent.setdefault(bisect_right(starts, span.start) - 1, []).append(span)
        return by_sent

    def bounds(self, k: int) -> tuple[int, int]:
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)
        return self.starts[k], end

    def __getitem__(self, k: int) -> SentenceBounds:
        return SentenceBounds(*self.bounds(k), self.doc)
