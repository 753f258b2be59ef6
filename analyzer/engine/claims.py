"""From rule matches to findings: the claim candidate, what a finding reports, and its evidence.

A :class:`Candidate` is a rule match on its way through the stages (context,
subject, scoring); :class:`FindingBuilder` turns it into a
:class:`~analyzer.findings.Finding`: its target, severity, named substance and
counter-evidence, each found in one place.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..findings import SEVERITY_RANK, Finding
from ..packs.loader import TARGET_CLASSES, EvidenceEntry, PatternPack, Rule
from .evidence import EvidenceIndex
from .gate import NAMED_PRODUCT
from .rulematch import Tag
from .subjects import CONVENTIONAL_SUBJECT, NO_SUBJECT

__all__ = ["CONVENTIONAL_SUBJECT", "NO_SUBJECT", "Candidate", "Facts", "FindingBuilder", "dedupe"]

# Property words ("anti-cancer") stand for the condition or effect they name.
PROPERTY_CLASSES = {"DISEASE_PROP": "CONDITION", "EFFECT_PROP": "EFFECT"}
# What a claim is about, by preference: a product name, a condition or effect, a property word, a drug.
_TARGET_RANK = {NAMED_PRODUCT: 0, **{c: 1 for c in TARGET_CLASSES}, **{c: 2 for c in PROPERTY_CLASSES}, "DRUG": 3}


class Candidate:
    """A rule match: tokens [start, end) in sentence ``sent``, whose entities are ``tags``.

    The stages after matching fill in ``cues`` (why it is suppressed, if it is),
    ``hedged`` and ``substance``.
    """

    __slots__ = ("rule", "start", "end", "sent", "tags", "cues", "hedged", "substance", "confidence")

    def __init__(self, rule: Rule, start: int, end: int, sent: int, tags: list[Tag]):
        self.rule = rule
        self.start = start
        self.end = end
        self.sent = sent
        self.tags = tags
        self.cues: list[str] = []
        self.hedged = False
        self.substance: str | None = None
        self.confidence: float | None = None  # the scorer's, for its sentence

    def own_tokens(self) -> frozenset[int]:
        """The tokens of the lexicon entities the claim is made of."""
        s, e = self.start, self.end
        return frozenset([i for t in self.tags if s <= t.start and t.end <= e for i in range(t.start, t.end)])


@dataclass(frozen=True)
class Facts:
    """What a finding of a rule about a substance and a target reports, apart from where it is."""

    category: str
    severity: str
    substance: str | None
    substance_id: str | None
    target: str | None
    target_id: str | None
    evidence: tuple[tuple[EvidenceEntry, str], ...]  # each entry with how it fits


class FindingBuilder:
    """Targets, facts and evidence of findings (facts are kept per rule, substance and target)."""

    def __init__(self, pack: PatternPack, evidence: EvidenceIndex):
        self.pack = pack
        self.evidence = evidence
        self.names = {(c, i): e.name for (c, i), e in pack.lexicon.items()}
        self._facts: dict[tuple, Facts] = {}

    def target(self, tags: list[Tag], s: int, e: int) -> tuple[str | None, str | None]:
        """The (class, id) a claim over tokens [s, e) is about: the last of its best kind in its span."""
        last: list[Tag | None] = [None, None, None, None]  # the last of each kind, by _TARGET_RANK
        for t in tags:
            if s <= t.start and t.end <= e:
                k = _TARGET_RANK.get(t.cls)
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

    def facts(self, rule: Rule, substance: str | None, target: tuple[str | None, str | None]) -> Facts:
        key = (rule.id, substance, target)
        found = self._facts.get(key)
        if found is None:
            found = self._facts[key] = self._make_facts(rule, substance, target)
        return found

    def _make_facts(self, rule: Rule, substance: str | None, target: tuple[str | None, str | None]) -> Facts:
        severity = rule.severity
        target_cls, target_id = target
        if target_cls == "EFFECT":
            tier = self.pack.lexicon[("EFFECT", target_id)].tier
            severity = rule.severity_by_tier.get(tier or "", severity)
        sub_entry = self.pack.lexicon.get(("SUBSTANCE", substance)) if substance else None
        if sub_entry is not None and sub_entry.generic:
            sub_entry = None  # "this supplement" names no substance
        evidence = self.evidence.matches(
            sub_entry.id if sub_entry else None, target_id if target_cls in TARGET_CLASSES else None, rule.category
        )
        return Facts(
            rule.category,
            severity,
            sub_entry.name if sub_entry else None,
            sub_entry.id if sub_entry else None,
            self.names.get((target_cls, target_id)) if target_id else None,
            target_id,
            tuple(evidence),
        )

    def finding(self, candidate: Candidate, text: str, span: tuple[int, int], sentence: str) -> Finding:
        """The finding of ``candidate``, at characters ``span`` of ``text``; it owns its basis and
        evidence items (changing them changes no other finding)."""
        rule = candidate.rule
        facts = self.facts(rule, candidate.substance, self.target(candidate.tags, candidate.start, candidate.end))
        start, end = span
        finding = Finding(
            rule_id=rule.id,
            category=facts.category,
            severity=facts.severity,
            hedged=candidate.hedged,
            confidence=candidate.confidence,
            text=text[start:end],
            sentence=sentence,
            start=start,
            end=end,
            substance=facts.substance,
            substance_id=facts.substance_id,
            target=facts.target,
            target_id=facts.target_id,
            message=rule.message,
            basis=dict(rule.basis),
            fix=rule.fix,
            evidence=[self.evidence.item(entry, fit) for entry, fit in facts.evidence],
        )
        finding.suppressed_by.extend(candidate.cues)
        finding.tokens = (candidate.start, candidate.end)  # not a field: not reported, used for doc.spans
        return finding


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per category and overlapping text: the most severe, then the tightest span."""
    if len(findings) < 2:
        return findings
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.end - f.start, f.start, f.rule_id))
    kept: list[Finding] = []
    # the kept spans of each category never overlap, so sorted by start they are sorted by end too:
    # of those starting before a span ends, only the last one can reach into it
    spans: dict[str, tuple[list[int], list[int]]] = {}
    for f in ordered:
        starts, ends = spans.setdefault(f.category, ([], []))
        k = bisect.bisect_left(starts, f.end)
        if k and ends[k - 1] > f.start:
            continue
        starts.insert(k, f.start)
        ends.insert(k, f.end)
        kept.append(f)
    return sorted(kept, key=Finding.sort_key)
