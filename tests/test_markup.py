"""Markdown and HTML are scanned as prose; reported positions point into the original file."""

from analyzer.run.inputs import Document, prose_view
from analyzer.run.scan import scan_documents


def findings(kind, text):
    (result,) = scan_documents([Document("d", "d", text=text, kind=kind)])
    return result.findings


def test_markdown_code_and_front_matter_are_not_scanned():
    text = "---\ntitle: cures cancer\n---\n\n```\nOur tea cures cancer.\n```\n\nUse `tea cures cancer` here.\n\nOur tea cures cancer.\n"
    found = findings("markdown", text)
    assert [(f.line, f.column) for f in found] == [(11, 9)]
    assert text[found[0].start : found[0].end] == "cures cancer"


def test_html_scripts_and_tags_are_masked_with_positions_kept():
    text = "<html><head><script>var a = 'our tea cures cancer';</script></head>\n<body><p>Intro</p><p>Our tea <b>cures cancer</b>.</p></body></html>"
    found = findings("html", text)
    assert len(found) == 1
    assert text[found[0].start : found[0].end].startswith("cures")
    assert found[0].line == 2
    assert len(prose_view(Document("d", "d", text=text, kind="html"))) == len(text)
