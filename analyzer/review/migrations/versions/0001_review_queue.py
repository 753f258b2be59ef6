"""The review queue: users, settings, imports, items and their decision history.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "settings", sa.Column("key", sa.String(80), primary_key=True), sa.Column("value", sa.Text, nullable=False)
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("imported_at", WHEN, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("already", sa.Integer, nullable=False),
    )
    _items()
    _decisions()


def _items() -> None:
    text = [
        sa.Column(name, sa.Text, nullable=False)
        for name in ("document", "path", "claim", "sentence", "before", "after", "message", "note")
    ]
    optional = [sa.Column(name, sa.Text, nullable=True) for name in ("substance", "target", "product")]
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
        *text,
        *optional,
        *[sa.Column(n, sa.Integer, nullable=False) for n in ("line", "column", "claim_start", "claim_end", "version")],
        sa.Column("rule_id", sa.String(120), nullable=False, index=True),
        sa.Column("category", sa.String(80), nullable=False, index=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("severity_rank", sa.Integer, nullable=False, index=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("hedged", sa.Boolean, nullable=False),
        sa.Column("basis", sa.JSON, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("corrected_category", sa.String(80), nullable=True),
        sa.Column("decided_by", sa.String(80), nullable=True, index=True),
        sa.Column("decided_at", WHEN, nullable=True),
    )


def _decisions() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False, index=True),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("value", sa.Text, nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("decisions", "items", "imports", "settings", "users"):
        op.drop_table(table)
