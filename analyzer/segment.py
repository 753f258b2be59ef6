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

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_END = {".", "!", "?", "…", "!!", "?!", "!?", "..."}
_CLOSERS = {'"', "'", "”", "’", ")", "]", "»"}
_BULLETS = {"•", "·", "-", "*", "–", "—", "▪", "●", "◦", "✓", "✔", "➤", "→", ">"}


def set_sentence_starts(doc: Doc) -> Doc:
    n = len(doc)
    if n == 0:
        return doc
    # Collected in an array and written once: setting Token.is_sent_start one
    # token at a time re-checks the whole doc each time (quadratic on long texts).
    starts = numpy.full((n, 1), -1, dtype="int32")
    starts[0, 0] = 1
    prev_newline = False
    for i in range(1, n):
        tok = doc[i]
        prev = doc[i - 1]
        text = prev.text
        start = False
        if prev.is_space:
            if "\n" in text:
                prev_newline = True
            # whitespace tokens attach to what precedes them
            if tok.is_space:
                continue
        if prev_newline:
            start = True
            prev_newline = False
        elif "\n" in prev.whitespace_ or prev.text_with_ws.endswith("\n"):
            start = True
        elif text in _END or (text.endswith((".", "!", "?")) and len(text) > 1 and text[-2] in ".!?"):
            start = _opens_sentence(tok)
        elif text in _CLOSERS and i >= 2 and doc[i - 2].text in _END:
            start = _opens_sentence(tok)
        elif text == ":" and _is_label(doc, i - 1):
            # "1. Mood Enhancement: One of the most..." - a list label, then its text
            start = _opens_sentence(tok)
        if start and not tok.is_space:
            starts[i, 0] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))
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
