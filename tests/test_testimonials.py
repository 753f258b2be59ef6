"""First-person testimonials the rules used to miss (issue 14, user posts), by family: a named
product that worked, the product credited for a recovery (or imagined away), and the complaint
told as over; and the look-alikes that are not claims (an unnamed "it", a question, a test result,
plain thanks).

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest

from analyzer import analyze

CLAIMS = {
    "praise and repair words": [
        "Lavender oil is amazing for anxiety.",
        "The magnesium fixed my leg cramps.",
    ],
    "a named product worked": [
        "Honestly, the oregano oil worked!",
        "The ginger chews really worked.",
        "Tried everything for my son's croup, and the elderberry really works.",
        "People laughed at me, but raw ginger WORKS.",
        "I give my kids the arnica pellets; they are gentle and highly effective.",
        "A few drops of this blend calms the dogs during storms.",
        "The arnica cream works like a dream on bruises.",
        "Our vet suggested the fish oil and it worked its magic within a month.",
        "I rubbed in the castor oil every night with excellent results.",
        "That tea tree balm has been a lifesaver this winter.",
    ],
    "the product credited": [
        "I made it through the winter without a single cold thanks to my daily elderberry.",
        "I credited the magnesium spray for my first cramp-free month.",
        "I owe it all to the beet juice.",
        "My old dog responded beautifully to the turmeric paste.",
        "Both of our horses responded well to the chamomile drops.",
    ],
    "the complaint over": [
        "By the next morning the swelling in my ankle was gone.",
        "Two nights of the eucalyptus rub and I can finally breathe again.",
        "Three days on the nettle capsules and my throat was much better.",
        "With the ginger chews I got well in half the time.",
        "It was the best night's sleep I have had since the baby was born.",
        "I started the zinc lozenges at the first tickle and nipped it in the bud.",
        "The elderberry syrup helped the kids recover faster than ever.",
        "My hives disappeared within a day of the nettle tea.",
        "After the chamomile drops it calmed him down in minutes.",
        "I gave him two of the valerian chews and he calmed down.",
        "Since the CBD treats our rescue dog is so much calmer during storms.",
        "My sore throat cleared by morning after the honey and sage gargle.",
        "Our sleep chews: less anxiety, deeper rest.",
    ],
    "fewer medicines": [
        "Since the nettle tea I have gone from taking antihistamines every day to once a week.",
        "I no longer need my inhaler since starting the mullein.",
    ],
    "a product named for the condition it claims away": [
        "We rub Teething Rescue on her gums every night.",
        "Allergy Shield is back in stock for spring.",
    ],
    "a good effect on the body": [
        "Lavender positively affects the nervous system.",
        "After my second week of the maca I felt a surge in energy.",
        "Krill oil has real brain benefits.",
    ],
    "product copy": [
        "Our chamomile drops bring real benefits to babies during teething.",
        "Oil of oregano is a natural destroyer of viruses.",
        "The secret to sharper focus is in our lion's mane capsules.",
    ],
    "proof": [
        "Studies have demonstrated that our elderberry extract shortens colds.",
    ],
}

NOT_CLAIMS = [
    "It worked, and the parcel arrived on time.",
    "We work with local farmers who grow our ginger.",
    "Is it true that curcumin works?",
    "Scientists wanted to know how curcumin works in the body.",
    "Nobody can say whether black cohosh works.",
    "The elderberry syrup didn't work for us.",
    "Thanks to its mild taste, chamomile is popular with children.",
    "Thanks for the quick reply, the turmeric arrived today.",
    "My blood test was fine, the nurse said.",
    "My throat was fine before I took the zinc, then it got sore.",
    "It took hard work to get the garden into shape before the ginger harvest.",
    "You should cut back on caffeine if you have anxiety.",
    "Is the arnica highly effective, or is it hype?",
    "The vet calmed the horse before the injection.",
    "He calmed down after the storm passed.",
    "Ginger is best avoided during chemotherapy.",
    "Our new shelves are amazing for storage.",
    "The plumber fixed my sink before the ginger tea was ready.",
    "Magnesium had a positive effect on sleep in one small trial, the researchers said.",
]


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=f"{family}: {t[:40]}") for family, rows in CLAIMS.items() for t in rows]
)
def test_testimonial_is_flagged(text):
    assert analyze(text), text


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_look_alike_is_not_flagged(text):
    assert not analyze(text), text


def test_credit_and_outcome_words_alone_leave_the_gate_closed():
    """ "thanks", "work" and "again" are everyday words: without a product or health word near them
    the gate stays closed, as before."""
    from analyzer.run.pipeline import get_pipeline

    component = get_pipeline((), scorer="").get_pipe("health_claims")
    for text in [
        "Thanks for the quick reply, I will order again next month.",
        "I walked the dog along the canal before work today.",
        "Our team is working late to ship every order.",
        "If it was not for the rain, we would have opened the shop on Sunday.",
        "Pay by credit card; the boots come in three heel heights and fit all feet.",
    ]:
        assert not component.may_claim(text), text


def test_a_product_named_alone_is_not_a_sentence_a_rule_could_match():
    """The rule for "<product> works!" asks for its own class of word, so a sentence that only names
    a product ("# Calm Drops") is not one the scorer may flag as a possible claim."""
    from analyzer.run.pipeline import get_pipeline

    nlp = get_pipeline((), scorer="")
    component = nlp.get_pipe("health_claims")
    for text, expected in [
        ("Our ginger chews now come in a recyclable jar.", False),
        ("Honestly, the ginger chews worked!", True),
    ]:
        assert component.may_hold_claim(component.tags(nlp(text))) is expected, text
