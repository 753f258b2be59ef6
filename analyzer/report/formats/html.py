"""A self-contained HTML report for moderators, built for exports of any size.

One file, no external requests. One card per flagged sentence (all its
findings together) with the sentence before and after it, the document's own
heading, its source URL and a one-line verdict for the document; each finding's
basis (the rule of law or guidance it breaks) and fix. Cards are ordered by
severity, then the scorer's confidence. Evidence entries are written once per
report, in a collapsed section keyed by evidence id that cards link to.

The cards travel as one JSON data block that the page's own script renders
100 at a time, and filters (category, severity, substance) work over that data,
the summary table following them: a 20,000-post report opens in about two
seconds and filters in well under a tenth of one (``benchmarks/html_report.py``).
All scanned text is escaped and put in ``<bdi>``; control characters (NUL,
C0/C1, bidi overrides) are shown as visible ``\\u{...}`` escapes, never written
raw. A Content Security Policy allows only this page's own script (by its hash),
so a post holding ``<script>`` or ``onerror=`` renders as text and runs nothing.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import functools
import gc
import hashlib
import json
import re
from html import escape, unescape
from typing import TextIO

from ...findings import SEVERITY_RANK, Finding, ScanResult
from ...run.inputs import prose_view
from .. import RenderContext, Report

SEVERITIES = ("high", "medium", "low")
CONTEXT_CHARS = 300  # at most this much of the sentence before and after a flagged one

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 2rem; color: #1d1d1f; }
body, bdi, td, li, p, summary { overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; padding: .5rem 0; position: sticky; top: 0; background: #fff; z-index: 1; }
.card { border: 1px solid #ddd; border-left: 6px solid #999; border-radius: 4px; padding: .5rem .8rem; margin: .6rem 0; min-width: 0; }
.card, #evidence { content-visibility: auto; contain-intrinsic-size: auto 14rem; }
.card.high { border-left-color: #c62828; } .card.medium { border-left-color: #ef6c00; } .card.low { border-left-color: #0277bd; }
.meta { font-size: .85rem; color: #555; } .heading { font-weight: 600; } .verdict-line { font-size: .85rem; color: #333; }
blockquote { margin: .4rem 0; padding-left: .6rem; border-left: 3px solid #eee; } .around { color: #666; }
mark { background: #ffe082; padding: 0 .1rem; } .findings { margin: .3rem 0; padding-left: 1.2rem; }
.finding.other { opacity: .55; } .finding p { margin: .15rem 0; }
.evidence details, details.entry { background: #f6f8fa; border-radius: 4px; padding: .3rem .6rem; margin: .3rem 0; }
.verdict { font-weight: 600; text-transform: capitalize; } .problems { color: #b71c1c; } .hidden { display: none; }
button { font: inherit; padding: .3rem .8rem; margin: .5rem 0; }
"""

