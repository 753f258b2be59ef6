"""The ``health_claims`` spaCy component.

One pass over a doc, data flowing one way:

1. lexicon tagging — a PhraseMatcher over every lexicon class (substances,
   conditions, effects, claim verbs...), longest match wins;
2. claim rules — patterns written over lexicon classes
   (``@TREAT *{0,6} @CONDITION``, :mod:`analyzer.rulematch`), so the number
   of rules does not grow with the lexicons;
3. context — negation, debunking, reported speech, disclaimers, risks and
   questions drop a candidate; hedges mark it (:mod:`analyzer.context`);
4. subject resolution (:mod:`analyzer.subjects`) and counter-evidence
   (:mod:`analyzer.evidence`).

Findings are stored on ``doc._.health_claims`` and as spans in
``doc.spans["health_claims"]``. Add it to any pipeline with
``nlp.add_pipe("health_claims")``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .context import ContextMatcher, assess
from .evidence import EvidenceIndex
from .findings import SEVERITY_RANK, Finding
from .patterns import TARGET_CLASSES, PatternPack, Rule, load_pack
from .rulematch import RuleMatcher, Tag
from .segment import Sentences, ensure_sentences
from .subjects import Mention, SubjectResolver

if not Doc.has_extension("health_claims"):
    Doc.set_extension("health_claims", default=None)
if not Doc.has_extension("health_claims_suppressed"):
    Doc.set_extension("health_claims_suppressed", default=None)

# When two lexicon matches cover the same tokens, the earlier class wins.
CLASS_PRIORITY = ("SUBSTANCE", "DRUG", "CONDITION", "EFFECT", "WEIGHT")
SUBJECT_CLASSES = ("SUBSTANCE", "DRUG", "PRONOUN")
# Everyday vocabulary: never used alone to decide that a doc may hold a claim.
COMMON_CLASSES = frozenset({"SUBSTANCE", "PRONOUN", "TREAT", "BENEFIT", "MANY", "NATURAL", "RESOLVE", "PREVENT",
                            "COMPARE"})
# Property words ("anti-cancer") stand for the condition or effect they name.
PROPERTY_CLASSES = {"DISEASE_PROP": "CONDITION", "EFFECT_PROP": "EFFECT"}


class HealthClaims:
    def __init__(self, nlp: Language, name: str, pack: PatternPack, evidence_limit: int = 3):
        self.name = name
        self.pack = pack
        self.vocab = nlp.vocab
        self.rules: dict[str, Rule] = {r.id: r for r in pack.active_rules()}
        make_doc = nlp.tokenizer
        # 1. lexicon
        self.lexicon = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lex_keys: dict[int, tuple[str, str]] = {}
        for (cls, id_), entry in sorted(pack.lexicon.items()):
            key = f"{cls}|{id_}"
            self.lex_keys[nlp.vocab.strings.add(key)] = (cls, id_)
            if entry.terms:
                self.lexicon.add(key, list(make_doc.pipe(entry.terms)))
        self.priority = {c: i for i, c in enumerate(CLASS_PRIORITY)}
        # 2. rules
        self.matcher = RuleMatcher({r.id: r.patterns for r in self.rules.values()}, pack.groups, nlp.vocab)
        # 3. context, 4. evidence
        self.context = ContextMatcher(nlp.vocab, pack, make_doc)
        self.evidence = EvidenceIndex(pack, limit=evidence_limit)
        self.names = {(c, i): e.name for (c, i), e in pack.lexicon.items()}
        self._evidence_dicts: dict[str, dict] = {}
        # 0. prefilter: a lexeme flag (computed once per word type, read in C)
        anchors = self._anchor_words(make_doc)
        self.anchor_flag = None if anchors is None else nlp.vocab.add_flag(lambda text: text.lower() in anchors)

    def _anchor_words(self, make_doc) -> frozenset[str] | None:
        """Words at least one of which every possible claim contains.

        For each pattern, one of its required lexicon classes that is not common
        everyday vocabulary (conditions, effects, drugs, safety and proof phrases...);
        for each term of that class, its longest word that is not a stop word. A doc with none of these
        words cannot match any pattern, so it skips phrase matching altogether.
        ``None`` when some pattern has no such class (then every doc is examined).
        """
        sizes: dict[str, int] = {}
        for (cls, _), entry in self.pack.lexicon.items():
            sizes[cls] = sizes.get(cls, 0) + len(entry.terms)
        anchor_classes: set[str] = set()
        for pattern in self.matcher.patterns:
            options = [need for need in pattern.needs if not need & COMMON_CLASSES]
            if not options:
                return None
            anchor_classes |= min(options, key=lambda need: sum(sizes.get(c, 0) for c in need))
        words: set[str] = set()
        for (cls, _), entry in self.pack.lexicon.items():
            if cls in anchor_classes:
                for doc in make_doc.pipe(entry.terms):
                    if len(doc):
                        words.add(max(doc, key=lambda t: (not t.is_stop and not t.is_punct, len(t.text), -t.i)).lower_)
        return frozenset(words)

    # ------------------------------------------------------------------ tagging
    def tag(self, doc: Doc, only_if_possible: bool = False) -> list[Tag]:
        """Lexicon entities, longest first, then by class priority; no overlaps.

        With ``only_if_possible``, return nothing when no rule pattern could match
        the classes found (most documents: a cheap early exit).
        """
        found = self.lexicon(doc)
        if only_if_possible and not self.matcher.possible(frozenset(self.lex_keys[k][0] for k, _, _ in found)):
            return []
        raw = sorted(
            ((s, e, *self.lex_keys[key]) for key, s, e in found),
            key=lambda m: (m[0] - m[1], self.priority.get(m[2], 99), m[0]),
        )
        taken: set[int] = set()
        tags: list[Tag] = []
        for s, e, cls, id_ in raw:
            if not taken.intersection(range(s, e)):
                taken.update(range(s, e))
                tags.append(Tag(cls, id_, s, e))
        tags.sort(key=lambda t: t.start)
        return tags

    def __call__(self, doc: Doc) -> Doc:
        findings, suppressed = self.find(doc)
        doc._.health_claims = findings
        doc._.health_claims_suppressed = suppressed
        if findings or "health_claims" in doc.spans:
            doc.spans["health_claims"] = [Span(doc, *f.tokens, label=f.rule_id) for f in findings]
        return doc

    def find(self, doc: Doc) -> tuple[list[Finding], list[Finding]]:
        if self.anchor_flag is not None and not doc.to_array(self.anchor_flag).any():
            return [], []
        tags = self.tag(doc, only_if_possible=True)
        if not tags or not self.matcher.possible(frozenset(t.cls for t in tags)):
            return [], []
        # Sentences are only needed (and only marked) when a rule could match.
        ensure_sentences(doc)
        sents = Sentences(doc)
        by_sent: dict[int, list[Tag]] = {}
        for t in tags:
            by_sent.setdefault(sents.index(t.start), []).append(t)
        literals: list[int] | None = None
        matches: list[tuple[str, int, int]] = []
        for k, here in by_sent.items():
            patterns = self.matcher.possible(frozenset(t.cls for t in here))
            if not patterns:
                continue
            if literals is None:
                literals = self.matcher.literal_tokens(doc)
            start, end = sents.bounds(k)
            matches.extend(self.matcher(doc, start, end, here, literals, patterns))
        if not matches:
            return [], []
        # keep the tightest match per (rule, end)
        best: dict[tuple[str, int], int] = {}
        for rule_id, s, e in matches:
            if best.get((rule_id, e), -1) < s:
                best[(rule_id, e)] = s
        hits = self.context.hits(doc)
        mentions = [
            Mention(t.cls, t.id, t.start, t.end,
                    bool(t.cls == "SUBSTANCE" and self.pack.lexicon[("SUBSTANCE", t.id)].generic),
                    sents.index(t.start))
            for t in tags if t.cls in SUBJECT_CLASSES
        ]
        resolver = SubjectResolver(doc, sents, mentions)
        findings: list[Finding] = []
        suppressed: list[Finding] = []
        for (rule_id, e), s in sorted(best.items(), key=lambda kv: (kv[1], kv[0][1], kv[0][0])):
            rule = self.rules[rule_id]
            k = sents.index(s)
            sent = sents[k]
            keep, substance = resolver.resolve(k, s, e, rule.allow_conventional_subject, rule.requires_subject)
            own = frozenset(i for t in by_sent[k] if s <= t.start and t.end <= e for i in range(t.start, t.end))
            cues, hedged = assess(hits, sent, s, e, own)
            target = self._target(by_sent[k], s, e)
            finding = self._finding(doc, rule, sent, s, e, substance, target, hedged)
            if not keep:
                finding.suppressed_by.append("subject:none-or-conventional")
            finding.suppressed_by.extend(cues)
            (suppressed if finding.suppressed_by else findings).append(finding)
        return _dedupe(findings), suppressed

    def _target(self, tags: list[Tag], s: int, e: int) -> tuple[str | None, str | None]:
        """The condition or effect a claim is about: the last one in its span."""
        inside = [t for t in tags if s <= t.start and t.end <= e]
        for classes in (TARGET_CLASSES, PROPERTY_CLASSES, ("DRUG",)):
            found = [t for t in inside if t.cls in classes]
            if found:
                t = found[-1]
                if t.cls in PROPERTY_CLASSES:
                    return PROPERTY_CLASSES[t.cls], self.pack.lexicon[(t.cls, t.id)].refers_to
                return t.cls, t.id
        return None, None

    def _evidence_dict(self, entry) -> dict:
        found = self._evidence_dicts.get(entry.id)
        if found is None:
            found = self._evidence_dicts[entry.id] = entry.to_dict()
        return dict(found)

    def _finding(self, doc, rule: Rule, sent: Span, s: int, e: int, substance: str | None,
                 target: tuple[str | None, str | None], hedged: bool) -> Finding:
        severity = rule.severity
        target_cls, target_id = target
        if target_cls == "EFFECT":
            tier = self.pack.lexicon[("EFFECT", target_id)].tier
            severity = rule.severity_by_tier.get(tier or "", severity)
        sub_entry = self.pack.lexicon.get(("SUBSTANCE", substance)) if substance else None
        if sub_entry is not None and sub_entry.generic:
            substance, sub_entry = None, None
        lookup_target = target_id if target_cls in TARGET_CLASSES else None
        evidence = [self._evidence_dict(ev) for ev in self.evidence.lookup(substance, lookup_target, rule.category)]
        # character offsets from token offsets (Span.text would walk every token)
        first, last = doc[s], doc[e - 1]
        start, end = first.idx, last.idx + len(last)
        sent_first, sent_last = doc[sent.start], doc[sent.end - 1]
        sentence = doc.text[sent_first.idx:sent_last.idx + len(sent_last)]
        finding = Finding(
            rule_id=rule.id,
            category=rule.category,
            severity=severity,
            hedged=hedged,
            text=doc.text[start:end],
            sentence=" ".join(sentence.split()),
            start=start,
            end=end,
            substance=sub_entry.name if sub_entry else None,
            substance_id=substance if sub_entry else None,
            target=self.names.get((target_cls, target_id)) if target_id else None,
            target_id=target_id,
            message=rule.message,
            basis=dict(rule.basis),
            fix=rule.fix,
            evidence=evidence,
        )
        finding.tokens = (s, e)  # not a field: not reported, used for doc.spans
        return finding


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per category and overlapping text: the most severe, then the tightest span."""
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.end - f.start, f.start, f.rule_id))
    kept: list[Finding] = []
    for f in ordered:
        if any(k.category == f.category and k.start < f.end and f.start < k.end for k in kept):
            continue
        kept.append(f)
    return sorted(kept, key=Finding.sort_key)


@Language.factory(
    "health_claims",
    default_config={"patterns": [], "include_builtin": True, "evidence_limit": 3},
)
def make_health_claims(nlp: Language, name: str, patterns: list[str], include_builtin: bool, evidence_limit: int):
    """Factory registered through the ``spacy_factories`` entry point."""
    pack = load_pack(patterns, include_builtin=include_builtin)
    return HealthClaims(nlp, name, pack, evidence_limit=evidence_limit)
