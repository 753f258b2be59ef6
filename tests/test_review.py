"""The review queue: import, decisions, export to eval, statistics, the web application's
security, and two moderators at once; every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import copy
import json
import threading

import pytest
from helpers import jsonl, write
from test_review_support import BACKENDS, POSTS, LiveServer, csrf_token, database, form_version, open_db

pytest.importorskip("sqlalchemy")
pytest.importorskip("flask")

LOCAL = {"Host": "127.0.0.1:8000"}


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    yield from database(request.param, tmp_path)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A JSONL and a JSON report of a scan of our own posts (scanned once for the module)."""
    from typer.testing import CliRunner

    from analyzer.cli import app

    folder = tmp_path_factory.mktemp("scan")
    posts = jsonl(folder / "posts.jsonl", POSTS)
    out = {}
    for fmt in ("jsonl", "json"):
        out[fmt] = folder / f"report.{fmt}"
        args = ["scan", "--format", fmt, "--output", str(out[fmt]), "--exit-zero", str(posts)]
        assert CliRunner().invoke(app, args).exit_code == 0
    return out


def items_of(engine):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from analyzer.review.db import Item

    with Session(engine) as s:
        return {(i.document, i.rule_id): i for i in s.scalars(select(Item))}


def test_import_twice_adds_nothing_and_both_report_formats_agree(db, reports):
    from analyzer.review.store import import_report

    engine = open_db(db)
    first = import_report(engine, reports["jsonl"])
    assert (first.added, first.already, first.problems) == (5, 0, [])
    assert (import_report(engine, reports["jsonl"]).added, import_report(engine, reports["json"]).added) == (0, 0)
    items = items_of(engine)
    assert sorted(items) == [
        ("burn", "mechanism-effect"),
        ("burn", "weight-loss"),
        ("calm", "disease-treatment"),
        ("hostile", "disease-treatment"),
        ("joint", "disease-treatment"),
    ]
    calm = items[("calm", "disease-treatment")]
    # the sentence in its text (read again from the scanned export), the claim marked
    assert (calm.before, calm.sentence, calm.after) == (
        "Welcome to the shop. ",
        "These kava drops relieve anxiety for good.",
        " Order today and save.",
    )
    assert calm.sentence[calm.claim_start : calm.claim_end] == "relieve anxiety"
    assert calm.substance == "Kava" and calm.evidence and calm.status == "open" and calm.version == 1


def _deduplicated(report: dict) -> dict:
    """The report model with evidence in one table keyed by id, findings referring to it."""
    new = copy.deepcopy(report)
    if "evidence" in new:  # schema 2.0 has the table; findings here carry the first item's summary too
        for doc in new["documents"]:
            for f in doc["findings"]:
                first = new["evidence"][f["evidence"][0]["id"]]
                f.update(verdict=first["verdict"], summary=first["summary"], url=first["sources"][0]["url"])
        return new
    table = {}
    for doc in new["documents"]:
        for f in doc["findings"]:
            for ev in f["evidence"]:
                table[ev["id"]] = {k: v for k, v in ev.items() if k != "fit"}
            first = f["evidence"][0]
            f.update(verdict=first["verdict"], summary=first["summary"], url=first["sources"][0]["url"])
            f["evidence"] = [{"id": ev["id"], "fit": ev["fit"]} for ev in f["evidence"]]
    new["evidence"] = table
    return new


def test_import_reads_the_report_with_deduplicated_evidence(tmp_path, reports):
    from analyzer.review.store import import_report

    current = json.loads(reports["json"].read_text("utf-8"))
    new = write(tmp_path / "new.json", json.dumps(_deduplicated(current)))
    old_engine, new_engine = open_db(str(tmp_path / "old.sqlite")), open_db(str(tmp_path / "new.sqlite"))
    import_report(old_engine, reports["json"])
    assert import_report(new_engine, new).added == 5
    old, fresh = items_of(old_engine), items_of(new_engine)
    assert {k: v.key for k, v in old.items()} == {k: v.key for k, v in fresh.items()}
    for k in old:
        assert fresh[k].evidence == old[k].evidence  # full entries, looked up by id, with their fit
    # a JSONL line of the new model without the table keeps the first item's verdict and summary
    lines = [
        json.dumps({**d, "findings": [{**f, "evidence": [e["id"] for e in f["evidence"]]} for f in d["findings"]]})
        for d in _deduplicated(current)["documents"]
    ]
    engine = open_db(str(tmp_path / "lines.sqlite"))
    assert import_report(engine, write(tmp_path / "new.jsonl", "\n".join(lines) + "\n")).added == 5
    calm = items_of(engine)[("calm", "disease-treatment")]
    assert calm.evidence[0]["summary"] == old[("calm", "disease-treatment")].evidence[0]["summary"]


