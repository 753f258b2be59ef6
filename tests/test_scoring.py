"""The scoring stage: the scorer's view, how it combines with the rules, training and cross-validation.

Every sentence here is our own writing.
"""

import json

import pytest
import spacy

from analyzer.engine.scoring import Policy, Score, sentence_view
from analyzer.run.pipeline import get_pipeline
from analyzer.run.training import ACCEPTS, RULED_OUT_ACCEPTS, VETOES, RuleOutcome, combine


class FixedScorer:
    """A stand-in for a trained scorer: every sentence gets the same score."""

    def __init__(self, confidence: float, category: str = "disease_claim"):
        self.score = Score(confidence, category)
        self.policy = Policy(veto=0.1, accept=0.6, confident=0.9)
        self.seen: list[list[str]] = []

    def __call__(self, views):
        self.seen.extend(views)
        return [self.score for _ in views]


def _component_with(scorer, min_confidence=None):
    """A pipeline of its own (get_pipeline's are shared), scoring with ``scorer``."""
    nlp = spacy.blank("en")
    component = nlp.add_pipe("health_claims", config={"scorer": "", "min_confidence": min_confidence})
    component.scorer = scorer
    return nlp


def test_the_view_puts_classes_for_lexicon_words_and_marks_context_cues():
    nlp = get_pipeline(scorer="")
    component = nlp.get_pipe("health_claims")
    view = component.view(nlp.make_doc("Our elderberry syrup does not cure the flu."))
    assert "substance_" in view and "condition_" in view
    assert "elderberry" not in view and "flu" not in view
    assert "ctx_negated" in view


def test_the_view_opens_with_what_the_rules_made_of_the_sentence():
    nlp = get_pipeline(scorer="")
    component = nlp.get_pipe("health_claims")
    claimed = component.view(nlp.make_doc("Our elderberry syrup cures the flu."))
    assert "rule_disease_claim" in claimed and "scorable_" in claimed and "cls_condition" in claimed
    reported = component.view(nlp.make_doc("Some sellers claim that elderberry syrup cures the flu."))
    assert "sup_reported" in reported and "supr_disease_claim" in reported
    assert "rule_disease_claim" not in reported


def test_the_policy_says_what_a_sentence_no_rule_flagged_must_name():
    strict, loose = Policy(accept=0.6), Policy(accept=0.6, needs_target_and_subject=False)
    pronoun_only = RuleOutcome([], ruled_out=False, scorable=False, tagged=True)
    assert combine(pronoun_only, Score(0.9, "disease_claim"), strict) == []
    assert combine(pronoun_only, Score(0.9, "disease_claim"), loose) == ["disease_claim"]
    assert combine(pronoun_only, Score(0.5, "disease_claim"), loose) == []
    reported = RuleOutcome([], ruled_out=True, scorable=True, tagged=True)
    assert combine(reported, Score(0.99, "disease_claim"), loose) == []  # context rules it out


def test_a_loose_policy_lets_the_scorer_judge_a_sentence_that_names_no_subject():
    scorer = FixedScorer(0.95)
    scorer.policy = Policy(veto=0.1, accept=0.6, confident=0.9, needs_target_and_subject=False)
    nlp = _component_with(scorer)
    text = "Three weeks later the migraines were a distant memory."
    assert [f.rule_id for f in nlp(text)._.health_claims] == ["scored-claim"]
    assert _component_with(FixedScorer(0.95))(text)._.health_claims == []


def test_a_sentence_that_names_no_subject_has_a_threshold_of_its_own():
    text = "Three weeks later the migraines were a distant memory."
    for confidence, found in ((0.95, ["scored-claim"]), (0.85, [])):
        scorer = FixedScorer(confidence)
        scorer.policy = Policy(veto=0.1, accept=0.6, confident=0.9, accept_unscorable=0.9)
        assert [f.rule_id for f in _component_with(scorer)(text)._.health_claims] == found


def test_a_claim_the_context_ruled_out_is_taken_back_only_at_its_own_threshold():
    text = "There is no proof that nettle tea cures arthritis."
    for confidence, found in ((0.97, ["scored-claim"]), (0.9, [])):
        scorer = FixedScorer(confidence)
        scorer.policy = Policy(veto=0.1, accept=0.6, confident=0.9, accept_ruled_out=0.95)
        doc = _component_with(scorer)(text)
        assert [f.rule_id for f in doc._.health_claims] == found
        assert doc._.health_claims_suppressed  # the rule finding stays suppressed, with its cue


def test_min_confidence_moves_every_tier_by_the_same_amount():
    policy = Policy(veto=0.1, accept=0.6, accept_unscorable=0.75, accept_ruled_out=0.9).with_accept(0.5)
    assert (policy.veto, policy.accept, policy.accept_unscorable, policy.accept_ruled_out) == (0.1, 0.5, 0.65, 0.8)
    assert Policy(accept=0.6, accept_ruled_out=0.95).with_accept(0.7).accept_ruled_out == 1.0
    assert Policy(accept=0.6).with_accept(0.5).accept_unscorable is None


