"""The rule mini-language over lexicon entities: gaps, literals, optionals, groups."""

import pytest
import spacy

from analyzer.engine.rulematch import RuleMatcher, Tag
from analyzer.errors import HealthClaimsError


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


def test_compiled_patterns_find_exactly_what_the_reference_finds():
    """Random sentences of items against patterns with gaps, optionals, groups and numbers."""
    import random

    from analyzer.engine.rulematch import CompiledPattern, Item, compile_element, compile_patterns, reference_matches

    vocab = spacy.blank("en").vocab
    groups = {"g": ["a1", "b2"]}
    tokens = [
        "@A",
        "@B",
        "@A|B",
        "@A:g",
        "@B:!g",
        "*{0,0}",
        "*{0,2}",
        "*{1,3}",
        "*{2,2}",
        "for",
        "?is",
        "?the",
        "#NUM",
        "is|are",
    ]
    words = {w: vocab.strings.add(w) for w in ("for", "is", "are", "the", "x")}
    rng = random.Random(11)

    def random_pattern(rule_id):
        elements = [compile_element(rng.choice(tokens[:5] + tokens[9:]), groups)]
        elements += [compile_element(rng.choice(tokens), groups) for _ in range(rng.randint(0, 5))]
        return CompiledPattern.build(rule_id, tuple(replace_ids(el, vocab) for el in elements))

    non_empty = 0
    for _ in range(3000):
        # several patterns compiled together, as the matcher does; some share a first element
        patterns = [random_pattern(f"r{k}") for k in range(rng.randint(1, 4))]
        items, pos = [], 0
        for _ in range(rng.randint(0, 9)):
            pos += rng.randint(0, 2)
            kind = rng.random()
            if kind < 0.5:
                length = rng.choice([1, 1, 2, 3])
                lower = words[rng.choice(list(words))] if length == 1 and rng.random() < 0.3 else 0
                items.append(Item(pos, pos + length, rng.choice("AB"), rng.choice(["a1", "b2", "c3"]), lower, False))
            else:
                length = 1
                num = kind > 0.9
                items.append(Item(pos, pos + 1, None, None, 0 if num else words[rng.choice(list(words))], num))
            pos += length
        expected = sorted(m for pattern in patterns for m in reference_matches(pattern, items))
        columns = (*zip(*items), len(items)) if items else ((), (), (), (), (), (), 0)
        got: list = []
        compile_patterns(patterns)(*columns, got)
        assert sorted(got) == expected, (patterns, items)
        non_empty += bool(expected)
    assert non_empty > 300  # the random cases do exercise matching


def replace_ids(el, vocab):
    from dataclasses import replace

    return replace(el, word_ids=frozenset(vocab.strings.add(w) for w in el.words)) if el.words else el


def test_tagging_resolves_overlaps_as_one_greedy_pass_over_the_document():
    """tag() works run by run of overlapping matches; the result must be the plain rule applied to
    the whole document: longest first, then class priority, then leftmost, then matcher order."""
    import random

    from analyzer.packs.loader import cached_pack
    from analyzer.run.pipeline import get_pipeline

    nlp = get_pipeline()
    component = nlp.get_pipe("health_claims")
    pack = cached_pack()
    terms = sorted(
        {t for (cls, _), e in pack.lexicon.items() if cls in ("CONDITION", "EFFECT", "SUBSTANCE") for t in e.terms}
    )
    rng = random.Random(3)
    overlapping = 0
    for _ in range(400):
        words = [w for _ in range(rng.randint(2, 8)) for w in rng.choice(terms).split()]
        # drop and swap words so that terms run into one another
        words = [w for w in words if rng.random() > 0.15]
        doc = nlp.make_doc(" ".join(words))
        tagger = component.tagger
        found = tagger.phrases(doc)
        ranked = sorted((s - e, tagger.priority_of[key], s, n, e, key) for n, (key, s, e) in enumerate(found))
        taken: set[int] = set()
        expected = []
        for _, _, s, _, e, key in ranked:
            if not taken.intersection(range(s, e)):
                taken.update(range(s, e))
                expected.append((tagger.class_of[key], tagger.id_of[key], s, e))
        overlapping += len(expected) < len(found)
        assert [tuple(t) for t in tagger(doc)] == sorted(expected, key=lambda t: t[2]), doc.text
    assert overlapping > 50  # the random texts do hold overlapping matches
