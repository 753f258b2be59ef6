"""Near misses of the claim families added for issue 14: sentences that share a claim's words but
report no effect of a product (a check-up that was fine, usage advice, a study's verdict told after
the claim, a product merely tried), and the claims next to them that must still be found.

Every sentence here is written for this test; none is taken from the evaluation data. The scorer
may still score a near miss on its own (``scored-claim``): what is asserted is that no rule does.
"""

import pytest
from helpers import family_cases, rule_ids

SCORED = "scored-claim"

NOT_CLAIMS = {
    "a body part or a reading that is fine": [
        ("Most people's kidneys are fine with a normal intake of vitamin C, the dietitian explained.", ""),
        ("My blood pressure was fine at the check-up, so the nurse sent me home.", ""),
        ("Sleep is better in a cool, dark room.", ""),
    ],
    "how a product is best used": [
        ("Fish oil works best when you take it with a meal.", ""),
        ("The nettle tea worked out cheaper than the capsules.", ""),
    ],
    "a product's own side effects": [
        ("The smaller dose of melatonin caused fewer side effects in the trial.", ""),
    ],
    "a study's verdict or a fan's faith, told as such": [
        ("Probiotics may shorten diarrhea after antibiotics, a Cochrane review concluded.", ""),
        ("Some fans of turmeric swear it eases their arthritis, though studies are mixed.", ""),
    ],
    "a product tried, with no outcome told": [
        ("Tried the CBD gummies for my back pain.", ""),
        ("I've tried magnesium for cramps with no luck.", ""),
    ],
}

CLAIMS = {
    "the outcome after a product was tried": [
        ("I tried turmeric for my arthritis and it really helped.", "disease-treatment"),
        ("Our tried and true elderberry syrup knocks out colds fast.", "disease-treatment"),
    ],
    "a recovery idiom that starts with a negation": [
        ("Since the turmeric paste my knees haven't felt this good in years.", "disease-treatment"),
    ],
    "a named product that works, said with how well": [
        ("Honestly, the oregano oil worked!", "disease-treatment"),
        ("The black seed oil works great for my allergies.", "disease-treatment"),
    ],
}


@pytest.mark.parametrize(("text", "rule"), family_cases(NOT_CLAIMS))
def test_near_miss_is_not_flagged_by_a_rule(text, rule):
    assert rule_ids(text) - {SCORED} == set()


@pytest.mark.parametrize(("text", "rule"), family_cases(CLAIMS))
def test_claim_next_to_a_near_miss_is_flagged(text, rule):
    assert rule in rule_ids(text)
