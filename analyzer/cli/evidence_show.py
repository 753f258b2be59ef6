"""``healthclaims evidence show ID``: one evidence entry in full, as findings cite it by id."""

from __future__ import annotations

import difflib
import json

from ..errors import HealthClaimsError, problem
from ..packs.loader import EvidenceEntry, PatternPack
from ..report.formats._common import visible


def find_entry(pack: PatternPack, entry_id: str) -> EvidenceEntry:
    """The entry with this id; HC401 (with the closest ids) when there is none."""
    entry = pack.evidence.get(entry_id)
    if entry is None:
        close = difflib.get_close_matches(entry_id, sorted(pack.evidence), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise HealthClaimsError(problem("HC401", id=visible(entry_id), hint=hint))
    return entry


def entry_json(entry: EvidenceEntry) -> str:
    """The entry as the JSON report's ``evidence`` table holds it, with the categories it serves and
    where it is defined."""
    data = {
        **entry.to_dict(),
        "about": {"substances": list(entry.substances), "targets": list(entry.targets)},
        "categories": list(entry.categories),
        "defined_at": str(entry.origin),
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def entry_text(entry: EvidenceEntry) -> str:
    """The entry for a person: verdict, what it is about, the whole summary, every source."""
    out = [f"{entry.id}  ({entry.verdict.replace('_', ' ')}, reviewed {entry.last_reviewed})", ""]
    about = [
        ("substances", entry.substances),
        ("conditions and effects", entry.targets),
        ("categories", entry.categories),
    ]
    out += [f"{name.capitalize()}: {', '.join(ids)}" for name, ids in about if ids]
    out += ["", " ".join(entry.summary.split()), "", "Sources:"]
    for s in entry.sources:
        year = f", {s['year']}" if s.get("year") else ""
        out.append(f"  - {s['title']} ({s['publisher']}{year})")
        out.append(f"    {s['url']}")
        out += [f"    {key.upper()} {s[key]}" for key in ("doi", "pmid") if s.get(key)]
    out += ["", f"Defined at {entry.origin}"]
    return "\n".join(out)
