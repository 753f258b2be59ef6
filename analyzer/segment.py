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


def sentence_attrs(vocab) -> list[int]:
    """The token attributes :func:`sentence_starts` reads, in its order."""
    return [IS_SPACE, IS_LOWER, *_flags(vocab)]


def sentence_starts(doc: Doc, rows: list[list[int]] | None = None) -> list[int]:
    """Token indices where a sentence starts (always including 0 for a non-empty doc).

    ``rows`` are the doc's :func:`sentence_attrs` as lists, when the caller has read them.
    """
    n = len(doc)
    if n == 0:
        return []
    # One read of per-word-type flags (computed once per word type, in C), then
    # a single pass in Python: cheaper than setting Token.is_sent_start one at a
    # time, and than many numpy calls on the short docs that posts make.
    if rows is None:
        rows = doc.to_array(sentence_attrs(doc.vocab)).tolist()
    starts = [0]
    seen_newline = False  # a line break since the last word
    prev_end = prev_closer = prev2_end = False  # tokens i-1 and i-2
    for i, (space, lower, is_end, closer, no_open, newline, colon) in enumerate(rows):
        if space:
            seen_newline = seen_newline or bool(newline)
        else:
            opens = not lower and not no_open
            if i and (seen_newline or (opens and (prev_end or (prev_closer and prev2_end)))):
                starts.append(i)
            seen_newline = False
        prev2_end, prev_end, prev_closer = prev_end, bool(is_end), bool(closer)
    # "1. Mood Enhancement: One of the most..." - a list label, then its text
    labelled = [i + 1 for i, row in enumerate(rows[:-1]) if row[6] and not rows[i + 1][0] and not rows[i + 1][1]
                and not rows[i + 1][4] and _is_label(doc, i)]
    if labelled:
        starts = sorted(set(starts).union(labelled))
    return starts


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
    """Sentence boundaries of a doc, with Span objects made only on demand.

    Boundaries already set on the doc (by a parser or a sentencizer) are used;
    otherwise they are computed with :func:`sentence_starts`, without writing
    them to the doc.
    """

    def __init__(self, doc: Doc, rows: list[list[int]] | None = None):
        """``rows``: the doc's :func:`sentence_attrs`, when the caller has read them."""
        self.doc = doc
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            starts = numpy.nonzero(doc.to_array([SENT_START]).astype("int64") == 1)[0].tolist()
            if not starts or starts[0] != 0:
                starts = [0, *starts]
        else:
            starts = sentence_starts(doc, rows) or [0]
        self.starts: list[int] = starts
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