def test_bad_report_lines_are_coded_and_the_rest_is_imported(tmp_path, reports, run_cli):
    good = reports["jsonl"].read_text("utf-8").splitlines()
    broken = json.loads(good[1])
    del broken["findings"][0]["rule_id"]
    lines = [good[0], '{"id": "cut', '{"id": "x", "path": "p"}', json.dumps(broken), *good[2:]]
    report = write(tmp_path / "bad.jsonl", "\n".join(lines) + "\n")
    code, out, err = run_cli("review", "import", str(report), "--db", str(tmp_path / "q.sqlite"))
    assert code == 2
    assert f"{report}:2: error HC502" in err
    assert f"{report}:3: error HC503" in err
    assert f"{report}:4: error HC504" in err and "'rule_id'" in err
    assert "4 findings added, 0 already in the queue" in out  # all but the broken finding
    code, _, err = run_cli("review", "import", str(tmp_path / "none.json"), "--db", str(tmp_path / "q.sqlite"))
    assert code == 2 and "HC501" in err


def test_a_stale_decision_is_a_conflict_and_history_is_kept(db, reports):
    from sqlalchemy.orm import Session

    from analyzer.review.store import decide, history, import_report

    engine = open_db(db)
    import_report(engine, reports["jsonl"])
    item = items_of(engine)[("joint", "disease-treatment")]
    assert decide(engine, item.id, 1, "ana", "confirm").saved
    late = decide(engine, item.id, 1, "ben", "dismiss", "reported_or_quoted")
    assert (late.saved, late.error, late.item.status, late.item.decided_by) == (False, "conflict", "confirmed", "ana")
    assert decide(engine, item.id, 2, "ben", "dismiss", "reported_or_quoted").saved
    assert not decide(engine, item.id, 3, "ben", "dismiss", "no such reason").saved
    with Session(engine) as s:
        assert [(d.reviewer, d.action, d.value, d.version) for d in history(s, item.id)] == [
            ("ana", "confirm", None, 2),
            ("ben", "dismiss", "reported_or_quoted", 3),
        ]


def _decide_all(engine) -> None:
    from analyzer.review.store import decide

    items = items_of(engine)
    plan = [
        (("hostile", "disease-treatment"), "ana", "confirm", ""),
        (("calm", "disease-treatment"), "ana", "confirm", ""),
        (("calm", "disease-treatment"), "ana", "product", "Calm Kava Drops"),
        (("burn", "weight-loss"), "ben", "confirm", ""),
        (("burn", "mechanism-effect"), "ben", "dismiss", "other"),
        (("joint", "disease-treatment"), "ben", "dismiss", "reported_or_quoted"),
    ]
    for key, who, action, value in plan:
        item = items_of(engine)[key]
        assert decide(engine, item.id, item.version, who, action, value).saved, (key, action)
    assert len(items) == 5


def test_export_is_labelled_lines_that_eval_scores(db, reports, tmp_path, run_cli):
    from analyzer.review.store import export_lines, import_report

    engine = open_db(db)
    import_report(engine, reports["jsonl"])
    _decide_all(engine)
    lines = export_lines(engine)
    assert [(r["source_url"], r["label"], r["type"], r["reviewer"], r["reason"]) for r in lines] == [
        ("burn", 1, "weight_loss", "ben", None),  # one line per sentence: its confirmed finding wins
        ("calm", 1, "disease_claim", "ana", None),
        ("hostile", 1, "disease_claim", "ana", None),
        ("joint", 0, None, "ben", "reported_or_quoted"),
    ]
    assert (
        lines[1]["substance"] == "Calm Kava Drops" and lines[1]["text"] == "These kava drops relieve anxiety for good."
    )
    out = tmp_path / "labelled.jsonl"
    code, _, _ = run_cli("review", "export", "--db", db, "--format", "jsonl", "--output", str(out))
    assert code == 0 and [json.loads(x) for x in out.read_text("utf-8").splitlines()] == lines
    code, stdout, _ = run_cli("eval", "--format", "json", str(out))
    result = json.loads(stdout)
    # every exported sentence was flagged by the scan: the confirmed ones are hits, the dismissed one a false flag
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (3, 1, 0, 0)
    assert result["precision"] == 0.75 and result["per_category"]["disease_claim"]["support"] == 2


