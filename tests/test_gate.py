"""The anchor gate: texts that cannot hold a claim skip tokenizing; nothing it skips could have been found."""

import random
from pathlib import Path

import spacy

from analyzer.engine.gate import Gate
from analyzer.packs.loader import cached_pack
from analyzer.run.pipeline import analyze_many, get_pipeline

ROOT = Path(__file__).resolve().parent.parent

# Our own everyday and health sentences, with the awkward spellings the gate must survive.
SENTENCES = [
    "Shipping was quick and the jar arrived intact.",
    "Store it in a cool, dry place.",
    "My order number is 10293; can you check it?",
    "Lose 30lbs in 30 days with our tea!",
    "Our gummies ease anxiety... and stress.",
    "Fights COVID-19 and H1N1 naturally.",
    "Kava (Piper methysticum) cures insomnia!",
    "Won't cause any side effects, ever.",
    "It cannot cure anything, says the FDA.",
    "Ginger—nature's ibuprofen—soothes nausea.",
    "Turmeric is anti-inflammatory and boosts immunity.",
    "Mānuka honey heals wounds and kills MRSA.",
    "«Ashwagandha lowers cortisol», the label says.",
    "T2D? Try berberine, it works like metformin.",
    "Clinically proven to lower blood pressure.",
    "Order AnxiFree today.",
    "DIABECURE ships worldwide.",
    "The café on the corner sells kombucha.",
]


def corpus() -> list[str]:
    texts = list(SENTENCES)
    for rule in cached_pack().active_rules():
        texts += rule.examples["match"] + rule.examples["no_match"]
    for path in sorted((ROOT / "examples").rglob("*.*")):
        if path.suffix in {".md", ".txt", ".html"}:
            texts.append(path.read_text(encoding="utf-8"))
    # every sentence in upper case and with other sentences around it, too
    texts += [t.upper() for t in SENTENCES] + [" ".join(SENTENCES[i : i + 3]) for i in range(len(SENTENCES))]
    return texts


def test_gate_never_skips_a_text_the_pipeline_would_flag():
    nlp = get_pipeline()
    component = nlp.get_pipe("health_claims")
    skipped = 0
    matcher = component.matcher
    for doc in nlp.pipe(corpus()):
        if not component.may_claim(doc.text):
            skipped += 1
            assert not doc._.health_claims and not doc._.health_claims_suppressed, doc.text
            # stronger: no pattern matches anywhere, even across sentence boundaries
            tags = component.tagger(doc)
            patterns = matcher.possible(frozenset(t.cls for t in tags))
            assert not matcher(doc, 0, len(doc), tags, matcher.literal_tokens(doc), patterns), doc.text
    assert skipped >= 3  # the everyday sentences really are skipped


def test_an_anchor_counts_only_with_the_other_words_of_its_term():
    # "dry" stands for "dry eyes" and "dry cough": alone, in "a dry place", it is no claim
    component = get_pipeline().get_pipe("health_claims")
    assert not component.may_claim("Keep the tin in a dry place.")
    assert component.may_claim("Keep the tin in a dry place; it also soothes dry eyes.")
    assert component.may_claim("Eyes feeling DRY? Our drops help.")
    gate = Gate(frozenset({"dry", "flu"}), {}, {"dry": {frozenset({"eyes"}), frozenset({"cough"})}})
    assert gate("dry cough") and gate("eyes, dry") and gate("the flu") and not gate("dry place")


def test_fast_path_equals_the_spacy_component():
    nlp = get_pipeline()
    texts = corpus()
    fast = [
        [(f.rule_id, f.start, f.end, f.substance_id, f.target_id, f.hedged, f.sentence) for f in found]
        for found in analyze_many(texts, nlp)
    ]
    slow = [
        [(f.rule_id, f.start, f.end, f.substance_id, f.target_id, f.hedged, f.sentence) for f in doc._.health_claims]
        for doc in nlp.pipe(texts)
    ]
    assert fast == slow
    assert sum(map(len, fast)) > 20


def test_special_cases_that_split_letters_still_pass():
    # "cannot" is one run of letters, but the tokenizer yields "can" + "not"
    rules = spacy.blank("en").tokenizer.rules
    gate = Gate(frozenset({"not"}), rules)
    assert gate("It cannot be.")
    assert not gate("Knot theory.")
    assert gate("It is not.")


def test_words_outside_ascii_letters_are_found_with_their_boundaries():
    gate = Gate(frozenset({"hsv-1", "il-1β", "t2d", "flu"}), {})
    assert gate("Beats HSV-1 fast") and gate("lowers IL-1β") and gate("for T2D.") and gate("(flu)")
    assert not gate("xhsv-1") and not gate("t2dx") and not gate("influenza fluffy")
    assert gate("10flu")  # a digit is not a letter: the tokenizer may split there


def test_dotted_and_marked_anchors_pass_the_quick_character_test():
    # the quick test looks for a piece of each such word from its first character that is not
    # an ASCII letter ("e.coli" -> ".c", "nad+" -> "+"); the word itself must still be whole
    gate = Gate(frozenset({"e.coli", "nad+", "naïve", "covid-19"}), {})
    assert gate("kills E.coli") and gate("more NAD+ daily") and gate("naïve cells") and gate("covid-19")
    assert not gate("e.colix") and not gate("nad") and not gate("naive") and not gate("covid 19")


def test_quick_tests_never_reject_what_the_bounded_regex_finds():
    # the run-of-letters and character tests in front of the regex are only shortcuts
    gate = Gate(frozenset({"e.coli", "hsv-1", "t2d", "il-1β", "125", "nad+"}), {})
    assert gate.unkeyed == ("125",) and {b"coli", b"hsv", b"il", b"nad"} <= gate.other_keys
    rng = random.Random(5)
    parts = [
        "e.coli",
        "hsv-1",
        "t2d",
        "il-1β",
        "125",
        "nad+",
        "E.",
        "COLI",
        "Hsv",
        "x",
        "1",
        "2",
        "-",
        " ",
        ".",
        "é",
        "β",
        "don't",
        "2d",
        "t",
        "İ",
        "+",
        "12",
    ]
    passed = 0
    for _ in range(5000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 8)))
        expected = gate.others.search(text.lower()) is not None  # no anchor is a plain run of letters
        assert gate(text) == expected, text
        passed += expected
    assert 500 < passed < 4500


def test_a_changed_tokenizer_turns_the_fast_path_off():
    from spacy.attrs import ORTH
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    nlp.add_pipe("health_claims")
    nlp.tokenizer.add_special_case("migrainez", [{ORTH: "migraine"}, {ORTH: "z"}])  # after the component
    assert [f.text for f in next(analyze_many(["Ginger relieves migrainez."], nlp))] == ["relieves migraine"]

    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, r"(?<=[a-z])(?=[A-Z])"]).finditer
    nlp.add_pipe("health_claims")  # letters split apart: the gate cannot be exact, so there is none
    assert nlp.get_pipe("health_claims").gate is None
    assert [f.text for f in next(analyze_many(["Ginger relievesMigraines fast."], nlp))] == ["relievesMigraines"]


def test_equal_matches_keep_the_matchers_order():
    # "detoxifying" is both a property word and a treatment verb; the disease claim must win
    found = next(analyze_many(["Detoxifying charcoal for acne."], get_pipeline()))
    assert [f.rule_id for f in found] == ["disease-treatment"]


def test_sentences_are_marked_by_the_component():
    doc = get_pipeline()("Insomnia is a common sleep disorder. It affects many adults.")
    assert len(list(doc.sents)) == 2
