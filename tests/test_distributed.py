"""The Dask engine, for real, on a LocalCluster with two worker processes."""

import json

import pytest
from helpers import write

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

POSTS = [
    {"id": f"p{n}", "text": t}
    for n, t in enumerate(
        [
            "Our ginger chews cure migraines.",
            "Lovely weather for the market today.",
            "These gummies melt belly fat while you sleep. No side effects!",
            "Is kratom safe to use every day?",
        ]
        * 6
    )
]


def test_dask_matches_single_process(tmp_path, run_cli):
    jsonl = write(tmp_path / "posts.jsonl", "".join(json.dumps(p) + "\n" for p in POSTS) + "{broken\n")
    parquet = tmp_path / "posts.parquet"
    pd.DataFrame(POSTS[:8]).to_parquet(parquet)
    out = tmp_path / "findings"
    code, stdout, err = run_cli("dask", str(jsonl), str(parquet), "--output", str(out), "--workers", "2")
    assert code == 2, err  # the broken line is an error post, the rest are scanned
    assert "Scanned 33 posts" in stdout
    rows = pd.read_parquet(out)
    assert list(rows["id"][:24]) == [p["id"] for p in POSTS]
    assert rows["status"].tolist().count("error") == 1
    single = json.loads(run_cli("scan", "--format", "json", str(jsonl))[1])["documents"]
    single = {d["id"]: [(f["rule_id"], f["start"], f["end"]) for f in d["findings"]] for d in single}
    for row in rows.itertuples():
        if row.status == "ok":
            got = [(f["rule_id"], f["start"], f["end"]) for f in json.loads(row.findings)]
            assert got == single[row.id]


def test_dask_reads_bad_posts_as_scan_does(tmp_path, run_cli, monkeypatch):
    """Invalid UTF-8, a post without an id, an empty post, a control character: the same ids, statuses and
    coded problems (file and line) as ``scan``, however the input is cut into blocks."""
    from analyzer.distributed import scan_dataset

    monkeypatch.chdir(tmp_path)
    filler = [json.dumps(p).encode() for p in POSTS]
    odd = [
        b'{"id": "u", "text": "caf\xe9 cures migraines"}',
        json.dumps({"text": "Our ginger chews cure migraines."}).encode(),
        json.dumps({"id": "blank", "text": "  "}).encode(),
        b'{"id": "ctl", "text": "a\tb"}',
    ]
    tail = [json.dumps({"id": f"t{n}", "text": p["text"]}).encode() for n, p in enumerate(POSTS[:3])]
    (tmp_path / "b.jsonl").write_bytes(b"\n".join(filler + odd + tail + [b""]))
    pd.DataFrame([{"id": None, "text": "Our kava drops cure anxiety."}, {"id": "r2", "text": None}]).to_parquet(
        "rows.parquet"
    )
    counts = scan_dataset(["b.jsonl", "rows.parquet", "gone.jsonl"], "out", workers=2, blocksize="1KiB")
    rows = pd.read_parquet("out")
    single = json.loads(run_cli("scan", "--format", "json", "b.jsonl")[1])["documents"]
    expected = [(d["id"], d["status"], [(p["code"], p["line"]) for p in d["problems"]]) for d in single]
    got = [(r.id, r.status, [(p["code"], p["line"]) for p in json.loads(r.problems)]) for r in rows.itertuples()]
    assert got[: len(expected)] == expected
    assert ("b.jsonl:25", "error", [("HC103", 25)]) in got and ("b.jsonl:26", "ok", []) in got
    assert ("blank", "empty", [("HC106", 27)]) in got
    problems = json.loads(rows[rows["id"] == "b.jsonl:28"]["problems"].iloc[0])
    assert problems[0]["message"].startswith("malformed JSON on this line (Invalid control character at column 25)")
    assert got[len(expected) :] == [
        ("rows.parquet:1", "ok", []),
        ("r2", "error", [("HC105", 2)]),
        ("gone.jsonl", "error", [("HC107", None)]),  # a missing input is reported, the others still scanned
    ]
    assert counts["posts"] == len(expected) + 3