def test_stats_precision_reasons_and_agreement(db, reports, run_cli):
    from analyzer.review.stats import compute
    from analyzer.review.store import decide, import_report

    engine = open_db(db)
    import_report(engine, reports["jsonl"])
    _decide_all(engine)
    joint = items_of(engine)[("joint", "disease-treatment")]
    decide(engine, joint.id, joint.version, "ana", "confirm")  # ana disagrees with ben
    hostile = items_of(engine)[("hostile", "disease-treatment")]
    decide(engine, hostile.id, hostile.version, "ben", "confirm")  # ben agrees with ana
    stats = compute(engine)
    assert stats["by_rule"]["disease-treatment"] == {"confirmed": 3, "dismissed": 0, "open": 0, "precision": 1.0}
    assert stats["by_rule"]["mechanism-effect"]["precision"] == 0.0
    assert stats["by_category"]["weight_loss"]["precision"] == 1.0
    assert stats["dismissal_reasons"] == {"other": 1}
    assert stats["agreement"] == {"items": 2, "pairs": 2, "observed": 0.5, "kappa": 0.0}
    code, out, _ = run_cli("review", "stats", "--db", db)
    assert code == 0 and "agreement: 0.50 over 2 reviewer pairs on 2 items (kappa 0.00)" in out


# --------------------------------------------------------------------------- the web application


@pytest.fixture()
def queue(db, reports):
    from analyzer.review.store import add_user, import_report

    engine = open_db(db)
    import_report(engine, reports["jsonl"])
    add_user(engine, "ana", "ana-secret-1")
    add_user(engine, "ben", "ben-secret-1")
    return engine


def _login(client, name: str, password: str, headers=LOCAL):
    page = client.get("/login", headers=headers).get_data(as_text=True)
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": csrf_token(page)}, headers=headers
    )


def test_pages_escape_scanned_text_and_carry_the_policy(queue):
    from analyzer.review.web import create_app

    client = create_app(queue, reviewer="local-mod").test_client()
    hostile = items_of(queue)[("hostile", "disease-treatment")]
    for path in ("/", f"/item/{hostile.id}", "/stats"):
        response = client.get(path, headers=LOCAL)
        assert response.status_code == 200, path
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
        html = response.get_data(as_text=True)
        assert "<script>window" not in html and "<img src=x" not in html
        assert "<script" not in html.replace('<script src="/static/review.js" defer></script>', "")
    html = client.get(f"/item/{hostile.id}", headers=LOCAL).get_data(as_text=True)
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html and "<mark>cures the flu</mark>" in html
    # localhost without login: decisions are recorded under the local reviewer's name
    response = client.post(
        f"/item/{hostile.id}/decide",
        data={"action": "confirm", "version": 1, "csrf_token": csrf_token(html)},
        headers=LOCAL,
    )
    assert response.status_code == 303 and items_of(queue)[("hostile", "disease-treatment")].decided_by == "local-mod"
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400  # no DNS rebinding


