"""JUnit XML: one test case per document, one failure per finding, for CI dashboards.

Scanned text can hold characters XML 1.0 does not allow at all (most C0 controls, lone surrogates,
U+FFFE/U+FFFF), even as character references; each is written as a visible escape such as ``\\x1b``
so the file stays well-formed and the dashboard still shows that something was there."""

from __future__ import annotations

import re
from typing import TextIO
from xml.etree import ElementTree as ET

from .. import RenderContext, Report
from ._common import first_source, qualifiers

# Characters outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by a visible escape."""
    return NOT_XML.sub(_visible, text)


def _make_well_formed(root: ET.Element) -> None:
    for element in root.iter():
        if element.text:
            element.text = xml_text(element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, xml_text(value))


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    results = report.results
    suite = ET.Element("testsuite", name="healthclaims")
    failures = errors = 0
    for result in results:
        doc = result.document
        case = ET.SubElement(suite, "testcase", classname="healthclaims", name=doc.id, file=doc.path)
        if doc.status == "error":
            errors += 1
            problem = "; ".join(p.format() for p in doc.problems)
            ET.SubElement(case, "error", message=problem).text = problem
        for f in result.findings:
            failures += 1
            line, column = result.location(f)
            summary, url = first_source(f)
            message = f'{f.severity} {f.category}/{f.rule_id}{qualifiers(f)}: "{f.text}"'
            body = f"{doc.path}:{line}:{column}\n{f.sentence}\n{f.message}\nCounter-evidence: {summary} {url}".strip()
            ET.SubElement(case, "failure", message=message, type=f.rule_id).text = body
    suite.set("tests", str(len(results)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    _make_well_formed(suite)
    ET.indent(suite)
    stream.write('<?xml version="1.0" encoding="utf-8"?>\n')
    stream.write(ET.tostring(suite, encoding="unicode"))
    stream.write("\n")