# sentences of each tier: a rule claim, a negated one, target and subject, a condition alone, nothing
TIER_SENTENCES = [
    "Turmeric capsules cure arthritis.",
    "There is no proof that nettle tea cures arthritis.",
    "Since I began the nettle tea my joints feel like new.",
    "Three weeks later the migraines were a distant memory.",
    "The train to the coast leaves at nine.",
]


@pytest.mark.parametrize("confidence", [0.05, 0.55, 0.7, 0.85, 0.97])
def test_the_engine_and_eval_cv_combine_rules_and_scorer_alike(confidence):
    from analyzer.run.evaluate import Example
    from analyzer.run.training import rule_outcomes

    policy = Policy(veto=0.1, accept=0.6, confident=0.9, accept_unscorable=0.8, accept_ruled_out=0.95)
    examples = [Example(i, text, 0, None) for i, text in enumerate(TIER_SENTENCES)]
    for text, rules in zip(TIER_SENTENCES, rule_outcomes(examples)):
        scorer = FixedScorer(confidence)
        scorer.policy = policy
        found = _component_with(scorer)(text)._.health_claims
        assert bool(found) == bool(combine(rules, Score(confidence, "disease_claim"), policy)), text


def test_a_list_label_is_not_scored_into_a_claim_of_its_own():
    scorer = FixedScorer(0.95)
    scorer.policy = Policy(veto=0.1, accept=0.6, confident=0.9, needs_target_and_subject=False)
    doc = _component_with(scorer)("1. Restful Sleep: Our tea is brewed from chamomile flowers picked in June.")
    assert all(not f.text.startswith("Restful") for f in doc._.health_claims)


def test_sentence_view_of_an_empty_span_is_one_placeholder():
    nlp = get_pipeline(scorer="")
    doc = nlp.make_doc("   ")
    assert sentence_view(doc, 0, len(doc), [], []) == ["_sp_"]


def test_every_finding_has_a_confidence_with_the_shipped_scorer():
    nlp = get_pipeline()
    doc = nlp("Turmeric capsules cure arthritis. Take two with water.")
    assert doc._.health_claims
    assert all(0.0 <= f.confidence <= 1.0 for f in doc._.health_claims)


def test_rules_alone_leave_confidence_empty():
    doc = get_pipeline(scorer="")("Turmeric capsules cure arthritis.")
    assert [f.confidence for f in doc._.health_claims] == [None]


def test_a_rule_finding_the_scorer_rejects_is_suppressed_with_the_reason(tmp_path):
    nlp = _component_with(FixedScorer(0.05))
    doc = nlp("Turmeric capsules cure arthritis.")
    assert doc._.health_claims == []
    assert doc._.health_claims_suppressed[0].suppressed_by == ["scorer:0.05"]


def test_a_sentence_no_rule_matched_becomes_a_scored_finding():
    nlp = _component_with(FixedScorer(0.95, "mechanism_claim"))
    (finding,) = nlp("Since I began the nettle tea my joints feel like new.")._.health_claims
    assert finding.rule_id == "scored-claim"
    assert finding.category == "mechanism_claim"
    assert finding.severity == "medium"  # at or above the policy's "confident"
    assert finding.confidence == 0.95
    assert finding.text == "Since I began the nettle tea my joints feel like new."
    assert finding.evidence  # evidence as for any finding


def test_a_scored_finding_below_confident_is_low():
    nlp = _component_with(FixedScorer(0.7))
    (finding,) = nlp("Since I began the nettle tea my joints feel like new.")._.health_claims
    assert finding.severity == "low"


def test_the_scorer_does_not_overrule_a_negation():
    nlp = _component_with(FixedScorer(0.99))
    assert nlp("There is no proof that nettle tea cures arthritis.")._.health_claims == []


def test_a_sentence_about_a_condition_in_general_is_not_scored_into_a_claim():
    nlp = _component_with(FixedScorer(0.99))
    assert nlp("Arthritis is a common cause of stiff joints in older adults.")._.health_claims == []


def test_min_confidence_sets_what_a_scored_finding_needs():
    nlp = _component_with(FixedScorer(0.55), min_confidence=0.5)
    component = nlp.get_pipe("health_claims")
    text = "Since I began the nettle tea my joints feel like new."
    assert [f.rule_id for f in nlp(text)._.health_claims] == ["scored-claim"]
    component.min_confidence = 0.6
    assert nlp(text)._.health_claims == []


def test_text_without_health_words_is_never_scored():
    scorer = FixedScorer(0.99)
    nlp = _component_with(scorer)
    assert nlp("The train to the coast leaves at nine, and the cafe opens at ten.")._.health_claims == []
    assert scorer.seen == []


