"""Which product a claim is about. Every sentence here is our own writing."""

from analyzer import analyze
from analyzer.run.pipeline import analyze_many, get_pipeline


def rules_alone(text: str) -> list:
    """The findings of the rules and the subject stage, without the trained scorer (whose verdict
    on a sentence without a product is measured by cross-validation, not asserted here)."""
    return next(analyze_many([text], get_pipeline(scorer="")))


def test_pronoun_resolves_to_previous_sentence_substance():
    text = "Rhodiola grows in cold mountains. It relieves depression fast."
    (f,) = analyze(text)
    assert f.substance_id == "rhodiola"


def test_heading_names_the_substance_of_its_section():
    text = "Milk Thistle Benefits\n\nGreat taste in a capsule.\nBorn in gardens.\nLoved by cooks.\nSold worldwide.\nEasy to store.\nThis remedy heals fatty liver."
    found = analyze(text)
    assert found and found[-1].substance_id == "milk_thistle"


def test_generic_reference_falls_back_to_main_substance():
    text = "Kava is our bestseller. We love kava. Kava ships fast.\n\nThis supplement calms anxiety."
    found = analyze(text)
    assert found[-1].substance_id == "kava"


def test_claims_about_conventional_medicines_are_not_reported():
    assert analyze("Vaccines are the most effective way to prevent the flu.") == []
    assert analyze("Prescription drugs to treat migraines can cause drowsiness.") == []


def test_list_item_fragments_without_subject_are_claims():
    found = analyze("What it does:\n- Shrinks tumors\n- Reverses diabetes")
    assert len(found) == 2


def test_sentence_with_no_product_is_not_a_claim():
    assert rules_alone("Regular exercise and sleep help people manage stress and depression.") == []


def test_first_person_report_is_a_testimonial_about_the_product():
    text = "I took two feverfew capsules at the first twinge. Within the hour my migraine was gone."
    found = analyze(text)
    assert [f.substance_id for f in found] == ["feverfew"]


def test_first_person_without_a_claim_is_not_one():
    assert rules_alone("I have had migraines since I was twelve, and my mother had them too.") == []
    assert analyze("I read online that feverfew cures migraines, but I am not sure.") == []


def test_a_promise_to_the_reader_is_about_the_product():
    text = "Our ashwagandha gummies ship in a glass jar.\n\nMelt away tension and recharge your energy before bed."
    found = analyze(text)
    assert found and {f.substance_id for f in found} == {"ashwagandha"}


def test_a_list_label_with_a_hyphen_or_a_dash_names_the_subject_of_its_item():
    text = (
        "Our range:\n\nMagnesium- eases muscle cramps.\nValerian \u2013 cures insomnia.\nKava\u2014 relieves anxiety."
    )
    found = analyze(text)
    assert [(f.text, f.substance_id) for f in found if f.rule_id != "scored-claim"] == [
        ("eases muscle cramps", "magnesium"),
        ("cures insomnia", "valerian"),
        ("relieves anxiety", "kava"),
    ]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_a_nickname_belongs_to_the_product_its_sentence_names():
    text = "We stock valerian for sleep. Passionflower, often called nature's Xanax, calms the nerves."
    nickname = [f for f in analyze(text) if "Xanax" in f.text]
    assert [f.substance_id for f in nickname] == ["passionflower"]
    text = "Valerian is calming. Nature's Xanax, as fans call passionflower, eases anxiety."
    assert {f.substance_id for f in analyze(text) if "Xanax" in f.text} == {"passionflower"}


def test_a_pronoun_refers_to_what_the_paragraph_is_about_not_the_last_noun():
    text = "Ashwagandha root is dried in the shade with a little ginger.\nIt relieves anxiety within days."
    assert [f.substance_id for f in analyze(text)] == ["ashwagandha"]
    text = "Turmeric is our star ingredient. We blend it with a pinch of ginger. It cures arthritis in weeks."
    assert [f.substance_id for f in analyze(text)] == ["turmeric"]


def test_the_writer_is_not_the_subject_of_a_testimonial_sentence():
    text = "I tried melatonin for years, then switched to valerian root. It knocked out my insomnia."
    assert [f.substance_id for f in analyze(text)] == ["valerian"]


def test_a_new_paragraph_does_not_inherit_the_last_noun_of_the_one_before():
    text = "Kava ships from Fiji.\n\nElderberry syrup is our winter favourite, made with honey and ginger. It prevents the flu."
    assert [f.substance_id for f in analyze(text)] == ["elderberry"]
