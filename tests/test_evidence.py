"""Counter-evidence: every finding has some; the most specific comes first; every source is well formed."""

import re
from datetime import date

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
