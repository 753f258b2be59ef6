"""The ``health_claims`` spaCy component.

One pass over a doc, in named stages, data flowing one way:

0. gate (:mod:`.gate`) — a text in which no anchor word occurs cannot hold a
   claim; on raw text this test runs before tokenizing;
1. lexicon tagging (:mod:`.tagging`) — one PhraseMatcher over every lexicon
   class (substances, conditions, effects, claim verbs...), longest match wins;
2. rule matching (:mod:`.rulematch`) — patterns written over lexicon classes
   (``@TREAT *{0,6} @CONDITION``), so the number of rules does not grow with
   the lexicons;
3. context (:mod:`.context`) — negation, debunking, reported speech,
   disclaimers, risks and questions suppress a candidate; hedges mark it;
4. subject (:mod:`.subjects`) — which product a claim is about;
5. scoring (:mod:`.scoring`) — a trained scorer gives each sentence with a
   candidate or a lexicon entity a confidence; a rule candidate it strongly
   rejects is suppressed, a sentence it strongly accepts that no rule flagged
   (or whose candidate has no product to be about) becomes a candidate of its
   own (rule ``scored-claim``), whose subject is then resolved in turn;
6. evidence and findings (:mod:`.claims`, :mod:`.evidence`).

Findings are stored on ``doc._.health_claims`` and as spans in
``doc.spans["health_claims"]``. Add it to any pipeline with
``nlp.add_pipe("health_claims")``.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..findings import Finding
from ..packs import cache as pack_cache
from ..packs.loader import PatternPack, cached_pack, load_pack
from .claims import CONVENTIONAL_SUBJECT, NO_SUBJECT, Candidate, FindingBuilder, dedupe
from .context import ContextMatcher, Hit, assess
from .evidence import EvidenceIndex
from .gate import (
    NAMED_PRODUCT,
    Gate,
    ProductNames,
    Screen,
    build_gate,
    choose_anchors,
    split_pieces,
    tokenizer_state,
)
from .rulematch import RuleMatcher, Tag
from .scoring import (
    RULED,
    TARGET_ENTITY_CLASSES,
    ClaimScorer,
    Score,
    cached_scorer,
    rule_signals,
    scored_claim_rules,
    sentence_tier,
    sentence_view,
)
from .segment import Segmenter, SentenceBounds, Sentences
from .subjects import NOTHING_CARRIED, Carried, Mention, SubjectResolver
from .tagging import LexiconTagger
from .words import TokenColumns, WordTypes

if not Doc.has_extension("health_claims"):
    Doc.set_extension("health_claims", default=None)
if not Doc.has_extension("health_claims_suppressed"):
    Doc.set_extension("health_claims_suppressed", default=None)

# Lexicon classes a subject may be found among (a product name is a product of unknown make-up).
SUBJECT_CLASSES = frozenset({"SUBSTANCE", "DRUG", "PRONOUN", NAMED_PRODUCT})


class Compiled(NamedTuple):
    """What the component builds from its pack for one tokenizer, kept in the pack cache (kind
    ``compiled``, keyed by :func:`~analyzer.packs.cache.compiled_key`: the pack's fingerprint and
    the tokenizer's rules): tokenizing every lexicon term and context phrase, and building the gate
    from their words, were most of the cost of building the component."""

    term_keys: dict[tuple[str, str], list[tuple[int, ...]]]  # LexiconTagger.term_keys
    context_keys: list[tuple[str, list[tuple[int, ...]]]]  # ContextMatcher.keys
    anchor_words: frozenset[str] | None  # Anchors.words (None: no gate; every doc is examined)
    gate: Gate | None


class HealthClaims:
    """Finds health claims in a doc; see the module docstring for its stages."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        pack: PatternPack,
        evidence_limit: int = 3,
        scorer: ClaimScorer | None = None,
        min_confidence: float | None = None,
    ):
        self.name = name
        self.scorer = scorer
        self.min_confidence = min_confidence
        self.pack = pack
        self.rules = {r.id: r for r in pack.active_rules()}
        product_names = ProductNames(pack)
        # the tokenized terms and phrases, the anchors and the gate: from the pack cache when it holds them
        key = pack_cache.compiled_key(pack.fingerprint, nlp)
        cached = pack_cache.load("compiled", key) if key else None
        cached = cached if isinstance(cached, Compiled) else None
        self.tagger = LexiconTagger(nlp, pack, product_names, cached.term_keys if cached else None)
        self.matcher = RuleMatcher({r.id: r.patterns for r in self.rules.values()}, pack.groups, nlp.vocab)
        self.context = ContextMatcher(nlp.vocab, pack, nlp.tokenizer, cached.context_keys if cached else None)
        if cached is None:
            anchors = choose_anchors(self.tagger.term_docs, self.matcher.patterns, split_pieces(nlp.tokenizer))
            gate = build_gate(nlp, anchors, product_names)
            words = None if anchors is None else anchors.words
            cached = Compiled(self.tagger.term_keys, self.context.keys, words, gate)
            if key:
                pack_cache.store("compiled", key, cached)
        # the gate on raw text, exact only for the tokenizer it was built for (see gate_holds_for)
        self.gate = cached.gate
        self._gate_tokenizer = tokenizer_state(nlp.tokenizer)
        self.words = WordTypes(
            nlp.vocab,
            self.matcher.literal_info,
            cached.anchor_words,
            lambda text: product_names.condition(text) is not None,
        )
        self.segmenter = Segmenter()
        self._generic_substances = frozenset(e.id for e in pack.entries("SUBSTANCE") if e.generic)
        self.findings = FindingBuilder(pack, EvidenceIndex(pack, limit=evidence_limit))
        self.scored_rules = scored_claim_rules(pack)

    # ------------------------------------------------------------------ the gate
    def gate_holds_for(self, tokenizer) -> bool:
        """Whether :meth:`screen` is exact for this tokenizer: the one the component was built
        with, its special cases and affix rules unchanged since."""
        return self.gate is not None and tokenizer_state(tokenizer) == self._gate_tokenizer

    def screen(self, text: str) -> Screen:
        """Whether ``text`` may hold a claim, and whether it may name a product like "AnxiFree"."""
        return Screen(True, True) if self.gate is None else self.gate.screen(text)

    def may_claim(self, text: str) -> bool:
        """False when ``text`` cannot hold a claim: no anchor word occurs in it."""
        return self.screen(text).may_claim

    # ------------------------------------------------------------------ spaCy's entry point
    def __call__(self, doc: Doc) -> Doc:
        findings, suppressed = self.find(doc)
        self.segmenter.ensure(doc)  # doc.sents works after this component, as in any pipeline
        doc._.health_claims = findings
        doc._.health_claims_suppressed = suppressed
        if findings or "health_claims" in doc.spans:
            doc.spans["health_claims"] = [Span(doc, *f.tokens, label=f.rule_id) for f in findings]
        return doc

    def find(
        self,
        doc: Doc,
        text: str | None = None,
        screen: Screen | None = None,
        keep_suppressed: bool = True,
        before: Carried = NOTHING_CARRIED,
    ) -> tuple[list[Finding], list[Finding]]:
        """Findings and suppressed findings in ``doc``, stage by stage.

        ``text``: the doc's text, when the caller has it; ``screen``: :meth:`screen` of that
        text, when the caller has screened it (the gate is then not repeated on tokens);
        ``keep_suppressed=False``: the caller wants no suppressed findings (an empty list);
        ``before``: the substances named before ``doc``, when it is a chunk of a longer text.
        """
        columns = TokenColumns(doc, self.words)
        named = self.product_name_tokens(columns, screen)
        if named is None:
            return [], []
        tags = self.tagger(doc, named, could_match=self.could_claim)
        if not tags:
            return [], []
        sents = Sentences(doc, columns.sentence_codes())
        by_sent = sents.group(tags)
        candidates = self.match_rules(by_sent, sents, columns)
        if not candidates and (self.scorer is None or not columns.may_claim()):
            # (the gate on raw text lets a few texts through that the test on tokens stops: with
            # nothing for the rules, the scorer reads only what spaCy's pipeline path would)
            return [], []
        hits = self.context.hits(doc, tags)
        self.apply_context(sents, candidates, hits, keep_suppressed)
        if candidates:
            self.resolve_subjects(doc, sents, by_sent, columns, candidates, before)
        scored = self.score(doc, sents, by_sent, candidates, hits, columns)
        if scored:
            self.resolve_subjects(doc, sents, by_sent, columns, scored, before)
            candidates += scored
        if not candidates:
            return [], []
        if not keep_suppressed:
            candidates = [c for c in candidates if not c.cues]
        findings = self.make_findings(doc, text, sents, columns, candidates)
        return dedupe([f for f in findings if not f.suppressed_by]), [f for f in findings if f.suppressed_by]

    def tags(self, doc: Doc) -> list[Tag]:
        """All the lexicon entities of ``doc``."""
        return self.tagger(doc, TokenColumns(doc, self.words).product_names())

    def named_substances(self, doc: Doc) -> list[str]:
        """The ids of the substances ``doc`` names (not generic ones like "herbs"), in order: what
        carries on to the next chunk of a long text."""
        generic = self._generic_substances
        return [t.id for t in self.tags(doc) if t.cls == "SUBSTANCE" and t.id not in generic]

    def view(self, doc: Doc) -> list[str]:
        """The scorer's view of the whole of ``doc`` as one sentence, with the signals of the rule
        candidates in it (for training and evaluation: what :meth:`score` reads of a sentence)."""
        columns = TokenColumns(doc, self.words)
        tags = self.tagger(doc, columns.product_names())
        sents = Sentences(doc, columns.sentence_codes())
        candidates = self.match_rules(sents.group(tags), sents, columns)
        hits = self.context.hits(doc, tags)
        self.apply_context(sents, candidates, hits, keep_suppressed=False)
        return sentence_view(doc, 0, len(doc), tags, hits, rule_signals(tags, candidates, self.scorable(tags)))

    # ------------------------------------------------------------------ the stages
    def product_name_tokens(self, columns: TokenColumns, screen: Screen | None) -> list[int] | None:
        """Gate: the tokens that are product names, or ``None`` when the doc cannot hold a claim."""
        if screen is not None:  # the gate has looked at the text already
            return columns.product_names() if screen.may_name else []
        if not columns.may_claim():
            return None
        return columns.product_names()

    def match_rules(self, by_sent: dict[int, list[Tag]], sents: Sentences, columns: TokenColumns) -> list[Candidate]:
        """Rule matching, sentence by sentence (``by_sent``: each sentence's entities): the tightest
        match of a rule at each end token, by start, end and rule id."""
        literals = columns.literals()
        best: dict[tuple[str, int], tuple[int, int]] = {}  # (rule, end) -> (start, sentence)
        for k, here in by_sent.items():
            patterns = self.matcher.possible(frozenset([t.cls for t in here]))
            if patterns.patterns:
                start, end = sents.bounds(k)
                for rule_id, s, e in self.matcher(columns.doc, start, end, here, literals, patterns):
                    if best.get((rule_id, e), (-1,))[0] < s:
                        best[(rule_id, e)] = (s, k)
        ordered = sorted((s, e, rule_id, k) for (rule_id, e), (s, k) in best.items())
        return [Candidate(self.rules[rule_id], s, e, k, by_sent[k]) for s, e, rule_id, k in ordered]

    def apply_context(
        self, sents: Sentences, candidates: list[Candidate], hits: list[Hit], keep_suppressed: bool
    ) -> None:
        """Context: the cues that suppress each candidate, and whether it is hedged."""
        in_sent: dict[int, tuple[SentenceBounds, list[Hit]]] = {}  # sentence -> its bounds and hits
        by_start = sorted(range(len(hits)), key=lambda i: hits[i].start)  # found by bisection, kept in order
        starts = [hits[i].start for i in by_start]
        for c in candidates:
            found = in_sent.get(c.sent)
            if found is None:
                sent = sents[c.sent]
                near = sorted(by_start[bisect.bisect_left(starts, sent.start) : bisect.bisect_left(starts, sent.end)])
                found = in_sent[c.sent] = (sent, [hits[i] for i in near if hits[i].end <= sent.end])
            sent, local = found
            if local:
                c.cues, c.hedged = assess(local, sent, c.start, c.end, c.own_tokens(), reasons=keep_suppressed)

    def resolve_subjects(
        self,
        doc: Doc,
        sents: Sentences,
        by_sent: dict[int, list[Tag]],
        columns: TokenColumns,
        candidates: list[Candidate],
        before: Carried = NOTHING_CARRIED,
    ) -> None:
        """Subject: the substance each candidate is about; a candidate without a product to be
        about (or about a conventional medicine) is suppressed."""
        generic = self._generic_substances
        mentions = [
            Mention(t.cls, t.id, t.start, t.end, t.cls == "SUBSTANCE" and t.id in generic, k)
            if t.cls != NAMED_PRODUCT
            # a product of unknown make-up, like "this supplement"
            else Mention("SUBSTANCE", "", t.start, t.end, True, k)
            for k, here in by_sent.items()
            for t in here
            if t.cls in SUBJECT_CLASSES
        ]
        resolver = SubjectResolver(doc, sents, mentions, columns.subject_flags, before)
        for c in candidates:
            dropped, c.substance = resolver.resolve(
                c.sent, c.start, c.end, c.rule.allow_conventional_subject, c.rule.requires_subject
            )
            if dropped:
                c.cues.insert(0, dropped)

    def score(
        self,
        doc: Doc,
        sents: Sentences,
        by_sent: dict[int, list[Tag]],
        candidates: list[Candidate],
        hits: list[Hit],
        columns: TokenColumns,
    ) -> list[Candidate]:
        """Scoring: each candidate gets its sentence's confidence, and is suppressed below the veto;
        returns a candidate for each sentence that no rule flagged and that scores at least its
        tier's threshold (:class:`Policy`; ``min_confidence`` moves them)."""
        if self.scorer is None:
            return []
        policy = self.scorer.policy
        if self.min_confidence is not None:
            policy = policy.with_accept(self.min_confidence)
        eligible = self.may_hold_claim if policy.scores_unscorable else self.scorable
        scored = sorted({c.sent for c in candidates} | {k for k, here in by_sent.items() if eligible(here)})
        if not scored:
            return []
        views = self.views(doc, sents, by_sent, candidates, hits, scored, columns.view_words())
        scores = dict(zip(scored, self.scorer(views)))
        flagged, ruled_out = set(), set()  # sentences a rule flagged; whose claim the context rules out
        medicine = {c.sent for c in candidates if CONVENTIONAL_SUBJECT in c.cues}  # claims about a drug
        for c in candidates:
            c.confidence = scores[c.sent].confidence
            if any(cue != NO_SUBJECT for cue in c.cues):
                # negated, debunked, reported, about a medicine...: not the scorer's to overrule
                ruled_out.add(c.sent)
            elif c.confidence < policy.veto:
                c.cues.append(f"scorer:{c.confidence:.2f}")
            elif not c.cues:
                flagged.add(c.sent)
        found = []
        for k, score in scores.items():
            here = by_sent.get(k, [])
            tier = sentence_tier(
                k in flagged, k in ruled_out, self.scorable(here), self.may_hold_claim(here), k in medicine
            )
            threshold = None if tier == RULED else policy.threshold(tier)
            if threshold is not None and score.confidence >= threshold and not self.is_label(doc, sents, k):
                found.append(self.scored_candidate(doc, sents, k, here, score))
        return found

    @staticmethod
    def is_label(doc: Doc, sents: Sentences, k: int) -> bool:
        """Whether sentence ``k`` is a label ending in a colon ("Deep sleep:"): what it labels
        follows it, and makes the claim if there is one."""
        start, end = sents.bounds(k)
        last = next((i for i in range(end - 1, start - 1, -1) if not doc[i].is_space), None)
        return last is not None and doc[last].orth_ == ":"

    def views(
        self,
        doc: Doc,
        sents: Sentences,
        by_sent: dict[int, list[Tag]],
        candidates: list[Candidate],
        hits: list[Hit],
        scored: list[int],
        doc_words: list[str] | None = None,
    ) -> list[list[str]]:
        """The scorer's view of each sentence in ``scored``, opened by its rule signals."""
        in_sent: dict[int, list[Candidate]] = {}
        for c in candidates:
            in_sent.setdefault(c.sent, []).append(c)
        views = []
        for k in scored:
            tags = by_sent.get(k, ())
            signals = rule_signals(tags, in_sent.get(k, ()), self.scorable(tags))
            views.append(sentence_view(doc, *sents.bounds(k), tags, hits, signals, doc_words))
        return views

    def could_claim(self, classes: frozenset[str]) -> bool:
        """Whether a doc whose lexicon entities are of ``classes`` may hold a claim: some rule could
        match, or (with a scorer) it names a condition, effect or drug."""
        return self.matcher.could_match(classes) or (self.scorer is not None and bool(classes & TARGET_ENTITY_CLASSES))

    def may_hold_claim(self, tags: list[Tag]) -> bool:
        """Whether a sentence with these entities may hold a claim: some rule could match them, or
        one of them is a condition, effect or drug (what a loose policy asks of a scored sentence)."""
        classes = frozenset([t.cls for t in tags])
        return self.matcher.could_match(classes) or bool(classes & TARGET_ENTITY_CLASSES)

    @staticmethod
    def scorable(tags: list[Tag]) -> bool:
        """Whether the scorer may make a claim of a sentence with these entities: it names a
        condition, effect or drug, and something a claim can be about (a product, "it", "my"...),
        so that no sentence about a condition in general, or a product alone, is flagged."""
        return any(t.cls in TARGET_ENTITY_CLASSES for t in tags) and any(t.cls in SUBJECT_CLASSES for t in tags)

    def scored_candidate(self, doc: Doc, sents: Sentences, k: int, tags: list[Tag], score: Score) -> Candidate:
        """A candidate of rule ``scored-claim`` over sentence ``k`` (its words, without the spaces
        around them)."""
        start, end = sents.bounds(k)
        while start < end - 1 and doc[start].is_space:
            start += 1
        while end > start + 1 and doc[end - 1].is_space:
            end -= 1
        medium = score.confidence >= self.scorer.policy.confident
        candidate = Candidate(self.scored_rules[score.category, medium], start, end, k, tags)
        candidate.confidence = score.confidence
        return candidate

    def make_findings(
        self, doc: Doc, text: str | None, sents: Sentences, columns: TokenColumns, candidates: list[Candidate]
    ) -> list[Finding]:
        """Evidence and findings: one finding per candidate, reporting where it is in ``text``."""
        if text is None:
            text = doc.text  # Doc.text walks every token: read it once, and only when a rule matched
        # sentence -> its text (runs of whitespace made single spaces) and its character span
        sentences: dict[int, tuple[str, int, int]] = {}
        findings = []
        for c in candidates:
            found = sentences.get(c.sent)
            if found is None:
                start, end = columns.char_span(*sents.bounds(c.sent))
                found = sentences[c.sent] = (" ".join(text[start:end].split()), start, end)
            sentence, sent_start, sent_end = found
            span = columns.char_span(c.start, c.end)
            finding = self.findings.finding(c, text, span, sentence)
            # where its sentence starts and ends, counted from the finding (as offsets shift together)
            finding.sentence_around = (span[0] - sent_start, sent_end - span[1])
            findings.append(finding)
        return findings


