"""The records that flow from the pipeline to the report renderers: a finding, and a scanned document's result.

This module does not import spaCy: renderers, policy and the report read these
records without loading the pipeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run.inputs import Document

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


@dataclass
class Finding:
    rule_id: str
    category: str
    severity: str
    hedged: bool
    text: str
    sentence: str
    start: int
    end: int
    substance: str | None
    substance_id: str | None
    target: str | None
    target_id: str | None
    message: str
    basis: dict
    fix: str
    evidence: list[dict] = field(default_factory=list)
    line: int = 0
    column: int = 0
    # The trained scorer's confidence that the sentence is a claim (None when no scorer ran).
    confidence: float | None = None
    # Why a candidate was not reported (only filled for suppressed candidates).
    suppressed_by: list[str] = field(default_factory=list)

    def shifted(self, offset: int) -> Finding:
        self.start += offset
        self.end += offset
        return self

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("suppressed_by")
        return data

    def sort_key(self) -> tuple:
        return (self.start, self.end, self.rule_id)


@dataclass
class ScanResult:
    document: Document
    findings: list[Finding] = field(default_factory=list)
    # findings an inline suppression or the baseline holds back (reason in suppressed_by)
    suppressed: list[Finding] = field(default_factory=list)
    # warnings about the document that do not stop it being scanned (unused suppressions)
    notes: list = field(default_factory=list)

    def location(self, f: Finding) -> tuple[int, int]:
        """(line, column) of a finding as reports show it: in a post export, the line of the
        post's record in the file, and the column within the post."""
        return self.document.file_line(f.line), f.column

    def end_position(self, f: Finding) -> tuple[int, int]:
        """1-based (line, column) just past the end of a finding, in the document text."""
        from .lines import LineIndex

        return LineIndex(self.document.text).position(f.end)


def finding_key(result: ScanResult, f: Finding) -> tuple[str, str, str]:
    """A finding's identity across runs: its rule, its document (a post's id, a file's path
    relative to the current directory) and its claim text (case and spacing aside), not where
    it is; baselines and SARIF fingerprints both use it."""
    from .run.inputs import relative_path

    doc = result.document
    where = doc.id if doc.source_line is not None else relative_path(doc.path)
    return f.rule_id, where, " ".join(f.text.lower().split())
