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

Two families of cues modify other cues rather than claims (:func:`read_relief`):

- RELIEF frames: a time after ("since I started", "any more", "the next morning")
  or a lesser degree ("as much", "as often") that reaches a negation makes the
  negation the outcome a testimonial reports, not a denial: "no heartburn since
  I started", "my knee was not hurting as much". The negation becomes a RELIEF
  cue, which suppresses nothing. A negation of a benefit or of a CHANGE word
  stays a negation: "it has not helped since", "no difference since".
- A RISK cue opening a relative clause whose antecedent is a condition defines
  that condition ("lupus, a disease that causes joint pain"; "kills the
  bacteria that cause ulcers"), and one followed by a GAIN ("leads to better
  sleep") promises a benefit: neither is a risk of the product, and is dropped.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, NamedTuple, Sequence

import numpy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from ..packs.loader import Origin, PatternPack, Trigger
from .segment import SentenceBounds

if TYPE_CHECKING:
    from .rulematch import Tag

SUPPRESSING = frozenset({"NEGATED", "DEBUNKED", "REPORTED", "DISCLAIMER", "ADVICE", "RISK", "HYPOTHETICAL", "QUESTION"})
# Lexicon classes whose negation denies an effect ("has not helped", "did not work"), so that a
# relief frame after it does not make it an outcome.
BENEFIT_CLASSES = frozenset({"TREAT", "BENEFIT", "RESOLVE", "OUTCOME", "PREVENT", "PROOF", "PROOF_BADGE", "SAFETY"})
RELATIVE_PRONOUNS = frozenset({"that", "which"})


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

    def hits(self, doc: Doc, tags: Sequence[Tag] = ()) -> list[Hit]:
        """The context cues of ``doc``; ``tags``, its lexicon entities, let :func:`read_relief`
        tell a relief or a definition from a negation or a risk."""
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
        if pseudo:
            raw = _uncancelled(raw, pseudo)
        return read_relief(doc, raw, tags)


def _uncancelled(hits: list[Hit], pseudo: list[Hit]) -> list[Hit]:
    """``hits`` less those a pseudo-trigger cancels (:func:`_cancels`); each hit is checked against
    the pseudo-triggers that start near it only (``pseudo`` comes in order of start)."""
    starts = [p.start for p in pseudo]
    longest = max(p.end - p.start for p in pseudo)
    return [
        h
        for h in hits
        if h.trigger.category == "PSEUDO"
        or not any(
            _cancels(p, h)
            for p in pseudo[bisect.bisect_left(starts, h.start - longest) : bisect.bisect_left(starts, h.end)]
        )
    ]


MODIFIERS = frozenset({"RELIEF", "CHANGE", "GAIN"})  # cues that modify other cues, never a claim
SENTENCE_PUNCT = frozenset({".", "!", "?", ";"})
FRAME_REACH = 8  # the scope of a relief frame whose trigger sets none
DEFINING_SKIPS = frozenset(
    {"can", "may", "could", "might", "will", "often", "also", "usually", "sometimes", "commonly"}
)


def read_relief(doc: Doc, hits: list[Hit], tags: Sequence[Tag] = ()) -> list[Hit]:
    """``hits`` with each negation a RELIEF frame reaches made a RELIEF cue of the same words, and
    each RISK cue that defines a condition or promises a GAIN dropped (see the module docstring);
    RELIEF, CHANGE and GAIN hits themselves are left out: they only modify other cues."""
    frames = [h for h in hits if h.trigger.category == "RELIEF"]
    rest = [h for h in hits if h.trigger.category not in MODIFIERS]
    gains = {h.start for h in hits if h.trigger.category == "GAIN"}  # "leads to better sleep"
    if not tags and not frames and not gains:
        return rest
    denials = {i for h in hits if h.trigger.category == "CHANGE" for i in range(h.start, h.end)}
    # where conditions end: what a relative clause may define ("a disease that causes..."), and
    # a benefit word right after one is a noun of it, not a benefit ("an asthma attack")
    condition_ends = {t.end for t in tags if t.cls == "CONDITION"}
    denials.update(
        i for t in tags if t.cls in BENEFIT_CLASSES and t.start not in condition_ends for i in range(t.start, t.end)
    )
    breaks = _clause_breaks(doc, rest) if frames else []
    frames.sort(key=lambda h: h.start)
    # how far from a negation a frame may start: its scope, and its own length before it
    window = max((f.trigger.max_scope or FRAME_REACH) + f.end - f.start for f in frames) if frames else 0
    out = []
    for h in rest:
        cat = h.trigger.category
        if cat == "RISK" and (h.end in gains or (condition_ends and _defines(doc, h, condition_ends))):
            continue
        if cat == "NEGATED" and h.trigger.direction == "forward" and frames:
            frame = _relief_frame(h, frames, denials, breaks, window)
            if frame is not None:
                h = Hit(frame.trigger, h.start, h.end)
        out.append(h)
    return out


def _clause_breaks(doc: Doc, hits: list[Hit]) -> list[int]:
    """Where a clause ends, in order: terminators, sentence punctuation and line breaks (read from
    the doc's arrays: a Python loop over every token would cost more than the matching)."""
    strings = doc.vocab.strings
    orth = doc.to_array("ORTH")
    punct = numpy.isin(orth, numpy.array([strings.add(p) for p in SENTENCE_PUNCT], dtype=orth.dtype))
    spaces = numpy.flatnonzero(doc.to_array("IS_SPACE"))
    breaks = [h.start for h in hits if h.trigger.category == "TERMINATE"]
    breaks += [int(i) for i in spaces if "\n" in doc[int(i)].text]
    return sorted(breaks + numpy.flatnonzero(punct).tolist())


def _broken(breaks: list[int], start: int, end: int) -> bool:
    """Whether a clause ends at a token in [start, end) (``breaks`` in order)."""
    i = bisect.bisect_left(breaks, start)
    return i < len(breaks) and breaks[i] < end


def _defines(doc: Doc, hit: Hit, defined_ends: set[int]) -> bool:
    """Whether RISK ``hit`` opens a relative clause on a condition: "a disease that (often) causes"."""
    i = hit.start - 1
    if i > 0 and doc[i].lower_ in DEFINING_SKIPS:
        i -= 1
    if i < 1 or doc[i].lower_ not in RELATIVE_PRONOUNS:
        return False
    j = i - 1 if doc[i - 1].text != "," else i - 2
    return j + 1 in defined_ends


def _relief_frame(neg: Hit, frames: list[Hit], denials: set[int], breaks: list[int], window: int) -> Hit | None:
    """The RELIEF frame that makes negation ``neg`` an outcome: in the same clause, within the
    frame's scope, and with no benefit or change among the words the negation governs."""
    reach = neg.trigger.max_scope or 6
    # (``frames`` in order of start; only those within ``window`` tokens can reach the negation)
    first = bisect.bisect_left(frames, neg.start - window, key=lambda h: h.start)
    for frame in frames[first:]:
        if frame.start > neg.end + window:
            break
        scope = frame.trigger.max_scope or FRAME_REACH
        if frame.start >= neg.end:  # "no heartburn since ..."
            if frame.start - neg.end > scope or _broken(breaks, neg.end, frame.start):
                continue
            governed = range(neg.end, frame.start)
        elif frame.end <= neg.start:  # "since I started it, no heartburn"
            if neg.start - frame.end > scope or _broken(breaks, frame.end, neg.start):
                continue
            after = bisect.bisect_left(breaks, neg.end)
            stop = neg.end + reach if after == len(breaks) else min(breaks[after], neg.end + reach)
            governed = range(neg.end, stop)
        else:
            continue
        if not denials.intersection(governed):
            return frame
    return None


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


# A comma and a subject pronoun open a new clause, which a negation before them does not reach:
# "she doesn't get nervous, it helps her so much". A parenthesis ("no pill, I repeat, cures it")
# closes within a few words, and is not one.
CLAUSE_SUBJECTS = frozenset({"i", "it", "he", "she", "we", "they"})
PARENTHESIS_WORDS = 3


def _new_clauses(sent: SentenceBounds) -> list[int]:
    """Where a clause opens inside ``sent``: a comma followed by a subject pronoun (and no comma
    closing a parenthesis just after it)."""
    doc = sent.doc
    return [
        i
        for i in range(sent.start, sent.end - 1)
        if doc[i].text == ","
        and doc[i + 1].lower_ in CLAUSE_SUBJECTS
        and not any(t.text == "," for t in doc[i + 2 : min(sent.end, i + 2 + PARENTHESIS_WORDS)])
    ]


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
    clauses: list[int] | None = None  # for negations: the terminators and new clauses
    cues: list[str] = []
    hedged = False
    for hit in local:
        cat = hit.trigger.category
        if cat in ("TERMINATE", "PSEUDO"):
            continue
        if cat == "NEGATED" and hit.end <= start:
            if clauses is None:
                clauses = terminators + _new_clauses(sent)
            if not _in_scope(hit, sent, start, end, clauses):
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