SCRIPT = r"""
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var cards = data.cards, docs = data.docs, rules = data.rules, evidence = data.evidence, names = data.names;
  var index = {};
  names.forEach(function (n, i) { index[n] = i; });
  var SEV = ['', 'low', 'medium', 'high'], PAGE = 100, FIELD = {category: 1, severity: 2, substance: 4};
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var list = document.getElementById('cards'), more = document.getElementById('more');
  var matching = [], rendered = 0, want = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function bdi(text) { return el('bdi', null, text); }
  function link(url, text) {
    var a = el('a', null, text);
    if (/^https?:\/\//i.test(url)) { a.href = url; a.rel = 'noopener noreferrer nofollow'; }
    return a;
  }
  function fits(f) {
    for (var k in want) { if (f[FIELD[k]] !== want[k]) { return false; } }
    return true;
  }
  function apply() {
    want = {};
    selects.forEach(function (s) {
      if (s.value) { want[s.getAttribute('data-filter')] = s.value in index ? index[s.value] : -1; }
    });
    var counts = {}, claims = 0;
    matching = [];
    for (var i = 0; i < cards.length; i++) {
      var fs = cards[i].f, hit = false;
      for (var j = 0; j < fs.length; j++) {
        if (fits(fs[j])) {
          hit = true; claims += 1;
          var key = fs[j][1] + ' ' + fs[j][2];
          counts[key] = (counts[key] || 0) + 1;
        }
      }
      if (hit) { matching.push(i); }
    }
    summary(counts);
    document.getElementById('shown').textContent = String(claims);
    document.getElementById('shown-cards').textContent = String(matching.length);
    list.textContent = ''; rendered = 0;
    page();
  }
  function summary(counts) {
    document.querySelectorAll('#summary tbody tr').forEach(function (row) {
      var total = 0, c = row.getAttribute('data-category');
      row.querySelectorAll('td[data-severity]').forEach(function (td) {
        var n = counts[index[c] + ' ' + index[td.getAttribute('data-severity')]] || 0;
        td.textContent = String(n); total += n;
      });
      row.querySelector('td.total').textContent = String(total);
      row.classList.toggle('hidden', total === 0);
    });
  }
  function page() {
    var frag = document.createDocumentFragment(), stop = Math.min(matching.length, rendered + PAGE);
    for (; rendered < stop; rendered++) { frag.appendChild(card(cards[matching[rendered]])); }
    list.appendChild(frag);
    document.getElementById('rendered').textContent = String(rendered);
    more.classList.toggle('hidden', rendered >= matching.length);
  }
  function header(c, d) {
    var meta = el('div', 'meta');
    meta.appendChild(bdi(d[0]));
    if (d[1]) {
      meta.appendChild(document.createTextNode(' ('));
      meta.appendChild(bdi(names[d[1]]));
      meta.appendChild(document.createTextNode(')'));
    }
    if (d[2]) { meta.appendChild(document.createTextNode(' · ')); meta.appendChild(link(d[2], 'source')); }
    meta.appendChild(document.createTextNode(' · line ' + c.l[0] + ', column ' + c.l[1] + ' · '));
    meta.appendChild(el('strong', null, c.v));
    if (typeof c.c === 'number') { meta.appendChild(document.createTextNode(' · confidence ' + c.c.toFixed(2))); }
    return meta;
  }
  function quote(c) {
    var q = el('blockquote'), b = bdi(), s = el('span', 'sentence');
    if (c.b) { b.appendChild(el('span', 'around', c.b + ' ')); }
    c.s.forEach(function (part) { s.appendChild(part[1] ? el('mark', null, part[0]) : document.createTextNode(part[0])); });
    b.appendChild(s);
    if (c.a) { b.appendChild(el('span', 'around', ' ' + c.a)); }
    q.appendChild(b);
    return q;
  }
  function findings(c) {
    var ul = el('ul', 'findings'), byRule = {}, wanted = {};
    c.f.forEach(function (f) {
      var key = f[0] + ' ' + f[1] + ' ' + f[2], li = byRule[key];
      if (!li) {
        var r = rules[f[0]];
        li = byRule[key] = el('li', 'finding');
        li.setAttribute('data-category', names[f[1]]); li.setAttribute('data-severity', names[f[2]]);
        li.setAttribute('data-substance', names[f[4]]);
        li.appendChild(el('strong', null, names[f[1]]));
        li.appendChild(document.createTextNode(' (' + r[0] + ') · ' + names[f[2]]));
        li.appendChild(el('span', 'subjects'));
        li.appendChild(el('p', null, r[1]));
        var fix = el('p'); fix.appendChild(el('em', null, 'How to fix: ')); fix.appendChild(document.createTextNode(r[2])); li.appendChild(fix);
        if (r[3]) {
          var basis = el('p', 'meta', 'Basis: '), a = link(r[4], r[3]);
          a.title = r[5]; basis.appendChild(a); li.appendChild(basis);
        }
        ul.appendChild(li);
      }
      var sub = [names[f[4]], names[f[5]]].filter(Boolean).join(' → ') + (f[3] ? ' (hedged: still a claim)' : '');
      if (sub && li.querySelector('.subjects').textContent.indexOf(sub) < 0) { li.querySelector('.subjects').textContent += ' · ' + sub; }
      if (fits(f)) { wanted[key] = true; }
    });
    for (var key in byRule) { byRule[key].classList.toggle('other', !wanted[key]); }  // greyed: not what the filters ask
    return ul;
  }
  function refs(c) {
    var seen = {}, items = [];
    c.f.forEach(function (f) { f[6].forEach(function (e) { if (!seen[e[0]]) { seen[e[0]] = 1; items.push(e); } }); });
    var box = el('div', 'evidence');
    if (!items.length) { return box; }
    var det = el('details'), ul = el('ul');
    det.appendChild(el('summary', null, 'Evidence (' + items.length + ')'));
    items.forEach(function (e) {
      var li = el('li'), ev = evidence[e[0]], a = el('a', null, ev[0]);
      a.setAttribute('href', '#ev-' + e[0]);
      li.appendChild(el('span', 'verdict', ev[1])); li.appendChild(document.createTextNode(': '));
      li.appendChild(a); li.appendChild(el('span', 'meta', ' (fits: ' + e[1] + ')'));
      ul.appendChild(li);
    });
    det.appendChild(ul); box.appendChild(det);
    return box;
  }
  function card(c) {
    var d = docs[c.d], art = el('article', 'card ' + c.v);
    art.setAttribute('data-severity', c.v);
    art.appendChild(header(c, d));
    if (c.h) { var h = el('div', 'heading'); h.appendChild(bdi(c.h)); art.appendChild(h); }
    var v = el('div', 'verdict-line'); v.appendChild(bdi(d[3])); art.appendChild(v);
    art.appendChild(quote(c)); art.appendChild(findings(c)); art.appendChild(refs(c));
    return art;
  }
  function documentsList(id, which) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var ul = box.querySelector('ul'), button = box.querySelector('button'), shown = 0;
    function next() {
      var frag = document.createDocumentFragment(), stop = Math.min(which.length, shown + 500);
      for (; shown < stop; shown++) {
        var li = el('li'), d = docs[which[shown]];
        li.appendChild(bdi(d[0]));
        if (d[2]) { li.appendChild(document.createTextNode(' · ')); li.appendChild(link(d[2], 'source')); }
        li.appendChild(document.createTextNode(': ')); li.appendChild(bdi(d[3]));
        frag.appendChild(li);
      }
      ul.appendChild(frag);
      button.classList.toggle('hidden', shown >= which.length);
    }
    box.addEventListener('toggle', function () { if (box.open && shown === 0) { next(); } });
    button.addEventListener('click', next);
  }
  function openEvidence(hash) {
    var target = hash && document.getElementById(hash.slice(1));
    if (target && target.tagName === 'DETAILS') { target.open = true; }
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#ev-"]');
    if (a) { openEvidence(a.getAttribute('href')); }
  });
  window.addEventListener('hashchange', function () { openEvidence(location.hash); });
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  more.addEventListener('click', page);
  var all = [], troubled = [];
  docs.forEach(function (d, i) { all.push(i); if (d[4]) { troubled.push(i); } });
  documentsList('documents', all);
  documentsList('troubled', troubled);
  apply();
  openEvidence(location.hash);
})();
"""

