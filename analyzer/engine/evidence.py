"""Linking a finding to counter-evidence, most specific and strongest first.

Specificity: substance + condition/effect (4), condition/effect (3),
substance (2), category fallback (1). A condition also matches entries for
its parents (breast cancer -> cancer). Among equally specific entries,
regulatory action and systematic reviews come before single studies.
"""

from __future__ import annotations

from collections import defaultdict

from ..packs.loader import EvidenceEntry, PatternPack

VERDICT_RANK = {
    "regulatory_action": 0,
    "safety_warning": 1,
    "not_approved": 2,
    "evidence_against": 3,
    "no_reliable_evidence": 4,
    "limited_evidence": 5,
}
SOURCE_RANK = {"regulator": 0, "systematic_review": 1, "fact_sheet": 2, "review": 3, "clinical_trial": 4, "other": 5}


def strength(entry: EvidenceEntry) -> tuple[int, int]:
    best_source = min((SOURCE_RANK.get(s.get("kind", "other"), 5) for s in entry.sources), default=5)
    return best_source, VERDICT_RANK[entry.verdict]


class EvidenceIndex:
    def __init__(self, pack: PatternPack, limit: int = 3):
        self.limit = limit
        self.by_pair: dict[tuple[str, str], list[EvidenceEntry]] = defaultdict(list)
        self.by_target: dict[str, list[EvidenceEntry]] = defaultdict(list)
        self.by_substance: dict[str, list[EvidenceEntry]] = defaultdict(list)
        self.by_category: dict[str, list[EvidenceEntry]] = defaultdict(list)
        self.parents: dict[str, str] = {}
        for cls in ("CONDITION", "EFFECT"):
            for entry in pack.entries(cls):
                if entry.parent:
                    self.parents[entry.id] = entry.parent
        for e in sorted(pack.evidence.values(), key=lambda x: x.id):
            if e.substances and e.targets:
                for s in e.substances:
                    for t in e.targets:
                        self.by_pair[(s, t)].append(e)
            elif e.targets:
                for t in e.targets:
                    self.by_target[t].append(e)
            elif e.substances:
                for s in e.substances:
                    self.by_substance[s].append(e)
            else:  # a category's fallback (EvidenceEntry.is_fallback)
                for c in e.categories:
                    self.by_category[c].append(e)
        self._strength = {e.id: strength(e) for e in pack.evidence.values()}
        self._cache: dict[tuple, list[EvidenceEntry]] = {}

    def _lineage(self, target: str | None) -> list[str]:
        chain: list[str] = []
        while target and target not in chain:
            chain.append(target)
            target = self.parents.get(target)
        return chain

    def lookup(self, substance: str | None, target: str | None, category: str) -> list[EvidenceEntry]:
        key = (substance, target, category)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._lookup(substance, target, category)
        return found

    def _lookup(self, substance: str | None, target: str | None, category: str) -> list[EvidenceEntry]:
        lineage = self._lineage(target)

        def tiers():  # most specific first; built only as far as needed
            if substance:
                yield [e for t in lineage for e in self.by_pair.get((substance, t), ())]
            yield [e for t in lineage for e in self.by_target.get(t, ())]
            if substance:
                yield self.by_substance.get(substance, [])
            yield self.by_category.get(category, [])

        def rank(e: EvidenceEntry) -> tuple:
            # entries naming the finding's category first, then by strength
            return (category not in e.categories if e.categories else 0, *self._strength[e.id], e.id)

        out: list[EvidenceEntry] = []
        seen: set[str] = set()  # by id: comparing entries field by field is slow
        for tier in tiers():
            for e in sorted(tier, key=rank):
                if e.id not in seen:
                    seen.add(e.id)
                    out.append(e)
            if len(out) >= self.limit:
                break
        return out[: self.limit]
