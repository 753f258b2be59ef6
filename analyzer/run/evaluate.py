"""Precision, recall and F1 on labelled sentences, overall and per category.

Input: JSONL lines with ``text`` and ``label`` (1 claim, 0 not) and an
optional ``type``. A line counts as flagged when any finding is reported in
it. Per category c:

- recall: of the labelled claims of type c, the share flagged (by any rule);
- precision: of the lines with a finding of category c, the share labelled 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import HealthClaimsError, problem
from ..packs.loader import CATEGORIES
from .pipeline import get_pipeline

# Label types used by labelled data sets, mapped to finding categories.
TYPE_TO_CATEGORY = {
    "disease_treatment": "disease_claim",
    "disease_prevention": "disease_claim",
    "mechanism_biomarker": "mechanism_claim",
    "drug_comparison": "drug_comparison",
    "proof_authority": "proof_claim",
    "safety_absolute": "safety_claim",
    "cure_all_miracle": "cure_all",
    "weight_loss": "weight_loss",
    "addiction_withdrawal": "addiction_claim",
    **{c: c for c in CATEGORIES},
}


@dataclass
class Example:
    line: int
    text: str
    label: int
    category: str | None
    flagged_categories: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)


def iter_records(path: str | Path, label_required: bool = True):
    """(line number, record) for each non-blank line of a labelled JSONL file."""
    with open(path, encoding="utf-8") as handle:
        for n, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise HealthClaimsError(problem("HC302", str(path), n, line=n, reason=exc.msg)) from None
            if (
                not isinstance(rec, dict)
                or not isinstance(rec.get("text"), str)
                or (rec.get("label", None if label_required else 1) not in (0, 1))
            ):
                raise HealthClaimsError(problem("HC302", str(path), n, line=n, reason="missing text or label"))
            yield n, rec


def load_labelled(path: str | Path) -> list[Example]:
    return [
        Example(n, rec["text"], rec["label"], TYPE_TO_CATEGORY.get(rec.get("type") or ""))
        for n, rec in iter_records(path)
    ]


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if not p or not r:
        return 0.0 if p is not None and r is not None else None
    return round(2 * p * r / (p + r), 3)


def evaluate(examples: list[Example], patterns: tuple[str, ...] = ()) -> dict:
    nlp = get_pipeline(patterns)
    for ex, doc in zip(examples, nlp.pipe(ex.text for ex in examples)):
        ex.flagged_categories = sorted({f.category for f in doc._.health_claims})
        ex.suppressed = sorted({cue for f in doc._.health_claims_suppressed for cue in f.suppressed_by})
    tp = sum(1 for e in examples if e.label and e.flagged_categories)
    fp = sum(1 for e in examples if not e.label and e.flagged_categories)
    fn = sum(1 for e in examples if e.label and not e.flagged_categories)
    tn = len(examples) - tp - fp - fn
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    per: dict[str, dict] = {}
    for cat in CATEGORIES:
        gold = [e for e in examples if e.label and e.category == cat]
        predicted = [e for e in examples if cat in e.flagged_categories]
        p = _ratio(sum(1 for e in predicted if e.label), len(predicted))
        r = _ratio(sum(1 for e in gold if e.flagged_categories), len(gold))
        per[cat] = {"support": len(gold), "flagged": len(predicted), "precision": p, "recall": r, "f1": _f1(p, r)}
    return {
        "examples": len(examples),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "per_category": per,
        "misses": [
            {"line": e.line, "text": e.text, "category": e.category, "suppressed_by": e.suppressed}
            for e in examples
            if e.label and not e.flagged_categories
        ],
        "false_flags": [
            {"line": e.line, "text": e.text, "flagged": e.flagged_categories}
            for e in examples
            if not e.label and e.flagged_categories
        ],
    }


def format_table(result: dict) -> str:
    def fmt(v: float | None) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    rows = [f"{'category':<18} {'support':>7} {'flagged':>7} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for cat, m in result["per_category"].items():
        rows.append(
            f"{cat:<18} {m['support']:>7} {m['flagged']:>7} {fmt(m['precision']):>9} {fmt(m['recall']):>7} {fmt(m['f1']):>6}"
        )
    rows.append(
        f"{'overall':<18} {result['tp'] + result['fn']:>7} {result['tp'] + result['fp']:>7} "
        f"{fmt(result['precision']):>9} {fmt(result['recall']):>7} {fmt(result['f1']):>6}"
    )
    rows.append(
        f"(examples {result['examples']}: tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})"
    )
    return "\n".join(rows)
