"""Text normalised before matching: hidden and disguised letters must not hide a claim, and
findings still point into the original text. Every sentence here is our own writing."""

import pytest

from analyzer import analyze
from analyzer.engine.normalize import needs_normalizing, normalize

PLAIN = "Our kava drops cure anxiety."


@pytest.mark.parametrize(
    "disguised",
    [
        "Our kava drops cur\u0435 anxiety.",  # a Cyrillic "е"
        "Our kava drops \u0441ure anxiety.",  # a Cyrillic "с"
        "Our kava drops cu\u00adre anxiety.",  # a soft hyphen
        "Our kava drops cu\u200bre anx\u200diety.",  # zero-width space and joiner
        "\u202eOur kava drops cure anxiety.\u202c",  # a bidi override
        "Our \uff4b\uff41\uff56\uff41 drops cure anxiety.",  # full-width letters
        "Our kava drops cure anxi\u0435ty.",  # a look-alike in the condition
    ],
)
def test_a_disguised_claim_is_found_where_it_is_in_the_original(disguised):
    (plain,) = analyze(PLAIN)
    (found,) = analyze(disguised)
    assert (found.rule_id, found.category, found.substance, found.target) == (
        plain.rule_id,
        plain.category,
        plain.substance,
        plain.target,
    )
    assert found.text == disguised[found.start : found.end]
    if len(disguised) == len(PLAIN):  # one letter for one: the same offsets
        assert (found.start, found.end) == (plain.start, plain.end)


def test_lines_and_columns_count_the_original_characters():
    text = "A soft\u00adhyphen here.\nOur kava drops cu\u200bre anxiety."
    (found,) = analyze(text)
    assert (found.line, found.column) == (2, 16)
    assert text[found.start : found.end] == found.text


def test_plain_ascii_takes_the_fast_path():
    assert not needs_normalizing(PLAIN)
    assert normalize(PLAIN) is None
    # typographic quotes are already normal: nothing to map
    assert normalize("Our kava drops don\u2019t cure anxiety.") is None


def test_a_word_wholly_in_another_script_is_left_alone():
    assert normalize("\u043a\u0430\u0432\u0430 and kava") is None  # Cyrillic "кава" is a word, not a disguise


def test_the_offset_map_covers_expanded_and_composed_characters():
    text = "e\u0301tude \ufb01ne"  # a combining accent, then the "fi" ligature
    norm = normalize(text)
    assert norm.text == "\u00e9tude fine"
    assert norm.span(0, 1) == (0, 2)  # "é" came from two characters
    assert norm.span(6, 8) == (7, 8)  # "fi" came from one
    assert norm.span(6, 10) == (7, 10)


def test_the_finding_quotes_its_sentence_as_the_original_has_it():
    text = "Intro line.\nOur kava drops cure anxiety \u202eand more."
    (found,) = analyze(text)
    assert found.sentence == "Our kava drops cure anxiety \u202eand more."
