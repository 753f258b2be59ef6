"""Reading a scan report (``--format json`` or ``--format jsonl``) into queue items.

A report's findings become :class:`Candidate` records, each with its stable key (the finding key
of :func:`analyzer.findings.finding_key` and which repeat of it in its document, hashed as SARIF
fingerprints are) and, when the scanned document can still be read, the text around its sentence.
Both report models are read: evidence inline in each finding, and evidence de-duplicated into a
report-level table that findings refer to by id. A bad line or document is a coded problem naming
file and line; the rest of the report is still read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

from ..errors import Problem, problem
from ..findings import SEVERITY_RANK, finding_key
from ..run.inputs import prose_view, read_documents

CONTEXT_CHARS = 280  # text shown on each side of the sentence
REQUIRED = {"rule_id": str, "category": str, "severity": str, "text": str, "sentence": str}


@dataclass
class Candidate:
    """A finding read from a report, ready to become a queue item."""

    key: str
    document: str
    path: str
    line: int
    column: int
    finding: dict
    post: bool = False  # a record of a post export (its text is the record's text field)
    claim_start: int = 0
    claim_end: int = 0
    before: str = ""
    after: str = ""


@dataclass
class ReportEntries:
    """The document entries of a report, its evidence table (new model) and the problems met."""

    documents: list[tuple[int | None, dict]] = field(default_factory=list)  # (report line, entry)
    evidence: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rules: dict[str, dict] = field(default_factory=dict)  # schema 2.0: basis and fix by "category/rule_id"


def read_report(path: Path) -> ReportEntries:
    """The entries of a JSON report (one document) or a JSONL report (one document entry a line)."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return ReportEntries(problems=[problem("HC501", str(path), reason=getattr(exc, "strerror", None) or str(exc))])
    stripped = raw.lstrip()
    if (stripped.startswith("{") and '"documents"' in stripped[:4096]) or path.suffix.lower() == ".json":
        return _read_json(raw, path)
    return _read_jsonl(raw, path)


def _read_json(raw: str, path: Path) -> ReportEntries:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return ReportEntries(problems=[problem("HC501", str(path), exc.lineno, reason=exc.msg)])
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        return ReportEntries(problems=[problem("HC501", str(path), reason="no 'documents' list")])
    entries = ReportEntries(evidence=evidence_table(data.get("evidence")))
    entries.rules = {k: v for k, v in (data.get("rules") or {}).items() if isinstance(v, dict)}
    entries.documents = [(None, entry) for entry in data["documents"]]
    return entries


def _read_jsonl(raw: str, path: Path) -> ReportEntries:
    entries = ReportEntries()
    for n, line in enumerate(raw.split("\n"), start=1):  # not splitlines(): U+2028 may stand in a line
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            entries.problems.append(problem("HC502", str(path), n, reason=exc.msg))
            continue
        if isinstance(entry, dict) and "evidence" in entry and "findings" not in entry:
            entries.evidence.update(evidence_table(entry["evidence"]))  # an evidence line of the new model
            continue
        entries.documents.append((n, entry))
    return entries


def evidence_table(table: object) -> dict[str, dict]:
    """A report-level evidence table, keyed by id (a mapping, or a list of entries with ids)."""
    if isinstance(table, dict):
        return {str(k): v for k, v in table.items() if isinstance(v, dict)}
    if isinstance(table, list):
        return {str(e["id"]): e for e in table if isinstance(e, dict) and "id" in e}
    return {}


def resolve_evidence(finding: dict, table: dict[str, dict]) -> list[dict]:
    """A finding's evidence items in full: inline items as they are, references (an id, or a dict
    with an id and its fit) looked up in the table; an unknown reference keeps what it carries."""
    refs = finding.get("evidence")
    if refs is None:
        refs = finding.get("evidence_ids") or []
    items = []
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, str):
            ref = {"id": ref}
        if not isinstance(ref, dict):
            continue
        full = table.get(str(ref.get("id")), {})
        items.append({**full, **ref})
    if items and not items[0].get("summary"):
        first = {k: finding[k] for k in ("verdict", "summary", "url") if isinstance(finding.get(k), str)}
        if isinstance(items[0].get("headline"), str):  # a --format jsonl line: the summary's first sentence
            first.setdefault("summary", items[0]["headline"])
        items[0] = {**first, **items[0]}
    return items


def candidates(entries: ReportEntries, report: Path, text_field: str = "text") -> Iterator[Candidate]:
    """Every valid finding of the report's documents, keyed; bad ones add a problem to ``entries``."""
    sources = SourceTexts(report, text_field, _posts_with_findings(entries))
    for index, (line, entry) in enumerate(entries.documents, start=1):
        where = "" if line is not None else f"document {index} of the report: "
        if not isinstance(entry, dict) or not isinstance(entry.get("findings"), list):
            entries.problems.append(problem("HC503", str(report), line, reason=where + "no 'findings' list"))
            continue
        doc = SimpleNamespace(
            id=str(entry.get("id", "")), path=str(entry.get("path", "")), source_line=entry.get("source_line")
        )
        repeats: Counter = Counter()
        for finding in entry["findings"]:
            bad = _missing_field(finding)
            if bad:
                entries.problems.append(problem("HC504", str(report), line, field=bad, where=where))
                continue
            rule = entries.rules.get(f"{finding.get('category')}/{finding.get('rule_id')}", {})
            finding = {**rule, **finding, "evidence": resolve_evidence(finding, entries.evidence)}
            key = finding_key(SimpleNamespace(document=doc), SimpleNamespace(**finding))
            repeats[key] += 1
            digest = hashlib.sha256("|".join((*key, str(repeats[key]))).encode("utf-8")).hexdigest()[:32]
            yield sources.place(_candidate(digest, doc, finding))


