"""A self-contained HTML report for moderators.

One file, no external requests: every document with its flagged sentences
highlighted, an evidence card per finding, filters by category, severity and
substance, and a summary table. All scanned text is escaped, and a Content
Security Policy allows only this page's own script (by its hash), so a post
holding ``<script>`` or ``onerror=`` renders as text and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import TextIO

from .. import RenderContext, Report
from ._common import qualifiers

SEVERITIES = ("high", "medium", "low")

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; word-break: break-all; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; padding: .5rem 0; position: sticky; top: 0; background: #fff; }
.finding { border: 1px solid #ddd; border-left: 6px solid #999; border-radius: 4px; padding: .5rem .8rem; margin: .6rem 0; }
.finding.high { border-left-color: #c62828; } .finding.medium { border-left-color: #ef6c00; } .finding.low { border-left-color: #0277bd; }
.meta { font-size: .85rem; color: #555; } blockquote { margin: .4rem 0; padding-left: .6rem; border-left: 3px solid #eee; }
mark { background: #ffe082; padding: 0 .1rem; } .evidence { background: #f6f8fa; border-radius: 4px; padding: .4rem .6rem; margin: .3rem 0; }
.verdict { font-weight: 600; text-transform: capitalize; } .problems { color: #b71c1c; } .hidden { display: none; }
"""

SCRIPT = """
(function () {
  var selects = document.querySelectorAll('select[data-filter]');
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.getAttribute('data-filter')] = s.value; });
    var shown = 0;
    document.querySelectorAll('.finding').forEach(function (card) {
      var ok = Object.keys(want).every(function (k) { return !want[k] || card.getAttribute('data-' + k) === want[k]; });
      card.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    document.querySelectorAll('section.document').forEach(function (sec) {
      var any = sec.querySelector('.finding:not(.hidden)') !== null;
      var filtered = Object.keys(want).some(function (k) { return want[k]; });
      sec.classList.toggle('hidden', filtered && !any);
    });
    document.getElementById('shown').textContent = String(shown);
  }
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  apply();
})();
"""


def _select(name: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return (
        f'<label>{escape(label)} <select data-filter="{escape(name)}" id="filter-{escape(name)}">'
        f'<option value="">all</option>{options}</select></label>'
    )


def _highlight(sentence: str, claim: str) -> str:
    at = sentence.find(claim)
    if at == -1:
        return escape(sentence)
    return f"{escape(sentence[:at])}<mark>{escape(claim)}</mark>{escape(sentence[at + len(claim) :])}"


def _safe_url(url: str) -> str | None:
    return url if url.startswith(("https://", "http://")) else None


def _evidence(ev: dict) -> str:
    links = []
    for s in ev.get("sources", []):
        label = escape(s.get("title") or s.get("publisher") or "source")
        publisher = escape(s.get("publisher", ""))
        year = f", {int(s['year'])}" if s.get("year") else ""
        url = _safe_url(s.get("url", ""))
        link = f'<a href="{escape(url)}" rel="noopener noreferrer">{label}</a>' if url else label
        links.append(f'<li>{link} <span class="meta">({publisher}{year})</span></li>')
    return (
        f'<div class="evidence"><span class="verdict">{escape(ev.get("verdict", "").replace("_", " "))}</span>: '
        f"{escape(ev.get('summary', ''))}<ul>{''.join(links)}</ul></div>"
    )


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    results, summary = report.results, report.summary
    findings = list(report.findings())
    categories = summary.categories()
    substances = sorted({f.substance for _, f in findings if f.substance})
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src 'none'"
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>healthclaims report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>healthclaims report</h1>",
        f'<p><span id="shown">{summary.findings}</span> of {summary.findings} claims shown; '
        f"{summary.documents_with_findings} of {summary.documents} documents have claims"
        + (f"; {summary.suppressed} suppressed" if summary.suppressed else "")
        + ".</p>",
    ]
    if findings:
        out.extend(_summary_table(summary))
    out.append(
        '<div class="filters">'
        + _select("category", "Category", categories)
        + _select("severity", "Severity", [s for s in SEVERITIES if summary.count(severity=s)])
        + _select("substance", "Substance", substances)
        + "</div>"
    )
    for r in results:
        out.extend(_document(r))
    out.append(f"<script>{SCRIPT}</script></body></html>")
    stream.write("\n".join(out) + "\n")


def _summary_table(summary) -> list[str]:
    """Findings by category and severity, as table rows."""
    out = [
        '<table id="summary"><thead><tr><th>category</th>'
        + "".join(f"<th>{s}</th>" for s in SEVERITIES)
        + "<th>total</th></tr></thead><tbody>"
    ]
    for c in summary.categories():
        row = [summary.count(c, s) for s in SEVERITIES]
        out.append(f"<tr><td>{escape(c)}</td>" + "".join(f"<td>{n}</td>" for n in row) + f"<td>{sum(row)}</td></tr>")
    out.append("</tbody></table>")
    return out


def _document(r) -> list[str]:
    """One document's section: its problems, and an article per finding."""
    doc = r.document
    out = [f'<section class="document" data-status="{escape(doc.status)}">', f"<h2>{escape(doc.id)}</h2>"]
    if doc.path != doc.id:
        out.append(f'<p class="meta">{escape(doc.path)}</p>')
    problems = [*doc.problems, *r.notes]
    if problems:
        out.append('<ul class="problems">' + "".join(f"<li>{escape(p.format())}</li>" for p in problems) + "</ul>")
    if not r.findings and doc.status == "ok":
        out.append('<p class="meta">No claims found.</p>')
    for f in r.findings:
        line, column = r.location(f)
        hedge = f" ·{escape(qualifiers(f))}" if qualifiers(f) else ""
        subject = f" · {escape(f.substance)}" if f.substance else ""
        out.append(
            f'<article class="finding {escape(f.severity)}" data-category="{escape(f.category)}" '
            f'data-severity="{escape(f.severity)}" data-substance="{escape(f.substance or "")}">'
            f'<div class="meta">line {line}, column {column} · <strong>{escape(f.severity)}</strong> · '
            f"{escape(f.category)} ({escape(f.rule_id)}){subject}{hedge}</div>"
            f"<blockquote>{_highlight(f.sentence, f.text)}</blockquote>"
            f"<p>{escape(f.message)} <em>How to fix:</em> {escape(f.fix)}</p>"
            + "".join(_evidence(ev) for ev in f.evidence)
            + "</article>"
        )
    out.append("</section>")
    return out
