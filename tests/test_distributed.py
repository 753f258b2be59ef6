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
