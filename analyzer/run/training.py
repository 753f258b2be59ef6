"""Training the claim scorer, and measuring rules, scorer and both by grouped cross-validation.

``healthclaims train`` turns labelled lines (the ``eval`` format) into the
scorer's delexicalised views (:func:`analyzer.engine.scoring.sentence_view`,
built by the rules' own lexicon tagging and context triggers) and trains a
``textcat_multilabel`` on them. ``healthclaims eval --cv K`` cuts the lines
into K folds so that the lines of one source (``source_url``) are never split
between training and test, trains on K-1 folds and scores the held-out one,
and reports rules alone, the scorer alone and the two combined by the
policy of :class:`analyzer.engine.scoring.Policy`.
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
    return train(views(examples, patterns), CATEGORIES, Policy(), epochs=epochs, seed=seed)


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
    """Rules alone, scorer alone and combined, each scored on held-out folds only."""
    rules = rule_outcomes(examples, patterns)
    labelled = views(examples, patterns)
    fold_of = folds(examples, k)
    scores: list[Score | None] = [None] * len(examples)
    for f in range(k):
        held_out = [i for i in range(len(examples)) if fold_of[i] == f]
        trained = [labelled[i] for i in range(len(examples)) if fold_of[i] != f]
        scorer = train(trained, CATEGORIES, Policy(), epochs=epochs, seed=seed)
        for i, s in zip(held_out, scorer([labelled[i].view for i in held_out])):
            scores[i] = s
    policy = Policy()
    return {
        "rules": _scored(examples, [r.categories for r in rules]),
        "scorer": _scored(examples, [[s.category] if s.confidence >= 0.5 else [] for s in scores]),
        "combined": _scored(examples, [combine(r, s, policy) for r, s in zip(rules, scores)]),
    }


class RuleOutcome(NamedTuple):
    categories: list[str]  # of the rule findings
    ruled_out: bool  # a rule candidate was suppressed by context (negated, reported...)
    scorable: bool  # the scorer may make a claim of it (HealthClaims.scorable)


def rule_outcomes(examples: list[Example], patterns: tuple[str, ...] = ()) -> list[RuleOutcome]:
    nlp = get_pipeline(patterns, scorer="")
    component = nlp.get_pipe("health_claims")
    return [
        RuleOutcome(
            sorted({f.category for f in doc._.health_claims}),
            any(cue != NO_SUBJECT for f in doc._.health_claims_suppressed for cue in f.suppressed_by),
            component.scorable(component.tags(nlp.make_doc(doc.text))),
        )
        for doc in nlp.pipe(ex.text for ex in examples)
    ]


def combine(rules: RuleOutcome, s: Score, policy: Policy) -> list[str]:
    """What the engine reports for a one-sentence text, given what the rules and the scorer say
    (as :meth:`analyzer.engine.component.HealthClaims.score` decides)."""
    if rules.categories:
        return rules.categories if s.confidence >= policy.veto else []
    accepted = s.confidence >= policy.accept and rules.scorable and not rules.ruled_out
    return [s.category] if accepted else []


def _scored(examples: list[Example], flagged: list[list[str]]) -> dict:
    return score([replace(ex, flagged_categories=f, suppressed=[]) for ex, f in zip(examples, flagged)])


def save(scorer: ClaimScorer, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    scorer.to_disk(output)
