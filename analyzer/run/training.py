"""Training the claim scorer, and measuring rules, scorer and both by grouped cross-validation.

``healthclaims train`` turns labelled lines (the ``eval`` format) into the
scorer's delexicalised views (:func:`analyzer.engine.scoring.sentence_view`,
built by the rules' own lexicon tagging and context triggers) and trains a
``textcat_multilabel`` on them. ``healthclaims eval --cv K`` cuts the lines
into K folds so that the lines of one source (``source_url``) are never split
between training and test, trains on K-1 folds and scores the held-out one,
and reports rules alone, the scorer alone and the two combined by the
policy of :class:`analyzer.engine.scoring.Policy`. The policy is itself chosen
by cross-validation on the training lines only (:func:`choose_policy`): for
``train`` on all the lines, for each fold of ``eval --cv`` on its training folds.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import product
from pathlib import Path
from typing import NamedTuple

from ..engine.claims import CONVENTIONAL_SUBJECT, NO_SUBJECT
from ..engine.scoring import (
    RULED,
    RULED_OUT,
    SCORABLE,
    UNSCORABLE,
    ClaimScorer,
    LabelledView,
    Policy,
    Score,
    sentence_tier,
    train,
)
from ..packs.loader import CATEGORIES
from .evaluate import Example, score
from .pipeline import get_pipeline


def views(examples: list[Example], patterns: tuple[str, ...] = ()) -> list[LabelledView]:
    """The scorer's view of each labelled line, with its label and category."""
    nlp = get_pipeline(patterns, scorer="")
    component = nlp.get_pipe("health_claims")
    return [LabelledView(component.view(nlp.make_doc(ex.text)), ex.label, ex.category) for ex in examples]


def train_scorer(
    examples: list[Example], patterns: tuple[str, ...] = (), epochs: int = 10, seed: int = 0
) -> ClaimScorer:
    """A scorer trained on all ``examples``, with the policy that cross-validation on them chose."""
    labelled = views(examples, patterns)
    policy = choose_policy(examples, labelled, rule_outcomes(examples, patterns), epochs=epochs, seed=seed)
    return train(labelled, CATEGORIES, policy, epochs=epochs, seed=seed)


def folds(examples: list[Example], k: int) -> list[int]:
    """A fold for each example: sources (largest first) go to the smallest fold so far."""
    by_source: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        by_source.setdefault(ex.source, []).append(i)
    sizes = [0] * k
    fold_of = [0] * len(examples)
    for _, members in sorted(by_source.items(), key=lambda item: (-len(item[1]), item[0])):
        f = sizes.index(min(sizes))
        sizes[f] += len(members)
        for i in members:
            fold_of[i] = f
    return fold_of


def cross_validate(
    examples: list[Example], k: int = 5, patterns: tuple[str, ...] = (), epochs: int = 10, seed: int = 0
) -> dict[str, dict]:
    """Rules alone, scorer alone and combined, each scored on held-out folds only; the policy that
    combines them is chosen for each fold by an inner cross-validation of its training folds."""
    rules = rule_outcomes(examples, patterns)
    labelled = views(examples, patterns)
    fold_of = folds(examples, k)
    scores: list[Score | None] = [None] * len(examples)
    combined: list[list[str]] = [[] for _ in examples]
    for f in range(k):
        train_idx = [i for i in range(len(examples)) if fold_of[i] != f]
        held_out = [i for i in range(len(examples)) if fold_of[i] == f]
        policy = choose_policy(
            [examples[i] for i in train_idx],
            [labelled[i] for i in train_idx],
            [rules[i] for i in train_idx],
            epochs=epochs,
            seed=seed,
        )
        scorer = train([labelled[i] for i in train_idx], CATEGORIES, policy, epochs=epochs, seed=seed)
        for i, s in zip(held_out, scorer([labelled[i].view for i in held_out])):
            scores[i] = s
            combined[i] = combine(rules[i], s, policy)
    return {
        "rules": _scored(examples, [r.categories for r in rules]),
        "scorer": _scored(examples, [[s.category] if s.confidence >= 0.5 else [] for s in scores]),
        "combined": _scored(examples, combined),
    }


def held_out_scores(
    examples: list[Example], labelled: list[LabelledView], k: int, epochs: int = 10, seed: int = 0
) -> list[Score]:
    """Each example's score by a scorer trained on the other folds (grouped by source)."""
    fold_of = folds(examples, k)
    scores: list[Score] = [Score(0.0, "")] * len(examples)
    for f in range(k):
        held_out = [i for i in range(len(examples)) if fold_of[i] == f]
        trained = [labelled[i] for i in range(len(examples)) if fold_of[i] != f]
        scorer = train(trained, CATEGORIES, Policy(), epochs=epochs, seed=seed)
        for i, s in zip(held_out, scorer([labelled[i].view for i in held_out])):
            scores[i] = s
    return scores


# What the policy is chosen for: the most recall at this precision (when no policy reaches it,
# the best F1), on lines held out from the scorer that scored them.
TARGET_PRECISION = 0.90
# ... and the least precision of the lines a weak tier adds: a sentence that names no subject, or
# whose rule candidate the context ruled out, is reported only where such sentences are mostly
# claims, not carried by the precision of the others.
TIER_PRECISION = 0.85
WEAK_TIERS = (UNSCORABLE, RULED_OUT)
# A rule finding is vetoed only when the scorer strongly rejects it: the rules are curated, and a
# veto of 0.3 (which cross-validation would take for 0.01 of precision) drops rule examples.
VETOES = (0.02, 0.05, 0.1, 0.15)
ACCEPTS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
# A sentence whose rule candidate the context suppressed is taken back only at a high score.
RULED_OUT_ACCEPTS = (0.8, 0.85, 0.9, 0.95)
# The thresholds tried for each tier of sentence (None: never reported).
TIER_THRESHOLDS = {
    RULED: VETOES,
    SCORABLE: ACCEPTS,
    UNSCORABLE: (*ACCEPTS, None),
    RULED_OUT: (*RULED_OUT_ACCEPTS, None),
}


