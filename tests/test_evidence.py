"""Counter-evidence: every finding has some; the most specific comes first; every source is well formed."""

import re
from datetime import date

import pytest

from analyzer import analyze
from analyzer.packs.loader import CATEGORIES, cached_pack

PACK = cached_pack()


def test_every_category_has_a_fallback_entry():
    fallback = {c for e in PACK.evidence.values() if not e.substances and not e.targets for c in e.categories}
    assert set(CATEGORIES) <= fallback


def test_every_substance_has_a_substance_level_entry():
    # generic references ("this supplement", "our formula") name no substance: category evidence applies
    named = {e.id for e in PACK.entries("SUBSTANCE") if not e.generic}
    overall = {s for e in PACK.evidence.values() if e.substances and not e.targets for s in e.substances}
    assert sorted(named - overall) == []


def test_breadth_of_the_evidence_base():
    assert len(PACK.evidence) >= 200
    with_specific_uses = {s for e in PACK.evidence.values() if e.substances and e.targets for s in e.substances}
    assert len(with_specific_uses) >= 60


def test_every_source_is_checkable():
    for entry in PACK.evidence.values():
        assert entry.sources, entry.id
        date.fromisoformat(entry.last_reviewed)
        for src in entry.sources:
            assert re.match(r"^https?://\S+\.\S+", src["url"]), (entry.id, src)
            assert src["title"] and src["publisher"]
            assert 1800 <= src["year"] <= date.today().year, (entry.id, src["title"])
            if "doi" in src:
                assert re.match(r"^10\.\d{4,9}/\S+$", src["doi"])
            if "pmid" in src:
                assert src["pmid"].isdigit()


def test_most_specific_evidence_first():
    (f,) = [f for f in analyze("Kratom relieves depression.") if f.category == "disease_claim"]
    first = PACK.evidence[f.evidence[0]["id"]]
    assert "kratom" in first.substances
    assert f.target_id in first.targets or "depression" in first.targets


def test_unknown_product_still_gets_category_evidence():
    found = analyze("Zorblax drops cure every disease known to science.")
    assert found and all(f.evidence for f in found)


# ---------------------------------------------------------------- fit: the first item answers the claim
# Our own one-line claims (issue 15's probes). Each names the finding and the entry that must come first.


def first_items(text: str, category: str | None = None) -> list:
    found = [f for f in analyze(text) if category is None or f.category == category]
    assert found, text
    return found


def test_every_item_says_how_it_fits_and_what_it_is_about():
    (f,) = first_items("Our kava drops cure anxiety.")
    for item in f.evidence:
        assert item["fit"] in ("substance+target", "target", "substance", "category")
        assert set(item["about"]) == {"substances", "targets"}
    assert f.evidence[0]["fit"] == "substance+target"
    assert "kava" in f.evidence[0]["about"]["substances"]


def test_melatonin_for_insomnia_shows_the_efficacy_evidence_first():
    (f,) = first_items("Melatonin gummies cure insomnia for good.")
    assert f.evidence[0]["id"] == "melatonin-sleep" and f.evidence[0]["fit"] == "substance+target"
    # the child-poisoning and labelling entries are the substance's safety record, not an answer to efficacy
    assert all(e["fit"] == "substance" for e in f.evidence if "poison" in e["id"] or "label" in e["id"])


def test_a_safety_claim_about_melatonin_gets_the_safety_record_first():
    (f,) = first_items("Our melatonin chews are totally safe for toddlers.", "safety_claim")
    assert PACK.evidence[f.evidence[0]["id"]].verdict == "safety_warning"


def test_vitamin_c_and_covid_do_not_get_the_common_cold_review_through_a_parent():
    (f,) = first_items("Vitamin C tablets prevent COVID-19.")
    ids = [e["id"] for e in f.evidence]
    assert "vitamin-c-common-cold" not in ids[:1]
    assert all(e["fit"] != "substance+target" or "covid19" in e["about"]["targets"] for e in f.evidence)


def test_ginger_for_migraine_is_not_answered_with_arthritis():
    (f,) = first_items("A cup of ginger tea cures migraines.")
    first = PACK.evidence[f.evidence[0]["id"]]
    assert not {"arthritis", "osteoarthritis"} & set(first.targets)
    assert "ginger" in first.substances or "migraine" in first.targets


