"""Running every rule's own examples: ``match`` must be flagged by that rule, ``no_match`` must not."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem, problem
from ..run.pipeline import get_pipeline
from .loader import PatternPack, Rule


@dataclass
class ExampleFailure:
    rule: Rule
    which: str  # "match" or "no_match"
    text: str
    got: list[str]

    def problem(self) -> Problem:
        """HC205, at the rule's place in its pattern file."""
        if self.which == "match":
            reason = f"expected a finding in {self.text!r} (got rules: {', '.join(self.got) or 'none'})"
        else:
            reason = f"expected no finding in {self.text!r}"
        origin = self.rule.origin
        return problem("HC205", origin.path, origin.line, rule=self.rule.id, which=self.which, reason=reason)

    def describe(self) -> str:
        return self.problem().format()


def check_examples(pack: PatternPack, patterns: tuple[str, ...] = ()) -> tuple[int, list[ExampleFailure]]:
    nlp = get_pipeline(patterns, scorer="")  # a rule's examples test the rule alone
    cases = [
        (rule, which, text)
        for rule in pack.active_rules()
        for which in ("match", "no_match")
        for text in rule.examples[which]
    ]
    failures = []
    for (rule, which, text), doc in zip(cases, nlp.pipe(t for _, _, t in cases)):
        got = sorted({f.rule_id for f in doc._.health_claims})
        if (which == "match") != (rule.id in got):
            failures.append(ExampleFailure(rule, which, text, got))
    return len(cases), failures