def _posts_with_findings(entries: ReportEntries) -> dict[str, set[int]]:
    """Post export path -> the lines of its posts that have findings (the only ones read again)."""
    wanted: dict[str, set[int]] = {}
    for _, entry in entries.documents:
        if isinstance(entry, dict) and entry.get("findings") and isinstance(entry.get("source_line"), int):
            wanted.setdefault(str(entry.get("path", "")), set()).add(entry["source_line"])
    return wanted


def _missing_field(finding: object) -> str | None:
    if not isinstance(finding, dict):
        return "finding"
    for name, kind in REQUIRED.items():
        if not isinstance(finding.get(name), kind):
            return name
    if finding["severity"] not in SEVERITY_RANK:
        return "severity"
    return None


def _candidate(key: str, doc: SimpleNamespace, finding: dict) -> Candidate:
    where = doc.source_line if doc.source_line is not None else finding.get("line", 0)
    return Candidate(
        key=key,
        document=doc.id or doc.path,
        path=doc.path,
        line=int(where or 0),
        column=int(finding.get("column") or 0),
        finding=finding,
        post=doc.source_line is not None,
    )


class SourceTexts:
    """The scanned documents, read again for the text around each sentence (when they still exist,
    at their path relative to the current directory or to the report's folder). A post export is
    read once, through the scanner's own reader, keeping only the posts that have findings."""

    def __init__(self, report: Path, text_field: str, wanted: dict[str, set[int]]):
        self.folder = report.resolve().parent
        self.text_field = text_field
        self.wanted = wanted  # post export path -> the lines of the posts with findings
        self.posts: dict[str, dict[int, str]] = {}
        self.last: tuple[str, str | None] = ("", None)  # the last whole file read (documents come in order)

    def place(self, cand: Candidate) -> Candidate:
        """Fill the claim's place in its sentence and the text around the sentence."""
        f = cand.finding
        text = self.post_text(cand.path, cand.line) if cand.post else self.file_text(cand.path)
        start, end = f.get("start"), f.get("end")
        placed = _locate_sentence(text, f["sentence"], start, end) if text is not None else None
        if placed is not None:
            s0, s1, cand.claim_start, cand.claim_end = placed
            cand.before = _squeeze(text[max(0, s0 - CONTEXT_CHARS) : s0], cut_start=s0 > CONTEXT_CHARS)
            cand.after = _squeeze(text[s1 : s1 + CONTEXT_CHARS], cut_end=s1 + CONTEXT_CHARS < len(text))
            return cand
        at = f["sentence"].lower().find(f["text"].lower())
        cand.claim_start, cand.claim_end = (at, at + len(f["text"])) if at >= 0 else (0, 0)
        return cand

    def post_text(self, path: str, line: int) -> str | None:
        if path not in self.posts:
            found = self._locate(path)
            wanted = self.wanted.get(path, set())
            docs = read_documents([str(found)], text_field=self.text_field) if found else ()
            self.posts[path] = {d.source_line: d.text for d in docs if d.source_line in wanted and d.status == "ok"}
        return self.posts[path].get(line)

    def file_text(self, path: str) -> str | None:
        if self.last[0] != path:
            found = self._locate(path)
            docs = list(read_documents([str(found)])) if found else []
            text = prose_view(docs[0]) if len(docs) == 1 and docs[0].status == "ok" else None
            self.last = (path, text)
        return self.last[1]

    def _locate(self, path: str) -> Path | None:
        if not path or path.startswith("<"):
            return None
        for candidate in (Path(path), self.folder / path):
            if candidate.is_file():
                return candidate
        return None


def _locate_sentence(text: str, sentence: str, start: object, end: object) -> tuple[int, int, int, int] | None:
    """Where the finding's sentence (white space folded, as findings hold it) stands in the text, as
    (start, end) in the text and the claim's (start, end) in the sentence; None when it is not there."""
    words = sentence.split()
    if not (isinstance(start, int) and isinstance(end, int) and words and 0 <= start < end <= len(text)):
        return None
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    window = max(len(sentence) * 2, 200)
    lo = max(0, start - window)
    for match in pattern.finditer(text, lo, min(len(text), end + window)):
        if match.start() <= start and end <= match.end():
            prefix = text[match.start() : start]
            folded = " ".join(prefix.split()) + (" " if prefix[-1:].isspace() and prefix.strip() else "")
            claim = " ".join(text[start:end].split())
            if sentence[len(folded) : len(folded) + len(claim)] != claim:
                return None
            return match.start(), match.end(), len(folded), len(folded) + len(claim)
    return None


def _squeeze(text: str, cut_start: bool = False, cut_end: bool = False) -> str:
    """Context with runs of white space (masked markup too) folded into one space; a word cut by
    the window is dropped for an ellipsis."""
    words = text.split()
    if cut_start and words:
        words[0] = "…"
    if cut_end and words:
        words[-1] = "…"
    if not words:
        return " " if text[:1].isspace() else ""
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return lead + " ".join(words) + tail
