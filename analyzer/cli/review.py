"""``healthclaims review``: the moderators' queue (import, serve, export, stats, user).

The database toolkit and the web framework are imported inside the commands, so that
``healthclaims scan`` never loads them (and runs without the 'review' extra).
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from ..errors import HealthClaimsError, problem
from . import echo_data, reports_errors  # cli/__init__.py imports this module after defining it

review_app = typer.Typer(
    help="A review queue for moderators: import a scan, decide in the browser, export labelled lines.",
    no_args_is_help=True,
)
user_app = typer.Typer(help="Accounts of the review server.", no_args_is_help=True)
review_app.add_typer(user_app, name="user")

DbOption = typer.Option(
    ..., "--db", help="The queue's database: a SQLite file path (created if missing) or postgresql://USER@HOST/NAME."
)


class ExportFormat(str, enum.Enum):
    jsonl = "jsonl"


class StatsFormat(str, enum.Enum):
    text = "text"
    json = "json"


@contextlib.contextmanager
def _database(db: str) -> Iterator:
    """The database for ``--db``, migrated (HC506 without the 'review' extra); its connections close
    when the block ends."""
    for module in ("sqlalchemy", "alembic", "flask", "flask_wtf", "argon2", "waitress"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise HealthClaimsError(problem("HC506", reason=str(exc))) from None
    from ..review.db import open_database

    engine = open_database(db)
    try:
        yield engine
    finally:
        engine.dispose()


@review_app.command("import")
@reports_errors
def import_command(
    reports: List[Path] = typer.Argument(..., help="Reports of 'healthclaims scan --format json' or '--format jsonl'."),
    db: str = DbOption,
    text_field: str = typer.Option("text", "--text-field", help="JSONL field holding a post's text (as for scan)."),
) -> None:
    """Load a scan's findings into the queue; a finding already there is not added twice."""

    from ..review.store import import_report

    failed = False
    with _database(db) as engine:
        for report in reports:
            result = import_report(engine, report, text_field)
            for prob in result.problems:
                typer.echo(prob.format(), err=True)
            failed = failed or bool(result.problems)
            typer.echo(f"{report}: {result.added} findings added, {result.already} already in the queue")
    raise typer.Exit(2 if failed else 0)


@review_app.command("serve")
@reports_errors
def serve_command(
    db: str = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (beyond localhost, login is required)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    login: Optional[bool] = typer.Option(
        None,
        "--login/--no-login",
        help="Require login (default: only when bound beyond localhost, where it is forced).",
    ),
    reviewer: Optional[str] = typer.Option(
        None, "--reviewer", help="Without login: the name decisions are recorded under (default: your user name)."
    ),
    threads: int = typer.Option(8, "--threads", min=1, help="Worker threads of the server."),
    https: bool = typer.Option(
        False, "--https", help="Served behind an HTTPS reverse proxy: Secure cookies, trust its X-Forwarded-Proto."
    ),
) -> None:
    """Serve the queue in the browser (server-rendered; keyboard shortcuts: press ? on a page)."""

    import getpass  # (it imports termios: only this command needs it)

    from ..review.web import create_app, is_loopback, serve

    with _database(db) as engine:
        app = create_app(engine, require_login=login, host=host, reviewer=reviewer or getpass.getuser(), https=https)
        where = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
        typer.echo(f"review queue on {where} ({'login required' if app.config['REQUIRE_LOGIN'] else 'no login'})")
        if not is_loopback(host) and not https:
            typer.echo("bound beyond localhost: serve it behind an HTTPS reverse proxy, with --https", err=True)
        serve(app, host, port, threads)


@review_app.command("export")
@reports_errors
def export_command(
    db: str = DbOption,
    output_format: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
) -> None:
    """Decisions as labelled JSONL lines that 'healthclaims eval' and 'healthclaims train' read."""

    from ..review.store import export_lines

    with _database(db) as engine:
        lines = export_lines(engine)
    text = "".join(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(lines)} labelled lines written to {output}", err=True)


@review_app.command("stats")
@reports_errors
def stats_command(
    db: str = DbOption,
    output_format: StatsFormat = typer.Option(StatsFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Precision per rule and per category, dismissal reasons, agreement between reviewers."""

    from ..review.stats import compute, format_text

    with _database(db) as engine:
        stats = compute(engine)
    echo_data(stats, output_format is StatsFormat.json, format_text)


@user_app.command("add")
@reports_errors
def user_add(
    name: str = typer.Argument(..., help="The account's name (shown as the reviewer of its decisions)."),
    db: str = DbOption,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin's first line."),
) -> None:
    """Create an account (password hashed with Argon2id)."""

    from ..review.store import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _database(db) as engine:
        add_user(engine, name, password)
    typer.echo(f"user '{name}' added")
