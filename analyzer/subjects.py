"""Which product a claim is about.

"It may help...", "This strain...", "Our formula..." name no substance. The
subject of a claim is the nearest substance before the claim in its sentence;
a pronoun or generic reference ("this supplement") resolves to the last named
substance in the previous sentences, then the nearest heading that names one,
then the document's main substance (the one named most often).

A claim whose nearest subject is a conventional medicine ("Vaccines are the
most effective way of reducing...") is about that medicine, not a product,
and is dropped unless the rule compares products with medicines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from .segment import Sentences

LOOKBACK_SENTENCES = 5
# Words a list-item claim may open with before the claim itself ("Also helps...", "Causes tumour cells to...")
_FRAGMENT_OPENERS = frozenset({"and", "also", "may", "can", "will", "helps", "causes", "makes", "induces",
                               "triggers", "forces", "gets", "lets"})


@dataclass
class Mention:
    cls: str  # SUBSTANCE, DRUG or PRONOUN
    id: str
    start: int
    end: int
    generic: bool
    sent: int


class SubjectResolver:
    def __init__(self, doc: Doc, sents: "Sentences", mentions: list[Mention]):
        self.doc = doc
        self.sents = sents
        self.mentions = mentions
        self._specific = [m for m in mentions if m.cls == "SUBSTANCE" and not m.generic]
        counts = Counter(m.id for m in self._specific)
        self.main = None
        if counts:
            top = max(counts.values())
            self.main = next(m.id for m in self._specific if counts[m.id] == top)

    def _is_heading(self, sent: Span) -> bool:
        last = next((t for t in reversed(sent) if not t.is_space), None)
        return last is not None and last.text not in {".", "!", "?", "…"} and len(sent) <= 14

    def _resolve_back(self, sent_index: int) -> str | None:
        for m in reversed(self._specific):
            if sent_index - LOOKBACK_SENTENCES <= m.sent < sent_index:
                return m.id
        for m in reversed(self._specific):
            if m.sent < sent_index and self._is_heading(self.sents[m.sent]):
                return m.id
        return self.main

    def resolve(self, sent_index: int, start: int, end: int, allow_conventional: bool,
                requires_subject: bool) -> tuple[bool, str | None]:
        """Return (keep, substance id) for a claim [start, end) in sentence ``sent_index``."""
        sent = self.sents[sent_index]
        here = [m for m in self.mentions if m.sent == sent_index]
        before = [m for m in here if m.end <= start]
        nearest = before[-1] if before else None
        if nearest is not None and nearest.cls == "DRUG" and not allow_conventional:
            later = [m for m in here if m.cls == "SUBSTANCE" and m.start >= start]
            if not later:
                return False, None
        specific = [m for m in here if m.cls == "SUBSTANCE" and not m.generic]
        subject_here = any(m.cls in ("SUBSTANCE", "PRONOUN") for m in here)
        fragment = self._opens_sentence(sent, start)
        if requires_subject and not (subject_here or fragment or self._is_heading(sent)):
            return False, None
        spec_before = [m for m in before if m.cls == "SUBSTANCE" and not m.generic]
        if spec_before and (nearest is spec_before[-1] or nearest.cls == "DRUG"):
            return True, spec_before[-1].id
        inside_after = [m for m in specific if m.start >= start]
        if nearest is None and inside_after:
            return True, inside_after[0].id
        if spec_before:
            return True, spec_before[-1].id
        return True, self._resolve_back(sent_index)

    @staticmethod
    def _opens_sentence(sent: Span, start: int) -> bool:
        """A claim that opens its sentence (a list item: "Shrinks tumours")."""
        for tok in sent:
            if tok.i >= start:
                return True
            if not (tok.is_space or tok.is_punct or tok.like_num or tok.lower_ in _FRAGMENT_OPENERS):
                return False
        return True
