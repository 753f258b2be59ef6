"""What the decisions say about the detector: precision per rule and per category, why flags were
dismissed, and how often two reviewers who decided the same item agree (with Cohen's kappa)."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .db import Decision, Item


def compute(engine: Engine) -> dict:
    with Session(engine) as session:
        items = session.execute(select(Item.id, Item.rule_id, Item.category, Item.status, Item.reason)).all()
        verdicts = session.execute(
            select(Decision.item_id, Decision.reviewer, Decision.action)
            .where(Decision.action.in_(("confirm", "dismiss")))
            .order_by(Decision.id)
        ).all()
    return {
        "items": len(items),
        "decided": sum(1 for i in items if i.status != "open"),
        "by_rule": _precision((i.rule_id, i.status) for i in items),
        "by_category": _precision((i.category, i.status) for i in items),
        "dismissal_reasons": dict(sorted(Counter(i.reason for i in items if i.status == "dismissed").items())),
        "agreement": agreement(verdicts),
    }


def _precision(pairs) -> dict[str, dict]:
    """name -> confirmed, dismissed, open and precision (confirmed over decided; None when none is)."""
    table: dict[str, Counter] = defaultdict(Counter)
    for name, status in pairs:
        table[name][status] += 1
    out = {}
    for name in sorted(table):
        c = table[name]
        decided = c["confirmed"] + c["dismissed"]
        out[name] = {
            "confirmed": c["confirmed"],
            "dismissed": c["dismissed"],
            "open": c["open"],
            "precision": round(c["confirmed"] / decided, 4) if decided else None,
        }
    return out


def agreement(verdicts) -> dict:
    """Over items two or more reviewers decided (each reviewer's latest verdict), every pair of
    reviewers: the share that agree, and Cohen's kappa of confirm/dismiss over those pairs."""
    latest: dict[int, dict[str, str]] = defaultdict(dict)
    for item_id, reviewer, action in verdicts:
        latest[item_id][reviewer] = action
    pairs = [(by[a], by[b]) for by in latest.values() if len(by) > 1 for a, b in combinations(sorted(by), 2)]
    items = sum(1 for by in latest.values() if len(by) > 1)
    if not pairs:
        return {"items": 0, "pairs": 0, "observed": None, "kappa": None}
    observed = sum(1 for a, b in pairs if a == b) / len(pairs)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in ("confirm", "dismiss")) / len(pairs) ** 2
    kappa = (observed - expected) / (1 - expected) if expected < 1 else None
    return {
        "items": items,
        "pairs": len(pairs),
        "observed": round(observed, 4),
        "kappa": round(kappa, 4) if kappa is not None else None,
    }


def format_text(stats: dict) -> str:
    """The statistics as aligned text tables."""
    out = [f"{stats['decided']} of {stats['items']} items decided", ""]
    for title, key in (("rule", "by_rule"), ("category", "by_category")):
        out.append(f"{title:<28} {'confirmed':>9} {'dismissed':>9} {'open':>6} {'precision':>9}")
        for name, row in stats[key].items():
            p = "-" if row["precision"] is None else f"{row['precision']:.2f}"
            out.append(f"{name:<28} {row['confirmed']:>9} {row['dismissed']:>9} {row['open']:>6} {p:>9}")
        out.append("")
    out.append("dismissal reasons: " + (", ".join(f"{k} {v}" for k, v in stats["dismissal_reasons"].items()) or "none"))
    a = stats["agreement"]
    if a["pairs"]:
        kappa = "-" if a["kappa"] is None else f"{a['kappa']:.2f}"
        out.append(
            f"agreement: {a['observed']:.2f} over {a['pairs']} reviewer pairs on {a['items']} items (kappa {kappa})"
        )
    else:
        out.append("agreement: no item was decided by two reviewers")
    return "\n".join(out)
