"""Cues that modify other cues: a relief frame makes a negation an outcome ("no heartburn since I
started"), a relative clause on a condition defines it ("a disease that causes..."), and a few
phrasings look like cues and are not. Genuine negations, debunks and questions stay dropped.

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest

from analyzer import analyze
from analyzer.run.pipeline import get_pipeline


@pytest.fixture(scope="module")
def component():
    nlp = get_pipeline((), scorer="")
    return nlp, nlp.get_pipe("health_claims")


def categories(component, text: str) -> dict[str, str]:
    """The context cues of ``text``: the words of each hit, by category."""
    nlp, comp = component
    doc = nlp.make_doc(text)
    return {doc[h.start : h.end].text.lower(): h.trigger.category for h in comp.context.hits(doc, comp.tags(doc))}


RELIEF = [
    ("I have had no heartburn since I started the aloe drink.", "no"),
    ("Since starting the nettle capsules I haven't had a single hay fever attack.", "haven't"),
    ("My hip was not aching as much after a week of the fish oil.", "not"),
    ("The morning after, there was no trace of the sore throat.", "no"),
    ("The eczema on her hands never came back.", "never"),
    ("Our dog has had no ear problems ever since.", "no"),
    ("I don't get migraines like I used to.", "don't"),
    ("She has not been sick even when the whole class had the flu.", "not"),
    ("Harmful bacteria can not survive in a high-oxygen environment.", "can not"),
    ("I take zinc at the first sniffle and the cold never progresses to the flu.", "never"),
    ("Thanks to the valerian I haven't had a sleepless night in ages.", "haven't"),
]

STILL_NEGATED = [
    ("My pain has not improved since I started the turmeric.", "not"),
    ("The turmeric hasn't helped my knees since I started it.", "hasn't"),
    ("There has been no change in my eczema since I began the cream.", "no"),
    ("I have not noticed any difference since I switched to the drops.", "not"),
    ("I'm not taking the syrup since I'm pregnant.", "not"),
    ("I haven't used the balm since last spring.", "haven't"),
    ("Ginger does not relieve nausea any more than a placebo does.", "not"),
    ("Turmeric does not cure arthritis as much as the label says.", "not"),
]


@pytest.mark.parametrize("text,negation", RELIEF)
def test_a_relief_frame_makes_the_negation_an_outcome(component, text, negation):
    assert categories(component, text).get(negation) == "RELIEF", categories(component, text)


@pytest.mark.parametrize("text,negation", STILL_NEGATED)
def test_a_negated_benefit_or_change_stays_negated(component, text, negation):
    assert categories(component, text).get(negation) == "NEGATED", categories(component, text)


def test_frames_and_change_words_are_not_cues_of_their_own(component):
    found = categories(component, "No difference since then, and no more aches any more.")
    assert not {"RELIEF", "CHANGE"} & {found.get("since then"), found.get("difference"), found.get("any more")}


def test_a_relative_clause_on_a_condition_defines_it(component):
    assert "RISK" not in categories(component, "Our balm soothes psoriasis, a disease that causes scaly skin.").values()
    # the product's own risk stays a risk
    assert categories(component, "High doses of the oil can cause nausea.")["cause"] == "RISK"
    assert categories(component, "It is a bleaching agent that causes vomiting.")["causes"] == "RISK"


def test_a_risk_cue_before_a_gain_promises_it(component):
    assert "RISK" not in categories(component, "A nightly cup leads to better sleep.").values()
    assert "RISK" not in categories(component, "The powder can result in improved focus.").values()
    assert "RISK" in categories(component, "The powder can result in kidney stones.").values()


CLAIMS = [
    "Our mastic gum kills the bacteria that cause stomach ulcers.",
    "I have lupus (an autoimmune disease that causes joint pain) and turmeric worked for me.",
    "Our chamomile drops are a gentle yet effective remedy for colic.",
    "Our adaptogen blend addresses the root cause of fatigue.",
    "Our throat spray has been used successfully for decades to treat tonsillitis.",
]


@pytest.mark.parametrize("text", CLAIMS)
def test_claims_no_longer_dropped(text):
    assert analyze(text), text


NOT_CLAIMS = [
    "Turmeric does not cure arthritis.",
    "There is no evidence that elderberry has prevented a single flu case since it went on sale.",
    "Never use tea tree oil to treat a child's ear infection.",
    "Has anyone had no migraines since starting feverfew?",
    "Echinacea did not shorten colds any more than a placebo did.",
    "Do not take ginkgo if you are on blood thinners.",
    "The tea has not helped my arthritis since I started it.",
    "My arthritis has not gone away since I started the turmeric.",
    "The migraines did not stop even when I doubled the dose of feverfew.",
    "Zinc has not been shown to shorten colds as much as the ads claim.",
    # the other cues still apply to a relief, a new clause or a gain
    "Supporters say that since starting the tea they haven't had a cold.",
    "Ginger doesn't prevent colds, it only eases a sore throat a little, researchers said.",
    "The tea leads to better sleep, the company claimed in its ads.",
    # disbelief in a claim is not amazement at an effect
    "I can't believe people think turmeric cures cancer.",
    # plain history stays history
    "Hawthorn has been used for centuries in folk medicine to treat heart complaints.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_genuine_negations_debunks_and_questions_stay_dropped(text):
    assert analyze(text) == [], [(f.rule_id, f.text) for f in analyze(text)]


def test_without_the_product_testimonial_is_not_advice(component):
    found = categories(component, "When I don't take my magnesium, I get leg cramps at night.")
    assert "ADVICE" not in found.values() and "NEGATED" not in found.values(), found


def test_a_negation_does_not_reach_past_a_new_clause():
    assert analyze("He doesn't get hay fever in May, it calms his allergies so well.")
    # a parenthesis is not a new clause
    assert analyze("No supplement, I repeat, cures cancer.") == []


@pytest.mark.parametrize(
    "text,words",
    [
        ("This tonic is nothing short of a miracle for my joints.", "nothing short of"),
        ("The cleanse does nothing but flush the toxins out.", "does nothing but"),
        ("I have had no ill effects from the kava at all.", "no ill effects"),
        ("There is no danger in giving the drops to toddlers.", "no danger"),
        ("I couldn't believe how quickly the balm cleared my rash.", "couldn't believe how"),
        ("You don't have to live with hay fever this spring.", "don't have to live with"),
        ("We know what works for acne and what doesn't: tea tree gel clears it.", "what doesn't"),
    ],
)
def test_idioms_that_look_like_negations_are_not(component, text, words):
    found = categories(component, text)
    assert found.get(words) == "PSEUDO" and "NEGATED" not in found.values() and "DEBUNKED" not in found.values()
