"""The finding record that flows from the pipeline to the report renderers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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
    # Why a candidate was not reported (only filled for suppressed candidates).
    suppressed_by: list[str] = field(default_factory=list)

    def shifted(self, offset: int) -> "Finding":
        self.start += offset
        self.end += offset
        return self

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("suppressed_by")
        return data

    def sort_key(self) -> tuple:
        return (self.start, self.end, self.rule_id)