# --- training and cross-validation, on a small labelled file of our own
CLAIMS = [
    "Our ginger drops cure nausea in minutes.",
    "This hemp oil relieves back pain for good.",
    "Nettle tea lowers blood pressure naturally.",
    "Fenugreek capsules reverse diabetes.",
    "My arthritis vanished after a month of turmeric.",
    "Garlic pills stop colds before they start.",
    "Our mushroom blend boosts immunity.",
    "This cleanse melts belly fat overnight.",
]
NOT_CLAIMS = [
    "Ginger is a root used in many kitchens.",
    "Hemp oil comes in small amber bottles.",
    "Nettle tea tastes grassy and a little sweet.",
    "Fenugreek seeds are sold whole or ground.",
    "Turmeric stains wooden spoons yellow.",
    "Garlic pills have no taste when swallowed whole.",
    "Our mushroom blend ships in recyclable jars.",
    "The cleanse kit includes a shaker bottle.",
]


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.jsonl"
    rows = [
        {"text": t, "label": 1, "type": "disease_treatment", "source_url": f"https://example.org/{i % 4}"}
        for i, t in enumerate(CLAIMS)
    ] + [
        {"text": t, "label": 0, "type": "none", "source_url": f"https://example.org/{i % 4}", "source_kind": "other"}
        for i, t in enumerate(NOT_CLAIMS)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_policy_search_picks_a_threshold_for_each_tier(monkeypatch):
    from analyzer.run import training
    from analyzer.run.evaluate import Example

    ruled = RuleOutcome(["disease_claim"], ruled_out=False, scorable=True, tagged=True)
    scorable = RuleOutcome([], ruled_out=False, scorable=True, tagged=True)
    unscorable = RuleOutcome([], ruled_out=False, scorable=False, tagged=True)
    ruled_out = RuleOutcome([], ruled_out=True, scorable=True, tagged=True)
    lines = (
        [(ruled, 1, 0.5)] * 10
        + [(ruled, 0, 0.03)]
        + [(scorable, 1, 0.72)] * 5
        + [(scorable, 0, 0.62)] * 5
        + [(unscorable, 1, 0.92)] * 4
        + [(unscorable, 0, 0.88)] * 4
        + [(ruled_out, 0, 0.97)] * 3
    )
    examples = [Example(i, "", label, None, source=str(i)) for i, (_, label, _) in enumerate(lines)]
    scores = [Score(confidence, "disease_claim") for _, _, confidence in lines]
    monkeypatch.setattr(training, "held_out_scores", lambda *args, **kwargs: scores)
    policy = training.choose_policy(examples, [None] * len(lines), [r for r, _, _ in lines])
    assert (policy.veto, policy.accept, policy.accept_unscorable, policy.accept_ruled_out) == (0.05, 0.65, 0.9, None)


def test_train_writes_a_model_that_scan_and_eval_use(run_cli, labelled, tmp_path):
    model = tmp_path / "model"
    code, out, _ = run_cli("train", str(labelled), "--output", str(model), "--epochs", "3")
    assert code == 0 and "trained on 16 lines (8 claims)" in out
    meta = json.loads((model / "meta.json").read_text())
    policy = meta["healthclaims"]["policy"]
    assert sorted(policy) == sorted(Policy().to_dict())
    assert policy["veto"] in VETOES and policy["accept"] in ACCEPTS  # chosen by cross-validation
    assert policy["accept_unscorable"] in (*ACCEPTS, None) and policy["accept_ruled_out"] in (*RULED_OUT_ACCEPTS, None)
    code, out, _ = run_cli("eval", str(labelled), "--model", str(model), "--format", "json")
    assert code == 0 and json.loads(out)["examples"] == 16


def test_training_is_deterministic(run_cli, labelled, tmp_path):
    for name in ("a", "b"):
        assert run_cli("train", str(labelled), "--output", str(tmp_path / name), "--epochs", "2")[0] == 0
    weights = [(tmp_path / name / "textcat_multilabel" / "model").read_bytes() for name in ("a", "b")]
    assert weights[0] == weights[1]


def test_cross_validation_keeps_a_source_in_one_fold(labelled):
    from analyzer.run.evaluate import load_labelled
    from analyzer.run.training import folds

    examples = load_labelled(labelled)
    fold_of = folds(examples, 3)
    by_source = {}
    for ex, f in zip(examples, fold_of):
        by_source.setdefault(ex.source, set()).add(f)
    assert all(len(f) == 1 for f in by_source.values())
    assert len(set(fold_of)) == 3


def test_eval_cv_reports_rules_scorer_and_combined(run_cli, labelled):
    code, out, _ = run_cli("eval", str(labelled), "--cv", "2", "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert sorted(result) == ["combined", "rules", "scorer"]
    assert all(r["examples"] == 16 and "per_kind" in r for r in result.values())
    # the rules need no training: their cross-validated figures are those of a plain eval
    code, out, _ = run_cli("eval", str(labelled), "--no-scorer", "--format", "json")
    plain = json.loads(out)
    assert [result["rules"][k] for k in ("tp", "fp", "fn")] == [plain[k] for k in ("tp", "fp", "fn")]


def test_eval_cv_needs_two_folds(run_cli, labelled):
    assert run_cli("eval", str(labelled), "--cv", "1")[0] == 2


def test_a_missing_model_folder_is_hc107(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text("Kava cures anxiety.", encoding="utf-8")
    code, _, err = run_cli("scan", str(tmp_path / "a.txt"), "--model", str(tmp_path / "nope"))
    assert code == 2 and "HC107" in err
