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
from typing import Iterator

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
    source: str = ""  # the page or post it comes from (its source_url); cross-validation groups on it
    kind: str = "unknown"  # its source_kind: user_post, vendor_page, ...
    path: str = ""
    flagged_categories: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)


def load_labelled(*paths: str | Path) -> list[Example]:
    """Labelled lines of one or more JSONL files (HC302 names a bad line)."""
    return [ex for path in paths for ex in _load_file(path)]


def iter_records(path: str | Path, label_required: bool = True) -> Iterator[tuple[int, dict]]:
    """(line number, record) for each non-blank line of a labelled JSONL file (HC302 names a bad line)."""
    with open(path, encoding="utf-8") as handle:
        for n, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise HealthClaimsError(problem("HC302", str(path), n, line=n, reason=exc.msg)) from None
            label = rec.get("label", None if label_required else 1) if isinstance(rec, dict) else None
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or label not in (0, 1):
                raise HealthClaimsError(problem("HC302", str(path), n, line=n, reason="missing text or label"))
            yield n, rec


def _load_file(path: str | Path) -> list[Example]:
    examples = []
    for n, rec in iter_records(path):
        category = TYPE_TO_CATEGORY.get(rec.get("type") or "")
        source = str(rec.get("source_url") or f"{path}:{n}")
        kind = str(rec.get("source_kind") or "unknown")
        examples.append(Example(n, rec["text"], rec["label"], category, source, kind, str(path)))
    return examples


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if not p or not r:
        return 0.0 if p is not None and r is not None else None
    return round(2 * p * r / (p + r), 3)


def evaluate(
    examples: list[Example],
    patterns: tuple[str, ...] = (),
    scorer: str = "builtin",
    min_confidence: float | None = None,
) -> dict:
    """The findings of the pipeline on each example, scored against its label."""
    nlp = get_pipeline(patterns, scorer=scorer, min_confidence=min_confidence)
    for ex, doc in zip(examples, nlp.pipe(ex.text for ex in examples)):
        ex.flagged_categories = sorted({f.category for f in doc._.health_claims})
        ex.suppressed = sorted({cue for f in doc._.health_claims_suppressed for cue in f.suppressed_by})
    return score(examples)


def score(examples: list[Example]) -> dict:
    """Precision, recall and F1 of the examples' ``flagged_categories``: overall, per category and
    per source kind, with the misses and false flags."""
    result = _counts(examples)
    result["per_category"] = {cat: _category(examples, cat) for cat in CATEGORIES}
    kinds = sorted({e.kind for e in examples})
    result["per_kind"] = {kind: _counts([e for e in examples if e.kind == kind]) for kind in kinds}
    result["misses"] = [
        {"line": e.line, "text": e.text, "category": e.category, "suppressed_by": e.suppressed}
        for e in examples
        if e.label and not e.flagged_categories
    ]
    result["false_flags"] = [
        {"line": e.line, "text": e.text, "flagged": e.flagged_categories}
        for e in examples
        if not e.label and e.flagged_categories
    ]
    return result


def _counts(examples: list[Example]) -> dict:
    tp = sum(1 for e in examples if e.label and e.flagged_categories)
    fp = sum(1 for e in examples if not e.label and e.flagged_categories)
    fn = sum(1 for e in examples if e.label and not e.flagged_categories)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return {
        "examples": len(examples),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": len(examples) - tp - fp - fn,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
    }


def _category(examples: list[Example], cat: str) -> dict:
    gold = [e for e in examples if e.label and e.category == cat]
    predicted = [e for e in examples if cat in e.flagged_categories]
    p = _ratio(sum(1 for e in predicted if e.label), len(predicted))
    r = _ratio(sum(1 for e in gold if e.flagged_categories), len(gold))
    return {"support": len(gold), "flagged": len(predicted), "precision": p, "recall": r, "f1": _f1(p, r)}


def format_table(result: dict) -> str:
    rows = [f"{'category':<20} {'support':>7} {'flagged':>7} {'precision':>9} {'recall':>7} {'f1':>6}"]
    for cat, m in result["per_category"].items():
        rows.append(_row(cat, m["support"], m["flagged"], m))
    rows.append(_row("overall", result["tp"] + result["fn"], result["tp"] + result["fp"], result))
    if len(result.get("per_kind", {})) > 1:
        rows.append(f"{'source kind':<20}")
        for kind, m in result["per_kind"].items():
            rows.append(_row(kind, m["tp"] + m["fn"], m["tp"] + m["fp"], m))
    rows.append(
        f"(examples {result['examples']}: tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})"
    )
    return "\n".join(rows)


def _row(name: str, support: int, flagged: int, m: dict) -> str:
    def fmt(v: float | None) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    return f"{name:<20} {support:>7} {flagged:>7} {fmt(m['precision']):>9} {fmt(m['recall']):>7} {fmt(m['f1']):>6}"
