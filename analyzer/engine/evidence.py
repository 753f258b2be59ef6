"""Linking a finding to counter-evidence: the entry that fits the claim best comes first.

How an entry fits a claim about substance S and condition or effect T (``fit``):

- ``substance+target``: the entry is about S and about T (or a broader id T is filed under,
  see below); for an efficacy claim, an entry that only concerns safety does not count here;
- ``target``: the entry names no substance and is about T;
- ``substance``: the entry is about S but not T (its overall record, its safety and
  regulatory history, its evidence for other uses);
- ``category``: the entry names neither substance nor target, only the claim's category.

An entry about another substance, or only about other conditions, never applies.

Broader ids: a condition or effect may name parents in the lexicon (breast cancer -> cancer,
body fat -> fat burning and obesity). An entry tagged with a parent fits a claim about its
children (evidence on cancer answers a claim about breast cancer), and an entry tagged with a
child answers a claim about the parent, after the parent's own entries. Entries are tagged
with what their sources studied: a review of the common cold is tagged common_cold, not
viral_infection, so that it never answers a claim about COVID-19.

Within a fit level: the claim's own id before parents and children, tightly tagged entries
before entries that also name narrower ids, entries naming the claim's category, then
regulatory action and systematic reviews before single studies.
"""

from __future__ import annotations

from collections import defaultdict

from ..packs.loader import TARGET_CLASSES, EvidenceEntry, PatternPack

FITS = ("substance+target", "target", "substance", "category")
SAFETY_CATEGORY = "safety_claim"

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


def safety_only(entry: EvidenceEntry) -> bool:
    """An entry about harm only: it answers a safety claim, not a claim that something works."""
    return bool(entry.categories) and set(entry.categories) == {SAFETY_CATEGORY}


