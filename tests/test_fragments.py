"""Claims in the shorthand of seller pages and of the ad copy regulators quote (issue 14): headlines
and list items without a verb of change, a good effect or healing power claimed for the product,
sweeping promises, "studies" badges, a disease that "cannot survive" in the body the product makes,
and comparisons of many times the effect; and look-alike sentences that make no claim (negated,
asked, reported by someone else, about a study of a medicine, or about no product at all).

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest
from helpers import family_cases, gate_opens, rule_ids

CLAIMS = {
    "headline without a verb": [
        ("Less heartburn, fewer sleepless nights", "disease-shorthand"),
        ("Fewer tension headaches in just three weeks!", "disease-shorthand"),
        ("Since the turmeric shots I have far fewer migraines.", "disease-shorthand"),
        ("Try the eczema-soothing balm moms swear by", "disease-shorthand"),
        ("Feel sharper focus and steadier energy with our morning mushroom blend", "mechanism-effect"),
        ("Discover the secret to deeper sleep", "mechanism-effect"),
        ("Take this drink daily for healthier, more supple joints.", "mechanism-effect"),
        ("A natural melatonin production booster", "mechanism-effect"),
        ("This tonic gives you a surge of energy within minutes.", "mechanism-effect"),
        ("Our mushroom drops give your immune system a real boost.", "mechanism-effect"),
    ],
    "a good effect or a power of healing": [
        ("Our passionflower drops have a calming effect on the nervous system.", "mechanism-effect"),
        ("Rhodiola positively influences stress hormones.", "mechanism-effect"),
        ("Fenugreek has real therapeutic power for nursing mothers.", "mechanism-effect"),
        ("Our hemp drops have a positive interaction with dopamine receptors.", "mechanism-effect"),
    ],
    "sweeping promises": [
        ("Our flower essences help with whatever is bothering you.", "cure-all"),
        ("This tonic heals almost everything, from gout to grief.", "cure-all"),
    ],
    "proof badges": [
        ("Our probiotic is supported by published clinical studies.", "proof-claim"),
        ("Every ingredient is backed by independent research.", "proof-claim"),
    ],
    "a disease that cannot survive": [
        (
            "Cancer cells cannot survive in an oxygen-rich body, and our drops deliver the oxygen.",
            "hostile-environment",
        ),
        ("Candida can't grow once you take our alkaline water daily.", "hostile-environment"),
        ("Disease cannot exist in a properly alkalized body.", "hostile-environment"),
    ],
    "treatment words of ad copy and traditional medicine": [
        ("Our wormwood tincture expels intestinal worms.", "disease-treatment"),
        ("This decoction dispels damp-heat and eases joint pain.", "disease-treatment"),
        ("Oil of oregano is a proven destroyer of fungal infections.", "disease-treatment"),
        ("Goodbye bloating, hello flat tummy: try our ginger tea.", "disease-treatment"),
        ("Our curcumin blend slows the progression of Parkinson's disease.", "disease-treatment"),
        ("Taken daily, this tea can delay the onset of type 2 diabetes.", "disease-prevention"),
    ],
    "medicine words in product copy": [
        ("100% drug-free and non-habit forming.", "safety-claim"),
        ("Meet the Ozempic dupe everyone is talking about: our berberine capsules.", "drug-comparison"),
        ("Our turmeric capsules are indicated for arthritis and gout.", "disease-treatment"),
    ],
    "many times better": [
        ("Our nano curcumin is 185 times more bioavailable than turmeric powder.", "efficacy-comparison"),
        ("Colloidal silver is a safer, gentler choice for ear infections.", "efficacy-comparison"),
        ("One scoop gives ten times the effect of ordinary protein powder.", "efficacy-comparison"),
    ],
}

NOT_CLAIMS = {
    "no product, or no disease": [
        ("Less sugar, more flavour: the new recipe is out.", "disease-shorthand"),
        ("Fewer cars on the road means less noise for everyone.", "disease-shorthand"),
        ("People with fewer migraines reported better sleep, the survey found.", "disease-shorthand"),
        ("The bacteria cannot survive boiling, so boil the water for a minute.", "hostile-environment"),
        ("The town's new cancer-screening programme starts in May.", "disease-shorthand"),
        ("Fish cannot survive in water with too little oxygen.", "hostile-environment"),
        ("The new bridge is ten times stronger than the old one.", "efficacy-comparison"),
    ],
    "words of the same families in other senses": [
        ("Said goodbye to my sister at the station after her cancer check-up.", "disease-treatment"),
        ("The study controls for age, smoking and diabetes.", "disease-treatment"),
        ("My friend found a cheap dupe of that designer handbag.", "drug-comparison"),
        ("The festival gave the town's economy a big boost.", "mechanism-effect"),
        ("Is this drug-free tea really non-habit forming?", "safety-claim"),
        ("Traffic slowed the progression of the parade through town.", "disease-treatment"),
    ],
    "negated, asked or debunked": [
        ("No herb cures nearly all diseases.", "cure-all"),
        ("Is our ginseng really ten times more potent than other brands?", "efficacy-comparison"),
        ("It is a myth that cancer cannot survive in an alkaline body.", "hostile-environment"),
        ("Walnuts did not have a positive effect on memory in the trial.", "mechanism-effect"),
    ],
    "reported by a regulator or a critic": [
        ("The agency said the firm claimed cancer cannot survive in an alkaline body.", "hostile-environment"),
        ("Critics call the purported curative powers of the tea a myth.", "mechanism-effect"),
        ("The warning letter says the company claimed its tea was supported by published studies.", "proof-claim"),
    ],
    "a study of a medicine": [
        ("In the trial, patients on the statin had 30 percent fewer heart attacks.", "disease-shorthand"),
        ("The vaccine was found to be far more effective than the older one.", "efficacy-comparison"),
    ],
}


@pytest.mark.parametrize(("text", "rule"), family_cases(CLAIMS))
def test_fragment_claim_is_flagged(text, rule):
    assert rule in rule_ids(text), text


@pytest.mark.parametrize(("text", "rule"), family_cases(NOT_CLAIMS))
def test_look_alike_is_not_flagged(text, rule):
    assert rule not in rule_ids(text), text


def test_headline_words_leave_the_gate_closed():
    """ "Less", "fewer", "oxygen", "for better" and "far more" fill everyday text; they never open
    the gate alone, so text without health vocabulary stays as fast as before."""
    for text in [
        "Less traffic and fewer delays on the ring road this week.",
        "For better results, rinse the brushes in warm water.",
        "The new pump is far more efficient than the old one.",
        "Divers carry oxygen so they can survive longer under water.",
        "Discover the secret to a tidier garden shed.",
    ]:
        assert not gate_opens(text), text