def test_a_server_beyond_localhost_refuses_everything_without_login(queue, tmp_path):
    from analyzer.errors import HealthClaimsError
    from analyzer.review.web import create_app

    with pytest.raises(HealthClaimsError, match="HC508"):
        create_app(queue, host="0.0.0.0", require_login=False)
    empty = open_db(str(tmp_path / "empty.sqlite"))
    with pytest.raises(HealthClaimsError, match="HC507"):
        create_app(empty, host="0.0.0.0")
    app = create_app(queue, host="0.0.0.0")
    assert app.config["REQUIRE_LOGIN"]
    client = app.test_client()
    item = items_of(queue)[("calm", "disease-treatment")]
    remote = {"Host": "review.example.org"}
    for path in ("/", f"/item/{item.id}", "/stats", "/export.jsonl", "/?decision=open"):
        response = client.get(path, headers=remote)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path in (f"/item/{item.id}/decide", "/logout"):
        response = client.post(path, data={"action": "confirm", "version": 1}, headers=remote)
        assert response.status_code in (400, 401), path  # refused: no session (and no CSRF token)
    assert items_of(queue)[("calm", "disease-treatment")].status == "open"
    assert _login(client, "ana", "wrong-password", remote).status_code == 401
    page = client.get("/login", headers=remote).get_data(as_text=True)
    no_token = client.post("/login", data={"name": "ana", "password": "ana-secret-1"}, headers=remote)
    assert no_token.status_code == 400 and "kava" not in page
    assert _login(client, "ana", "ana-secret-1", remote).status_code == 303
    html = client.get(f"/item/{item.id}", headers=remote).get_data(as_text=True)
    assert "relieve anxiety" in html
    response = client.post(f"/item/{item.id}/decide", data={"action": "confirm", "version": 1}, headers=remote)
    assert response.status_code == 400  # logged in, but a POST without its CSRF token is refused
    data = {"action": "confirm", "version": 1, "csrf_token": csrf_token(html)}
    assert client.post(f"/item/{item.id}/decide", data=data, headers=remote).status_code == 303
    assert items_of(queue)[("calm", "disease-treatment")].decided_by == "ana"
    from analyzer.review.store import export_lines

    download = client.get("/export.jsonl", headers=remote)
    assert [json.loads(x) for x in download.get_data(as_text=True).splitlines()] == export_lines(queue)
    page = client.get("/", headers=remote).get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}, headers=remote).status_code == 303
    assert client.get("/", headers=remote).status_code == 302  # logged out: refused again


def _moderate(base: str, name: str, password: str, ids: list[int], verdict: dict, log: list) -> None:
    """One moderator: log in, then decide every item (re-reading it after a conflict, at most 5 times)."""
    import requests

    with requests.Session() as http:
        page = http.get(f"{base}/login", timeout=30).text
        http.post(
            f"{base}/login", data={"name": name, "password": password, "csrf_token": csrf_token(page)}, timeout=30
        )
        for item_id in ids:
            for _attempt in range(5):
                html = http.get(f"{base}/item/{item_id}", timeout=30).text
                data = {**verdict, "version": form_version(html), "csrf_token": csrf_token(html)}
                response = http.post(f"{base}/item/{item_id}/decide", data=data, allow_redirects=False, timeout=30)
                log.append((name, item_id, response.status_code))
                if response.status_code == 303:
                    break


