from analyzer import analyze


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
    assert analyze("Regular exercise and sleep help people manage stress and depression.") == []


def test_first_person_report_is_a_testimonial_about_the_product():
    text = "I took two feverfew capsules at the first twinge. Within the hour my migraine was gone."
    found = analyze(text)
    assert [f.substance_id for f in found] == ["feverfew"]


def test_first_person_without_a_claim_is_not_one():
    assert analyze("I have had migraines since I was twelve, and my mother had them too.") == []
    assert analyze("I read online that feverfew cures migraines, but I am not sure.") == []


def test_a_promise_to_the_reader_is_about_the_product():
    text = "Our ashwagandha gummies ship in a glass jar.\n\nMelt away tension and recharge your energy before bed."
    found = analyze(text)
    assert found and {f.substance_id for f in found} == {"ashwagandha"}
