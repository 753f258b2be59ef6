"""Shared by the review-queue tests: the databases they run on (SQLite always; PostgreSQL when
HEALTHCLAIMS_TEST_PG_URL names a server, which .ci/run starts), a fresh scan to import, and a real
server in a thread."""

from __future__ import annotations

import os
import re
import threading
import urllib.parse
import uuid

import pytest

PG_URL = os.environ.get("HEALTHCLAIMS_TEST_PG_URL", "")
PG_REQUIRED = os.environ.get("HEALTHCLAIMS_REQUIRE_PG") == "1"
BACKENDS = ["sqlite", "postgresql"]

# Posts of our own writing: claims of several categories, a hostile one, a quiet one.
POSTS = [
    {
        "id": "hostile",
        "text": '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
        "Our elderberry syrup cures the flu in two days. Ask for the family size.",
    },
    {"id": "calm", "text": "Welcome to the shop. These kava drops relieve anxiety for good. Order today and save."},
    {"id": "burn", "text": "These green tea gummies melt belly fat while you sleep and lift your mood."},
    {"id": "joint", "text": "Grandma swears by it: our turmeric capsules cure arthritis."},
    {"id": "quiet", "text": "Nice weather for a walk today."},
]


def database(backend: str, tmp_path):
    """A fresh database URL for the backend (a new PostgreSQL database per test, dropped after)."""
    if backend == "sqlite":
        yield str(tmp_path / "review.sqlite")
        return
    if not PG_URL:
        if PG_REQUIRED:
            raise RuntimeError("HEALTHCLAIMS_TEST_PG_URL is unset but HEALTHCLAIMS_REQUIRE_PG=1")
        pytest.skip("no PostgreSQL server (set HEALTHCLAIMS_TEST_PG_URL)")
    import psycopg

    name = f"hc_review_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(PG_URL)
    yield urllib.parse.urlunsplit(parts._replace(path="/" + name))
    from sqlalchemy.engine import Engine

    for engine in list(_ENGINES):
        if isinstance(engine, Engine):
            engine.dispose()
    _ENGINES.clear()
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_ENGINES: list = []


def open_db(url: str):
    """The migrated engine for a test database (disposed of when the test's database is dropped)."""
    from analyzer.review.db import open_database

    engine = open_database(url)
    _ENGINES.append(engine)
    return engine


class LiveServer:
    """The application served by Waitress on 127.0.0.1 (a free port) in a thread, which also closes
    every connection when the test is done (a browser keeps its connections open)."""

    def __init__(self, app):
        from waitress import create_server

        self.server = create_server(app, host="127.0.0.1", port=0, threads=6)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        from waitress import wasyncore

        while not self.stopping.is_set():
            wasyncore.loop(timeout=0.1, map=self.server._map, count=1)
        wasyncore.close_all(self.server._map)
        self.server.task_dispatcher.shutdown()

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join(timeout=30)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))
