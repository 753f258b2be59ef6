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

import re
from bisect import bisect_right
from itertools import compress, count
from operator import itemgetter

import numpy
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .context import ContextMatcher, assess, typographic_variants
from .evidence import EvidenceIndex
from .findings import SEVERITY_RANK, Finding
from .patterns import TARGET_CLASSES, PatternPack, Rule, cached_pack, load_pack
from .rulematch import Literals, RuleMatcher, Tag
from .segment import Sentences, ensure_sentences, type_code
from .subjects import Mention, SubjectResolver, type_flags

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
# Everyday words that lexicon terms contain ("high" blood pressure, "dry" eyes,
# "come" off, and the "wo" of "won't"): never chosen as a term's anchor word when it has a rarer one.
# Only speed depends on this list, never what is found.
EVERYDAY_WORDS = frozenset("""
    able about above ache act action active age ago ai air all alone also always answer any area around away
    back bad balance bar base be being best better big bit black blue body book born bottom box break bright
    bring brown build burn ca call calm can care case cause causes center change check child children china
    city clean clear close cold come comes coming common cool count course cover cross cup cut dark day days
    deep did do does doing done door down draw dream dress drink drive drop dry early easy eat eating effect
    effects end energy enough even every eye eyes face fact fall family far fast feel feeling feet few field
    fill find fine fire first fit fix fixes flash flat flow fly focus food foot form free fresh friend front
    full fun game gave general gentle get gets getting girl give given gives giving go going gold gone good
    got gotten great green ground group grow growth hair half hand hands hard harm have head health healthy
    hear heart heavy help helped helps here high hit hold home hot hour house hung idea inches index inside
    issue issues job join just keep kick kind kit know land large last late lead leave left less level levels
    life light like line lines list little live long look lose losing loss lot love low lower made main make
    man many mark matter may mean meds men mind minor miss model money month more morning most move much name
    natural near need never new next nice night normal note now number off oil old once only open order other
    out output over own page paper part pass past peace people period pick picture pink place plan plant play
    point poor power press pretty proven pull push put quick quiet rate read ready real red rest right rise
    risk risks road rock room round rule run safe same save say season second see self sense set sha shape
    sharp shot shots show shown side sign signs simple size slow small social soft some sound space speed spot
    spots spring stand start state stay step still stop stops store story strain strong sure sweet take talk
    tell test thick thing think time today top total touch town tree true try turn type under up use very view
    wait walk wall want warm watch water way wear week weight well white whole win winter wo woman women
    wonder word work worked works world year years yellow young zest
""".split())
# A product whose name claims a condition away ("AnxiFree"); its id is the condition's.
NAMED_PRODUCT = "NAMED_PRODUCT"
# Property words ("anti-cancer") stand for the condition or effect they name.
PROPERTY_CLASSES = {"DISEASE_PROP": "CONDITION", "EFFECT_PROP": "EFFECT"}
# What a claim is about, by preference: a product name, a condition or effect, a property word, a drug.
_TARGET_RANK = {NAMED_PRODUCT: 0, **{c: 1 for c in TARGET_CLASSES}, **{c: 2 for c in PROPERTY_CLASSES}, "DRUG": 3}
# Lexicon classes a subject may be found among (a product name is a product of unknown make-up).
_MENTION_CLASSES = frozenset([*SUBJECT_CLASSES, NAMED_PRODUCT])


