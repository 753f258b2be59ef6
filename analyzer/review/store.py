"""What the queue does with its database: import candidates, list and count items, decide (with
optimistic locking and history), manage accounts, export decisions as labelled lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..errors import HealthClaimsError, Problem, problem
from ..findings import SEVERITY_RANK
from ..packs.loader import CATEGORIES
from .db import DISMISS_REASONS, Decision, Import, Item, User, utcnow
from .importer import Candidate, candidates, read_report

BATCH = 500
FILTERS = ("category", "severity", "rule", "reviewer", "decision")


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_report(engine: Engine, report: Path, text_field: str = "text") -> ImportResult:
    """Load a report's findings; those already in the queue (same key) are counted, not added."""
    entries = read_report(report)
    result = ImportResult()
    with Session(engine) as session, session.begin():
        record = Import(source=str(report), imported_at=utcnow(), added=0, already=0)
        session.add(record)
        session.flush()
        batch: list[Candidate] = []
        for cand in candidates(entries, report, text_field):
            batch.append(cand)
            if len(batch) >= BATCH:
                _add_batch(session, record.id, batch, result)
                batch = []
        _add_batch(session, record.id, batch, result)
        record.added, record.already = result.added, result.already
    result.problems = entries.problems
    return result


def _add_batch(session: Session, import_id: int, batch: list[Candidate], result: ImportResult) -> None:
    keys = {c.key for c in batch}
    known = set(session.scalars(select(Item.key).where(Item.key.in_(keys)))) if keys else set()
    for cand in batch:
        if cand.key in known:
            result.already += 1
            continue
        known.add(cand.key)
        session.add(_item(import_id, cand))
        result.added += 1
    session.flush()


def _item(import_id: int, cand: Candidate) -> Item:
    f = cand.finding
    confidence = f.get("confidence")
    return Item(
        key=cand.key,
        import_id=import_id,
        document=cand.document,
        path=cand.path,
        line=cand.line,
        column=cand.column,
        rule_id=f["rule_id"],
        category=f["category"],
        severity=f["severity"],
        severity_rank=SEVERITY_RANK[f["severity"]],
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        hedged=bool(f.get("hedged")),
        claim=f["text"],
        sentence=f["sentence"],
        claim_start=cand.claim_start,
        claim_end=cand.claim_end,
        before=cand.before,
        after=cand.after,
        substance=f.get("substance"),
        target=f.get("target"),
        message=str(f.get("message") or ""),
        basis=f.get("basis") if isinstance(f.get("basis"), dict) else {},
        evidence=f["evidence"],
        status="open",
        note="",
        version=1,
    )


# --------------------------------------------------------------------------- the queue


def queue_query(filters: dict[str, str]):
    """Items matching the filters, most severe first, then most confident (then where they are)."""
    query = select(Item)
    column = {"category": Item.category, "severity": Item.severity, "rule": Item.rule_id}
    for name, col in column.items():
        if filters.get(name):
            query = query.where(col == filters[name])
    if filters.get("reviewer"):
        query = query.where(Item.decided_by == filters["reviewer"])
    if filters.get("decision"):
        query = query.where(Item.status == filters["decision"])
    return query.order_by(
        Item.severity_rank.desc(),
        func.coalesce(Item.confidence, -1.0).desc(),
        Item.document,
        Item.line,
        Item.column,
        Item.id,
    )


