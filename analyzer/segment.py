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
from operator import methodcaller
from typing import NamedTuple

import numpy
from spacy.attrs import IS_LOWER, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_END = {".", "!", "?", "…", "!!", "!!!", "??", "???", "?!", "!?", "?!?", "...", "...."}
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
_NO_OPEN = _CLOSERS | _END | {",", ";", ":"}
_FLAGS: dict[int, tuple] = {}


def _flags(vocab) -> tuple[int, ...]:
    """Lexeme flags (computed once per word type, read in C by Doc.to_array)."""
    key = id(vocab)
    if key not in _FLAGS:
        ids = (
            vocab.add_flag(lambda text: text in _END),
            vocab.add_flag(lambda text: text in _CLOSERS),
            vocab.add_flag(lambda text: text in _NO_OPEN),
            vocab.add_flag(lambda text: "\n" in text and not text.strip()),
            vocab.add_flag(lambda text: text == ":"),
        )
        _FLAGS[key] = (vocab, *ids)
    return _FLAGS[key][1:]


_BULLETS = {"•", "·", "-", "*", "–", "—", "▪", "●", "◦", "✓", "✔", "➤", "→", ">"}


def sentence_attrs(vocab) -> list[int]:
    """The token attributes :func:`sentence_starts` reads, in its order."""
    return [IS_SPACE, IS_LOWER, *_flags(vocab)]


# Each token becomes one byte whose bits are its sentence_attrs (in that order);
# the rules above are then one regular expression over those bytes, run in C.
_SPACE, _LOWER, _ENDS, _CLOSER, _NO_OPEN_BIT, _NEWLINE, _COLON = (1 << k for k in range(7))
_BIT_WEIGHTS = numpy.array([1 << k for k in range(7)], dtype="uint64")


def _byte_class(test) -> bytes:
    return b"[" + b"".join(re.escape(bytes([code])) for code in range(128) if test(code)) + b"]"


_OPENS = _byte_class(lambda c: not c & (_SPACE | _LOWER | _NO_OPEN_BIT))  # a word that may open a sentence
# A sentence starts at the first word after a line break, or at a word that may open
# one after an end mark (and a closing quote or bracket).
_STARTS = re.compile(
    _byte_class(lambda c: c & _NEWLINE) + _byte_class(lambda c: c & _SPACE) + b"*(?="
    + _byte_class(lambda c: not c & _SPACE) + b")|"
    + _byte_class(lambda c: c & _ENDS) + _byte_class(lambda c: c & _CLOSER) + b"?(?=" + _OPENS + b")"
)
_LABEL_COLON = re.compile(_byte_class(lambda c: c & _COLON) + b"(?=" + _OPENS + b")")


def type_code(lexeme) -> int:
    """A word type's code byte: its :func:`sentence_attrs` as bits (see :func:`token_codes`)."""
    return sum(1 << k for k, attr in enumerate(sentence_attrs(lexeme.vocab)) if _lexeme_attr(lexeme, attr))


def _lexeme_attr(lexeme, attr: int) -> bool:
    if attr == IS_SPACE:
        return lexeme.is_space
    if attr == IS_LOWER:
        return lexeme.is_lower
    return lexeme.check_flag(attr)


def token_codes(columns: numpy.ndarray) -> bytes:
    """One byte per token from an array of :func:`sentence_attrs` columns."""
    return (columns @ _BIT_WEIGHTS).astype("uint8").tobytes()


def sentence_starts(doc: Doc, codes: bytes | None = None) -> list[int]:
    """Token indices where a sentence starts (always including 0 for a non-empty doc).

    ``codes`` are the doc's :func:`token_codes`, when the caller has read them.
    """
    if len(doc) == 0:
        return []
    if codes is None:
        codes = token_codes(doc.to_array(sentence_attrs(doc.vocab)))
    starts = [0, *map(_match_end, _STARTS.finditer(codes))]
    # "1. Mood Enhancement: One of the most..." - a list label, then its text
    if _LABEL_COLON.search(codes) is None:  # most texts: no colon before a word that may open a sentence
        return starts
    labelled = [m.end() for m in _LABEL_COLON.finditer(codes) if _is_label(doc, m.start())]
    if labelled:
        starts = sorted(set(starts).union(labelled))
    return starts


_match_end = methodcaller("end")


def set_sentence_starts(doc: Doc) -> Doc:
    n = len(doc)
    if n == 0:
        return doc
    starts = numpy.full(n, -1, dtype="int64")
    starts[sentence_starts(doc)] = 1
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
    return doc


def _is_label(doc: Doc, colon: int) -> bool:
    """A short title-like run of words from the line start up to a colon."""
    words = 0
    j = colon - 1
    while j >= 0 and not (doc[j].is_space and "\n" in doc[j].text):
        tok = doc[j]
        if tok.is_alpha:
            words += 1
            if words > 6 or not (tok.is_title or tok.is_upper or tok.lower_ in {"and", "of", "for", "the", "to", "in", "a"}):
                return False
        j -= 1
    return words >= 1


@Language.factory(
    "healthclaims_sentencizer",
    default_config={},
)
def make_sentencizer(nlp: Language, name: str):
    return set_sentence_starts


def ensure_sentences(doc: Doc) -> Doc:
    """Segment a doc that has no sentence boundaries yet (e.g. a blank pipeline)."""
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        set_sentence_starts(doc)
    return doc


class SentenceBounds(NamedTuple):
    """A sentence as token offsets into its doc (lighter than a Span)."""

    start: int
    end: int
    doc: Doc


class Sentences:
    """Sentence boundaries of a doc.

    Boundaries already set on the doc (by a parser or a sentencizer) are used;
    otherwise they are computed with :func:`sentence_starts`, without writing
    them to the doc.
    """

    def __init__(self, doc: Doc, codes: bytes | None = None, annotated: bool | None = None):
        """``codes``: the doc's :func:`token_codes`, when the caller has read them;
        ``annotated``: whether the doc has sentence boundaries, when the caller knows."""
        self.doc = doc
        if annotated is None:
            annotated = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
        if annotated:
            starts = numpy.nonzero(doc.to_array([SENT_START]).astype("int64") == 1)[0].tolist()
            if not starts or starts[0] != 0:
                starts = [0, *starts]
        else:
            starts = sentence_starts(doc, codes) or [0]
        self.starts: list[int] = starts

    def bounds(self, k: int) -> tuple[int, int]:
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)
        return self.starts[k], end

    def __getitem__(self, k: int) -> SentenceBounds:
        return _new_bounds(SentenceBounds, (*self.bounds(k), self.doc))


_new_bounds = tuple.__new__  # SentenceBounds(...) without NamedTuple's Python-level __new__
