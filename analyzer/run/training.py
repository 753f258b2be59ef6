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
from pathlib import Path
from typing import NamedTuple

from ..engine.claims import NO_SUBJECT
from ..engine.scoring import ClaimScorer, LabelledView, Policy, Score, train
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
# A rule finding is vetoed only when the scorer strongly rejects it: the rules are curated, and a
# veto of 0.3 (which cross-validation would take for 0.01 of precision) drops rule examples.
VETOES = (0.02, 0.05, 0.1, 0.15)
ACCEPTS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def choose_policy(
    examples: list[Example],
    labelled: list[LabelledView],
    rules: list[RuleOutcome],
    k: int = 3,
    epochs: int = 10,
    seed: int = 0,
) -> Policy:
    """The policy (veto, accept, what a scored sentence must name) that does best on ``examples``
    by a k-fold cross-validation of their own: never on the lines it will be measured on."""
    if len({ex.source for ex in examples}) < k or len({ex.label for ex in examples}) < 2:
        return Policy()
    scores = held_out_scores(examples, labelled, k, epochs=epochs, seed=seed)
    best: tuple | None = None
    for needs in (True, False):
        for veto in VETOES:
            for accept in ACCEPTS:
                policy = Policy(veto=veto, accept=accept, needs_target_and_subject=needs)
                flagged = [bool(combine(r, s, policy)) for r, s in zip(rules, scores)]
                tp = sum(1 for ex, f in zip(examples, flagged) if f and ex.label)
                fp = sum(1 for ex, f in zip(examples, flagged) if f and not ex.label)
                positives = sum(ex.label for ex in examples)
                p, r = tp / max(tp + fp, 1), tp / max(positives, 1)
                key = (p >= TARGET_PRECISION, r if p >= TARGET_PRECISION else 2 * p * r / max(p + r, 1e-9), p)
                if best is None or key > best[0]:
                    best = (key, policy)
    return best[1]


class RuleOutcome(NamedTuple):
    categories: list[str]  # of the rule findings
    ruled_out: bool  # a rule candidate was suppressed by context (negated, reported...)
    scorable: bool  # it names a target and a subject (HealthClaims.scorable)
    tagged: bool  # its entities may make a claim (HealthClaims.may_hold_claim)


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
            )
        )
    return outcomes


def combine(rules: RuleOutcome, s: Score, policy: Policy) -> list[str]:
    """What the engine reports for a one-sentence text, given what the rules and the scorer say
    (as :meth:`analyzer.engine.component.HealthClaims.score` decides)."""
    if rules.categories:
        return rules.categories if s.confidence >= policy.veto else []
    eligible = rules.scorable if policy.needs_target_and_subject else rules.tagged
    accepted = s.confidence >= policy.accept and eligible and not rules.ruled_out
    return [s.category] if accepted else []


def _scored(examples: list[Example], flagged: list[list[str]]) -> dict:
    return score([replace(ex, flagged_categories=f, suppressed=[]) for ex, f in zip(examples, flagged)])


def save(scorer: ClaimScorer, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    scorer.to_disk(output)
