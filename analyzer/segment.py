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

import bisect

import numpy
from spacy.attrs import IS_LOWER, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

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


def set_sentence_starts(doc: Doc) -> Doc:
    n = len(doc)
    if n == 0:
        return doc
    # Vectorised over token attributes: a Python loop over every token (or
    # setting Token.is_sent_start one at a time) costs more than tokenizing.
    f_end, f_closer, f_no_open, f_newline, f_colon = _flags(doc.vocab)
    attrs = doc.to_array([IS_SPACE, IS_LOWER, f_end, f_closer, f_no_open, f_newline, f_colon]).astype(bool)
    space, lower, is_end, closer, no_open, newline, colon = attrs.T
    opens = ~space & ~lower & ~no_open

    start = numpy.zeros(n, dtype=bool)
    # after a line break: any whitespace token holding "\n" between two words
    if newline.any():
        # index of the last newline token at or before each position
        last_nl = numpy.maximum.accumulate(numpy.where(newline, numpy.arange(n), -1))
        last_word = numpy.maximum.accumulate(numpy.where(~space, numpy.arange(n), -1))
        prev_word = numpy.concatenate(([-1], last_word[:-1]))
        start |= ~space & (last_nl > prev_word) & (numpy.arange(n) > 0)
    # after sentence-final punctuation, or after a closing quote or bracket that follows it
    after_end = numpy.zeros(n, dtype=bool)
    after_end[1:] = is_end[:-1]
    after_close = numpy.zeros(n, dtype=bool)
    if n > 2:
        after_close[2:] = closer[1:-1] & is_end[:-2]
    start |= (after_end | after_close) & opens
    # "1. Mood Enhancement: One of the most..." - a list label, then its text
    for i in numpy.nonzero(colon[:-1])[0]:
        if opens[i + 1] and _is_label(doc, int(i)):
            start[i + 1] = True
    starts = numpy.where(start, 1, -1).astype("int64")
    starts[0] = 1
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


def _opens_sentence(tok) -> bool:
    t = tok.text
    if t in _CLOSERS or t in _END or t in {",", ";", ":"}:
        return False
    first = t[0]
    return not first.islower()


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


class Sentences:
    """Sentence boundaries of a segmented doc, with Span objects made only on demand."""

    def __init__(self, doc: Doc):
        self.doc = doc
        flags = doc.to_array([SENT_START]).astype("int64")
        starts = numpy.nonzero(flags == 1)[0]
        if len(starts) == 0 or starts[0] != 0:
            starts = numpy.concatenate(([0], starts))
        self.starts: list[int] = starts.tolist()
        self._spans: dict[int, Span] = {}

    def index(self, token: int) -> int:
        """The sentence holding a token."""
        return bisect.bisect_right(self.starts, token) - 1

    def bounds(self, k: int) -> tuple[int, int]:
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.doc)
        return self.starts[k], end

    def __getitem__(self, k: int) -> Span:
        span = self._spans.get(k)
        if span is None:
            span = self._spans[k] = self.doc[slice(*self.bounds(k))]
        return span
