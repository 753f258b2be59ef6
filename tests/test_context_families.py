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
        "Others claim nettle tea can help with gout.",
        "Advocates believe that colloidal silver kills the flu virus.",
        "In folk tales the root is said to cure fevers and calm the nerves.",
        "Bitter melon is alleged to cure diabetes.",
        "The tonic was supposed to ease my heartburn, but nothing changed.",
        "They promise to melt belly fat and cure joint pain in a fortnight.",
        "Plenty of social media posts say that clove oil heals gum disease.",
        "The seller was accused of claiming its drops cure cancer.",
        "The company said that its drops had helped customers with eczema.",
        "According to the viral message, bitter melon juice reverses diabetes in a week.",
        "The tea is touted as a cure for diabetes.",
        "Evidence is limited that ginseng improves memory.",
        "Evidence is inconclusive on whether zinc prevents colds.",
    ],
    "study news": [
        "Tart cherry juice may improve sleep in older adults, researchers say.",
        "Eating walnuts may help prevent heart disease, according to a new study.",
        "Sage tea could ease hot flushes, suggests a small study of forty women.",
    ],
    "evaluation and debunk": [
        "Two large trials found that zinc sprays fail to prevent colds.",
        "Echinacea was found to be ineffective against the common cold.",
        "Trials of pygeum for night-time urination have had mixed results.",
        "Guidelines do not support fenugreek for diabetes.",
        "Many believe the misconception that garlic cures ear infections.",
        "Review finds willow bark is of little use for migraines",
        "Claims for cod liver oil in arthritis are overstated, the reviewers concluded.",
        "The herb has not been approved to treat depression in this country.",
    ],
    "fact-check labels, also when a capital opens the labelled text": [
        "Claim: Garlic tea dissolves kidney stones overnight.",
        "FALSE: Garlic water cures the flu",
        "Verdict: Baking soda does not cure cancer, and it never did.",
    ],
    "statements of law and regulators' rulings": [
        "It is illegal to advertise that a supplement cures cancer.",
        "The regulator ruled that the ad implied the balm could treat eczema.",
        "The complaint was upheld because the leaflet would be understood as a treatment for asthma.",
        "The tea was marketed for preventing urinary infections in older women.",
        "The seller breached the code when its leaflet implied the gummies ward off flu.",
    ],
    "history and use": [
        "Hawthorn was traditionally used for heart complaints in rural Europe.",
        "Meadowsweet has been used in folk medicine to relieve fevers.",
        "Bilberry is sometimes used to treat diarrhoea and poor night vision.",
        "The drug was originally developed as a treatment for malaria.",
        "Lemon balm has been used for centuries as a tea to soothe nerves and aid sleep.",
        "In the past the pills lowered blood pressure only because they were spiked with a diuretic.",
        "Yarrow has also been used by herbalists for colds and toothache.",
        "People have used myrrh since antiquity to dress sores and treat gum infections.",
    ],
    "what a seller does not claim, and what others promote": [
        "The label makes no claims that the tea treats high blood pressure.",
        "Supplements are not required to prove that they ease arthritis before they are sold.",
        "Black cohosh has been heavily promoted as a replacement for hormone therapy.",
        "Lysine balm was once promoted for preventing cold sores.",
        "It is also speculated that coenzyme Q10 lowers blood pressure.",
        "I read that nettle clears hay fever, so I ordered a bag.",
    ],
    "research gaps": [
        "There is no good scientific evidence that chlorella removes heavy metals.",
        "We do not yet know if the extract treats psoriasis.",
    ],
    "definitions": [
        "Adaptogens are defined as herbs that help the body resist stress.",
        "The term nootropic refers to substances that improve memory and focus.",
    ],
    "the body's own physiology": [
        "Melatonin is a hormone made by the pineal gland that regulates the sleep cycle.",
        "Insulin, produced by the pancreas, lowers blood sugar after a meal.",
        "Your body makes serotonin from tryptophan, and serotonin regulates mood.",
    ],
    "contraindications": [
        "Skip ginkgo if you are taking blood thinners.",
        "Liquorice root is not to be taken by anyone with high blood pressure.",
    ],
}

CLAIMS = [
    # the writer's own claim after a short historical opener still counts
    "Hawthorn has been used since Roman times by healers, and nowadays our tincture lowers blood pressure.",
    "Historically, elderberry has been shown to be anti-viral and an immune booster.",
    "Peppermint oil works better than traditionally prescribed anti-spasm drugs.",
    "Our tea promotes restful sleep.",
    # physiology named after the claim does not excuse it
    "Our kava drops lower adrenaline, a hormone released by the adrenal glands.",
    "Our melatonin gummies regulate your sleep cycle.",
    # a hedge is not an attribution
    "Our nettle tea may help clear hay fever.",
    "Studies show our garlic capsules lower blood pressure.",
    "According to the research, turmeric calms arthritis pain.",
    "I can honestly say that the garlic syrup cured my cold.",
]