# Control characters are shown, never written: NUL, C0, DEL, C1, bidi controls and lone
# surrogates as \u{...} (which every font can draw). Line breaks become spaces.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SPACE = re.compile(r"[ \t\n\r\f\v\u2028\u2029]+")


def _shown(match: re.Match) -> str:
    return f"\\u{{{ord(match.group()):04X}}}"


def visible(text: str) -> str:
    """Scanned text as it may be shown: whitespace runs as one space, control characters as ``\\u{...}``."""
    if text.isprintable() and "  " not in text:  # the common case, without a regex
        return text
    return _CONTROL.sub(_shown, _SPACE.sub(" ", text))


def _safe_url(url: object) -> str | None:
    """A URL that may become a link: http(s) only, with no spaces or control characters."""
    if isinstance(url, str) and re.fullmatch(r"https?://[^\s\x00-\x1f\x7f-\x9f]+", url, re.I):
        return url
    return None


def render(report: Report, stream: TextIO, context: RenderContext) -> None:
    summary = report.summary
    with _without_cycle_collection():
        data = ReportData(report)
        blob = json.dumps(data.as_json(), ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src 'none'"
    errors = summary.documents_with_errors
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>healthclaims report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>healthclaims report</h1>",
        f'<p><span id="shown">{summary.findings}</span> of {summary.findings} claims shown, in '
        f'<span id="shown-cards">{len(data.cards)}</span> sentences (<span id="rendered">0</span> on the page); '
        f"{summary.documents_with_findings} of {summary.documents} documents have claims"
        + (f"; {summary.suppressed} suppressed" if summary.suppressed else "")
        + (f'; <span class="problems">{errors} could not be read</span>' if errors else "")
        + ".</p>",
        "<noscript><p>The cards are drawn by this page's own script: allow it to see them.</p></noscript>",
    ]
    if data.troubled:
        out.append(
            f'<details id="troubled" class="problems"><summary>{data.troubled} documents with errors or warnings'
            '</summary><ul></ul><button type="button" class="hidden">Show 500 more</button></details>'
        )
    if summary.findings:
        out.extend(_summary_table(summary))
    out.append(
        '<div class="filters">'
        + _select("category", "Category", summary.categories())
        + _select("severity", "Severity", [s for s in SEVERITIES if summary.count(severity=s)])
        + _select("substance", "Substance", data.substances())
        + "</div>"
    )
    out.append('<main id="cards"></main><button type="button" id="more" class="hidden">Show 100 more</button>')
    out.append(
        f'<details id="documents"><summary>All {summary.documents} documents, with their verdicts</summary>'
        '<ul></ul><button type="button" class="hidden">Show 500 more</button></details>'
    )
    out.extend(data.evidence_section())
    out.append(f'<script type="application/json" id="report-data">{blob}</script>')
    out.append(f"<script>{SCRIPT}</script></body></html>")
    stream.write("\n".join(out) + "\n")


