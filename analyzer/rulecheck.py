"""Running every rule's own examples: ``match`` must be flagged by that rule, ``no_match`` must not."""

from __future__ import annotations

from dataclasses import dataclass

from .patterns import PatternPack
from .pipeline import get_pipeline


@dataclass
class ExampleFailure:
    rule_id: str
    which: str  # "match" or "no_match"
    text: str
    got: list[str]

    def describe(self) -> str:
        if self.which == "match":
            return f"{self.rule_id}: expected a finding in: {self.text!r} (got rules: {', '.join(self.got) or 'none'})"
        return f"{self.rule_id}: expected no finding in: {self.text!r}"


def check_examples(pack: PatternPack, patterns: tuple[str, ...] = ()) -> tuple[int, list[ExampleFailure]]:
    nlp = get_pipeline(patterns)
    cases = [
        (rule.id, which, text)
        for rule in pack.active_rules()
        for which in ("match", "no_match")
        for text in rule.examples[which]
    ]
    failures = []
    for (rule_id, which, text), doc in zip(cases, nlp.pipe(t for _, _, t in cases)):
        got = sorted({f.rule_id for f in doc._.health_claims})
        if (which == "match") != (rule_id in got):
            failures.append(ExampleFailure(rule_id, which, text, got))
    return len(cases), failures
