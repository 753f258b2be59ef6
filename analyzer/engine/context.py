"""ConText-style context for claim candidates, with triggers written for marketing copy.

Triggers are data (``patterns/context/*.yaml``): a phrase list, a category, a
direction and an optional maximum scope in tokens. A trigger modifies a claim
when the claim lies in its scope. Scopes stop at the sentence edge and at
TERMINATE triggers ("but", "however", "still") unless the trigger ignores
them. PSEUDO triggers ("no doubt", "not only", "safe to assume") cancel any
other trigger they overlap, so they never count as cues, unless that trigger
is a longer phrase holding them ("no more effective than" holds "no more").

Categories that suppress a claim: NEGATED, DEBUNKED, REPORTED, DISCLAIMER,
ADVICE, RISK, HYPOTHETICAL, QUESTION. HEDGE does not suppress: it marks the
finding as hedged, because regulators read "may help" as the same claim.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..packs.loader import Origin, PatternPack, Trigger
from .segment import SentenceBounds

SUPPRESSING = frozenset({"NEGATED", "DEBUNKED", "REPORTED", "DISCLAIMER", "ADVICE", "RISK", "HYPOTHETICAL", "QUESTION"})


def typographic_variants(phrases) -> list[str]:
    """The same phrases with a typographic apostrophe ("aren’t"), as web pages usually print them."""
    return sorted({p.replace("'", "\u2019") for p in phrases if "'" in p} - set(phrases))


OPENING_QUOTES = frozenset({"'", "\u2018", "\u201c", '"'})
CLOSING_QUOTES = frozenset({"'", "\u2019", "\u201d", '"'})
# A news headline that puts a claim in quotation marks after its subject, Beetroot 'can lower
# blood pressure': the paper attributes the wording to someone else (a study, a seller).
HEADLINE_QUOTE = Trigger(
    id="reported-headline-quote",
    category="REPORTED",
    direction="forward",
    phrases=[],
    origin=Origin("analyzer/engine/context.py"),
    ignore_terminators=True,
)
HEADLINE_SUBJECT_WORDS = 5  # at most this many words open the headline before the quotation
HEADLINE_QUOTE_TOKENS = 16  # and the quotation is at most this long


class Hit(NamedTuple):
    trigger: Trigger
    start: int
    end: int


def phrase_keys(triggers, make_doc) -> list[tuple[str, list[tuple[int, ...]]]]:
    """(trigger id, its phrases and their typographic variants tokenized by ``make_doc``, as tuples
    of LOWER hashes: what the PhraseMatcher matches on) in order, and last the opening quotation
    marks, each a possible headline quotation (see :func:`is_headline_quote`)."""
    phrases = [(trig.id, [*trig.phrases, *typographic_variants(trig.phrases)]) for trig in triggers]
    phrases.append((HEADLINE_QUOTE.id, sorted(OPENING_QUOTES)))
    return [(key, [tuple(t.lower for t in doc) for doc in make_doc.pipe(texts)]) for key, texts in phrases]


class ContextMatcher:
    def __init__(self, vocab, pack: PatternPack, make_doc, keys: list[tuple[str, list[tuple[int, ...]]]] | None = None):
        """``keys``: :attr:`keys` of a matcher built for the same pack and tokenizer (from the pack
        cache); without them, every phrase is tokenized (:func:`phrase_keys`)."""
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        self.triggers = dict(pack.triggers)
        self.keys = phrase_keys(self.triggers.values(), make_doc) if keys is None else keys
        for key, phrases in self.keys:
            self.matcher.add(key, phrases)
        self._by_key = {vocab.strings.add(trig.id): trig for trig in self.triggers.values()}
        self._quote_key = vocab.strings.add(HEADLINE_QUOTE.id)
        # Forward triggers written as labels ("claim :", "myth :"): the segmenter ends a sentence
        # at such a label when a capital follows ("Claim: Ginger cures..."), so their hit is
        # anchored, with no width, just after the colon, at the start of the text they label.
        self._labels = frozenset(
            vocab.strings[trig.id]
            for trig in self.triggers.values()
            if trig.direction == "forward" and any(p.endswith(":") for p in trig.phrases)
        )

    def hits(self, doc: Doc) -> list[Hit]:
        by_key = self._by_key
        labels = self._labels
        quote = self._quote_key
        raw = [
            Hit(HEADLINE_QUOTE, s, e)
            if key == quote
            else Hit(by_key[key], e if key in labels and doc[e - 1].orth_ == ":" else s, e)
            for key, s, e in self.matcher(doc)
            if key != quote or is_headline_quote(doc, s)
        ]
        pseudo = [h for h in raw if h.trigger.category == "PSEUDO"]
        if not pseudo:
            return raw
        return [h for h in raw if h.trigger.category == "PSEUDO" or not any(_cancels(p, h) for p in pseudo)]


def is_headline_quote(doc: Doc, i: int) -> bool:
    """Whether the quotation mark at token ``i`` opens a headline's quoted claim, Subject 'quoted
    claim': a few words open the line, the quotation opens on a lower-case word and ends the line,
    with no full stop. A quoted utterance ("It cured me") opens on a capital, and a seller's own
    sentence ends in a full stop, so neither is taken for one. Its scope is the quotation."""
    if i + 1 >= len(doc) or not doc[i + 1].is_lower:
        return False
    first = i
    while first > 0 and i - first <= HEADLINE_SUBJECT_WORDS and not _ends_line(doc[first - 1]):
        first -= 1
    if not (0 < i - first <= HEADLINE_SUBJECT_WORDS and (first == 0 or _ends_line(doc[first - 1]))):
        return False
    if not all(doc[k].is_alpha for k in range(first, i)):
        return False
    ends = range(i + 2, min(len(doc), i + HEADLINE_QUOTE_TOKENS))
    close = next((j for j in ends if doc[j].text in CLOSING_QUOTES), None)
    return close is not None and (close + 1 == len(doc) or _ends_line(doc[close]) or "\n" in doc[close + 1].text)


def _ends_line(tok) -> bool:
    """Whether a line break follows token ``tok`` (in its trailing space, or as a space token)."""
    return "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text)


def _cancels(pseudo: Hit, hit: Hit) -> bool:
    """A pseudo-trigger cancels a trigger it overlaps, unless the trigger is the longer phrase
    that holds it: "no more" ("no more aches") does not cancel "no more effective than"."""
    if not (pseudo.start < hit.end and hit.start < pseudo.end):
        return False
    holds = hit.start <= pseudo.start and pseudo.end <= hit.end
    return not (holds and hit.end - hit.start > pseudo.end - pseudo.start)


def _in_scope(hit: Hit, sent: SentenceBounds, start: int, end: int, terminators: list[int]) -> bool:
    trig = hit.trigger
    if trig.direction in ("forward", "both") and hit.end <= start:
        limit = sent.end if trig.max_scope is None else min(sent.end, hit.end + trig.max_scope)
        if trig.ignore_terminators not in (True, "forward"):
            limit = min([t for t in terminators if hit.end <= t < limit] + [limit])
        if start < limit:
            return True
    if trig.direction in ("backward", "both") and hit.start >= end:
        first = sent.start if trig.max_scope is None else max(sent.start, hit.start - trig.max_scope)
        if trig.ignore_terminators not in (True, "backward"):
            first = max([t + 1 for t in terminators if first <= t < hit.start] + [first])
        if end > first:
            return True
    return False


def assess(
    hits: list[Hit],
    sent: SentenceBounds,
    start: int,
    end: int,
    own_words: frozenset[int] = frozenset(),
    reasons: bool = True,
) -> tuple[list[str], bool]:
    """Return (suppressing cues, hedged) for a claim span [start, end) in a sentence.

    ``own_words`` are the token indices of the lexicon terms the claim is made
    of: a trigger touching them is part of the claim ("no side effects"), not
    its context. Other triggers inside the span count ("studies show it does
    not cure...").

    With ``reasons=False`` the caller only asks whether the claim is suppressed:
    the first suppressing cue ends the search, and is named by its category alone.
    """
    local = [h for h in hits if h.start >= sent.start and h.end <= sent.end]
    terminators = [h.start for h in local if h.trigger.category == "TERMINATE"]
    cues: list[str] = []
    hedged = False
    for hit in local:
        cat = hit.trigger.category
        if cat in ("TERMINATE", "PSEUDO"):
            continue
        inside = hit.start >= start and hit.end <= end
        if cat == "HEDGE":
            if not hedged and (inside or _in_scope(hit, sent, start, end, terminators)):
                hedged = True
            continue
        if cat not in SUPPRESSING:
            continue
        if hit.start < end and hit.end > start:
            if (
                inside
                and not own_words.intersection(range(hit.start, hit.end))
                and (
                    (trig_dir := hit.trigger.direction) == "both"
                    or (trig_dir == "forward" and hit.end < end)
                    or (trig_dir == "backward" and hit.start > start)
                )
            ):
                if not reasons:
                    return [cat.lower()], hedged
                cues.append(f"{cat.lower()}:{hit.trigger.id}:{sent.doc[hit.start : hit.end].text}")
            continue  # otherwise a claim's own words are not its context
        if _in_scope(hit, sent, start, end, terminators):
            if not reasons:
                return [cat.lower()], hedged
            cues.append(f"{cat.lower()}:{hit.trigger.id}:{sent.doc[hit.start : hit.end].text}")
    return cues, hedged