class HealthClaims:
    def __init__(self, nlp: Language, name: str, pack: PatternPack, evidence_limit: int = 3):
        self.name = name
        self.pack = pack
        self.vocab = nlp.vocab
        self.rules: dict[str, Rule] = {r.id: r for r in pack.active_rules()}
        make_doc = nlp.tokenizer
        # 1. lexicon
        self.lexicon = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.name_key = nlp.vocab.strings.add(NAMED_PRODUCT)
        # match key -> lexicon class and id (a product name's id is its condition, found per name)
        self._cls_of: dict[int, str] = {self.name_key: NAMED_PRODUCT}
        self._id_of: dict[int, str] = {self.name_key: ""}
        term_docs: dict[tuple[str, str], list[Doc]] = {}
        for (cls, id_), entry in sorted(pack.lexicon.items()):
            key = f"{cls}|{id_}"
            match_key = nlp.vocab.strings.add(key)
            self._cls_of[match_key], self._id_of[match_key] = cls, id_
            if entry.terms:
                term_docs[(cls, id_)] = docs = list(make_doc.pipe(entry.terms))
                self.lexicon.add(key, docs + list(make_doc.pipe(typographic_variants(entry.terms))))
        priority = {c: i for i, c in enumerate(CLASS_PRIORITY)}
        self._priority_of = {key: priority.get(cls, 99) for key, cls in self._cls_of.items()}
        # 2. rules
        self.matcher = RuleMatcher({r.id: r.patterns for r in self.rules.values()}, pack.groups, nlp.vocab)
        # word type (ORTH) -> what find() reads of it: see _type_info
        self._types: dict[int, tuple[int, int, tuple[int, bool] | None]] = {}
        self._generic_substances = frozenset(e.id for e in pack.entries("SUBSTANCE") if e.generic)
        # 3. context, 4. evidence
        self.context = ContextMatcher(nlp.vocab, pack, make_doc)
        self.evidence = EvidenceIndex(pack, limit=evidence_limit)
        self.names = {(c, i): e.name for (c, i), e in pack.lexicon.items()}
        self._evidence_for: dict[tuple, list[dict]] = {}  # (substance, target, category) -> items
        self._finding_fields: dict[tuple, tuple] = {}  # (rule, substance, target) -> see _fields
        # product names that claim a condition away ("AnxiFree"): one token, tested once per word type
        self.product_names = ProductNames(pack)
        self.name_flag = nlp.vocab.add_flag(lambda text: self.product_names.condition(text) is not None)
        # 0. prefilter: a lexeme flag (computed once per word type, read in C)
        special_cases = getattr(make_doc, "rules", None) or {}
        split_pieces = frozenset(str(piece.get(ORTH, piece.get("ORTH", ""))).lower()
                                 for pieces in special_cases.values() for piece in pieces)
        found = self._anchor_words(term_docs, split_pieces)
        anchors, requires = found if found is not None else (None, {})
        self.anchor_flag = None if anchors is None else nlp.vocab.add_flag(lambda text: text.lower() in anchors)
        # ... and the same test on raw text, so that texts without an anchor are not even tokenized
        # (exact only for spaCy's English affix rules, which never split two letters apart)
        self.gate = (Gate(anchors | frozenset(self.product_names.names), special_cases, requires,
                          names=frozenset(self.product_names.names))
                     if anchors is not None and _english_affixes(nlp) else None)
        self._gate_tokenizer = _tokenizer_state(make_doc)

    def gate_holds_for(self, tokenizer) -> bool:
        """Whether :meth:`may_claim` is exact for this tokenizer: the one the component was built
        with, its special cases and affix rules unchanged since."""
        return self.gate is not None and _tokenizer_state(tokenizer) == self._gate_tokenizer

    def may_claim(self, text: str) -> bool:
        """False when ``text`` cannot hold a claim: no anchor word occurs in it.

        Exact with respect to the doc-level anchor test: spaCy only splits two
        adjacent letters apart in a tokenizer special case ("cannot"), and the
        gate also looks for every special case that yields an anchor word.
        """
        return self.screen(text)[0]

    def screen(self, text: str) -> tuple[bool, bool]:
        """(:meth:`may_claim`, whether ``text`` may name a product like "AnxiFree");
        pass the second to :meth:`find` as ``names``."""
        return (True, True) if self.gate is None else self.gate.screen(text)

    def _anchor_words(self, term_docs: dict[tuple[str, str], list[Doc]],
                      split_pieces: frozenset[str]) -> tuple[frozenset[str], dict[str, set[frozenset[str]]]] | None:
        """Words at least one of which every possible claim contains, and what else must come with them.

        Every required element of a pattern (a lexicon class, maybe limited to a
        group, or a literal word) must be present for it to match, so each pattern
        contributes the words of one element. A lexicon term contributes one word
        (all of its words must be present): its rarest-looking one, i.e. not a stop
        word, not everyday vocabulary, the longest. Elements are chosen greedily so
        that the anchor set holds as few everyday words as it can. A text with none
        of these words cannot match any pattern and skips everything after the
        anchor test.

        The second value maps an anchor word that only lexicon terms brought in
        to the other words of those terms ("dry" -> {"eyes"}, {"cough"}): the
        anchor counts only if all the words of one of its terms occur. Only words
        made of ASCII letters that no tokenizer special case yields are listed, so
        that each is sure to be a whole run of letters in the text.
        ``None`` when some pattern has no usable element (then every doc is examined).
        """
        term_words: dict[tuple[str, str], dict[str, set[frozenset[str]]]] = {}
        for (cls, id_), docs in term_docs.items():
            if cls in COMMON_CLASSES:
                continue
            by_anchor: dict[str, set[frozenset[str]]] = term_words.setdefault((cls, id_), {})
            for doc in docs:
                if len(doc):
                    anchor = max(doc, key=_rarity).lower_
                    others = frozenset(t.lower_ for t in doc if t.lower_ != anchor and t.lower_.isascii()
                                       and t.lower_.isalpha() and t.lower_ not in split_pieces)
                    by_anchor.setdefault(anchor, set()).add(others)

        def element_words(el) -> tuple[set[str], bool] | None:
            if el.kind == "word" and not el.optional:
                return set(el.words), True
            if el.kind != "ent" or el.classes & COMMON_CLASSES or el.classes == {NAMED_PRODUCT}:
                return None
            return set().union(*(words for (cls, id_), words in term_words.items() if cls in el.classes
                                 and (el.ids is None or (id_ in el.ids) != el.exclude))), False

        options_by_pattern = []
        for pattern in self.matcher.patterns:
            if any(el.kind == "ent" and el.classes == {NAMED_PRODUCT} for el in pattern.elements):
                continue  # found by the product-name test, which the anchor test includes
            options = [w for w in map(element_words, pattern.elements) if w is not None]
            if not options:
                return None
            options_by_pattern.append(options)
        anchors: set[str] = set()
        literal: set[str] = set()
        # patterns with the fewest choices first; then the option that adds the least
        for options in sorted(options_by_pattern, key=len):
            words, is_literal = min(options, key=lambda option: sum(map(_word_cost, option[0] - anchors)))
            anchors |= words
            if is_literal:
                literal |= words
        requires: dict[str, set[frozenset[str]]] = {}
        for by_anchor in term_words.values():
            for anchor, others in by_anchor.items():
                if anchor in anchors and anchor not in literal:
                    requires.setdefault(anchor, set()).update(others)
        return frozenset(anchors), requires

    # ------------------------------------------------------------------ tagging
    def tag(self, doc: Doc, only_if_possible: bool = False, named: list[int] | None = None) -> list[Tag]:
        """Lexicon entities, longest first, then by class priority; no overlaps.

        With ``only_if_possible``, return nothing when no rule pattern could match
        the classes found (most documents: a cheap early exit), before or after
        overlaps are resolved.
        """
        found = self.lexicon(doc)
        if named is None:  # tokens that are product names (find() has read them already)
            named = numpy.nonzero(doc.to_array(self.name_flag))[0].tolist()
        if named:
            found = [*found, *[(self.name_key, i, i + 1) for i in named]]
        cls_of = self._cls_of
        if only_if_possible and not self.matcher.possible(frozenset(map(cls_of.__getitem__, map(_first, found)))):
            return []
        if named:
            found.sort(key=_span)  # the matcher's own matches come sorted by start, then end
        # Overlaps are resolved within each run of overlapping matches (most matches are alone):
        # longest first, then by class priority, then leftmost, then in the matcher's order.
        ids, priority = self._id_of, self._priority_of
        tags: list[Tag] = []
        i, n = 0, len(found)
        while i < n:
            key, s, e = found[i]
            j = i + 1
            while j < n and found[j][1] < e:
                if found[j][2] > e:
                    e = found[j][2]
                j += 1
            if j == i + 1:
                cls = cls_of[key]
                tags.append(_new_tuple(Tag, (cls, ids[key], s, e)) if cls != NAMED_PRODUCT
                            else self._new_tag(key, s, e, doc))
            elif j == i + 2:  # two overlapping matches (the commonest run): one of them is kept
                key, s, e = found[i]
                key2, s2, e2 = found[i + 1]
                # the second wins only by length or class priority: it starts no earlier, comes later
                if (s2 - e2, priority[key2]) < (s - e, priority[key]):
                    key, s, e = key2, s2, e2
                tags.append(self._new_tag(key, s, e, doc))
            else:
                tags.extend(self._resolve_overlaps(found[i:j], s, e, doc))
            i = j
        if only_if_possible and len(tags) < len(found) and not self.matcher.possible(frozenset(map(_first, tags))):
            return []  # the overlaps dropped a class that every possible pattern needs
        return tags

    def _new_tag(self, key: int, s: int, e: int, doc: Doc) -> Tag:
        cls = self._cls_of[key]
        return _new_tuple(Tag, (cls, self._id_of[key] if cls != NAMED_PRODUCT
                                else self.product_names.condition(doc[s].text), s, e))

    def _resolve_overlaps(self, run: list[tuple[int, int, int]], first: int, end: int, doc: Doc) -> list[Tag]:
        """The matches of a run of overlapping ones (tokens [first, end)) that tag() keeps, by start."""
        priority = self._priority_of
        ranked = sorted([(s - e, priority[key], s, n, e, key) for n, (key, s, e) in enumerate(run)])
        taken = bytearray(end - first)
        kept: list[Tag] = []
        for _, _, s, _, e, key in ranked:
            if taken.find(1, s - first, e - first) < 0:  # none of its tokens taken yet
                taken[s - first:e - first] = b"\x01" * (e - s)
                kept.append(self._new_tag(key, s, e, doc))
        kept.sort(key=_start)
        return kept

    def __call__(self, doc: Doc) -> Doc:
        findings, suppressed = self.find(doc)
        ensure_sentences(doc)  # doc.sents works after this component, as in any pipeline
        doc._.health_claims = findings
        doc._.health_claims_suppressed = suppressed
        if findings or "health_claims" in doc.spans:
            doc.spans["health_claims"] = [Span(doc, *f.tokens, label=f.rule_id) for f in findings]
        return doc

    def find(self, doc: Doc, text: str | None = None, names: bool | None = None,
             fresh: bool = False) -> tuple[list[Finding], list[Finding]]:
        """Findings and suppressed findings in ``doc``; ``text`` is its text when the caller has it.

        ``fresh``: the doc comes straight from the tokenizer (no sentence boundaries set, so
        none are looked for), and the caller wants no suppressed findings (an empty list).

        ``names`` is the second value of :meth:`screen` on that text, when the caller has
        screened it (then the anchor test on tokens is not repeated).
        """
        if names is not None:
            named = numpy.nonzero(doc.to_array(self.name_flag))[0].tolist() if names else []
        elif self.anchor_flag is None:
            named = numpy.nonzero(doc.to_array(self.name_flag))[0].tolist()
        else:
            flags = doc.to_array([self.anchor_flag, self.name_flag])
            if not flags.any():
                return [], []
            named = numpy.nonzero(flags[:, 1])[0].tolist()
        tags = self.tag(doc, only_if_possible=True, named=named)
        if not tags:
            return [], []
        # Read the rest only now that a rule could match.
        # What the rest needs of each word type is looked up once per type (in Python:
        # cheaper than reading a dozen token attributes with Doc.to_array).
        types = self._types
        # one read for the word types and (should a rule match) the character offset and
        # length of every token; as three lists: tolist() of a 2-D array builds a view per row
        orths, *spans = doc.to_array([ORTH, IDX, LENGTH]).T.tolist()
        infos = list(map(types.get, orths))
        if None in infos:  # word types not seen before
            infos = [info or self._type_info(orth) for info, orth in zip(infos, orths)]
        sents = Sentences(doc, bytes(map(_first, infos)), annotated=False if fresh else None)
        words = {i: infos[i][2] for i in compress(count(), map(_third, infos))}  # (info[2] is None or a pair)
        literals = Literals(list(words), words)
        by_sent: dict[int, list[Tag]] = {}
        starts = sents.starts
        tag_sents = [bisect_right(starts, t.start) - 1 for t in tags]
        for t, k in zip(tags, tag_sents):
            by_sent.setdefault(k, []).append(t)
        matches: list[tuple[str, int, int]] = []
        for k, here in by_sent.items():
            patterns = self.matcher.possible(frozenset(map(_first, here)))  # their classes
            if patterns:
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
        generic = self._generic_substances
        mentions = [  # (tuple.__new__: Mention(...) without NamedTuple's Python-level __new__)
            _new_tuple(Mention, (t.cls, t.id, t.start, t.end, t.cls == "SUBSTANCE" and t.id in generic, k))
            if t.cls != NAMED_PRODUCT else  # a product of unknown make-up, like "this supplement"
            _new_tuple(Mention, ("SUBSTANCE", "", t.start, t.end, True, k))
            for t, k in zip(tags, tag_sents) if t.cls in _MENTION_CLASSES
        ]
        resolver = SubjectResolver(doc, sents, mentions, lambda: bytes(map(_second, infos)))
        findings: list[Finding] = []
        suppressed: list[Finding] = []
        if text is None:
            text = doc.text  # Doc.text walks every token: read it once, and only when a rule matched
        in_sent: dict[int, tuple] = {}  # sentence -> its bounds and the context hits inside it
        sentences: dict[int, str] = {}  # sentence -> its text, as findings report it
        for (rule_id, e), s in sorted(best.items(), key=_match_order):
            rule = self.rules[rule_id]
            k = bisect_right(starts, s) - 1
            keep, substance = resolver.resolve(k, s, e, rule.allow_conventional_subject, rule.requires_subject)
            if not keep and fresh:
                continue  # suppressed, and not wanted
            here = by_sent[k]
            found_in = in_sent.get(k)
            if found_in is None:
                sent = sents[k]
                found_in = in_sent[k] = (sent, [h for h in hits if h.start >= sent.start and h.end <= sent.end])
            sent, local = found_in
            if local:
                own = frozenset([i for t in here if s <= t.start and t.end <= e for i in range(t.start, t.end)])
                cues, hedged = assess(local, sent, s, e, own, reasons=not fresh)
            else:
                cues, hedged = [], False
            if not keep:
                cues.insert(0, "subject:none-or-conventional")
            if cues and fresh:
                continue  # suppressed, and not wanted
            sentence = sentences.get(k)
            if sentence is None:
                offsets, lengths = spans
                sentence = sentences[k] = " ".join(
                    text[offsets[sent.start]:offsets[sent.end - 1] + lengths[sent.end - 1]].split())
            finding = self._finding(text, spans, rule, sentence, s, e, substance, self._target(here, s, e), hedged)
            finding.suppressed_by.extend(cues)
            (suppressed if cues else findings).append(finding)
        return _dedupe(findings), suppressed

    def _target(self, tags: list[Tag], s: int, e: int) -> tuple[str | None, str | None]:
        """The condition or effect a claim is about: the last one in its span."""
        # the last of each kind, in one pass; a product name first, then a condition or effect,
        # then a property word, then a drug
        last: list[Tag | None] = [None, None, None, None]
        rank = _TARGET_RANK
        for t in tags:
            if s <= t.start and t.end <= e:
                k = rank.get(t.cls)
                if k is not None:
                    last[k] = t
        named, target, prop, drug = last
        if named is not None:
            return "CONDITION", named.id
        if target is not None:
            return target.cls, target.id
        if prop is not None:
            return PROPERTY_CLASSES[prop.cls], self.pack.lexicon[(prop.cls, prop.id)].refers_to
        if drug is not None:
            return drug.cls, drug.id
        return None, None

    def _type_info(self, orth: int) -> tuple[int, int, tuple[int, bool] | None]:
        """What find() reads of a word type: its sentence code byte (:func:`type_code`), its
        subject resolver byte (:func:`type_flags`) and, if a pattern may name it, its
        (LOWER hash, like a number)."""
        lexeme = self.vocab[orth]
        info = self._types[orth] = (type_code(lexeme), type_flags(lexeme), self.matcher.literal_info(lexeme))
        return info

    def _finding(self, text: str, spans: list[list[int]], rule: Rule, sentence: str, s: int, e: int,
                 substance: str | None, target: tuple[str | None, str | None], hedged: bool) -> Finding:
        """A finding for tokens [s, e); ``spans`` are the doc's token offsets and lengths, ``sentence``
        the text of its sentence with runs of whitespace made single spaces."""
        key = (rule.id, substance, target)
        fields = self._finding_fields.get(key)
        if fields is None:
            fields = self._finding_fields[key] = self._fields(rule, substance, target)
        category, severity, sub_name, sub_id, target_name, target_id, dicts = fields
        offsets, lengths = spans
        start, end = offsets[s], offsets[e - 1] + lengths[e - 1]
        # each finding owns its basis and evidence items
        finding = Finding(rule.id, category, severity, hedged, text[start:end], sentence, start, end, sub_name,
                          sub_id, target_name, target_id, rule.message, dict(rule.basis), rule.fix,
                          list(map(dict, dicts)))
        finding.tokens = (s, e)  # not a field: not reported, used for doc.spans
        return finding

    def _fields(self, rule: Rule, substance: str | None, target: tuple[str | None, str | None]) -> tuple:
        """What a finding of ``rule`` about ``substance`` and ``target`` reports, apart from where it is."""
        severity = rule.severity
        target_cls, target_id = target
        if target_cls == "EFFECT":
            tier = self.pack.lexicon[("EFFECT", target_id)].tier
            severity = rule.severity_by_tier.get(tier or "", severity)
        sub_entry = self.pack.lexicon.get(("SUBSTANCE", substance)) if substance else None
        if sub_entry is not None and sub_entry.generic:
            substance, sub_entry = None, None
        lookup_target = target_id if target_cls in TARGET_CLASSES else None
        key = (substance, lookup_target, rule.category)
        dicts = self._evidence_for.get(key)
        if dicts is None:
            dicts = self._evidence_for[key] = self.evidence.items(*key)
        return (rule.category, severity, sub_entry.name if sub_entry else None, substance if sub_entry else None,
                self.names.get((target_cls, target_id)) if target_id else None, target_id, dicts)