def choose_policy(
    examples: list[Example],
    labelled: list[LabelledView],
    rules: list[RuleOutcome],
    k: int = 3,
    epochs: int = 10,
    seed: int = 0,
) -> Policy:
    """The policy (a threshold for each tier of sentence) that does best on ``examples`` by a
    k-fold cross-validation of their own: never on the lines it will be measured on."""
    if len({ex.source for ex in examples}) < k or len({ex.label for ex in examples}) < 2:
        return Policy()
    scores = held_out_scores(examples, labelled, k, epochs=epochs, seed=seed)
    # the tiers are disjoint, so the lines a policy flags add up over its tiers' thresholds
    tally: dict[tuple[str, float | None], tuple[int, int]] = {}
    for tier, thresholds in TIER_THRESHOLDS.items():
        for threshold in thresholds:
            policy = _policy_with(tier, threshold)
            flagged = [
                ex.label for ex, r, s in zip(examples, rules, scores) if line_tier(r) == tier and combine(r, s, policy)
            ]
            tally[tier, threshold] = (sum(flagged), len(flagged) - sum(flagged))
    positives = sum(ex.label for ex in examples)
    best: tuple | None = None
    options = [[(tier, t) for t in thresholds] for tier, thresholds in TIER_THRESHOLDS.items()]
    for choice in product(*options):
        tp = sum(tally[c][0] for c in choice)
        fp = sum(tally[c][1] for c in choice)
        p, r = tp / max(tp + fp, 1), tp / max(positives, 1)
        met = p >= TARGET_PRECISION and all(_tier_precise(tally[c]) for c in choice if c[0] in WEAK_TIERS)
        key = (met, r if met else 2 * p * r / max(p + r, 1e-9), p)
        if best is None or key > best[0]:
            best = (key, dict(choice))
    chosen = best[1]
    return Policy(
        veto=chosen[RULED],
        accept=chosen[SCORABLE],
        accept_unscorable=chosen[UNSCORABLE],
        accept_ruled_out=chosen[RULED_OUT],
    )


def _tier_precise(counts: tuple[int, int]) -> bool:
    """Whether the lines a tier's threshold adds (true, false) keep to the target precision: the
    scorer's own findings must be as precise as the whole, not carried by the rules' precision."""
    tp, fp = counts
    return tp + fp == 0 or tp / (tp + fp) >= TIER_PRECISION


def _policy_with(tier: str, threshold: float | None) -> Policy:
    """A policy whose threshold for ``tier`` is ``threshold`` (the others do not matter)."""
    field = {RULED: "veto", SCORABLE: "accept", UNSCORABLE: "accept_unscorable", RULED_OUT: "accept_ruled_out"}[tier]
    return replace(Policy(), **{field: threshold})


class RuleOutcome(NamedTuple):
    categories: list[str]  # of the rule findings
    ruled_out: bool  # a rule candidate was suppressed by context (negated, reported...)
    scorable: bool  # it names a target and a subject (HealthClaims.scorable)
    tagged: bool  # its entities may make a claim (HealthClaims.may_hold_claim)
    about_medicine: bool = False  # a rule candidate's subject is a conventional medicine


def rule_outcomes(examples: list[Example], patterns: tuple[str, ...] = ()) -> list[RuleOutcome]:
    nlp = get_pipeline(patterns, scorer="")
    component = nlp.get_pipe("health_claims")
    outcomes = []
    for doc in nlp.pipe(ex.text for ex in examples):
        tags = component.tags(nlp.make_doc(doc.text))
        outcomes.append(
            RuleOutcome(
                sorted({f.category for f in doc._.health_claims}),
                any(cue != NO_SUBJECT for f in doc._.health_claims_suppressed for cue in f.suppressed_by),
                component.scorable(tags),
                component.may_hold_claim(tags),
                any(CONVENTIONAL_SUBJECT in f.suppressed_by for f in doc._.health_claims_suppressed),
            )
        )
    return outcomes


def line_tier(rules: RuleOutcome) -> str | None:
    """The tier (:func:`analyzer.engine.scoring.sentence_tier`) of a one-sentence line."""
    return sentence_tier(bool(rules.categories), rules.ruled_out, rules.scorable, rules.tagged, rules.about_medicine)


def combine(rules: RuleOutcome, s: Score, policy: Policy) -> list[str]:
    """What the engine reports for a one-sentence text, given what the rules and the scorer say
    (as :meth:`analyzer.engine.component.HealthClaims.score` decides)."""
    tier = line_tier(rules)
    threshold = policy.threshold(tier)
    if threshold is None or s.confidence < threshold:
        return []
    return rules.categories if tier == RULED else [s.category]


def _scored(examples: list[Example], flagged: list[list[str]]) -> dict:
    return score([replace(ex, flagged_categories=f, suppressed=[]) for ex, f in zip(examples, flagged)])


def save(scorer: ClaimScorer, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    scorer.to_disk(output)