class EvidenceIndex:
    def __init__(self, pack: PatternPack, limit: int = 3):
        self.limit = limit
        self.parents: dict[str, list[str]] = {}
        for cls in TARGET_CLASSES:
            for entry in pack.entries(cls):
                if entry.parents:
                    self.parents[entry.id] = list(entry.parents)
        self.target_ids = frozenset(i for cls in TARGET_CLASSES for i in pack.ids(cls))
        self.by_substance: dict[str, list[EvidenceEntry]] = defaultdict(list)
        self.by_target: dict[str, list[EvidenceEntry]] = defaultdict(list)
        self.by_category: dict[str, list[EvidenceEntry]] = defaultdict(list)
        for e in sorted(pack.evidence.values(), key=lambda x: x.id):
            if e.substances:
                for s in e.substances:
                    self.by_substance[s].append(e)
            elif e.targets:
                for t in e.targets:
                    self.by_target[t].append(e)
            else:  # a category's fallback (EvidenceEntry.is_fallback)
                for c in e.categories:
                    self.by_category[c].append(e)
        self._strength = {e.id: strength(e) for e in pack.evidence.values()}
        self._ancestors: dict[str, dict[str, int]] = {}
        self._cache: dict[tuple, list[tuple[EvidenceEntry, str]]] = {}

    # ------------------------------------------------------------------ the id hierarchy

    def ancestors(self, target: str) -> dict[str, int]:
        """``target`` and every id it is filed under, with the number of steps up (0 for itself)."""
        found = self._ancestors.get(target)
        if found is None:
            found = {target: 0}
            frontier = [target]
            while frontier:
                nxt = []
                for t in frontier:
                    for p in self.parents.get(t, ()):
                        if p not in found:
                            found[p] = found[t] + 1
                            nxt.append(p)
                frontier = nxt
            self._ancestors[target] = found
        return found

    def _lineage(self, target: str | None) -> list[str]:
        return list(self.ancestors(target)) if target else []

    def target_match(self, entry: EvidenceEntry, target: str | None) -> tuple[int, int] | None:
        """How ``entry``'s targets reach ``target``: (distance, looseness), or None if they do not.

        Distance 0 is the claim's own id, 1, 2... its parents, and 100 + n an id filed under it
        (an entry about the common cold answers a claim about viral infections, after any entry
        about viral infections). Looseness 1: the entry is reached through a parent but also names
        narrower ids beside the claim's own line, so it is mostly about them.
        """
        if not target or not entry.targets:
            return None
        line = self.ancestors(target)
        best: tuple[int, int] | None = None
        for t in entry.targets:
            steps = line.get(t)
            if steps is None:
                below = self.ancestors(t).get(target)
                if below is None:
                    continue
                key = (100 + below, 0)
            else:
                loose = steps > 0 and any(o not in line and t in self.ancestors(o) for o in entry.targets)
                key = (steps, int(loose))
            if best is None or key < best:
                best = key
        return best

    # ------------------------------------------------------------------ fit

    def fit(self, entry: EvidenceEntry, substance: str | None, target: str | None, category: str) -> str | None:
        """How ``entry`` fits a claim (one of :data:`FITS`), or None if it does not apply."""
        return self._classify(entry, substance, target, category)[0]

    def _classify(
        self, entry: EvidenceEntry, substance: str | None, target: str | None, category: str
    ) -> tuple[str | None, tuple[int, int] | None]:
        match = self.target_match(entry, target)
        if entry.substances:
            if substance not in entry.substances:
                return None, None
            if match is not None and (category == SAFETY_CATEGORY or not safety_only(entry)):
                return "substance+target", match
            return "substance", match
        if entry.targets:
            return ("target", match) if match is not None else (None, None)
        return ("category", None) if category in entry.categories else (None, None)

    # ------------------------------------------------------------------ lookup

    def lookup(self, substance: str | None, target: str | None, category: str) -> list[EvidenceEntry]:
        return [e for e, _ in self.matches(substance, target, category)]

    def matches(self, substance: str | None, target: str | None, category: str) -> list[tuple[EvidenceEntry, str]]:
        """The best-fitting entries for a claim, best first, with how each fits."""
        key = (substance, target, category)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._matches(substance, target, category)
        return found

    def items(self, substance: str | None, target: str | None, category: str) -> list[dict]:
        """Report items (see :meth:`item`), best first: new dicts on each call."""
        return [self.item(entry, fit) for entry, fit in self.matches(substance, target, category)]

    @staticmethod
    def item(entry: EvidenceEntry, fit: str) -> dict:
        """:meth:`EvidenceEntry.to_dict` with ``fit`` and ``about``: a new dict, sharing nothing with the pack."""
        return {
            **entry.to_dict(),
            "fit": fit,
            "about": {"substances": list(entry.substances), "targets": list(entry.targets)},
        }

    def _candidates(self, substance: str | None, target: str | None, category: str) -> dict[str, EvidenceEntry]:
        found: dict[str, EvidenceEntry] = {}
        if substance:
            for e in self.by_substance.get(substance, ()):
                found[e.id] = e
        for t in self._lineage(target):
            for e in self.by_target.get(t, ()):
                found[e.id] = e
        for e in self.by_category.get(category, ()):
            found[e.id] = e
        return found

    def _matches(self, substance: str | None, target: str | None, category: str) -> list[tuple[EvidenceEntry, str]]:
        efficacy = category != SAFETY_CATEGORY
        ranked = []
        for e in self._candidates(substance, target, category).values():
            fit, match = self._classify(e, substance, target, category)
            if fit is None:
                continue
            steps, loose = match if match is not None else (99, 1)
            named = 0 if category in e.categories else (1 if not e.categories else 2)
            level = FITS.index(fit)
            if fit == "substance":
                # the substance's record: for an efficacy claim its overall entry, then its safety and
                # regulatory history; for a safety claim, safety first. Its evidence for other uses
                # (neither naming this claim's category nor about safety) comes after the category entries.
                about_safety = safety_only(e) or e.verdict == "safety_warning"
                if e.targets and match is None and named and not about_safety:
                    level = len(FITS)
                if efficacy:
                    within = (named, int(bool(e.targets)), 0)
                else:
                    within = (named, int(not about_safety), 0)
            else:
                within = (steps, loose, named)
            ranked.append(((level, *within, *self._strength[e.id], e.id), e, fit))
        ranked.sort(key=lambda r: r[0])
        return [(e, fit) for _, e, fit in ranked[: self.limit]]