def test_cbd_for_pain_gets_the_cbd_pain_entry_and_no_arthritis_steroid_entry():
    (f,) = first_items("Our CBD balm relieves back pain.")
    assert f.evidence[0]["id"] == "cbd-pain"
    assert "target-arthritis-joint-pain" not in [e["id"] for e in f.evidence]


WEIGHT_PROBES = {
    "Garcinia cambogia capsules melt belly fat.": "garcinia-cambogia-weight-loss",
    "A spoon of apple cider vinegar a day helps you lose weight.": "apple-cider-vinegar-weight-loss",
    "Berberine capsules burn fat while you sleep.": "berberine-weight-diabetes",
    "Green coffee bean extract helps you shed pounds.": "green-coffee-bean-weight-loss",
    "Our detox tea helps you lose weight fast.": "detox-tea-weight-loss",
    "Senna tea melts belly fat.": "senna-detox-weight-loss",
    "Coconut oil helps you lose weight.": "coconut-oil-heart-weight",
}


@pytest.mark.parametrize("text", sorted(WEIGHT_PROBES))
def test_weight_claims_show_the_substance_own_entry_first(text):
    (f,) = first_items(text, "weight_loss")
    assert f.target_id in ("body_weight", "body_fat")
    assert f.evidence[0]["id"] == WEIGHT_PROBES[text] and f.evidence[0]["fit"] == "substance+target"


def test_berberine_as_natures_ozempic_is_a_drug_comparison_answered_about_berberine():
    (f,) = first_items("Berberine is nature's Ozempic.")
    assert f.category == "drug_comparison" and f.target_id == "glp1_drugs"
    assert f.evidence[0]["id"] == "berberine-weight-diabetes"


@pytest.mark.parametrize("text", ["Saw palmetto regrows hair in weeks.", "Saw palmetto boosts hair growth."])
def test_hair_growth_claims_lead_to_the_saw_palmetto_hair_loss_entry(text):
    (f,) = first_items(text)
    assert f.evidence[0]["id"] == "saw-palmetto-hair-loss"


def test_no_entry_about_another_substance_is_ever_shown():
    for text in [
        "Turmeric cures arthritis.",
        "Ashwagandha lowers cortisol.",
        "Zinc prevents colds.",
        "Our supplement cures cancer.",
        "Elderberry shortens the flu.",
    ]:
        for f in analyze(text):
            for item in f.evidence:
                subs = item["about"]["substances"]
                assert not subs or f.substance_id in subs, (text, item["id"])


def test_parent_links_never_jump_to_a_sibling_disease():
    from analyzer.engine.evidence import EvidenceIndex

    index = EvidenceIndex(PACK)
    assert "obesity" in index.ancestors("body_weight") and "fat_burning" in index.ancestors("body_fat")
    assert "common_cold" not in index.ancestors("covid19")
    assert "arthritis" not in index.ancestors("migraine")
    cold = PACK.evidence["vitamin-c-common-cold"]
    assert index.fit(cold, "vitamin_c", "covid19", "disease_claim") == "substance"
    assert index.fit(cold, "vitamin_c", "common_cold", "disease_claim") == "substance+target"


def test_evidence_coverage_reports_fit_shares_and_gaps(run_cli, tmp_path):
    import json

    lines = [
        {"text": "Our kava drops cure anxiety.", "label": 1},
        {"text": "Melatonin gummies cure insomnia for good.", "label": 1},
        {"text": "Maca root boosts your immune system.", "label": 1},
        {"text": "Maca root boosts your immune system.", "label": 0},  # not counted: label 0
    ]
    labelled = tmp_path / "mine.jsonl"
    labelled.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    code, out, _ = run_cli("evidence", "coverage", "--format", "json", str(labelled))
    assert code == 0
    result = json.loads(out)
    assert result["texts"] == 3 and result["findings"] == 3
    assert result["first_fit"]["substance+target"] == 2
    assert result["first_fit"]["other-substance"] == 0
    assert result["pair_entry_exists"] == {"findings": 2, "first": 2, "share_first": 1.0}
    assert {"substance": "maca", "target": "immune_system", "findings": 1} in result["gaps"]
    code, out, _ = run_cli("evidence", "coverage")  # the rules' own examples
    assert code == 0 and "first evidence item by fit" in out


