"""The review database: tables (SQLAlchemy 2 declarative models), opening a URL and migrating it.

The schema is created and upgraded by Alembic (``migrations/``), never by ``create_all``, so
that a team's PostgreSQL database and a moderator's SQLite file follow the same revisions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..errors import HealthClaimsError, problem

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Why a moderator dismisses a flag (value -> label shown).
DISMISS_REASONS = {
    "not_a_claim": "not a claim",
    "reported_or_quoted": "reported or quoted",
    "negated_or_debunked": "negated or debunked",
    "wrong_product": "wrong product",
    "other": "other",
}
STATUSES = ("open", "confirmed", "dismissed")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Setting(Base):
    """Server-side settings kept with the data (the session signing key)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Import(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added: Mapped[int] = mapped_column(Integer, default=0)
    already: Mapped[int] = mapped_column(Integer, default=0)


class Item(Base):
    """One finding in the queue, and its current decision (``version`` guards concurrent edits)."""

    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    document: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(120), index=True)
    category: Mapped[str] = mapped_column(String(80), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    severity_rank: Mapped[int] = mapped_column(Integer, index=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    hedged: Mapped[bool] = mapped_column(Boolean, default=False)
    claim: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    claim_start: Mapped[int] = mapped_column(Integer)
    claim_end: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    substance: Mapped[str | None] = mapped_column(Text, nullable=True)
    target: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[dict] = mapped_column(JSON, default=dict)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    product: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrected_category: Mapped[str | None] = mapped_column(String(80), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Decision(Base):
    """The history: every change to an item, who made it and when (never updated or deleted)."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))  # confirm | dismiss | product | category | note
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer)  # the item's version this change produced


def database_url(db: str) -> str:
    """``--db``: a SQLAlchemy URL (``postgresql://…``, ``sqlite:///…``) or a path to a SQLite file."""
    if "://" in db:
        if db.startswith("postgresql://"):  # psycopg 3 is the driver the 'review' extra installs
            return "postgresql+psycopg://" + db[len("postgresql://") :]
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def open_database(db: str, migrate: bool = True) -> Engine:
    """An engine for ``--db``, its schema upgraded to the newest revision (HC505 when it cannot be opened)."""
    url = database_url(db)
    try:
        engine = create_engine(url, pool_pre_ping=True, **_engine_options(url))
    except Exception as exc:  # noqa: BLE001 - unknown dialects, missing drivers: one coded message
        raise HealthClaimsError(problem("HC505", db=_safe(db), reason=str(exc).splitlines()[0])) from None
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine, db)
    return engine


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Writers wait for each other (the web server decides from several threads).
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _safe(db: str) -> str:
    """A database URL without its password, for messages."""
    if "://" in db and "@" in db:
        scheme, rest = db.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return db


def upgrade(engine: Engine, db: str) -> None:
    """Run the Alembic migrations up to the newest revision (HC505 when the database refuses)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:  # noqa: BLE001 - connection refused, bad credentials, a newer schema
        raise HealthClaimsError(problem("HC505", db=_safe(db), reason=str(exc).splitlines()[0])) from None
