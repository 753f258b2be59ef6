"""Claim phrasings the rules used to miss (issue 14, part 5), by family: testimonials that the
product worked, product copy that names the body instead of a condition, proof and authority
wording, and safety absolutes; and look-alike sentences that are not claims.

Every sentence here is written for this test; none is taken from the evaluation data.
"""

import pytest
from helpers import family_cases, gate_opens, rule_ids

CLAIMS = {
    "testimonial outcome": [
        ("Honestly, the elderberry gummies made a huge difference for my kids this winter.", "disease-treatment"),
        ("Two drops of the lavender tincture did the trick and I slept through the night.", "disease-treatment"),
        ("Our chamomile blend works wonders after a long day.", "disease-treatment"),
        ("I really believe this magnesium spray changed my life.", "disease-treatment"),
        ("Valerian really works!", "disease-treatment"),
        ("Black seed oil worked for me when nothing else did.", "disease-treatment"),
        ("How Colloidal Silver Saved My Daughter", "disease-treatment"),
        ("I put my son on the fish oil capsules and noticed a difference within a week.", "disease-treatment"),
        ("Two days on the elderberry syrup and I was so much better.", "disease-treatment"),
        ("The hawthorn tea worked a treat, and we all got well within a day.", "disease-treatment"),
        ("Just one of these shots a day can transform your life.", "disease-treatment"),
        ("People with arthritis can benefit greatly from our turmeric paste.", "disease-treatment"),
        ("Honestly, our nettle tincture is the magic pill.", "cure-all"),
        ("I doubted the kelp drops at first, but they really seem to help.", "disease-treatment"),
        ("Three weeks into the mushroom coffee, a miracle happened.", "cure-all"),
    ],
    "the body recovers": [
        ("After a week on the nettle capsules my sinuses cleared up completely.", "disease-treatment"),
        ("Within days of using the clove rinse my gums stopped bleeding.", "disease-treatment"),
        ("On the beet juice my blood pressure came right down.", "disease-treatment"),
        ("My fatigue was fading by the second week of the iron drops.", "disease-treatment"),
    ],
    "the body or an organ in product copy": [
        ("Our chlorella tablets detoxify and purify the body.", "mechanism-effect"),
        ("This glucosamine formula helps lubricate and rebuild joint tissue.", "mechanism-effect"),
        ("The charcoal drink flushes impurities from your bowels.", "mechanism-effect"),
        ("Our sea moss gel nourishes the gut and protects the skin.", "mechanism-effect"),
    ],
    "proof and authority": [
        ("Our glucosamine chews are shown to provide relief from joint pain.", "proof-claim"),
        ("Beetroot powder, proven in studies to lower blood pressure.", "proof-claim"),
        ("Our melatonin gummies are prescribed by doctors across Europe.", "proof-claim"),
        ("Every capsule is backed by over 200 clinical studies.", "proof-claim"),
    ],
    "safety absolutes": [
        ("Our kratom powder is less toxic than aspirin.", "safety-claim"),
        ("There is no danger in taking the tincture every day.", "safety-claim"),
        ("It is nearly impossible to get too much vitamin C from our chewables.", "safety-claim"),
        ("The capsules do not form a dependency, even after months.", "safety-claim"),
        ("Our valerian drops showed no toxicity in any of our tests.", "safety-claim"),
        ("The calming chews are completely natural and safe for your dog.", "safety-claim"),
        ("Our gripe drops are gentle enough for babies from two weeks old.", "safety-claim"),
        ("Fall asleep fast and wake without grogginess.", "safety-claim"),
        ("100% natural, no side effects, results in days", "safety-claim"),
    ],
}

NOT_CLAIMS = {
    "no product": [
        ("The new bus timetable made a huge difference to my commute.", "disease-treatment"),
        ("It took hard work to get the garden into shape.", "disease-treatment"),
        ("The bus stopped outside the hospital.", "disease-treatment"),
        ("The new manager noticed a difference in the team within a week.", "disease-treatment"),
    ],
    "asked, hazards and other people's words": [
        ("Nobody knows whether the ginseng capsules work.", "disease-treatment"),
        ("Undiluted cinnamon oil can burn the skin.", "mechanism-effect"),
        ("Is there no danger in mixing kava with alcohol?", "safety-claim"),
        ("The regulator said the seller claimed its drops had no danger for children.", "safety-claim"),
        ("The drug has not been shown to lower blood pressure in children.", "proof-claim"),
        ("There is no magic pill that melts belly fat.", "cure-all"),
        ("In the trial the willow bark was only half as effective as ibuprofen.", "drug-comparison"),
    ],
    "plain use of a remedy": [
        ("Some readers use it for eczema, others for dry hands.", "disease-treatment"),
    ],
}


@pytest.mark.parametrize(("text", "rule"), family_cases(CLAIMS))
def test_claim_phrasing_is_flagged(text, rule):
    assert rule in rule_ids(text), text


@pytest.mark.parametrize(("text", "rule"), family_cases(NOT_CLAIMS))
def test_look_alike_is_not_flagged(text, rule):
    assert rule not in rule_ids(text), text


def test_everyday_words_of_these_families_leave_the_gate_closed():
    """Testimonial and body words that everyday text is full of ("better", "work", "body") never
    open the gate alone: texts without health vocabulary stay as fast as before."""
    for text in [
        "Has anyone tried the mint flavour, or is the original better?",
        "I walked the dog along the canal before work today.",
        "The body of the email was empty, so I wrote again.",
        "The heart of the old town is busy on Saturdays.",
        "Our team is working late to ship every order.",
    ]:
        assert not gate_opens(text), text