# Publishers whose own documents may be `kind: regulator`: agencies that authorise, police or set rules
# for medicines, foods, supplements or their advertising, and the official records of their rules.
# Public-health reporting (CDC's MMWR), advisory bodies (USPSTF, WHO, NHMRC), courts, state attorneys
# general and manufacturers are not regulators.
REGULATORS = (
    "U.S. Food and Drug Administration",
    "US Food and Drug Administration",
    "Federal Trade Commission",
    "US Federal Trade Commission",
    "Federal Register",
    "Code of Federal Regulations",
    "U.S. Drug Enforcement Administration",
    "European Medicines Agency",
    "European Food Safety Authority",
    "EFSA Journal",
    "European Commission, Scientific Committee on Food",
    "German Federal Institute for Risk Assessment",
    "German Commission E",
    "ANSES",
    "Health Canada",
    "Medsafe",
    "Drug Office, Department of Health, Hong Kong",
)


def test_kind_regulator_only_for_a_regulator_publisher():
    wrong = sorted(
        sid
        for sid, src in PACK.registry.items()
        if src.get("kind") == "regulator" and not src["publisher"].startswith(REGULATORS)
    )
    assert wrong == []
    # and the sources the issue named are not regulators
    for sid in (
        "cdc-2022-pediatric-melatonin-ingestions-united",
        "electronic-2017-care-tea-tree-oil",
        "who-2012-who-position-statement-effectiveness",
        "uspstf-2022-final-recommendation-statement-vitamin",
    ):
        assert PACK.registry[sid]["kind"] != "regulator", sid


def test_a_recommendation_statement_is_a_fact_sheet():
    # USPSTF recommendation statements (and the JAMA publication of one) weigh a commissioned evidence
    # review and make a recommendation: neither the review itself nor a regulator's action.
    statements = [
        sid
        for sid, src in PACK.registry.items()
        if "Preventive Services Task Force" in src["publisher"] or "Recommendation Statement" in src["title"]
    ]
    assert len(statements) >= 4
    assert {PACK.registry[sid].get("kind") for sid in statements} == {"fact_sheet"}


def test_a_case_series_is_not_a_review():
    for sid, src in PACK.registry.items():
        title = src["title"].lower()
        if "case series" in title or "ten cases" in title:
            assert src.get("kind") not in ("review", "systematic_review"), sid


# Our own one-line claims for (substance, target) pairs that had no entry of their own before the second
# pass over issue 15's coverage gaps; each must now show the pair's own entry first.
PAIR_PROBES = {
    "Elderberry syrup cures the common cold.": "elderberry-common-cold",
    "Turmeric capsules boost your immune system.": "turmeric-any-condition",
    "Our CBD oil cures depression.": "cbd-mental-health",
    "CBD drops cure insomnia.": "cbd-insomnia",
    "Garlic pills kill cancer cells.": "garlic-cancer",
    "High-dose vitamin C cures cancer.": "vitamin-c-cancer",
    "Maca root boosts sperm count.": "maca-fertility",
    "Homeopathic drops cure migraines.": "homeopathy-any-condition",
    "Kratom works on your opioid receptors.": "kratom-opioid-receptors",
    "Fish oil cures ADHD in kids.": "fish-oil-adhd",
    "Probiotics improve your digestion.": "probiotics-digestion",
    "Vitamin D prevents cognitive decline.": "vitamin-d-cognition",
    "Apple cider vinegar kills bacterial infections.": "apple-cider-vinegar-infections",
    "Magnesium cures muscle pain.": "magnesium-muscle-cramps",
}


@pytest.mark.parametrize("text", sorted(PAIR_PROBES))
def test_a_gap_pair_now_shows_its_own_entry_first(text):
    (f,) = first_items(text)
    assert f.evidence[0]["id"] == PAIR_PROBES[text] and f.evidence[0]["fit"] == "substance+target"
    assert f.substance_id in f.evidence[0]["about"]["substances"]
