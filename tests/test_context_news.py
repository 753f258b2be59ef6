"""Reporting around claims (issue 14, part 5): journalists, courts and regulators describe what
others say, believe or sell; a verdict or an unfavourable comparison answers a claim. None of it is
the writer's own claim, while the writer's claim next to it still is.

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest

from analyzer.run.pipeline import get_pipeline


def rule_findings(text: str) -> list:
    """The rules' findings alone: context is theirs, the scorer's confidence is not tested here."""
    return list(get_pipeline(scorer="")(text)._.health_claims)


NOT_CLAIMS = {
    "a named speaker, however long the clause": [
        "Users claim the bright orange powder, which was first sold as a food colouring in the nineties, "
        "can sharpen memory and even prevent Alzheimer's disease.",
        "Fans believe that because the tea speeds up digestion, it will cure constipation for good.",
        "She says the balm healed her eczema within a week.",
        "He said the drops cured his tinnitus, and his brother now takes them too.",
        "They were convinced the clay had cured their arthritis.",
        "The honey healed the burn within days, she said.",
        "Last winter the health minister recommended drinking ginger tea to strengthen the immune system.",
        "Many families have been seeking home remedies such as onion syrup and honey to treat whooping cough.",
    ],
    "other people's faith in a remedy": [
        "Parents who swear by amber beads for teething pain are easy to find online.",
        "Those who take it for gout swear to the benefits of cherry juice.",
    ],
    "verdicts and debunks": [
        "Drinking hot lemon water to cure the flu is completely wrong, doctors warn.",
        "The rumour that garlic cures the flu is misinformation.",
        "Rubbing the oil into the scalp does nothing for hair loss, the dermatologist says.",
        "There is no reason to believe that the powder cures diabetes.",
        "In the trial the syrup was no more effective than a placebo at easing coughs.",
        "In the trial, willow bark was only half as effective as the standard painkiller.",
    ],
    "enforcement and litigation": [
        "The agency announced a crackdown on sellers of teas that claim to cure cancer.",
        "The defendants' own studies show the capsules are simply digested like any other protein.",
    ],
    "a regulator weighing a seller's evidence": [
        "The regulator had not seen evidence that any cream can regrow hair.",
        "Nor did the panel accept as evidence that the drops had cured a horse of colic.",
    ],
    "the writer reading someone else's claim": [
        'When I read posts like "garlic cures ear infections," I wince.',
    ],
    "history, however long the aside before the claim": [
        "Yarrow was used in field hospitals during both world wars, as a poultice for wounds, treating infection.",
    ],
    "side effects someone reported, and a remedy's popularity": [
        "The side effects she described were nausea and cramps, much like those of the prescription drug.",
        "It's said to calm nerves, and it is also becoming a popular remedy for insomnia.",
    ],
    "a headline that quotes the claim after its subject": [
        "Cranberry juice 'may prevent bladder infections'",
        "Walnuts \u2018can lower cholesterol\u2019\n\nA trial of two hundred adults found a small change.",
    ],
    "hypotheticals and usage": [
        "Even if zinc were an effective treatment for colds, the doses sold online would be unsafe.",
        "A commonly used home treatment for heartburn is baking soda in water.",
        "Ginger is also reported to lower blood pressure.",
    ],
}

CLAIMS = [
    # the writer's own testimonial is not someone else's faith
    "I swear by this ginger tea for my migraines.",
    "I swear that this ginger tea stops my migraines.",
    "We swear by our elderberry syrup for colds.",
    "Grandpa swears by it: our ginger chews ease nausea.",
    # a terminator ends a speaker's reach: the writer's own claim after it counts
    "Fans say nettle tea cures hay fever, but our tincture truly lowers blood pressure.",
    # a seller citing its own study makes a proof claim; news of "a new study" is reported
    "This study suggests that our beet powder lowers blood pressure.",
    # a direct quotation of a proponent, as news prints it, is the proponent's claim
    "\u201cThis elderberry syrup cured my cough in two days,\u201d she says.",
    # a seller's own quoted words, a quoted utterance and a sentence with a full stop stay claims
    "Our tea 'cures arthritis'.",
    "Our ginger chews: \u201cStops nausea in minutes\u201d",
    "Fresh news today\nOur turmeric capsules ease arthritis pain.",
    # the seller's promise about side effects is a claim, not a report of them
    "Get the calm of a sedative without the side effects of prescription pills with our kava drops.",
    "Unlike sleeping pills, our valerian tea has none of the side effects.",
    # praise and reassurance worded with "never", "no" and "not"
    "I have never found a better remedy for heartburn than this ginger syrup.",
    "With our magnesium you do not have to worry about overdose.",
    "If not, there are no side effects from long-term use of our chamomile tea.",
    "There is no reason not to try our elderberry syrup for colds.",
    # "only" and "half" elsewhere are no verdict
    "Our garlic capsules lower blood pressure in only two weeks.",
    # a debunk word far from a claim in another sentence does not reach it
    "Ignore the misinformation. Our turmeric capsules ease arthritis pain.",
]


@pytest.mark.parametrize("text", [t for texts in NOT_CLAIMS.values() for t in texts])
def test_reporting_is_not_the_writers_claim(text):
    assert rule_findings(text) == [], [(f.rule_id, f.text) for f in rule_findings(text)]


@pytest.mark.parametrize("text", CLAIMS)
def test_the_writers_claim_beside_reporting_survives(text):
    assert rule_findings(text), text


def test_a_list_of_side_effects_is_a_risk_to_its_end():
    text = (
        "Known side effects include headache, a dry throat, restless sleep, mild dizziness and an increased heart rate."
    )
    assert rule_findings(text) == []
    nlp = get_pipeline()
    assert nlp(text)._.health_claims == []  # the scorer does not take the listed risk back
