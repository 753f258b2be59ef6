"""The review queue in the browser: a small Flask application, rendered on the server.

Every page escapes scanned text (Jinja's autoescape) and is served with a Content Security Policy
allowing scripts, styles and images from the application only (one script file, for the keyboard
shortcuts). Every POST carries a CSRF token (Flask-WTF). A server bound beyond localhost requires
login on every page and action; one bound to localhost accepts only localhost Host headers, so a
web page elsewhere cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlencode

from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import HealthClaimsError, problem
from ..packs.loader import CATEGORIES
from . import stats, store
from .db import DISMISS_REASONS, Item, Setting

PAGE_SIZE = 50
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
OPEN_ENDPOINTS = {"static", "login"}  # reachable before login


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(
    engine: Engine, require_login: bool | None = None, host: str = "127.0.0.1", reviewer: str = "local", https=False
):
    """The application for a database. Login is required beyond localhost (HC507 without accounts).
    ``https``: served behind an HTTPS reverse proxy (cookies marked Secure, its X-Forwarded-Proto trusted)."""
    local = is_loopback(host)
    if not local and require_login is False:
        raise HealthClaimsError(problem("HC508", reason=f"--no-login is refused for a server bound to {host}"))
    needs_login = (not local) or bool(require_login)
    if needs_login and store.user_count(engine) == 0:
        raise HealthClaimsError(problem("HC507", host=host))
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(engine),
        REQUIRE_LOGIN=needs_login,
        LOCAL_ONLY=local,
        LOCAL_REVIEWER=reviewer,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(https),
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session: a moderator's shift is long
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.extensions["review_engine"] = engine
    if https:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    CSRFProtect(app)
    app.before_request(_guard)
    app.after_request(_headers)
    app.register_error_handler(CSRFError, lambda e: (render_template("error.html", message=e.description), 400))
    _routes(app)
    return app


def _secret_key(engine: Engine) -> str:
    """The session signing key, kept in the database so that restarts and several servers share it."""
    try:
        with Session(engine) as s, s.begin():
            if s.get(Setting, "secret_key") is None:
                s.add(Setting(key="secret_key", value=secrets.token_hex(32)))
    except IntegrityError:  # another server wrote it first
        pass
    with Session(engine) as s:
        return s.get(Setting, "secret_key").value


def _guard():
    app = current_app
    if app.config["LOCAL_ONLY"] and request.host.rsplit(":", 1)[0] not in LOCAL_HOSTS:
        abort(400)
    user = session.get("user")
    if app.config["REQUIRE_LOGIN"] and not user and request.endpoint not in OPEN_ENDPOINTS:
        if request.method == "GET":
            return redirect(url_for("login", next=request.full_path if request.args else request.path))
        abort(401)
    g.reviewer = user or (None if app.config["REQUIRE_LOGIN"] else app.config["LOCAL_REVIEWER"])
    return None


def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: CSRF protection checks the Referer of HTTPS posts; other sites get none
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def _engine() -> Engine:
    return current_app.extensions["review_engine"]


def filters_from(args) -> dict[str, str]:
    return {k: args.get(k, "").strip() for k in store.FILTERS if args.get(k, "").strip()}


def _routes(app: Flask) -> None:
    app.add_url_rule("/", "queue", queue_page)
    app.add_url_rule("/item/<int:item_id>", "item", item_page)
    app.add_url_rule("/item/<int:item_id>/decide", "decide", decide_action, methods=["POST"])
    app.add_url_rule("/stats", "stats", stats_page)
    app.add_url_rule("/export.jsonl", "export", export_download)
    app.add_url_rule("/login", "login", login_page, methods=["GET", "POST"])
    app.add_url_rule("/logout", "logout", logout_action, methods=["POST"])
    app.jinja_env.filters["web_url"] = web_url
    app.jinja_env.globals.update(
        reasons=DISMISS_REASONS, categories=CATEGORIES, query=_query, reviewer=lambda: g.get("reviewer")
    )


def web_url(url: object) -> str:
    """A link target from a report: http(s) only (a crafted report's javascript: URL becomes '#')."""
    text = str(url or "")
    return text if text.lower().startswith(("https://", "http://")) else "#"


def _query(filters: dict[str, str], **extra) -> str:
    """A query string for the filters (and extra parameters), for links that keep the filters."""
    params = {**filters, **{k: v for k, v in extra.items() if v not in (None, "")}}
    return ("?" + urlencode(sorted(params.items()))) if params else ""


def queue_page():
    filters = filters_from(request.args)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with Session(_engine()) as s:
        counts = store.progress(s, filters)
        total = s.scalar(store.queue_query(filters).order_by(None).with_only_columns(func.count())) or 0
        items = list(s.scalars(store.queue_query(filters).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
        choices = store.filter_choices(s)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    return render_template(
        "queue.html", items=items, counts=counts, filters=filters, choices=choices, page=page, pages=pages
    )


def item_page(item_id: int, conflict: store.Outcome | None = None, mine: dict | None = None):
    filters = filters_from(request.args if request.method == "GET" else request.form)
    with Session(_engine()) as s:
        item = s.get(Item, item_id)
        if item is None:
            abort(404)
        previous, following = store.neighbours(s, filters, item_id)
        history = store.history(s, item_id)
        html = render_template(
            "item.html",
            item=item,
            filters=filters,
            previous=previous,
            following=following,
            history=history,
            conflict=conflict,
            mine=mine,
            iso=store.iso,
        )
    return html, (409 if conflict else 200)


def decide_action(item_id: int):
    form = request.form
    action = form.get("action", "")
    value = form.get("value", "")
    version = form.get("version", type=int)
    if action not in store.ACTIONS or version is None:
        abort(400)
    outcome = store.decide(_engine(), item_id, version, g.reviewer, action, value)
    if outcome.item is None:
        abort(404 if outcome.error == "no such item" else 400)
    if outcome.error == "conflict":
        return item_page(item_id, conflict=outcome, mine={"action": action, "value": value})
    if not outcome.saved:
        abort(400)
    filters = filters_from(form)
    following = form.get("next", type=int)
    if action in ("confirm", "dismiss") and following:
        return redirect(url_for("item", item_id=following) + _query(filters), code=303)
    if action in ("confirm", "dismiss"):
        return redirect(url_for("queue") + _query(filters), code=303)
    return redirect(url_for("item", item_id=item_id) + _query(filters), code=303)


def stats_page():
    return render_template("stats.html", stats=stats.compute(_engine()))


def export_download():
    import json

    lines = store.export_lines(_engine())
    body = "".join(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n" for line in lines)
    headers = {"Content-Disposition": "attachment; filename=review-export.jsonl"}
    return body, 200, {"Content-Type": "application/x-ndjson; charset=utf-8", **headers}


def login_page():
    error = ""
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if store.check_password(_engine(), name, request.form.get("password", "")):
            session.clear()
            session["user"] = name
            return redirect(_local_target(request.form.get("next", "")) or url_for("queue"), 303)
        error = "Unknown user name or wrong password."
    return render_template("login.html", error=error, next=request.values.get("next", "")), (401 if error else 200)


def _local_target(target: str) -> str | None:
    """A path on this server to go back to after login; anything else (//host, /\\host, a URL) is refused."""
    if target.startswith("/") and target[1:2] not in ("/", "\\") and not any(c in target for c in "\\\r\n"):
        return target
    return None


def logout_action():
    session.clear()
    return redirect(url_for("login"), code=303)


def serve(app: Flask, host: str, port: int, threads: int = 8) -> None:
    """Serve with Waitress (a production WSGI server, pure Python) until interrupted."""
    from waitress import serve as waitress_serve

    waitress_serve(app, host=host, port=port, threads=threads, ident="healthclaims-review")
