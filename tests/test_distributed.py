"""The Dask engine, for real: one LocalCluster of two worker processes, on localhost (no network),
shared by the tests of this module. Its output is held to what ``scan`` writes for the same input."""

import gzip
import json

import pytest
from helpers import write

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
jsonschema = pytest.importorskip("jsonschema")

TEXTS = [
    "Our ginger chews cure migraines.",
    "Lovely weather for the market today.",
    "These gummies melt belly fat while you sleep. No side effects!",
    "Is kratom safe to use every day?",
    "Turmeric capsules reverse arthritis. <!-- healthclaims-disable-line -- quoting a seized label -->",
    "Elderberry syrup prevents the flu, and our oil supports restful sleep naturally.",
]
# Keys a JSON Lines document adds to its findings' first evidence reference (the JSON report has them
# in its evidence table instead).
LEAD_KEYS = ("verdict", "headline", "url")


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _posts(tmp_path):
    """Two JSONL exports of our own posts with what goes wrong in real ones: ids repeated within a file
    and across files, a broken line, invalid UTF-8, a post without an id, an empty post, a control
    character, an inline suppression; and a configuration that changes a severity and allows a phrase."""
    lines = [json.dumps({"id": f"p{n % 7}", "text": TEXTS[n % len(TEXTS)]}).encode() for n in range(40)]
    lines[5:5] = [b"{broken", b'{"id": "u", "text": "caf\xe9 cures migraines"}']
    lines[12:12] = [
        json.dumps({"text": TEXTS[0]}).encode(),
        b'{"id": "blank", "text": "  "}',
        b'{"id": "c", "text": "a\tb"}',
    ]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n\n")
    later = [{"id": "p3", "text": TEXTS[2]}, {"id": "p3@a.jsonl:4", "text": TEXTS[0]}, {"id": 7, "text": TEXTS[5]}]
    write(tmp_path / "b.jsonl", "".join(json.dumps(p) + "\n" for p in later))
    write(tmp_path / ".healthclaims.toml", 'severity = { "disease-treatment" = "low" }\nallow = ["restful sleep"]\n')
    return ["a.jsonl", "b.jsonl"]


def _document_schema():
    from analyzer.report import report_schema

    schema = report_schema()
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/document"}


def _row_document(row) -> dict:
    """A Parquet row as the JSON Lines document it stands for."""
    doc = {k: getattr(row, k) for k in ("id", "path", "status")}
    doc.update(findings=json.loads(row.findings), problems=json.loads(row.problems))
    if json.loads(row.suppressed):
        doc["suppressed"] = json.loads(row.suppressed)
    if not pd.isna(row.source_line):
        doc["source_line"] = int(row.source_line)
    return doc


def _without_lead(doc: dict) -> dict:
    for f in (*doc["findings"], *doc.get("suppressed", [])):
        for ref in f["evidence"]:
            for key in LEAD_KEYS:
                ref.pop(key, None)
    return doc