def test_two_moderators_deciding_the_same_items_in_parallel_lose_no_decision(queue):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from analyzer.review.db import Decision
    from analyzer.review.web import create_app

    ids = sorted(i.id for i in items_of(queue).values())
    log: list = []
    with LiveServer(create_app(queue, require_login=True)) as server:
        threads = [
            threading.Thread(
                target=_moderate, args=(server.url, "ana", "ana-secret-1", ids, {"action": "confirm"}, log)
            ),
            threading.Thread(
                target=_moderate,
                args=(server.url, "ben", "ben-secret-1", ids, {"action": "dismiss", "value": "other"}, log),
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert {status for _, _, status in log} <= {303, 409}  # saved, or a conflict shown: nothing else
    saved = sorted((who, item) for who, item, status in log if status == 303)
    assert saved == sorted((who, item) for who in ("ana", "ben") for item in ids)  # each decided every item
    with Session(queue) as s:
        history = list(s.scalars(select(Decision).order_by(Decision.id)))
    assert sorted((d.reviewer, d.item_id) for d in history) == saved  # every saved decision is in the history
    final = {d.item_id: d for d in history}
    for item in items_of(queue).values():  # and each item shows the last one saved
        last = final[item.id]
        assert (item.decided_by, item.status, item.version) == (
            last.reviewer,
            {"confirm": "confirmed", "dismiss": "dismissed"}[last.action],
            last.version,
        )


def test_scan_loads_none_of_the_review_packages():
    import subprocess
    import sys

    code = "import sys, analyzer.cli; print(sorted(m for m in ('sqlalchemy', 'flask', 'alembic', 'argon2', 'waitress') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_queue_order_filters_and_progress(db, reports):
    from sqlalchemy.orm import Session

    from analyzer.review.store import decide, import_report, neighbours, progress, queue_query

    engine = open_db(db)
    import_report(engine, reports["jsonl"])
    items = items_of(engine)
    burn = items[("burn", "weight-loss")]
    decide(engine, burn.id, burn.version, "ana", "confirm")
    with Session(engine) as s:
        order = [(i.severity, i.document) for i in s.scalars(queue_query({}))]
        assert [sev for sev, _ in order] == ["high"] * 4 + ["low"]  # severity first
        confidences = [i.confidence for i in s.scalars(queue_query({"severity": "high"}))]
        assert confidences == sorted(confidences, reverse=True)  # then confidence
        assert [i.document for i in s.scalars(queue_query({"rule": "weight-loss"}))] == ["burn"]
        assert [i.document for i in s.scalars(queue_query({"category": "mechanism_claim"}))] == ["burn"]
        assert [i.document for i in s.scalars(queue_query({"reviewer": "ana"}))] == ["burn"]
        assert len(list(s.scalars(queue_query({"decision": "open"})))) == 4
        assert progress(s, {"decision": "open"}) == {"open": 4, "confirmed": 1, "dismissed": 0, "total": 5}
        assert progress(s, {"category": "disease_claim"}) == {"open": 3, "confirmed": 0, "dismissed": 0, "total": 3}
        ids = [i.id for i in s.scalars(queue_query({}))]
        assert neighbours(s, {}, ids[1]) == (ids[0], ids[2])


def test_cli_accounts_and_serve_refusals(tmp_path, reports, run_cli):
    db = str(tmp_path / "q.sqlite")
    code, _, err = run_cli("review", "serve", "--db", db, "--host", "0.0.0.0", "--port", "0")
    assert code == 2 and "HC507" in err  # no account: a server beyond localhost does not start
    assert run_cli("review", "user", "add", "ana", "--db", db, "--password-stdin", input="long-enough-1\n")[0] == 0
    code, _, err = run_cli("review", "user", "add", "ana", "--db", db, "--password-stdin", input="long-enough-2\n")
    assert code == 2 and "HC508" in err and "exists already" in err
    code, _, err = run_cli("review", "user", "add", "ben", "--db", db, "--password-stdin", input="short\n")
    assert code == 2 and "at least 8 characters" in err
    code, _, err = run_cli("review", "serve", "--db", db, "--host", "0.0.0.0", "--no-login")
    assert code == 2 and "HC508" in err
    code, _, err = run_cli("review", "stats", "--db", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert code == 2 and "HC505" in err and "secret" not in err  # the password is not echoed


def test_context_from_a_markdown_file_and_a_post_with_line_separators(tmp_path, run_cli):
    from analyzer.review.store import import_report

    page = write(
        tmp_path / "shop" / "page.md", "# Tonic\n\nMade in small batches. **Our tonic** cures insomnia fast.\n"
    )
    posts = jsonl(
        tmp_path / "shop" / "posts.jsonl",
        [
            {
                "id": "sep\u2028id",
                "text": "Fresh stock today. Our kava drops \u2028relieve anxiety, says \u2028the label.",
            }
        ],
    )
    report = tmp_path / "out" / "report.jsonl"
    report.parent.mkdir()
    assert run_cli("scan", "--format", "jsonl", "-o", str(report), "--exit-zero", str(page), str(posts))[0] == 0
    assert "\u2028" in report.read_text("utf-8")  # raw in the report's line (a post id here)
    engine = open_db(str(tmp_path / "q.sqlite"))
    result = import_report(engine, report)
    assert (result.added, result.problems) == (2, [])
    items = {i.document: i for i in items_of(engine).values()}
    md = items[str(page)]
    assert md.before == "# Tonic Made in small batches. " and md.sentence.endswith("cures insomnia fast.")
    assert md.sentence[md.claim_start : md.claim_end] == "cures insomnia"
    sep = items["sep\u2028id"]
    assert sep.before == "Fresh stock today. " and sep.sentence[sep.claim_start : sep.claim_end] == "relieve anxiety"
    assert sep.sentence == "Our kava drops relieve anxiety, says the label."  # white space folded by the scan


def test_behind_an_https_proxy_the_session_cookie_is_secure(queue):
    from analyzer.review.web import create_app

    client = create_app(queue, host="0.0.0.0", https=True).test_client()
    site = "https://review.example.org"
    proxied = {"X-Forwarded-Proto": "https", "Referer": f"{site}/login"}
    page = client.get("/login", base_url=site, headers=proxied)
    assert page.headers["Referrer-Policy"] == "same-origin"  # the browser sends the Referer CSRF checks
    data = {"name": "ben", "password": "ben-secret-1", "csrf_token": csrf_token(page.get_data(as_text=True))}
    response = client.post("/login", base_url=site, data=data, headers=proxied)
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    elsewhere = {**proxied, "Referer": "https://attacker.example/"}
    assert (
        client.post("/logout", base_url=site, data={"csrf_token": data["csrf_token"]}, headers=elsewhere).status_code
        == 400
    )


def test_the_migrations_build_exactly_the_models_tables(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from analyzer.review.db import Base

    engine = open_db(db)
    open_db(db)  # a second open finds the schema at the newest revision and changes nothing
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_bad_document_of_a_json_report_is_named_by_its_place(tmp_path, reports, run_cli):
    data = json.loads(reports["json"].read_text("utf-8"))
    data["documents"][1] = {"id": "broken"}
    del data["documents"][2]["findings"][0]["severity"]
    report = write(tmp_path / "bad.json", json.dumps(data))
    code, out, err = run_cli("review", "import", str(report), "--db", str(tmp_path / "q.sqlite"))
    assert code == 2 and "3 findings added" in out
    assert f"{report}: error HC503: not a scan result here: document 2 of the report: no 'findings' list" in err
    assert f"{report}: error HC504: document 3 of the report: a finding has no usable 'severity'" in err


def test_login_goes_back_only_to_a_path_of_this_server():
    from analyzer.review.web import _local_target

    assert _local_target("/item/3?decision=open") == "/item/3?decision=open"
    for target in (
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "item/3",
        "/x\r\nSet-Cookie: a=b",
    ):
        assert _local_target(target) is None, target


def test_over_http_a_remote_server_answers_nothing_without_login(queue):
    """The application as bound beyond localhost, served for real (on 127.0.0.1 for the test)."""
    import requests

    from analyzer.review.web import create_app

    item = items_of(queue)[("hostile", "disease-treatment")]
    with LiveServer(create_app(queue, host="0.0.0.0")) as server:
        for path in ("/", f"/item/{item.id}", "/stats", "/export.jsonl", "/?category=disease_claim", "/item/999"):
            response = requests.get(server.url + path, allow_redirects=False, timeout=30)
            assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
            assert "elderberry" not in response.text
        for path in (f"/item/{item.id}/decide", "/logout", "/item/999/decide"):
            response = requests.post(server.url + path, data={"action": "confirm", "version": "1"}, timeout=30)
            assert response.status_code in (400, 401), path
        login = requests.get(server.url + "/login", timeout=30)
        assert login.status_code == 200 and "elderberry" not in login.text
        assert requests.get(server.url + "/static/review.js", timeout=30).status_code == 200  # assets only
    assert items_of(queue)[("hostile", "disease-treatment")].version == 1


def test_import_of_schema_2_reports_keeps_basis_and_a_summary(tmp_path, reports):
    from analyzer.review.store import import_report

    json_engine, lines_engine = open_db(str(tmp_path / "j.sqlite")), open_db(str(tmp_path / "l.sqlite"))
    import_report(json_engine, reports["json"])
    import_report(lines_engine, reports["jsonl"])
    from_json, from_lines = items_of(json_engine), items_of(lines_engine)
    calm = ("calm", "disease-treatment")
    assert from_json[calm].basis["authority"].startswith("21 CFR")  # from the report's rules table
    assert from_json[calm].evidence[0]["sources"]  # the full entry, from the evidence table
    assert from_lines[calm].evidence[0]["summary"]  # a JSONL line: the first entry's headline
