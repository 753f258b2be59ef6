"""How well the evidence base fits the claims found in some text: ``healthclaims evidence coverage``.

For every claim found (in labelled JSONL, only the lines labelled 1; with no file, in the rules'
own examples), the ``fit`` of its first evidence item (see :mod:`analyzer.engine.evidence`), and the
(substance, target) pairs most often found without an entry about both.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable

from ..engine.evidence import FITS

OTHER = "other-substance"  # must never happen: an entry about another substance shown first
OFF = "off-target"  # nor this: an entry about other conditions or effects only


def texts_from(paths: Iterable[str | Path]) -> list[str]:
    """The texts to measure: JSONL lines with ``text``, only those labelled 1 when labels are given."""
    from .evaluate import iter_records

    return [
        rec["text"] for path in paths for _, rec in iter_records(path, label_required=False) if rec.get("label", 1) == 1
    ]


def rule_examples(pack) -> list[str]:
    return [t for rule in pack.active_rules() for t in rule.examples.get("match", [])]


def measure(texts: list[str], patterns: tuple[str, ...] = (), top: int = 20) -> dict:
    from .pipeline import get_pipeline

    nlp = get_pipeline(patterns)
    component = nlp.get_pipe("health_claims")
    tally = _Tally(component.findings.evidence, component.pack)
    for doc in nlp.pipe(texts):
        for f in doc._.health_claims:
            tally.add(f)
    first, findings = tally.first, tally.findings
    with_pair, both_known = tally.with_pair, tally.both_known
    share = {k: (round(first[k] / findings, 3) if findings else None) for k in (*FITS, OTHER, OFF, "none")}
    return {
        "texts": len(texts),
        "findings": findings,
        "first_fit": {k: first[k] for k in (*FITS, OTHER, OFF, "none")},
        "first_fit_share": share,
        "pair_entry_exists": {**with_pair, "share_first": _ratio(with_pair["first"], with_pair["findings"])},
        "substance_and_target_known": {
            **both_known,
            "share_first": _ratio(both_known["first"], both_known["findings"]),
        },
        "gaps": [{"substance": s, "target": t, "findings": n} for (s, t), n in tally.gaps.most_common(top)],
    }


class _Tally:
    """Counts over the findings: the fit of each first evidence item, and the gaps."""

    def __init__(self, index, pack):
        self.index, self.pack = index, pack
        self.first: Counter = Counter()
        self.with_pair: Counter = Counter()  # findings for which an entry about both substance and target exists
        self.both_known: Counter = Counter()  # findings whose substance and target each have some entry
        self.gaps: Counter = Counter()
        self.known: dict[str, bool] = {}
        self.findings = 0

    def add(self, f) -> None:
        index, pack = self.index, self.pack
        self.findings += 1
        substance = f.substance_id
        target = f.target_id if f.target_id in index.target_ids else None
        if not f.evidence:
            self.first["none"] += 1
            return
        top_entry = pack.evidence[f.evidence[0]["id"]]
        fit = index.fit(top_entry, substance, target, f.category)
        if fit is None:
            fit = OTHER if top_entry.substances else OFF
        self.first[fit] += 1
        if substance and target:
            self._pair(substance, target, f.category, fit == "substance+target")

    def _pair(self, substance: str, target: str, category: str, hit: bool) -> None:
        index = self.index
        fits = {index.fit(e, substance, target, category) for e in index.by_substance.get(substance, ())}
        has_pair = "substance+target" in fits
        target_known = self.known.get(target)
        if target_known is None:
            target_known = self.known[target] = any(
                index.target_match(e, target) is not None for e in self.pack.evidence.values()
            )
        if has_pair:
            self.with_pair["findings"] += 1
            self.with_pair["first"] += hit
        if target_known:
            self.both_known["findings"] += 1
            self.both_known["first"] += hit
        if not has_pair:
            self.gaps[(substance, target)] += 1


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def format_text(result: dict) -> str:
    n = result["findings"]
    lines = [f"{n} claims found in {result['texts']} texts; first evidence item by fit:"]
    for k, v in result["first_fit"].items():
        if v or k in FITS:
            lines.append(f"  {k:<17} {v:>5}  {100 * v / n if n else 0:5.1f} %")
    for label, key in (
        ("an entry about both substance and target exists", "pair_entry_exists"),
        ("substance and target each have an entry", "substance_and_target_known"),
    ):
        d = result[key]
        if d.get("findings"):
            lines.append(
                f"{label}: {d['findings']} claims, substance+target first in {d['first']}"
                f" ({100 * d['share_first']:.1f} %)"
            )
    if result["gaps"]:
        lines.append("most frequent (substance, target) pairs with no entry about both:")
        lines += [f"  {g['findings']:>4}  {g['substance']} + {g['target']}" for g in result["gaps"]]
    return "\n".join(lines)