def progress(session: Session, filters: dict[str, str]) -> dict[str, int]:
    """Items by decision among those the other filters select (the decision filter aside)."""
    others = {k: v for k, v in filters.items() if k != "decision"}
    sub = queue_query(others).order_by(None).subquery()
    rows = session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all()
    counts = {status: 0 for status in ("open", "confirmed", "dismissed")}
    counts.update({status: n for status, n in rows})
    counts["total"] = sum(counts.values())
    return counts


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, from the data."""

    def distinct(col) -> list[str]:
        return sorted(v for v in session.scalars(select(col).distinct()) if v)

    return {
        "category": distinct(Item.category),
        "severity": [s for s in ("high", "medium", "low") if s in distinct(Item.severity)],
        "rule": distinct(Item.rule_id),
        "reviewer": distinct(Item.decided_by),
        "decision": ["open", "confirmed", "dismissed"],
    }


def neighbours(session: Session, filters: dict[str, str], item_id: int) -> tuple[int | None, int | None]:
    """The ids before and after an item in the filtered queue order."""
    ids = list(session.scalars(queue_query(filters).with_only_columns(Item.id)))
    if item_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(item_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


# --------------------------------------------------------------------------- deciding

ACTIONS = ("confirm", "dismiss", "product", "category", "note")


@dataclass
class Outcome:
    """What became of a decision: saved, or refused because someone changed the item first."""

    saved: bool
    item: Item | None
    error: str = ""


def changes(action: str, value: str, reviewer: str) -> dict:
    """The columns an action sets (ValueError for an unknown action or value)."""
    value = " ".join((value or "").split()) if action != "note" else (value or "").strip()
    if action == "confirm":
        return {"status": "confirmed", "reason": None, "decided_by": reviewer, "decided_at": utcnow()}
    if action == "dismiss":
        if value not in DISMISS_REASONS:
            raise ValueError(f"unknown dismiss reason {value!r}")
        return {"status": "dismissed", "reason": value, "decided_by": reviewer, "decided_at": utcnow()}
    if action == "product":
        return {"product": value[:200] or None}
    if action == "category":
        if value and value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}")
        return {"corrected_category": value or None}
    if action == "note":
        return {"note": value[:4000]}
    raise ValueError(f"unknown action {action!r}")


def decide(engine: Engine, item_id: int, version: int, reviewer: str, action: str, value: str = "") -> Outcome:
    """Apply one action to the item as the reviewer saw it (``version``). If the item changed since,
    nothing is written and the outcome says so: a decision is never overwritten unseen."""
    try:
        values = changes(action, value, reviewer)
    except ValueError as exc:
        return Outcome(False, None, str(exc))
    with Session(engine) as session, session.begin():
        done = session.execute(
            update(Item)
            .where(Item.id == item_id, Item.version == version)
            .values(**values, version=Item.version + 1)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:
            recorded = value if action != "confirm" else None
            session.add(
                Decision(
                    item_id=item_id, reviewer=reviewer, action=action, value=recorded, at=utcnow(), version=version + 1
                )
            )
    with Session(engine) as session:
        item = session.get(Item, item_id)
        if item is not None:
            session.expunge(item)
    if item is None:
        return Outcome(False, None, "no such item")
    if done.rowcount != 1:
        return Outcome(False, item, "conflict")
    return Outcome(True, item)


def history(session: Session, item_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.item_id == item_id).order_by(Decision.id)))


# --------------------------------------------------------------------------- accounts


def add_user(engine: Engine, name: str, password: str) -> None:
    """Create an account (its password hashed with Argon2id); HC508 when the name is taken or bad."""
    from argon2 import PasswordHasher

    name = name.strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise HealthClaimsError(problem("HC508", reason="a user name is 1 to 80 characters without spaces"))
    if len(password) < 8:
        raise HealthClaimsError(problem("HC508", reason="a password needs at least 8 characters"))
    with Session(engine) as session, session.begin():
        if session.scalar(select(User).where(User.name == name)) is not None:
            raise HealthClaimsError(problem("HC508", reason=f"user '{name}' exists already"))
        session.add(User(name=name, password_hash=PasswordHasher().hash(password), created_at=utcnow()))


def check_password(engine: Engine, name: str, password: str) -> bool:
    """True when the account exists and the password is its own (rehashing an outdated hash)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = PasswordHasher()
    with Session(engine) as session, session.begin():
        user = session.scalar(select(User).where(User.name == name))
        if user is None:
            hasher.hash(password)  # the same work as for a known name: no timing hint
            return False
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hasher.hash(password)
        return True


def user_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


# --------------------------------------------------------------------------- export


def export_lines(engine: Engine) -> list[dict]:
    """Decisions as labelled lines, one per decided sentence (``text``, ``label``, ``type``,
    ``substance``, ``reviewer``, ``reason``), sorted by document and position.

    A sentence is labelled 1 when one of its findings is confirmed (its ``type`` the confirmed
    finding's category, corrected if a moderator corrected it), 0 when all its decided findings
    were dismissed. Its document is its ``source_url``, which ``eval --cv`` groups folds by."""
    with Session(engine) as session:
        items = list(session.scalars(select(Item).where(Item.status != "open")))
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        groups.setdefault((item.document, item.sentence), []).append(item)
    lines = [_line(group) for group in groups.values()]
    return sorted(lines, key=lambda r: (r["source_url"], r["line"], r["text"]))


def _line(group: Iterable[Item]) -> dict:
    group = sorted(group, key=lambda i: (-i.severity_rank, -(i.confidence or 0.0), i.rule_id, i.id))
    confirmed = [i for i in group if i.status == "confirmed"]
    chosen = confirmed[0] if confirmed else group[0]
    return {
        "text": chosen.sentence,
        "label": 1 if confirmed else 0,
        "type": (chosen.corrected_category or chosen.category) if confirmed else None,
        "substance": chosen.product or chosen.substance,
        "reviewer": chosen.decided_by,
        "reason": None if confirmed else chosen.reason,
        "rules": sorted({i.rule_id for i in group}),
        "note": chosen.note or None,
        "source_url": chosen.document,
        "source_kind": "review",
        "line": chosen.line,
        "decided_at": iso(chosen.decided_at),
    }


def iso(when) -> str | None:
    """A stored time in ISO 8601 UTC (SQLite hands back naive datetimes, PostgreSQL aware ones)."""
    if when is None:
        return None
    return when.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
