"""Context families met on real pages (issue 14, part 5): reported, attributed, historical,
regulatory and evaluative statements are not the writer's own claim; the writer's claim is.

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest

from analyzer import analyze

NOT_CLAIMS = {
    "attributed": [
        "Supporters say nettle tea clears hay fever within a week.",
        "Some people claim that oregano oil cures sinus infections.",
        "Others claim hemp drops can help with insomnia and depression.",
        "Advocates believe that colloidal silver kills the flu virus.",
        "In folk tales the root is said to cure fevers and calm the nerves.",
        "Cumin is also alleged to help lower blood sugar.",
        "The tonic was supposed to ease my heartburn, but nothing changed.",
        "They promise to melt belly fat and cure joint pain in a fortnight.",
        "Plenty of social media posts say that clove oil heals gum disease.",
    ],
    "study news": [
        "A glass of cherry juice a day can lower blood pressure, researchers say.",
        "Eating walnuts may help prevent heart disease, according to a new study.",
        "Sage tea could ease hot flushes, a small study from Norway suggests.",
    ],
    "evaluation and debunk": [
        "Zinc sprays fail to prevent colds in two large trials.",
        "Echinacea was found to be ineffective against the common cold.",
        "The results have been mixed for saw palmetto and an enlarged prostate.",
        "Current guidance does not support fenugreek as a treatment for diabetes.",
        "Many believe the misconception that garlic cures ear infections.",
        "Willow bark of little use in easing migraines, review finds",
        "The benefits of cod liver oil for arthritis have been overstated.",
        "The herb has not been approved to treat depression in this country.",
    ],
    "statements of law and regulators' rulings": [
        "It is illegal to advertise that a supplement cures cancer.",
        "The regulator ruled that the ad implied the balm could treat eczema.",
        "The complaint was upheld because the leaflet would be understood as a treatment for asthma.",
        "The tea was marketed for preventing urinary infections in older women.",
        "The brand broke the rules by implying its gummies prevented flu.",
    ],
    "history and use": [
        "Hawthorn was traditionally used for heart complaints in rural Europe.",
        "Meadowsweet has been used in folk medicine to relieve fevers.",
        "Bilberry is sometimes used to treat diarrhoea and poor night vision.",
        "The drug was originally developed as a treatment for malaria.",
    ],
    "contraindications": [
        "Avoid the herbal antidepressant St. John's wort if you are taking birth control pills.",
        "Liquorice root is not to be taken by anyone with high blood pressure.",
    ],
}

CLAIMS = [
    # the writer's own claim after a short historical opener still counts
    "Hawthorn has been used for centuries, and to this day our tincture lowers blood pressure naturally.",
    "Historically, elderberry has been shown to be anti-viral and an immune booster.",
    "Peppermint oil works better than traditionally prescribed anti-spasm drugs.",
    # a hedge is not an attribution
    "Our nettle tea may help clear hay fever.",
    "Studies show our garlic capsules lower blood pressure.",
]


@pytest.mark.parametrize(
    "text", [t for texts in NOT_CLAIMS.values() for t in texts]
)
def test_not_the_writers_claim(text):
    assert analyze(text) == [], [(f.rule_id, f.text) for f in analyze(text)]


@pytest.mark.parametrize("text", CLAIMS)
def test_the_writers_own_claim_survives(text):
    assert analyze(text), text