def _rarity(token) -> tuple:
    """Sort key for a term's anchor word: the least common-looking, then the longest, then the first."""
    return (-_word_cost(token.lower_), len(token.text), -token.i)


def _english_affixes(nlp: Language) -> bool:
    """Whether the pipeline tokenizes with spaCy's English prefix, suffix and infix rules."""
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    tok, defaults = nlp.tokenizer, nlp.Defaults
    try:
        return (nlp.lang == "en"
                and tok.prefix_search.__self__.pattern == compile_prefix_regex(defaults.prefixes).pattern
                and tok.suffix_search.__self__.pattern == compile_suffix_regex(defaults.suffixes).pattern
                and tok.infix_finditer.__self__.pattern == compile_infix_regex(defaults.infixes).pattern)
    except AttributeError:  # a custom tokenizer
        return False


def _tokenizer_state(tokenizer) -> tuple:
    """What the gate's exactness depends on: the tokenizer, its special cases and affix rules."""
    rules = getattr(tokenizer, "rules", None) or {}
    return (id(tokenizer), len(rules), hash(frozenset(rules)),
            *(id(getattr(tokenizer, name, None)) for name in
              ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")))


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)
_start = _third  # of a Tag (class, id, start, end)
_span = itemgetter(1, 2)  # of a match (key, start, end)
_new_tuple = tuple.__new__  # Tag(...), Mention(...) without NamedTuple's Python-level __new__


def _match_order(item: tuple[tuple[str, int], int]) -> tuple[int, int, str]:
    """((rule id, end), start) -> (start, end, rule id)."""
    (rule_id, end), start = item
    return start, end, rule_id


def _word_cost(word: str) -> float:
    """How often a word may be expected in text that makes no claim (a rough order of magnitude)."""
    if word in STOP_WORDS or not any(ch.isalnum() for ch in word):
        return 10_000.0
    return 10.0 if word in EVERYDAY_WORDS or word.isdigit() else 0.1


class ProductNames:
    """Product names that claim a condition away: a condition's stem, then a name ending.

    "AnxiFree", "DiabeCure", "ARTHRIGONE": a stem directly followed by an ending,
    in CamelCase or capitals only, so that ordinary words ("painless") are never
    taken for names. The names are a finite set, so the gate looks them up
    (lower-cased) with its other anchor words.
    """

    def __init__(self, pack: PatternPack):
        endings = sorted(pack.name_suffixes)
        self.names: dict[str, str] = {}
        for entry in pack.entries("CONDITION"):
            for stem in entry.name_stems:
                for ending in endings:
                    self.names.setdefault(stem + ending, entry.id)
        alternatives = "|".join([e.capitalize() for e in endings] + [e.upper() for e in endings])
        self._form = re.compile(rf"(?:[A-Z][a-z]+|[A-Z]+)(?:{alternatives})") if endings else None

    def condition(self, word: str) -> str | None:
        """The condition id a one-token product name claims, or None."""
        if self._form is None or self._form.fullmatch(word) is None:
            return None
        return self.names.get(word.lower())


# bytes.translate table: ASCII letters stay, every other byte becomes a space
_ASCII_LETTERS_ONLY = bytes.maketrans(bytes(range(256)),
                                      bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256)))


