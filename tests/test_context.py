"""Context: negated, debunked, questioned, reported, disclaimed and risk statements are not claims."""

import pytest

from analyzer import analyze

NOT_CLAIMS = [
    "Ginger does not cure migraines.",
    "Ginger doesn't cure migraines, whatever the label says.",
    "There is no evidence that ginger cures migraines.",
    "Myth: ginger cures migraines.",
    "Can ginger cure migraines?",
    "The company claimed that its ginger chews cure migraines.",
    "Regulators warned a seller whose ginger chews were marketed as a cure for migraines.",
    "Ginger chews cure migraines, the agency said the seller wrote.",
    "This product is not intended to diagnose, treat, cure or prevent any disease.",
    "High doses of ginger can lead to heartburn and stomach pain.",
    "More studies are needed to know whether ginger relieves migraines.",
    "It is not only tasty; talk to your doctor before using ginger for migraines.",
    "Research shows that ginger does not relieve migraines.",
    "Plenty of shoppers buy ginger chews to ease migraines, but a large trial found no evidence that they work.",
    "Doctors warn against using ginger chews to treat migraines in children.",
    "Swallowing the oil neat can burn the throat and cause nausea.",
    # typographic apostrophes, as web pages print them
    "Ginger doesn’t cure migraines, whatever the label says.",
    "There aren’t enough studies to show that ginger relieves migraines.",
    "No randomized trials have found that ginger relieves migraines.",
    # news of a study, and advertiser claims described by a reporter
    "Fish oil capsules protect the heart, a large international study suggests.",
    "Earlier studies had found the herb to be an effective memory booster.",
    "The seller suggested in its Instagram ads that the valerian drops cure insomnia.",
]

CLAIMS = [
    "Ginger chews cure migraines.",
    "There is no evidence for the rumours, but ginger chews cure migraines.",
    "Ginger may help relieve migraines.",
    "No doubt about it: ginger relieves migraines.",
    "Ginger is not only tasty, it also relieves migraines.",
    "Although few trials exist, ginger is still a great remedy for migraines.",
    "Our ginger extract causes tumour cells to self-destruct.",
    "Ginger’s nature’s answer: it relieves migraines.",
]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_context_suppresses(text):
    assert analyze(text) == [], [f.text for f in analyze(text)]


@pytest.mark.parametrize("text", CLAIMS)
def test_claims_survive_context(text):
    assert analyze(text), text


def test_hedged_claims_are_flagged_and_marked():
    hedged = analyze("Ginger may help relieve migraines.")
    plain = analyze("Ginger relieves migraines.")
    assert hedged and all(f.hedged for f in hedged)
    assert plain and not any(f.hedged for f in plain)


def test_claim_words_inside_the_claim_are_not_its_context():
    found = analyze("Our drops are 100% natural with no side effects.")
    assert [f.category for f in found] == ["safety_claim"]
