import spacy

from analyzer.segment import set_sentence_starts


def sentences(text):
    nlp = spacy.blank("en")
    doc = set_sentence_starts(nlp.make_doc(text))
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def test_headings_without_full_stops_are_their_own_sentences():
    assert sentences("Why Ginger Works\n\nGinger is a root. It grows in Asia.") == [
        "Why Ginger Works", "Ginger is a root.", "It grows in Asia."]


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
