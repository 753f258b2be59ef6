"""Which product a claim is about.

"It may help...", "This strain...", "Our formula..." name no substance. The
subject of a claim is the nearest substance before the claim in its sentence;
a pronoun or generic reference ("this supplement") resolves to what its
paragraph is about: the nearest sentence before it in the paragraph whose
opening words (its subject) name a substance, else the last substance named in
the nearest sentence of the paragraph that names one; then to the last named
substance in the previous sentences, then the nearest heading that names one,
then the document's main substance (the one named most often).

A claim whose nearest subject is a conventional medicine ("Vaccines are the
most effective way of reducing...") is about that medicine, not a product,
and is dropped unless the rule compares products with medicines.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Callable, NamedTuple

from spacy.tokens import Doc

from .segment import SentenceBounds, Sentences

LOOKBACK_SENTENCES = 5
# Why a claim is dropped for its subject: it has none, or it is about a conventional medicine
NO_SUBJECT = "subject:none"
CONVENTIONAL_SUBJECT = "subject:conventional-medicine"
# Words a list-item claim may open with before the claim itself ("Also helps...", "Causes tumour cells to...")
_FRAGMENT_OPENERS = frozenset(
    {"and", "also", "may", "can", "will", "helps", "causes", "makes", "induces", "triggers", "forces", "gets", "lets"}
)
_HEADING_STOPS = frozenset({".", "!", "?", "…"})
# What the resolver reads of each token, as bits of one byte (see type_flags)
SPACE, STOP, FRAGMENT = 1, 2, 4


def type_flags(lexeme) -> int:
    """The resolver's byte for a word type: a space, a full stop that ends a sentence
    (not a heading), a word a list-item claim may open with."""
    return (
        (SPACE if lexeme.is_space else 0)
        | (STOP if lexeme.orth_ in _HEADING_STOPS else 0)
        | (
            FRAGMENT
            if (lexeme.is_space or lexeme.is_punct or lexeme.like_num or lexeme.lower_ in _FRAGMENT_OPENERS)
            else 0
        )
    )


class Mention(NamedTuple):
    cls: str  # SUBSTANCE, DRUG or PRONOUN
    id: str
    start: int
    end: int
    generic: bool
    sent: int


class Carried(NamedTuple):
    """The named substances of the text before a doc (a long text's earlier chunks): how often
    each was named, in the order first named, and the last one named."""

    counts: dict[str, int]
    last: str | None

    def then(self, named: list[str]) -> Carried:
        """What carries on past a doc that names ``named``, in order."""
        counts = dict(self.counts)
        for id_ in named:
            counts[id_] = counts.get(id_, 0) + 1
        return Carried(counts, named[-1] if named else self.last)


NOTHING_CARRIED = Carried({}, None)


class SubjectResolver:
    def __init__(
        self,
        doc: Doc,
        sents: Sentences,
        mentions: list[Mention],
        flags: Callable[[], bytes] | None = None,
        before: Carried = NOTHING_CARRIED,
    ):
        """``flags``: returns one :func:`type_flags` byte per token, when the caller can
        make them more cheaply than from the doc's tokens; called only if needed.
        ``before``: the substances named before the doc, when it is a chunk of a longer text
        (the last one named counts as named in the sentence before the doc's first)."""
        self.before = before
        self.doc = doc
        self.sents = sents
        self.mentions = mentions
        self._flags = flags
        self._by_sent: dict[int, list[Mention]] = {}
        self._with_subject: set[int] = set()  # sentences that name a product or point back to one
        self._blank_lines: dict[int, bool] = {}  # sentence -> whether a blank line comes before it
        for m in mentions:
            self._by_sent.setdefault(m.sent, []).append(m)
            if m.cls == "SUBSTANCE" or m.cls == "PRONOUN":
                self._with_subject.add(m.sent)

    @functools.cached_property
    def _specific(self) -> list[Mention]:
        """Mentions of a named substance."""
        return [m for m in self.mentions if m.cls == "SUBSTANCE" and not m.generic]

    @functools.cached_property
    def flags(self) -> bytes:
        if self._flags is not None:
            return self._flags()
        return bytes([type_flags(t.lex) for t in self.doc])

    @functools.cached_property
    def main(self) -> str | None:
        """The document's main substance: the one named most often (the first of equals)."""
        counts = Counter(self.before.counts)  # (a Counter keeps the order in which ids came)
        counts.update(m.id for m in self._specific)
        if not counts:
            return None
        top = max(counts.values())
        return next(id_ for id_, count in counts.items() if count == top)

    def _is_heading(self, sent: SentenceBounds) -> bool:
        """A short sentence that does not end in a full stop (spaces aside)."""
        flags = self.flags
        last = next((i for i in range(sent.end - 1, sent.start - 1, -1) if not flags[i] & SPACE), None)
        return last is not None and not flags[last] & STOP and sent.end - sent.start <= 14

    def _paragraph_start(self, sent_index: int) -> int:
        """The first sentence of the paragraph of sentence ``sent_index`` (a blank line above it)."""
        k = sent_index
        while k > 0 and not self._blank_line_before(k):
            k -= 1
        return k

    def _blank_line_before(self, k: int) -> bool:
        """Whether a blank line separates sentence ``k`` from the one before it."""
        found = self._blank_lines.get(k)
        if found is None:
            found = self._blank_lines[k] = self._find_blank_line_before(k)
        return found

    def _find_blank_line_before(self, k: int) -> bool:
        doc, flags = self.doc, self.flags
        start, _ = self.sents.bounds(k)
        prev_start, _ = self.sents.bounds(k - 1)
        last = next((i for i in range(start - 1, prev_start - 1, -1) if not flags[i] & SPACE), prev_start)
        end = next((i for i in range(start, len(flags)) if not flags[i] & SPACE), len(flags))
        # the line breaks between the two sentences: after the last word, and in space tokens
        gap = doc[last].whitespace_ + "".join([doc[i].text_with_ws for i in range(last + 1, end)])
        return gap.count("\n") >= 2

    def _opens(self, m: Mention) -> bool:
        """Whether a mention opens its sentence, as its subject usually does ("Organic kava is...")."""
        flags = self.flags
        start, _ = self.sents.bounds(m.sent)
        if any(o.cls == "PRONOUN" and o.start < m.start for o in self._by_sent.get(m.sent, ())):
            return False  # "I tried kava...": the writer is the subject
        return sum(1 for i in range(start, m.start) if not flags[i] & SPACE) <= 2

    def _paragraph_subject(self, sent_index: int) -> str | None:
        """What the claim's paragraph is about, before it: the nearest sentence whose subject (its
        opening words) is a named substance; else the last one named in the nearest sentence."""
        fallback = None
        first = max(self._paragraph_start(sent_index), sent_index - LOOKBACK_SENTENCES)
        for k in range(sent_index - 1, first - 1, -1):
            named = [m for m in self._by_sent.get(k, ()) if m.cls == "SUBSTANCE" and not m.generic]
            if named and self._opens(named[0]):
                return named[0].id
            if named and fallback is None:
                fallback = named[-1].id
        return fallback

    def _resolve_back(self, sent_index: int) -> str | None:
        found = self._paragraph_subject(sent_index)
        if found is not None:
            return found
        for m in reversed(self._specific):
            if sent_index - LOOKBACK_SENTENCES <= m.sent < sent_index:
                return m.id
        if self.before.last is not None and sent_index - LOOKBACK_SENTENCES <= -1:
            return self.before.last
        for m in reversed(self._specific):
            if m.sent < sent_index and self._is_heading(self.sents[m.sent]):
                return m.id
        return self.main

    def resolve(
        self, sent_index: int, start: int, end: int, allow_conventional: bool, requires_subject: bool
    ) -> tuple[str | None, str | None]:
        """Return (why it is dropped, or ``None`` to keep it; substance id) for a claim [start, end)
        in sentence ``sent_index``."""
        here = self._by_sent.get(sent_index, ())
        # the nearest mention before the claim, and the nearest named substance before it
        nearest = spec = None
        for m in here:
            if m.end <= start:
                nearest = m
                if m.cls == "SUBSTANCE" and not m.generic:
                    spec = m
        if nearest is not None and nearest.cls == "DRUG" and not allow_conventional:
            if not any(m.cls == "SUBSTANCE" and m.start >= start for m in here):
                return CONVENTIONAL_SUBJECT, None
        if requires_subject and sent_index not in self._with_subject:
            sent = self.sents[sent_index]
            if not (self._opens_sentence(self.flags, sent, start) or self._is_heading(sent)):
                return NO_SUBJECT, None
        if spec is not None and (nearest is spec or nearest.cls == "DRUG"):
            return None, spec.id
        if nearest is None:
            for m in here:
                if m.cls == "SUBSTANCE" and not m.generic and m.start >= start:
                    return None, m.id
        if spec is not None:
            return None, spec.id
        return None, self._resolve_back(sent_index)

    @staticmethod
    def _opens_sentence(flags: bytes, sent: SentenceBounds, start: int) -> bool:
        """A claim that opens its sentence (a list item: "Shrinks tumours"): only
        spaces, punctuation, numbers and opener words before it."""
        return all(flags[i] & FRAGMENT for i in range(sent.start, min(start, sent.end)))
