"""Orchestration: input → documents → pipeline → findings → report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from .findings import SEVERITY_RANK, Finding
from .inputs import Document, prose_view, read_documents
from .pipeline import analyze_many, get_pipeline, locate


@dataclass
class ScanResult:
    document: Document
    findings: list[Finding] = field(default_factory=list)
    # findings an inline suppression or the baseline holds back (reason in suppressed_by)
    suppressed: list[Finding] = field(default_factory=list)
    # warnings about the document that do not stop it being scanned (unused suppressions)
    notes: list = field(default_factory=list)


def scan_documents(docs: Iterable[Document], patterns: tuple[str, ...] = (), batch_size: int = 64) -> Iterator[ScanResult]:
    """Analyse documents in order; documents that could not be read pass through unchanged."""
    nlp = get_pipeline(patterns)
    pending: list[Document] = []

    def flush() -> Iterator[ScanResult]:
        ok = [d for d in pending if d.status == "ok"]
        results = iter(analyze_many([prose_view(d) for d in ok], nlp, batch_size=batch_size))
        for d in pending:
            found = locate(d.text, next(results)) if d.status == "ok" else []
            yield ScanResult(d, found)
        pending.clear()

    for doc in docs:
        pending.append(doc)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def scan_paths(paths: Iterable[str], patterns: tuple[str, ...] = (), id_field: str = "id", text_field: str = "text",
               stdin: BinaryIO | None = None, accept: Callable[[Path], bool] | None = None) -> list[ScanResult]:
    return list(scan_documents(read_documents(paths, id_field, text_field, stdin, accept), patterns))


def failing(results: Iterable[ScanResult], fail_on: str) -> bool:
    if fail_on == "none":
        return False
    floor = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= floor for r in results for f in r.findings)
