"""Alembic environment: migrations run on the connection that ``db.upgrade`` hands over."""

from alembic import context

from analyzer.review.db import Base


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
