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
    inputs = _posts(tmp_path)
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


def _config(tmp_path):
    from analyzer.run.config import load_config

    return load_config(tmp_path / ".healthclaims.toml")
