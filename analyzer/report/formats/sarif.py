"""SARIF 2.1.0 output for code scanning (GitHub and other SARIF consumers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote_from_bytes

from ... import __version__
from ...findings import ScanResult
from ...packs.loader import Rule
from .. import RenderContext, Report
from ._common import SARIF_LEVEL, fingerprints_for, first_source, qualifiers, relative_path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/healthclaims/"


def rule_descriptor(rule: Rule, evidence: list[dict] = ()) -> dict:
    """A reportingDescriptor; ``evidence`` is the counter-evidence for the rule's category."""
    basis = rule.basis or {}
    help_lines = [
        rule.message,
        "",
        f"Basis: {basis.get('authority', '')}. {basis.get('summary', '')}".strip(),
        f"How to fix: {rule.fix}",
    ]
    if basis.get("url"):
        help_lines.append(f"Reference: {basis['url']}")
    markdown = [
        f"**{rule.message}**",
        "",
        f"**Basis:** {basis.get('authority', '')}. {basis.get('summary', '')}",
        "",
        f"**How to fix:** {rule.fix}",
    ]
    if basis.get("url"):
        markdown += ["", f"[Reference]({basis['url']})"]
    if evidence:
        help_lines += ["", "Counter-evidence:"]
        markdown += ["", "**Counter-evidence:**", ""]
        for ev in evidence:
            links = [s for s in ev.get("sources", []) if s.get("url")]
            help_lines.append(f"- {ev.get('summary', '')} " + " ".join(s["url"] for s in links))
            markdown.append(
                f"- {ev.get('summary', '')} "
                + ", ".join(f"[{s.get('publisher') or s.get('title')}]({s['url']})" for s in links)
            )
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": f"{rule.message} {basis.get('summary', '')}".strip()},
        "help": {"text": "\n".join(help_lines), "markdown": "\n".join(markdown)},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"category": rule.category, "severity": rule.severity, "tags": ["health-claims", rule.category]},
    }
    if basis.get("url"):
        descriptor["helpUri"] = basis["url"]
    return descriptor


def _utf8(path: str) -> bytes:
    """The path's bytes: names that are not valid UTF-8 come back as the bytes they were."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name decoded to
        return path.encode("utf-8", "surrogatepass")


def artifact_location(path: str, root: str | None = None) -> dict:
    """Where a document is, as SARIF wants it: ``uri`` a valid RFC 3986 URI reference (space, ``#``,
    ``%``, ``:``, non-ASCII and the like percent-encoded as UTF-8). A path under the scan root is
    relative to ``%SRCROOT%``; one outside it that is absolute becomes a ``file://`` URI on its own."""
    shown = relative_path(path, root)
    if not shown.startswith("<") and Path(shown).is_absolute():
        posix = Path(shown).as_posix()  # "/srv/a b.md", or "C:/a b.md" on Windows
        return {"uri": "file://" + ("" if posix.startswith("/") else "/") + quote_from_bytes(_utf8(posix), safe="/:")}
    # A relative reference: ":" is encoded too, or "a:b.md" would read as a URI with scheme "a".
    return {"uri": quote_from_bytes(_utf8(shown), safe="/"), "uriBaseId": "%SRCROOT%"}


def root_uri(root: str | None) -> str:
    """``%SRCROOT%``: the scan root as an absolute ``file://`` URI ending in a slash."""
    uri = Path(root or ".").resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_result(result: ScanResult, f, location: dict, fingerprint: str, rule_index: int | None) -> dict:
    """One SARIF result: where the finding is, what it says, its fingerprint, and how it is suppressed."""
    doc = result.document
    if doc.source_line is not None:
        region = {"startLine": doc.source_line}
    else:
        end_line, end_column = result.end_position(f)
        region = {"startLine": f.line, "startColumn": f.column, "endLine": end_line, "endColumn": end_column}
    entry = {
        "ruleId": f.rule_id,
        "level": SARIF_LEVEL[f.severity],
        "message": {"text": result_message(f)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {**region, "snippet": {"text": f.text}},
                }
            }
        ],
        "partialFingerprints": {"healthclaims/v1": fingerprint},
        "properties": {
            "category": f.category,
            "severity": f.severity,
            "hedged": f.hedged,
            "confidence": f.confidence,
            "substance": f.substance,
            "target": f.target,
            "document": doc.id,
            "evidence": [e.get("id") for e in f.evidence],
        },
    }
    if rule_index is not None:
        entry["ruleIndex"] = rule_index
    if f.suppressed_by:
        how = f.suppressed_by[0]
        if how == "baseline":
            entry["suppressions"] = [{"kind": "external", "justification": "recorded in the baseline"}]
        else:
            reason = how.partition(":")[2]
            entry["suppressions"] = [{"kind": "inSource", **({"justification": reason} if reason else {})}]
    return entry


def result_message(f) -> str:
    summary, url = first_source(f)
    subject = f" [{f.substance}]" if f.substance else ""
    text = f'{f.category}{qualifiers(f)}: "{f.text}"{subject}. {f.message}'
    if summary:
        text += f" Counter-evidence: {summary}"
    if url:
        text += f" Source: {url}"
    return text


def build(
    results: list[ScanResult], rules: list[Rule], root: str | None = None, evidence: dict[str, list[dict]] | None = None
) -> dict:
    ordered_rules = sorted(rules, key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(ordered_rules)}
    sarif_results = []
    for result in results:
        location = artifact_location(result.document.path, root)
        everything = sorted(result.findings + result.suppressed, key=lambda f: f.sort_key())
        for f, fingerprint in zip(everything, fingerprints_for(result, everything)):
            sarif_results.append(sarif_result(result, f, location, fingerprint, index.get(f.rule_id)))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "healthclaims",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(r, (evidence or {}).get(r.category, [])) for r in ordered_rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri(root)}},
                "results": sarif_results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    json.dump(
        build(report.results, context.rules, context.root, context.category_evidence),
        stream,
        indent=2,
        sort_keys=True,
        ensure_ascii=False,
    )
    stream.write("\n")
