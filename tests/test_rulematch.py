"""The rule mini-language over lexicon entities: gaps, literals, optionals, groups."""

import pytest
import spacy

from analyzer.errors import HealthClaimsError
from analyzer.rulematch import RuleMatcher, Tag


def run(pattern, words, tags, groups=None):
    nlp = spacy.blank("en")
    doc = nlp.make_doc(words)
    matcher = RuleMatcher({"r": [pattern]}, groups or {}, nlp.vocab)
    tags = [Tag(*t) for t in tags]
    literals = matcher.literal_tokens(doc)
    patterns = matcher.possible(frozenset(t.cls for t in tags))
    return sorted({(s, e) for _, s, e in matcher(doc, 0, len(doc), tags, literals, patterns)})


def test_gap_counts_tokens_and_takes_entities_whole():
    # "soothes the nagging sore throat": TREAT at 0, CONDITION "sore throat" at 3-5
    tags = [("TREAT", "treat", 0, 1), ("CONDITION", "sore_throat", 3, 5)]
    assert run(["@TREAT", "*{0,2}", "@CONDITION"], "soothes the nagging sore throat", tags) == [(0, 5)]
    assert run(["@TREAT", "*{0,1}", "@CONDITION"], "soothes the nagging sore throat", tags) == []


def test_literals_and_optional_words():
    tags = [("SUBSTANCE", "ginger", 0, 1), ("CONDITION", "nausea", 3, 4)]
    assert run(["@SUBSTANCE", "?is", "for", "@CONDITION"], "ginger is for nausea", tags) == [(0, 4)]
    tags = [("SUBSTANCE", "ginger", 0, 1), ("CONDITION", "nausea", 2, 3)]
    assert run(["@SUBSTANCE", "?is", "for", "@CONDITION"], "ginger for nausea", tags) == [(0, 3)]


def test_groups_include_and_exclude_ids():
    tags = [("TREAT", "raise", 0, 1), ("CONDITION", "anxiety", 1, 2)]
    groups = {"raising": ["raise"]}
    assert run(["@TREAT:!raising", "@CONDITION"], "boosts anxiety", tags, groups) == []
    assert run(["@TREAT:raising", "@CONDITION"], "boosts anxiety", tags, groups) == [(0, 2)]


def test_a_missing_class_means_no_pattern_is_tried():
    assert run(["@TREAT", "*{0,3}", "@CONDITION"], "soothes you", [("TREAT", "treat", 0, 1)]) == []


@pytest.mark.parametrize("bad", ["@TREAT:nogroup", "*{3,1}", "*", "a||b", "@"])
def test_bad_tokens_are_reported(bad):
    with pytest.raises(HealthClaimsError) as info:
        RuleMatcher({"r": [[bad]]}, {}, spacy.blank("en").vocab)
    assert "HC208" in str(info.value)
