import spacy

from analyzer import analyze


def test_analyze_returns_findings_with_exact_offsets():
    text = "Welcome!\nOur ginger chews relieve nausea and cure migraines."
    findings = analyze(text)
    assert findings, "expected a claim"
    for f in findings:
        assert text[f.start : f.end] == f.text
        assert f.line == 2
        assert f.evidence, "every finding carries counter-evidence"


def test_factory_is_registered_through_entry_points():
    nlp = spacy.blank("en")
    nlp.add_pipe("health_claims")
    doc = nlp("These gummies cure arthritis.")
    assert [f.category for f in doc._.health_claims] == ["disease_claim"]
    assert [s.label_ for s in doc.spans["health_claims"]] == ["disease-treatment"]


def test_component_keeps_user_entities():
    from spacy.tokens import Span

    nlp = spacy.blank("en")
    nlp.add_pipe("healthclaims_sentencizer")
    component = nlp.add_pipe("health_claims")
    doc = nlp.make_doc("Acme gummies cure arthritis.")
    doc.ents = [Span(doc, 0, 1, label="ORG")]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Acme", "ORG")]
    assert component.pack.rules


def test_clean_text_has_no_findings():
    assert analyze("Our shop ships worldwide. Store the bottle in a cool, dry place.") == []


def test_changing_a_findings_evidence_changes_no_later_result():
    text = "Our kava drops cure anxiety."
    first = analyze(text)[0]
    url = first.evidence[0]["sources"][0]["url"]
    first.evidence[0]["sources"][0]["url"] = "https://example.invalid/changed"
    first.evidence[0]["sources"].append({"title": "added"})
    first.evidence[0]["summary"] = "changed"
    first.basis["authority"] = "changed"
    again = analyze(text)[0]
    assert again.evidence[0]["sources"][0]["url"] == url
    assert {"title": "added"} not in again.evidence[0]["sources"]
    assert again.evidence[0]["summary"] != "changed" and again.basis["authority"] != "changed"


def test_many_components_share_one_vocab():
    # each component used to take lexeme flag bits of the vocab; spaCy has few (E062 at the 16th)
    nlp = spacy.blank("en")
    nlp.add_pipe("healthclaims_sentencizer")
    for k in range(20):
        nlp.add_pipe("health_claims", name=f"health_claims_{k}")
    doc = nlp("These gummies cure arthritis.")
    assert [f.category for f in doc._.health_claims] == ["disease_claim"]


def test_the_generated_rule_matcher_can_be_read_in_a_traceback():
    import inspect
    import linecache

    component = spacy.blank("en").add_pipe("health_claims")
    patterns = component.matcher.possible(frozenset({"TREAT", "CONDITION", "SUBSTANCE"}))
    assert patterns is component.matcher.possible(frozenset({"TREAT", "CONDITION", "SUBSTANCE"}))  # one cache
    match = patterns.match
    filename = match.__code__.co_filename
    assert filename.startswith("<healthclaims rule matcher")
    assert "".join(linecache.getlines(filename)) == match.__source__ == inspect.getsource(match)
    # constants are named after the rule that needs them
    assert "DISEASE_TREATMENT_RULE" in match.__source__ and "K0" not in match.__source__
