"""JUnit XML: one test case per document, one failure per finding, for CI dashboards."""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET

from .. import RenderContext, Report
from ._common import first_source, qualifiers


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
    ET.indent(suite)
    stream.write('<?xml version="1.0" encoding="utf-8"?>\n')
    stream.write(ET.tostring(suite, encoding="unicode"))
    stream.write("\n")
