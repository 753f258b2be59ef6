"""Bulk runs for moderators: CSV and gzip exports, streamed JSONL output, --resume, --jobs."""

import csv
import gzip
import json

from helpers import write

POSTS = [
    {"id": f"p{n}", "text": text}
    for n, text in enumerate(
        [
            "Our ginger chews cure migraines.",
            "Lovely weather for the market today.",
            "These gummies melt belly fat while you sleep.",
            "Is kratom safe to use every day?",
            "Our kava drops are completely safe.",
            "Shipping was quick, thanks!",
        ]
        * 5
    )
]


def write_jsonl_gz(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return path


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_csv_export_with_bad_rows(tmp_path, run_cli):
    f = tmp_path / "posts.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["post_id", "body", "author"])
        w.writerow(["a", "Our ginger chews cure migraines.\nSecond line of the post.", "x"])
        w.writerow(["b", "Nice weather.", "y"])
    with f.open("ab") as fh:
        fh.write(b"c,caf\xe9 latte,z\n")
    code, out, err = run_cli("scan", "--format", "json", "--id-field", "post_id", "--text-field", "body", str(f))
    docs = json.loads(out)["documents"]
    assert [(d["id"], d["status"], len(d["findings"])) for d in docs] == [
        ("a", "ok", 1),
        ("b", "ok", 0),
        (f"{f}:5", "error", 0),
    ]
    assert f"{f}:5: error HC103" in err and code == 2
    code, _, err = run_cli("scan", "--text-field", "missing", str(f))
    assert code == 2 and f"{f}:1: error HC105" in err


def test_gzip_jsonl_streams_in_input_order(tmp_path, run_cli):
    f = write_jsonl_gz(tmp_path / "posts.jsonl.gz", POSTS)
    out = tmp_path / "findings.jsonl"
    code, _, _ = run_cli("scan", "--format", "jsonl", "--output", str(out), str(f))
    got = lines(out)
    assert code == 1 and [d["id"] for d in got] == [p["id"] for p in POSTS]
    assert [len(d["findings"]) > 0 for d in got[:6]] == [True, False, True, False, True, False]


def test_resume_continues_a_killed_run(tmp_path, run_cli):
    f = write(tmp_path / "posts.jsonl", "".join(json.dumps(p) + "\n" for p in POSTS))
    full = tmp_path / "full.jsonl"
    run_cli("scan", "-f", "jsonl", "-o", str(full), str(f))
    expected = full.read_text(encoding="utf-8")
    # a killed run: 7 whole lines and a torn eighth
    partial = tmp_path / "partial.jsonl"
    keep = expected.splitlines(keepends=True)
    partial.write_text("".join(keep[:7]) + keep[7][:20], encoding="utf-8")
    code, _, _ = run_cli("scan", "-f", "jsonl", "-o", str(partial), "--resume", str(f))
    assert partial.read_text(encoding="utf-8") == expected
    code, _, err = run_cli("scan", "--resume", str(f))
    assert code == 2 and "HC307" in err


def test_two_jobs_give_the_same_report(tmp_path, run_cli):
    f = write(tmp_path / "posts.jsonl", "".join(json.dumps(p) + "\n" for p in POSTS))
    one = run_cli("scan", "-f", "json", "--jobs", "1", str(f))[1]
    two = run_cli("scan", "-f", "json", "--jobs", "2", str(f))[1]
    assert json.loads(one) == json.loads(two)


def test_progress_only_when_asked_or_on_a_terminal(tmp_path, run_cli):
    f = write(tmp_path / "posts.jsonl", "".join(json.dumps(p) + "\n" for p in POSTS))
    _, _, err = run_cli("scan", "-f", "jsonl", str(f))
    assert "documents," not in err
    _, _, err = run_cli("scan", "-f", "jsonl", "--progress", str(f))
    assert "30 documents," in err and "100.0%" in err


def test_jsonl_with_two_jobs_matches_one_job(tmp_path, run_cli):
    rows = POSTS * 6 + [{"id": "bad"}]
    f = write(tmp_path / "posts.jsonl", "".join(json.dumps(p) + "\n" for p in rows))
    write(tmp_path / ".healthclaims.toml", 'disable = ["safety-claim"]\n')
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    code1, _, err1 = run_cli(
        "scan", "-f", "jsonl", "-o", str(one), "--config", str(tmp_path / ".healthclaims.toml"), str(f)
    )
    code2, _, err2 = run_cli(
        "scan", "-f", "jsonl", "-o", str(two), "--jobs", "2", "--config", str(tmp_path / ".healthclaims.toml"), str(f)
    )
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert (code1, err1) == (code2, err2) == (2, err1) and "HC105" in err1
    assert not any(f["rule_id"] == "safety-claim" for d in lines(one) for f in d["findings"])


def test_hostile_inputs_give_the_same_report_with_workers(tmp_path, run_cli, monkeypatch):
    """Issue 17's bad inputs on every path: each costs only itself, with the same codes, with or without workers."""
    import os

    monkeypatch.chdir(tmp_path)
    good = [json.dumps(p) for p in POSTS[:6]]
    bad = [
        '{"id": "lone\\udc80", "text": "Our ginger chews cure migraines."}',
        '{"id": "deep", "text": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"id": ' + "3" * 5000 + ', "text": "Our kava drops cure anxiety."}',
        json.dumps({"id": "p0", "text": "A second post with the id p0 cures migraines."}),
        '{"id": "wide", "text": "caf\xe9"}',
    ]
    write(tmp_path / "posts.jsonl", "\n".join(good + bad) + "\n")
    write(tmp_path / "table.csv", 'id,text\nq1,"Ginger cures migraines.\nq2,Shipping was quick.\n')
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "latin.jsonl").write_bytes(b'{"id": "l", "text": "caf\xe9"}\n' + good[0].encode() + b"\n")
    inputs = ["posts.jsonl", "table.csv", "pipe.jsonl", "latin.jsonl"]
    one = run_cli("scan", "-f", "json", "--jobs", "1", *inputs)
    two = run_cli("scan", "-f", "json", "--jobs", "2", *inputs)
    assert one[0] == two[0] == 2 and one[2] == two[2] and json.loads(one[1]) == json.loads(two[1])
    codes = sorted(line.split(" ")[2].rstrip(":") for line in one[2].splitlines())
    assert codes == ["HC103", "HC104", "HC111", "HC114", "HC114", "HC115", "HC116"]  # latin.jsonl repeats p0
    run_cli("scan", "-f", "jsonl", "-o", "one.jsonl", "--jobs", "1", *inputs)
    run_cli("scan", "-f", "jsonl", "-o", "two.jsonl", "--jobs", "2", *inputs)
    assert lines(tmp_path / "one.jsonl") == lines(tmp_path / "two.jsonl")
    report = {d["id"]: d["status"] for d in json.loads(one[1])["documents"]}
    assert len(report) == 6 + 5 + 2 + 1 + 2  # every post, every file, with its own id
