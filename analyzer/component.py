"""The ``health_claims`` spaCy component.

One pass over a doc, data flowing one way:

1. lexicon tagging — a PhraseMatcher over every lexicon class (substances,
   conditions, effects, claim verbs...), longest match wins;
2. claim rules — a small Matcher whose patterns are written over lexicon
   classes (``@TREAT *{0,6} @CONDITION``), so the number of rules does not
   grow with the lexicons;
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
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .context import ContextMatcher, assess
from .errors import HealthClaimsError, problem
from .evidence import EvidenceIndex
from .findings import SEVERITY_RANK, Finding
from .patterns import TARGET_CLASSES, PatternPack, Rule, load_pack
from .segment import ensure_sentences
from .subjects import Mention, SubjectResolver

if not Doc.has_extension("health_claims"):
    Doc.set_extension("health_claims", default=None)
if not Doc.has_extension("health_claims_suppressed"):
    Doc.set_extension("health_claims_suppressed", default=None)

# When two lexicon matches cover the same tokens, the earlier class wins.
CLASS_PRIORITY = ("SUBSTANCE", "DRUG", "CONDITION", "EFFECT", "WEIGHT")
SUBJECT_CLASSES = ("SUBSTANCE", "DRUG", "PRONOUN")
# Property words ("anti-cancer") stand for the condition or effect they name.
PROPERTY_CLASSES = {"DISEASE_PROP": "CONDITION", "EFFECT_PROP": "EFFECT"}


def compile_token(token: str, groups: dict[str, list[str]]) -> dict:
    """Translate one token of the rule mini-language into a Matcher token pattern.

    ``@A|B`` one lexicon entity of class A or B (``@A:group`` / ``@A:!group``
    restricts it to / excludes the ids of a named group); ``*{0,6}`` up to six
    tokens of the same sentence; ``word|other`` a literal word (lower case);
    a leading ``?`` makes a literal optional; ``#NUM`` a number.
    """
    if token.startswith("@"):
        body, _, group = token[1:].partition(":")
        spec: dict = {"ENT_TYPE": {"IN": body.split("|")}, "OP": "+"}
        if group:
            negate = group.startswith("!")
            name = group.lstrip("!")
            if name not in groups:
                raise HealthClaimsError(problem("HC208", token=token, reason=f"unknown group '{name}'"))
            spec["ENT_ID"] = {"NOT_IN" if negate else "IN": groups[name]}
        return spec
    if token.startswith("*{") and token.endswith("}"):
        return {"IS_SENT_START": False, "OP": token[1:]}
    if token == "#NUM":
        return {"LIKE_NUM": True}
    optional = token.startswith("?")
    words = token.lstrip("?").split("|")
    if not all(words):
        raise HealthClaimsError(problem("HC208", token=token, reason="empty alternative"))
    spec = {"LOWER": {"IN": words}} if len(words) > 1 else {"LOWER": words[0]}
    if optional:
        spec["OP"] = "?"
    return spec


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
        self.matcher = Matcher(nlp.vocab)
        for rule in self.rules.values():
            compiled = [[compile_token(t, pack.groups) for t in p] for p in rule.patterns]
            self.matcher.add(rule.id, compiled)
        # 3. context, 4. evidence
        self.context = ContextMatcher(nlp.vocab, pack, make_doc)
        self.evidence = EvidenceIndex(pack, limit=evidence_limit)
        self.names = {(c, i): e.name for (c, i), e in pack.lexicon.items()}

    # ------------------------------------------------------------------ tagging
    def tag(self, doc: Doc) -> list[Span]:
        spans = []
        for key, s, e in self.lexicon(doc):
            cls, id_ = self.lex_keys[key]
            spans.append(Span(doc, s, e, label=cls, span_id=id_))
        spans.sort(key=lambda sp: (-(sp.end - sp.start), self.priority.get(sp.label_, 99), sp.start))
        return filter_spans(spans)

    def __call__(self, doc: Doc) -> Doc:
        ensure_sentences(doc)
        findings, suppressed = self.find(doc)
        doc._.health_claims = findings
        doc._.health_claims_suppressed = suppressed
        doc.spans["health_claims"] = [
            doc.char_span(f.start, f.end, label=f.rule_id, alignment_mode="expand") for f in findings
        ]
        return doc

    def find(self, doc: Doc) -> tuple[list[Finding], list[Finding]]:
        spans = self.tag(doc)
        if not spans:
            return [], []
        saved = doc.ents
        doc.ents = spans
        try:
            matches = self.matcher(doc)
        finally:
            doc.ents = saved
        if not matches:
            return [], []
        tok_ent: dict[int, Span] = {}
        for sp in spans:
            for i in range(sp.start, sp.end):
                tok_ent[i] = sp
        sents = list(doc.sents)
        sent_of = {}
        for k, sent in enumerate(sents):
            for i in range(sent.start, sent.end):
                sent_of[i] = k
        # Candidates: snap to entity edges, keep the tightest match per (rule, end).
        best: dict[tuple[str, int], tuple[int, int]] = {}
        for key, s, e in matches:
            rule_id = self.vocab.strings[key]
            if s in tok_ent:
                s = tok_ent[s].start
            if e - 1 in tok_ent:
                e = tok_ent[e - 1].end
            if sent_of.get(s) != sent_of.get(e - 1):
                continue
            k = (rule_id, e)
            if k not in best or s > best[k][0]:
                best[k] = (s, e)
        hits = self.context.hits(doc)
        mentions = [
            Mention(sp.label_, sp.id_, sp.start, sp.end,
                    bool(sp.label_ == "SUBSTANCE" and self.pack.lexicon[("SUBSTANCE", sp.id_)].generic),
                    sent_of[sp.start])
            for sp in spans if sp.label_ in SUBJECT_CLASSES
        ]
        resolver = SubjectResolver(doc, sents, mentions, {})
        findings: list[Finding] = []
        suppressed: list[Finding] = []
        for (rule_id, _), (s, e) in sorted(best.items(), key=lambda kv: (kv[1], kv[0])):
            rule = self.rules[rule_id]
            k = sent_of[s]
            sent = sents[k]
            keep, substance = resolver.resolve(k, s, e, rule.allow_conventional_subject, rule.requires_subject)
            cues, hedged = assess(hits, sent, s, e)
            target = self._target(spans, s, e)
            finding = self._finding(doc, rule, sent, s, e, substance, target, hedged)
            if not keep:
                finding.suppressed_by.append("subject:none-or-conventional")
            finding.suppressed_by.extend(cues)
            (suppressed if finding.suppressed_by else findings).append(finding)
        return _dedupe(findings), suppressed

    def _target(self, spans: list[Span], s: int, e: int) -> tuple[str | None, str | None]:
        """The condition or effect a claim is about: the last one in its span."""
        inside = [sp for sp in spans if s <= sp.start and sp.end <= e]
        for classes in (TARGET_CLASSES, PROPERTY_CLASSES, ("DRUG",)):
            found = [sp for sp in inside if sp.label_ in classes]
            if found:
                sp = found[-1]
                if sp.label_ in PROPERTY_CLASSES:
                    return PROPERTY_CLASSES[sp.label_], self.pack.lexicon[(sp.label_, sp.id_)].refers_to
                return sp.label_, sp.id_
        return None, None

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
        evidence = [ev.to_dict() for ev in self.evidence.lookup(substance, lookup_target, rule.category)]
        span = doc[s:e]
        return Finding(
            rule_id=rule.id,
            category=rule.category,
            severity=severity,
            hedged=hedged,
            text=span.text,
            sentence=" ".join(sent.text.split()),
            start=span.start_char,
            end=span.end_char,
            substance=sub_entry.name if sub_entry else None,
            substance_id=substance if sub_entry else None,
            target=self.names.get((target_cls, target_id)) if target_id else None,
            target_id=target_id,
            message=rule.message,
            basis=dict(rule.basis),
            fix=rule.fix,
            evidence=evidence,
        )


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