def test_dask_writes_what_scan_writes(tmp_path, run_cli, monkeypatch, scheduler):
    """The same documents, findings, order, ids (duplicates renamed with HC114), codes and messages as
    ``scan --format jsonl`` (byte for byte), as ``--jobs 2``, and as ``--format json`` and Parquet."""
    monkeypatch.chdir(tmp_path)
    first, second = _posts(tmp_path)
    inputs = [str(tmp_path / first), f"./{second}"]  # named in reports as given: absolute, relative
    code, single, err = run_cli("scan", "--format", "jsonl", *inputs)
    assert code == 2 and "HC114" in err and "HC104" in err and "HC103" in err
    documents = [json.loads(x) for x in single.splitlines()]
    assert {f["severity"] for d in documents for f in d["findings"] if f["rule_id"] == "disease-treatment"} == {"low"}
    assert any(d.get("suppressed") for d in documents)  # the inline suppression held a finding back
    assert run_cli("scan", "--format", "jsonl", "--jobs", "2", *inputs)[1] == single

    dcode, out, derr = run_cli("dask", *inputs, "-o", "out", "--format", "jsonl", "--scheduler", scheduler)
    parts = sorted((tmp_path / "out").glob("part.*.jsonl"))
    assert (dcode, "".join(p.read_text("utf-8") for p in parts)) == (2, single)
    assert derr == err  # every coded message, in the same order
    assert f"Scanned {len(documents)} posts" in out

    from analyzer.distributed import scan_dataset

    counts = scan_dataset(
        inputs, "small", output_format="jsonl", scheduler=scheduler, blocksize="1KiB", config=_config(tmp_path)
    )  # many blocks: a file's lines are counted across them
    parts = sorted((tmp_path / "small").glob("part.*.jsonl"))
    assert len(parts) > 3 and "".join(p.read_text("utf-8") for p in parts) == single
    assert counts["posts"] == len(documents) and counts["errors"] == [d["status"] for d in documents].count("error")

    schema = _document_schema()
    for doc in documents:
        jsonschema.validate(doc, schema)
    report = json.loads(run_cli("scan", "--format", "json", *inputs)[1])
    assert [_without_lead(d) for d in documents] == report["documents"]

    run_cli("dask", *inputs, "-o", "rows", "--scheduler", scheduler)
    rows = pd.read_parquet(tmp_path / "rows")
    assert [_row_document(r) for r in rows.itertuples()] == [json.loads(x) for x in single.splitlines()]
    assert rows["n_findings"].tolist() == [len(d["findings"]) for d in documents]

    pytest.importorskip("sqlalchemy")  # the review queue reads the parts as it reads scan's report
    write(tmp_path / "single.jsonl", single)
    added = run_cli("review", "import", "single.jsonl", "--db", "scan.sqlite")[1].split(": ", 1)[1]
    imported = run_cli("review", "import", *map(str, parts), "--db", "dask.sqlite")[1].splitlines()
    assert sum(int(x.split(": ")[1].split()[0]) for x in imported) == int(added.split()[0]) > 0


def _config(tmp_path):
    from analyzer.run.config import load_config

    return load_config(tmp_path / ".healthclaims.toml")