@Language.factory(
    "health_claims",
    default_config={
        "patterns": [],
        "include_builtin": True,
        "evidence_limit": 3,
        "scorer": "builtin",
        "min_confidence": None,
    },
)
def make_health_claims(
    nlp: Language,
    name: str,
    patterns: list[str],
    include_builtin: bool,
    evidence_limit: int,
    scorer: str,
    min_confidence: float | None,
):
    """Factory registered through the ``spacy_factories`` entry point.

    ``scorer``: ``"builtin"`` (the shipped model), a folder written by ``healthclaims train``,
    or ``""`` for rules alone; ``min_confidence``: what a sentence that no rule matched must score to be
    reported (lower: more claims found, more false flags; ``None``: the model's own policy).
    """
    # the CLI has usually loaded (and validated) the same pack already
    pack = cached_pack(tuple(patterns)) if include_builtin else load_pack(patterns, include_builtin=False)
    model = (_ShippedScorer() if scorer == "builtin" else cached_scorer(scorer)) if scorer else None
    return HealthClaims(nlp, name, pack, evidence_limit=evidence_limit, scorer=model, min_confidence=min_confidence)


class _ShippedScorer:
    """The shipped scorer, loaded when a sentence is first scored: a run whose texts never
    reach the scorer (no health words) does not pay for loading it."""

    @property
    def policy(self):
        return cached_scorer(None).policy

    def __call__(self, views):
        return cached_scorer(None)(views)
