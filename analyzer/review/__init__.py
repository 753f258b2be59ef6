"""The review queue: a scan's findings in a database, decided by moderators in a web application,
exported as labelled lines for ``healthclaims eval`` and ``healthclaims train``.

``db`` holds the tables and opens a database (SQLite or PostgreSQL, migrated with Alembic);
``importer`` reads JSON and JSONL reports into it; ``store`` decides, lists and exports;
``stats`` measures precision and agreement; ``web`` is the server-rendered application.
Needs the ``review`` extra: ``pip install 'healthclaims[review]'``.
"""