def test_dask_names_what_it_cannot_read_and_scans_the_rest(tmp_path, run_cli, monkeypatch, scheduler):
    """A file that is not Parquet, a data set with one truncated part, a corrupt .gz and a missing input
    are each one coded error naming the file (no internal error); every other post is in the output.
    Parquet rows are numbered across their data set, and their ids are checked against the JSONL's."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.jsonl", json.dumps({"id": "dup", "text": TEXTS[0]}) + "\n")
    (tmp_path / "set").mkdir()
    pd.DataFrame([{"id": "dup", "text": TEXTS[2]}, {"id": None, "text": TEXTS[0]}]).to_parquet("set/part.0.parquet")
    whole = (tmp_path / "set/part.0.parquet").read_bytes()
    (tmp_path / "set/part.1.parquet").write_bytes(whole[: len(whole) // 2])
    pd.DataFrame([{"id": "r1", "text": TEXTS[3]}, {"id": "r2", "text": None}]).to_parquet("set/part.2.parquet")
    write(tmp_path / "fake.parquet", "id,text\nx,not parquet at all\n")
    records = "".join(
        json.dumps({"id": f"g{n}", "text": f"Post number {n} about the market."}) + "\n" for n in range(400)
    )
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(records.encode())[:-200])
    write(tmp_path / "blank.jsonl", "\n\n")
    write(tmp_path / "empty.jsonl", "")
    write(tmp_path / "more/g1.jsonl", json.dumps({"id": "h1", "text": TEXTS[1]}) + "\n")
    (tmp_path / "more/g2.jsonl").symlink_to(tmp_path / "nowhere")
    inputs = [
        "a.jsonl",
        "set",
        "fake.parquet",
        "cut.jsonl.gz",
        "blank.jsonl",
        "empty.jsonl",
        "more/g*.jsonl",
        "gone.jsonl",
    ]
    code, out, err = run_cli("dask", *inputs, "-o", "out", "--scheduler", scheduler)
    assert code == 2 and "internal error" not in err and "Traceback" not in err
    rows = pd.read_parquet(tmp_path / "out")
    got = [
        (r.id, r.status, [(p["code"], p["path"], p["line"]) for p in json.loads(r.problems)]) for r in rows.itertuples()
    ]
    scanned = run_cli("scan", "--format", "jsonl", "cut.jsonl.gz", "blank.jsonl", "empty.jsonl")[1].splitlines()
    scanned = [json.loads(x) for x in scanned]
    cut = [(d["id"], d["status"], [(p["code"], p["path"], p["line"]) for p in d["problems"]]) for d in scanned]
    assert 10 < len(cut) < 400 and cut[-3][2][0][0] == "HC101"  # the lines before the damage, then HC101
    assert got == [
        ("dup", "ok", []),
        ("dup@set:1", "ok", [("HC114", "set", 1)]),  # the id a.jsonl's post has: renamed as scan renames it
        ("set:2", "ok", []),
        ("set/part.1.parquet", "error", [("HC230", "set/part.1.parquet", None)]),
        ("r1", "ok", []),
        ("r2", "error", [("HC105", "set", 4)]),  # row 4 of the set: the truncated part has no rows
        ("fake.parquet", "error", [("HC230", "fake.parquet", None)]),
        *cut,  # the .gz's good lines and its HC101, and the blank and empty files' HC106, as scan has them
        ("h1", "ok", []),
        ("more/g2.jsonl", "error", [("HC101", "more/g2.jsonl", None)]),  # a glob's broken link: itself only
        ("gone.jsonl", "error", [("HC107", "gone.jsonl", None)]),
    ]
    assert all(n > 0 for n in rows["n_findings"].tolist()[:3])  # the readable posts were scanned
    for line in ("set/part.1.parquet: error HC230: cannot read this Parquet file (", "fake.parquet: error HC230"):
        assert line in err
    assert "cut.jsonl.gz" in err and "blank.jsonl: warning HC106" in err and f"Scanned {len(got)} posts" in out


def test_dask_output_that_cannot_be_written(tmp_path, run_cli, monkeypatch):
    """An output location that cannot be made is HC231 before anything starts; a part file that cannot
    be written (here: a full disk) is HC231 naming it, counted as an error, not a traceback."""
    from analyzer.distributed import _frame, write_part

    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.jsonl", json.dumps({"id": "p", "text": TEXTS[0]}) + "\n")
    write(tmp_path / "taken", "a file, not a folder\n")
    code, _, err = run_cli("dask", "a.jsonl", "-o", "taken/out", "--workers", "1")
    assert code == 2 and err.startswith("taken/out: error HC231: cannot write the output (") and "Traceback" not in err
    code, _, err = run_cli("dask", "a.jsonl", "-o", "out", "--format", "csv")
    assert code == 2 and "HC307" in err and "parquet, jsonl" in err
    row = {"id": "p", "path": "a.jsonl", "status": "ok", "source_line": 1, "n_findings": 0}
    rows = _frame([{**row, "findings": "[]", "problems": "[]", "suppressed": "[]", "jsonl": '{"id": "p"}\n'}])
    for fmt in ("jsonl", "parquet"):
        counts = write_part(rows, "/dev/full", fmt)
        assert (counts["written"], counts["errors"], counts["posts"]) == (False, 1, 1)
        [prob] = counts["problems"]
        assert (prob["code"], prob["path"]) == ("HC231", "/dev/full") and "No space left on device" in prob["message"]


def test_dask_partition_that_fails_costs_one_document(monkeypatch):
    """An unexpected failure while judging one post of a partition (here: a policy that raises) is
    HC118 for that post alone; the partition's other posts keep their findings."""
    from analyzer.distributed import Settings, _rows
    from analyzer.run.config import Config, EngineSpec
    from analyzer.run.inputs import post_document
    from analyzer.run.policy import Policy

    real = Policy.apply

    def apply(self, result):
        if result.document.id == "bad":
            raise RuntimeError("a bug in judging this post")
        return real(self, result)

    monkeypatch.setattr(Policy, "apply", apply)
    docs = [post_document(pid, TEXTS[0], "posts.jsonl", n) for n, pid in enumerate(["a", "bad", "c"], start=1)]
    rows = _rows(docs, Settings(EngineSpec(scorer=""), Config()))
    assert [(r["id"], r["status"], r["n_findings"]) for r in rows] == [
        ("a", "ok", 1),
        ("bad", "error", 0),
        ("c", "ok", 1),
    ]
    [prob] = json.loads(rows[1]["problems"])
    assert (prob["code"], prob["line"]) == ("HC118", 2) and "RuntimeError: a bug in judging this post" in prob[
        "message"
    ]
