import spacy

from analyzer import analyze


def test_analyze_returns_findings_with_exact_offsets():
    text = "Welcome!\nOur ginger chews relieve nausea and cure migraines."
    findings = analyze(text)
    assert findings, "expected a claim"
    for f in findings:
        assert text[f.start:f.end] == f.text
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