@pytest.mark.parametrize("text", [t for texts in NOT_CLAIMS.values() for t in texts])
def test_not_the_writers_claim(text):
    assert analyze(text) == [], [(f.rule_id, f.text) for f in analyze(text)]


@pytest.mark.parametrize("text", CLAIMS)
def test_the_writers_own_claim_survives(text):
    assert analyze(text), text


# Missed-claim families (issue 14, part 5): each sentence written for this test.
MISSED_CLAIMS = {
    "first-person testimonials": [
        ("After two weeks on the chews my dog's itching stopped.", "disease_claim"),
        ("My cat's arthritis is gone since she started the turmeric paste.", "disease_claim"),
        ("My high blood pressure came right down once I added the beet powder.", "disease_claim"),
        ("Honestly, this tonic gave me my life back.", "cure_all"),
        ("I owe my recovery to these mushroom capsules.", "cure_all"),
    ],
    "proof and authority": [
        ("Our formula is scientifically validated.", "proof_claim"),
        ("Doctors everywhere recommend our fish oil for a healthy heart.", "proof_claim"),
        ("Science now confirms that turmeric calms joint pain.", "proof_claim"),
        ("Our elderberry syrup is FDA approved.", "proof_claim"),
    ],
    "safety near-absolutes": [
        ("Our valerian blend rarely causes side effects.", "safety_claim"),
        ("The capsules are well tolerated, even by sensitive stomachs.", "safety_claim"),
        ("This herbal tea has minimal side effects.", "safety_claim"),
        ("Kava is one of the safest ways to unwind.", "safety_claim"),
    ],
    "implicit drug comparisons": [
        ("Our willow extract works better than the synthetic drug.", "drug_comparison"),
        ("Get relief without the side effects of prescription drugs with our balm.", "drug_comparison"),
        ("Passionflower has Xanax-like effects, and you can buy it anywhere.", "drug_comparison"),
        ("Thanks to the kratom I am off my pain meds for good.", "drug_comparison"),
    ],
    "verbs of building and keeping": [
        ("These chews build strong bones and healthy joints.", "mechanism_claim"),
        ("A daily scoop keeps your cholesterol in check.", "mechanism_claim"),
        ("The gummies heighten focus and alertness.", "mechanism_claim"),
        ("Our elderberry syrup shortens the flu.", "disease_claim"),
        ("Oregano oil wiped out my cold overnight.", "disease_claim"),
        ("Green tea can lower our risk of stroke.", "disease_claim"),
    ],
    "more comparisons, proof and safety wording": [
        ("Since starting the hemp drops I am off of my sleeping pills.", "drug_comparison"),
        ("Kanna is a blessing for people who can't tolerate antidepressants.", "drug_comparison"),
        ("Our probiotic is supported by clinical studies.", "proof_claim"),
        ("Our lavender spray is a safe, effective way to calm nerves.", "safety_claim"),
        ("These drops ended my heartburn for good.", "disease_claim"),
        ("Our kratom capsules help people beat the opiate epidemic.", "addiction_claim"),
        ("Skullcap acts as a natural tranquilizer for frayed nerves.", "drug_comparison"),
        ("Rub the balm on twice a day and it heals eczema.", "disease_claim"),
        ("The syrup shortens colds in children.", "disease_claim"),
    ],
    "passives, effectiveness and the rest": [
        ("My cat's anxiety was greatly reduced by the valerian drops.", "disease_claim"),
        ("Our feverfew tincture is highly effective in migraine.", "disease_claim"),
        ("Our graviola extract shuts down cancer cells.", "mechanism_claim"),
        ("Our arnica gel eases stiffness after a long run.", "disease_claim"),
    ],
    "cure-alls": [
        ("Our black seed oil heals every disease.", "cure_all"),
        ("This clay heals almost any condition of the skin and gut.", "cure_all"),
        ("There is almost every disease this clay can help with.", "cure_all"),
    ],
}


@pytest.mark.parametrize("text,category", [pair for pairs in MISSED_CLAIMS.values() for pair in pairs])
def test_missed_claim_families_are_flagged(text, category):
    assert category in {f.category for f in analyze(text)}, [(f.category, f.text) for f in analyze(text)]


NOT_CLAIMS_NEAR_NEW_TERMS = [
    "The pharmacist said to stop taking it if a rash appears.",
    "The stomach cramps stopped when I stopped taking the magnesium.",
    "Senna is an FDA-approved laxative sold over the counter.",
    "Side effects are rare, but some people develop hives.",
    "Too much zinc can contribute to nausea.",
    "It's said to treat pain and low mood, though no trial has tested it.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS_NEAR_NEW_TERMS)
def test_new_terms_do_not_flag_plain_statements(text):
    assert analyze(text) == [], [(f.rule_id, f.text) for f in analyze(text)]