@contextlib.contextmanager
def _without_cycle_collection():
    """The data block is tens of thousands of small lists and dicts, none in a cycle: the cyclic
    collector would only walk the whole report again and again while they are made (about 40% of
    the time to write a 5,000-post report, measured in one run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _select(name: str, label: str, values: list[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(visible(v))}</option>' for v in values)
    return (
        f'<label>{escape(label)} <select data-filter="{escape(name)}" id="filter-{escape(name)}">'
        f'<option value="">all</option>{options}</select></label>'
    )


def _summary_table(summary) -> list[str]:
    """Findings by category and severity (the page's script recounts them as filters change)."""
    out = [
        '<table id="summary"><thead><tr><th>category</th>'
        + "".join(f"<th>{s}</th>" for s in SEVERITIES)
        + "<th>total</th></tr></thead><tbody>"
    ]
    for c in summary.categories():
        row = [summary.count(c, s) for s in SEVERITIES]
        cells = "".join(f'<td data-severity="{s}">{n}</td>' for s, n in zip(SEVERITIES, row))
        out.append(f'<tr data-category="{escape(c)}"><td>{escape(c)}</td>{cells}<td class="total">{sum(row)}</td></tr>')
    out.append("</tbody></table>")
    return out


class ReportData:
    """What the page's script draws: documents, cards (one per flagged sentence, worst first),
    rules (message, fix, basis) and evidence entries, each written once and referred to by index."""

    def __init__(self, report: Report) -> None:
        self.docs: list[list] = []
        self.cards: list[dict] = []
        self.rules: dict[tuple, int] = {}
        self.evidence: dict[str, int] = {}
        self.entries: list[dict] = []
        self.names: dict[str, int] = {"": 0}  # categories, severities, substances, targets, paths
        self._substances: set[str] = set()
        self.troubled = 0  # documents with errors or warnings
        for index, result in enumerate(report.results):
            cards = DocumentText(result).cards() if result.findings else []
            for card in cards:
                card["d"] = index
                card["key"] = (*card["key"][:2], index, card["key"][2])  # input order breaks ties
                card["f"] = [self._finding(f) for f in card.pop("findings")]
            self.cards.extend(cards)
            doc = result.document
            path = self.names.setdefault(visible(doc.path), len(self.names)) if doc.path != doc.id else 0
            troubled = int(bool(doc.problems or result.notes))
            self.troubled += troubled
            self.docs.append(
                [visible(doc.id), path, _safe_url(getattr(doc, "url", None)), _verdict(result, len(cards)), troubled]
            )
        self.cards.sort(key=lambda c: c.pop("key"))

    def _finding(self, f: Finding) -> list:
        basis = f.basis or {}
        rule = (f.rule_id, f.message, f.fix, basis.get("authority", ""), basis.get("url", ""), basis.get("summary", ""))
        refs = []
        for ev in f.evidence:
            at = self.evidence.get(ev.get("id", ""))
            if at is None:
                at = self.evidence[ev.get("id", "")] = len(self.entries)
                self.entries.append(ev)
            refs.append([at, ev.get("fit", "")])
        if f.substance:
            self._substances.add(f.substance)
        names = [
            self.names.setdefault(n or "", len(self.names)) for n in (f.category, f.severity, f.substance, f.target)
        ]
        return [self.rules.setdefault(rule, len(self.rules)), names[0], names[1], int(f.hedged), *names[2:], refs]

    def substances(self) -> list[str]:
        return sorted(self._substances)

    def as_json(self) -> dict:
        rules = [[r[0], r[1], r[2], r[3], _safe_url(r[4]) or "", r[5]] for r in self.rules]
        evidence = [[e.get("id", ""), e.get("verdict", "").replace("_", " ")] for e in self.entries]
        return {"docs": self.docs, "cards": self.cards, "rules": rules, "evidence": evidence, "names": list(self.names)}

    def evidence_section(self) -> list[str]:
        """Each evidence entry once, collapsed, sorted by id; cards link to ``#ev-N``."""
        if not self.entries:
            return []
        out = [
            f'<section id="evidence"><h2>Evidence ({len(self.entries)} entries)</h2>',
            '<p class="meta">Each entry once; the cards link here.</p>',
        ]
        for at in sorted(range(len(self.entries)), key=lambda k: self.entries[k].get("id", "")):
            out.append(_entry(at, self.entries[at]))
        out.append("</section>")
        return out


def _entry(at: int, ev: dict) -> str:
    about = ev.get("about") or {}
    subjects = "; ".join(", ".join(about.get(k) or []) for k in ("substances", "targets") if about.get(k))
    links = []
    for s in ev.get("sources", []):
        label = escape(s.get("title") or s.get("publisher") or "source")
        year = f", {int(s['year'])}" if s.get("year") else ""
        url = _safe_url(s.get("url"))
        link = f'<a href="{escape(url)}" rel="noopener noreferrer">{label}</a>' if url else label
        links.append(f'<li>{link} <span class="meta">({escape(s.get("publisher", ""))}{year})</span></li>')
    reviewed = f'<p class="meta">Last reviewed {escape(ev["last_reviewed"])}</p>' if ev.get("last_reviewed") else ""
    return (
        f'<details class="entry" id="ev-{at}"><summary><span class="verdict">'
        f"{escape(ev.get('verdict', '').replace('_', ' '))}</span> · {escape(ev.get('id', ''))}"
        + (f' <span class="meta">about {escape(subjects)}</span>' if subjects else "")
        + f"</summary><p>{escape(ev.get('summary', ''))}</p><ul>{''.join(links)}</ul>{reviewed}</details>"
    )


def _verdict(result: ScanResult, sentences: int) -> str:
    """A document in one line: what was found in it, or why it was not scanned."""
    doc = result.document
    if doc.status == "error":
        return visible("not scanned: " + "; ".join(f"{p.code} {p.message}" for p in doc.problems))
    parts = []
    if result.findings:
        severities = dict.fromkeys(SEVERITIES, 0)
        for f in result.findings:
            severities[f.severity] += 1
        worst = next(s for s in SEVERITIES if severities[s])
        n = len(result.findings)
        counts = ", ".join(f"{severities[s]} {s}" for s in SEVERITIES if severities[s])
        categories = ", ".join(sorted({f.category for f in result.findings}))
        parts.append(
            f"{worst}: {n} claim{'s' * (n != 1)} in {sentences} sentence{'s' * (sentences != 1)} "
            f"({counts}): {categories}"
        )
    else:
        parts.append("empty" if doc.status == "empty" else "no claims found")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    warnings = sorted({p.code for p in (*doc.problems, *result.notes)})
    if warnings:
        parts.append("warnings: " + ", ".join(warnings))
    return visible("; ".join(parts))


# Where a sentence ends, for the sentences shown around a flagged one: end punctuation
# (and closing quotes) before a space, a blank line, or a line opening a heading or list item.
_BOUNDARY = re.compile(
    r"[.!?…。！？][\"'”’)\]]*\s+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:#|[-*+] |\d+[.)] ))|(?m:^[ \t]{0,3}#{1,6}[ \t][^\n]*\n)"
)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(\S.*?)[ \t#]*$", re.M)
_HTML_HEADING = re.compile(r"<(h[1-6]|title)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


class DocumentText:
    """One document's flagged sentences as cards: where each sentence is in the text, the
    sentences around it and the nearest heading before it."""

    def __init__(self, result: ScanResult) -> None:
        self.result = result
        self.prose = prose_view(result.document)
        self._heading_ends: list[int] | None = None
        self._headings: list[str] = []

    def cards(self) -> list[dict]:
        by_span: dict[tuple[int, int], list[Finding]] = {}
        for f in self.result.findings:
            by_span.setdefault(self.sentence_span(f), []).append(f)
        return [self._card(span, found) for span, found in sorted(by_span.items())]

    def _card(self, span: tuple[int, int], found: list[Finding]) -> dict:
        start, end = span
        rank = max(SEVERITY_RANK[f.severity] for f in found)
        scores = [f.confidence for f in found if f.confidence is not None]
        confidence = round(max(scores), 3) if scores else None
        card = {
            "key": (-rank, -(confidence if confidence is not None else -1.0), start),
            "v": next(s for s in SEVERITIES if SEVERITY_RANK[s] == rank),
            "c": confidence,
            "l": list(self.result.location(found[0])),
            "h": self.heading(start),
            "b": self.before(start),
            "s": self.marked(start, end, [(f.start, f.end) for f in found]),
            "a": self.after(end),
            "findings": found,
        }
        return {k: v for k, v in card.items() if v not in (None, "")}  # the page reads a missing key as none

    def sentence_span(self, f: Finding) -> tuple[int, int]:
        """Where the finding's sentence is in the text (its ``sentence`` has its spaces squeezed)."""
        text, claim = self.prose, " ".join(f.text.split())
        k = f.sentence.find(claim)
        if k >= 0:
            start = _walk_back(text, f.start, _non_space(f.sentence[:k]))
            end = _walk_on(text, f.end, _non_space(f.sentence[k + len(claim) :]))
            if " ".join(text[start:end].split()) == f.sentence:
                return start, end
        return f.start, f.end

    def marked(self, start: int, end: int, spans: list[tuple[int, int]]) -> list[list]:
        """The sentence as [text, marked] parts, the findings' words marked."""
        parts, at = [], start
        for s, e in sorted(spans):
            s, e = max(s, at), min(e, end)
            if e <= s:
                continue
            if s > at:
                parts.append([visible(self.prose[at:s]), 0])
            parts.append([visible(self.prose[s:e]), 1])
            at = e
        if at < end:
            parts.append([visible(self.prose[at:end]), 0])
        return parts

    def before(self, start: int) -> str:
        """The sentence before ``start``, back to the heading over it at most (shown on its own)."""
        at = self._heading_at(start)
        lo = max(0, start - 2 * CONTEXT_CHARS, self._heading_ends[at - 1] if at else 0)
        window = self.prose[lo:start].rstrip()
        cut = 0
        for m in _BOUNDARY.finditer(window):
            cut = m.end()
        piece = window[cut:]
        if len(piece) > CONTEXT_CHARS or (cut == 0 and lo == start - 2 * CONTEXT_CHARS > 0):
            piece = "…" + piece[-CONTEXT_CHARS:].lstrip()
        return visible(piece).strip()

    def after(self, end: int) -> str:
        hi = min(len(self.prose), end + 2 * CONTEXT_CHARS)
        window = self.prose[end:hi].lstrip()
        m = _BOUNDARY.search(window)
        piece = window[: m.end()] if m else window
        if len(piece) > CONTEXT_CHARS or (m is None and hi < len(self.prose)):
            piece = piece[:CONTEXT_CHARS].rstrip() + "…"
        return visible(piece).strip()

    def heading(self, start: int) -> str | None:
        """The nearest heading ending before ``start``: Markdown ``#`` lines, or HTML h1-h6 and title."""
        at = self._heading_at(start)
        return self._headings[at - 1] if at else None

    def _heading_at(self, start: int) -> int:
        """How many headings end before ``start``."""
        if self._heading_ends is None:
            self._find_headings()
        return bisect.bisect_right(self._heading_ends, start)

    def _find_headings(self) -> None:
        doc = self.result.document
        self._heading_ends = []
        if doc.kind == "html":
            found = ((m.end(), unescape(_TAG.sub(" ", m.group(2)))) for m in _HTML_HEADING.finditer(doc.text))
        elif "#" in self.prose:
            found = ((m.end(), m.group(1)) for m in _MD_HEADING.finditer(self.prose))
        else:
            return
        for end, text in found:
            shown = visible(text).strip()
            if shown:
                self._heading_ends.append(end)
                self._headings.append(shown[:CONTEXT_CHARS])


def _non_space(text: str) -> int:
    return sum(len(word) for word in text.split())


@functools.lru_cache(maxsize=1024)
def _characters(count: int) -> re.Pattern:
    """``count`` non-space characters, and the spaces before each."""
    return re.compile(r"(?:\s*\S){" + str(count) + "}")


def _walk_back(text: str, at: int, count: int) -> int:
    """The position ``count`` non-space characters before ``at`` (0 when there are fewer)."""
    if count == 0:
        return at
    lo = max(0, at - 4 * count - 200)
    found = _characters(count).match(text[lo:at][::-1])
    if found is None and lo > 0:  # long runs of space, as from HTML tags
        lo, found = 0, _characters(count).match(text[:at][::-1])
    return at - found.end() if found else 0


def _walk_on(text: str, at: int, count: int) -> int:
    """The position just past ``count`` non-space characters from ``at`` (the end when there are fewer)."""
    found = _characters(count).match(text, at) if count else None
    return found.end() if found else (at if count == 0 else len(text))
