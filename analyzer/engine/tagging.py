"""Lexicon tagging: one PhraseMatcher over every lexicon class, and product names.

Substances, conditions, effects, claim verbs... are all phrases of one
PhraseMatcher (on LOWER). A product name that claims a condition away
("AnxiFree") is one token, found by :class:`~analyzer.engine.gate.ProductNames`.
Where matches overlap, one rule decides (:func:`resolve_overlaps`).
"""

from __future__ import annotations

from typing import Callable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..packs.loader import PatternPack
from .context import typographic_variants
from .gate import NAMED_PRODUCT, ProductNames
from .rulematch import Tag

# When two lexicon matches cover the same tokens, the earlier class wins.
CLASS_PRIORITY = ("SUBSTANCE", "DRUG", "CONDITION", "EFFECT", "WEIGHT")
_LAST_PRIORITY = len(CLASS_PRIORITY)


class LexiconTagger:
    """Lexicon entities of a doc, longest first, then by class priority; no overlaps."""

    def __init__(
        self,
        nlp: Language,
        pack: PatternPack,
        product_names: ProductNames,
        term_keys: dict[tuple[str, str], list[tuple[int, ...]]] | None = None,
    ):
        """``term_keys``: each entry's terms (and their typographic variants) as tuples of LOWER
        hashes, as :attr:`term_keys` gave them for the same pack and tokenizer (from the pack
        cache); without them, every term is tokenized."""
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.product_names = product_names
        # match key -> lexicon class, id and priority (a product name's id is its condition, found per name)
        self.name_key = nlp.vocab.strings.add(NAMED_PRODUCT)
        self.class_of: dict[int, str] = {self.name_key: NAMED_PRODUCT}
        self.id_of: dict[int, str] = {}
        # (class, id) -> its terms, tokenized (the gate chooses anchor words from them)
        # (None when they came from the cache), and as LOWER hashes with their variants
        self.term_docs: dict[tuple[str, str], list[Doc]] | None = None if term_keys is not None else {}
        self.term_keys: dict[tuple[str, str], list[tuple[int, ...]]] = term_keys or {}
        make_doc = nlp.tokenizer
        for (cls, id_), entry in sorted(pack.lexicon.items()):
            key = f"{cls}|{id_}"
            match_key = nlp.vocab.strings.add(key)
            self.class_of[match_key], self.id_of[match_key] = cls, id_
            if entry.terms and term_keys is None:
                self.term_docs[(cls, id_)] = docs = list(make_doc.pipe(entry.terms))
                variants = make_doc.pipe(typographic_variants(entry.terms))
                self.term_keys[(cls, id_)] = [tuple(t.lower for t in doc) for doc in [*docs, *variants]]
            if entry.terms:
                self.phrases.add(key, self.term_keys[(cls, id_)])
        self.priority_of = {key: _priority(cls) for key, cls in self.class_of.items()}

    def matches(self, doc: Doc, named: list[int] = ()) -> list[tuple[int, int, int]]:
        """Every lexicon match as (match key, start, end), and one for each product-name token in
        ``named``, by start and end."""
        found = self.phrases(doc)
        if named:
            found = sorted([*found, *[(self.name_key, i, i + 1) for i in named]], key=_start_end)
        return found

    def __call__(
        self, doc: Doc, named: list[int] = (), could_match: Callable[[frozenset[str]], bool] | None = None
    ) -> list[Tag]:
        """The doc's entities, sorted by start.

        ``could_match(classes)`` tells whether some rule could match with these lexicon
        classes present: when it says no (most documents), nothing is returned, before
        or after overlaps are resolved.
        """
        found = self.matches(doc, named)
        class_of = self.class_of
        if could_match is not None and not could_match(frozenset([class_of[key] for key, _, _ in found])):
            return []
        kept = resolve_overlaps(found, self.priority_of)
        if (
            could_match is not None
            and len(kept) < len(found)
            and not could_match(frozenset([class_of[key] for key, _, _ in kept]))
        ):
            return []  # the overlaps dropped a class that every possible pattern needs
        id_of, name_key = self.id_of, self.name_key
        return [
            Tag(class_of[key], id_of[key], s, e) if key != name_key else self.product_tag(doc, s) for key, s, e in kept
        ]

    def product_tag(self, doc: Doc, i: int) -> Tag:
        """The entity of a product-name token: its id is the condition the name claims."""
        return Tag(NAMED_PRODUCT, self.product_names.condition(doc[i].text), i, i + 1)


def resolve_overlaps(found: list[tuple[int, int, int]], priority_of: dict[int, int]) -> list[tuple[int, int, int]]:
    """The (match key, start, end) matches kept where matches overlap: longest first, then by
    class priority, then leftmost, then in the matcher's order. ``found`` is sorted by start;
    so is the result.

    Runs of overlapping matches are resolved one by one (most matches are alone).
    """
    kept: list[tuple[int, int, int]] = []
    i, n = 0, len(found)
    while i < n:
        _, _, end = found[i]
        j = i + 1
        while j < n and found[j][1] < end:  # the next match starts before the run ends
            end = max(end, found[j][2])
            j += 1
        if j == i + 1:
            kept.append(found[i])
        elif j == i + 2:  # two overlapping matches (the commonest run): the better one is kept
            # the second starts no earlier and comes later: it wins only by its rank
            first, second = found[i], found[i + 1]
            kept.append(second if _rank(second, priority_of) < _rank(first, priority_of) else first)
        else:
            kept.extend(_resolve_run(found[i:j], priority_of))
        i = j
    return kept


def _rank(match: tuple[int, int, int], priority_of: dict[int, int]) -> tuple[int, int]:
    """The overlap rule: of two overlapping matches, the one with the lower rank wins (the longer,
    then the one of the higher class priority; then the leftmost, then the matcher's first)."""
    key, start, end = match
    return start - end, priority_of[key]


def _resolve_run(run: list[tuple[int, int, int]], priority_of: dict[int, int]) -> list[tuple[int, int, int]]:
    """The matches of one run of overlapping matches that are kept, by start."""
    first = run[0][1]
    taken = bytearray(max(e for _, _, e in run) - first)
    kept = []
    # stable: the matcher's order decides last
    for key, s, e in sorted(run, key=lambda m: (*_rank(m, priority_of), m[1])):
        if taken.find(1, s - first, e - first) < 0:  # none of its tokens taken yet
            taken[s - first : e - first] = b"\x01" * (e - s)
            kept.append((key, s, e))
    kept.sort(key=_start_end)
    return kept


def _priority(cls: str) -> int:
    return CLASS_PRIORITY.index(cls) if cls in CLASS_PRIORITY else _LAST_PRIORITY


def _start_end(match: tuple[int, int, int]) -> tuple[int, int]:
    _, start, end = match
    return start, end
