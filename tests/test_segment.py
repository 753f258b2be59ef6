import spacy

from analyzer.engine.segment import _is_label, set_sentence_starts


def sentences(text):
    nlp = spacy.blank("en")
    doc = set_sentence_starts(nlp.make_doc(text))
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def test_headings_without_full_stops_are_their_own_sentences():
    assert sentences("Why Ginger Works\n\nGinger is a root. It grows in Asia.") == [
        "Why Ginger Works",
        "Ginger is a root.",
        "It grows in Asia.",
    ]


def test_numbered_list_labels_split_from_their_text():
    got = sentences("1. Calm Support: Chamomile is a flower. It is brewed as tea.")
    assert "Calm Support:" in got
    assert "Chamomile is a flower." in got


def test_bullets_and_question_headings():
    got = sentences("Is Sage Safe?\n  • Sage Tea: Sage is an herb.\n  • Dosage: Use a little.")
    assert got[0] == "Is Sage Safe?"
    assert "Sage is an herb." in got
    assert "Use a little." in got


def test_abbreviations_and_lowercase_continuations_do_not_split():
    got = sentences("Dr. Lee studied it, e.g. in 2019. It was small.")
    assert got == ["Dr. Lee studied it, e.g. in 2019.", "It was small."]


def test_end_marks_closing_quotes_and_blank_lines():
    got = sentences('She said "it works!" Then she left.  \n   \nNext line here... and more?! Yes.')
    assert got == ['She said "it works!"', "Then she left.", "Next line here... and more?!", "Yes."]


def _reference_starts(doc):
    """The segmentation rules written plainly, token by token (the module uses one regex over token codes)."""
    ends = {".", "!", "?", "…", "!!", "!!!", "??", "???", "?!", "!?", "?!?", "...", "...."}
    closers = {'"', "'", "”", "’", ")", "]", "»"}
    no_open = closers | ends | {",", ";", ":"}

    def opens(tok):
        return not tok.is_space and not tok.is_lower and tok.text not in no_open

    starts = [0] if len(doc) else []
    for i in range(1, len(doc)):
        tok = doc[i]
        if tok.is_space:
            continue
        j = i - 1
        after_break = False
        while j >= 0 and doc[j].is_space:
            after_break = after_break or "\n" in doc[j].text
            j -= 1
        prev, prev2 = doc[i - 1].text, doc[i - 2].text if i > 1 else ""
        if after_break or (opens(tok) and (prev in ends or (prev in closers and prev2 in ends))):
            starts.append(i)
        elif doc[i - 1].text == ":" and opens(tok) and _is_label(doc, i - 1):
            starts.append(i)
    return starts


def test_sentence_starts_follow_the_rules_on_random_text():
    import random

    from analyzer.engine.segment import sentence_starts

    nlp = spacy.blank("en")
    pieces = [
        "Calm",
        "tea",
        "Works",
        ".",
        "!",
        "?",
        "...",
        "…",
        '"',
        "'",
        ")",
        "”",
        ":",
        ";",
        ",",
        "\n",
        "\n\n",
        " \n ",
        "1.",
        "-",
        "•",
        "Sleep",
        "and",
        "of",
        "i",
        "B12",
        "3",
        "?!",
        "(",
        "Über",
        "über",
        "Tip",
        "\t",
    ]
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "  ", "\n"]) for _ in range(rng.randint(0, 20)))
        doc = nlp.make_doc(text)
        assert sentence_starts(doc) == _reference_starts(doc), [t.text for t in doc]