class Gate:
    """The anchor test on raw text: does some anchor word occur, not inside a longer run of letters?

    Tokens never split two letters apart except in a tokenizer special case
    ("cannot"), so an anchor token made of ASCII letters is a whole run of
    letters in the text. Those anchors are looked up in a set, against the
    text's runs of ASCII letters (found with ``bytes.translate``, which is much
    cheaper than tokenizing). The few other anchors ("hsv-1", "t2d", "il-1β")
    and the special cases that yield an anchor go through a regex.
    """

    def __init__(self, anchors: frozenset[str], special_cases: dict,
                 requires: dict[str, set[frozenset[str]]] | None = None, names: frozenset[str] = frozenset()):
        """``requires``: for an anchor that only lexicon terms brought in, the other words of each
        such term (see :meth:`HealthClaims._anchor_words`); ``names``: product names (lower case)."""
        words = set(anchors)
        for string, pieces in special_cases.items():
            if any(str(piece.get(ORTH, piece.get("ORTH", ""))).lower() in anchors for piece in pieces):
                words.add(string.lower())
        ascii_words = {w for w in words if w.isascii() and w.isalpha()}
        self.anchor_runs = frozenset(w.encode("ascii") for w in ascii_words)
        # an anchor with its terms' other words: it counts when all the words of one term occur
        # (an anchor without an entry, or with a term of one word, counts alone)
        self.requires = {w.encode("ascii"): [frozenset(o.encode("ascii") for o in others) for others in alternatives]
                         for w, alternatives in (requires or {}).items()
                         if w in ascii_words and all(alternatives)}
        self.name_runs = frozenset(n.encode("ascii") for n in names if n.isascii() and n.isalpha())
        self.names_elsewhere = any(not (n.isascii() and n.isalpha()) for n in names)
        others = sorted(w for w in words - ascii_words if w)
        # Cheap necessary tests first. (1) Every run of ASCII letters in such a word is a whole
        # run of letters in the text wherever the word occurs (the regex below bounds the word
        # by non-letters), so one run of each word ("coli" of "e.coli") is looked up with the
        # text's runs; a word without letters ("125") must occur as it is.
        keys: set[bytes] = set()
        self.unkeyed: tuple[str, ...] = ()
        for w in others:
            letter_runs = re.findall("[a-zA-Z]+", w)
            if letter_runs:
                keys.add(max(letter_runs, key=lambda r: (-_word_cost(r), len(r))).encode("ascii"))
            else:
                self.unkeyed += (w,)
        self.other_keys = frozenset(keys)
        self.unkeyed_anywhere = re.compile("|".join(map(re.escape, self.unkeyed))) if self.unkeyed else None
        self.runs = self.anchor_runs | self.other_keys  # looked up with the text's runs at once
        # (2) Each such word holds a character that is not an ASCII letter ("t2d", "e.coli",
        # "nad+"); the text must hold that character and the next one of the word. Such
        # pieces start with a digit or a mark, so the regex skips ahead in C.
        pieces = {_piece(w) for w in others}
        pieces = sorted(p for p in pieces if not any(p != q and p.startswith(q) for q in pieces))
        self.others_anywhere = re.compile("|".join(map(re.escape, pieces))) if pieces else None
        letter = r"[^\W\d_]"
        parts = []
        for starts, ends in ((True, True), (True, False), (False, True), (False, False)):
            group = [w for w in others if w[0].isalpha() == starts and w[-1].isalpha() == ends]
            if group:
                parts.append((f"(?<!{letter})" if starts else "") + f"(?:{_trie(group)})"
                             + (f"(?!{letter})" if ends else ""))
        self.others = re.compile("|".join(parts)) if parts else None

    def __call__(self, text: str) -> bool:
        return self.screen(text)[0]

    def screen(self, text: str) -> tuple[bool, bool]:
        """(whether ``text`` may hold a claim, whether it may hold a product name)."""
        lower = text.lower()
        runs = lower.encode("utf-8").translate(_ASCII_LETTERS_ONLY).split()
        found = self.runs.intersection(runs)
        other_key = False  # whether the run of letters of some other anchor occurs
        if found:
            anchors, keys, requires = self.anchor_runs, self.other_keys, self.requires
            present = None
            for word in found:
                if word in keys:
                    other_key = True
                if word not in anchors:
                    continue
                alternatives = requires.get(word)
                if alternatives is not None:
                    if present is None:
                        present = set(runs)
                    if not any(others <= present for others in alternatives):
                        continue
                return True, self.names_elsewhere or not self.name_runs.isdisjoint(runs)
        # the bounded regex only where some other anchor may occur at all
        if (self.others is not None
                and (other_key or (self.unkeyed_anywhere is not None
                                   and self.unkeyed_anywhere.search(lower) is not None))
                and self.others_anywhere.search(lower) is not None and self.others.search(lower) is not None):
            return True, self.names_elsewhere or not self.name_runs.isdisjoint(runs)
        return False, False


def _piece(word: str) -> str:
    """Two characters of ``word`` from its first one that is not an ASCII letter (see Gate)."""
    k = next(i for i, ch in enumerate(word) if not ("a" <= ch <= "z" or "A" <= ch <= "Z"))
    return word[k:k + 2]


def _trie(words: list[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per category and overlapping text: the most severe, then the tightest span."""
    if len(findings) < 2:
        return findings
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
    # the CLI has usually loaded (and validated) the same pack already
    pack = cached_pack(tuple(patterns)) if include_builtin else load_pack(patterns, include_builtin=False)
    return HealthClaims(nlp, name, pack, evidence_limit=evidence_limit)
