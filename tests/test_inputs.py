"""Bad input: a clear message naming file and line, the rest still scanned, every document reported."""

import json
from pathlib import Path

import jsonschema
from helpers import write

from analyzer.report import report_schema

CLAIM = "Our ginger chews cure migraines.\n"


def scan_json(run_cli, *paths):
    code, out, err = run_cli("scan", "--format", "json", *map(str, paths))
    report = json.loads(out)
    jsonschema.validate(report, report_schema())
    return code, report, err


def test_every_bad_input_is_reported_and_good_ones_still_scanned(tmp_path: Path, run_cli):
    good = write(tmp_path / "good.txt", CLAIM)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"line one\nline two caf\xe9\n")
    empty = write(tmp_path / "empty.md", "")
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        json.dumps({"id": "a", "text": CLAIM})
        + "\n{not json\n"
        + json.dumps({"id": "c"})
        + "\n"
        + json.dumps({"id": "d", "text": CLEAN_POST})
        + "\n"
    )
    missing = tmp_path / "missing.txt"
    code, report, err = scan_json(run_cli, good, binary, latin, empty, posts, missing)
    assert code == 2
    status = {d["id"]: d["status"] for d in report["documents"]}
    assert status == {
        str(good): "ok",
        str(binary): "error",
        str(latin): "error",
        str(empty): "empty",
        "a": "ok",
        f"{posts}:2": "error",
        "c": "error",
        "d": "ok",
        str(missing): "error",
    }
    lines = err.splitlines()
    assert f"{binary}:3: error HC102" in err  # the line of the first NUL byte
    assert f"{latin}:2: error HC103" in err
    assert f"{empty}: warning HC106" in err
    assert f"{posts}:2: error HC104" in err
    assert f"{posts}:3: error HC105" in err
    assert f"{missing}: error HC107" in err
    assert all("Traceback" not in line for line in lines)
    assert len([ln for ln in lines if "HC10" in ln]) == 6
    found = {d["id"]: len(d["findings"]) for d in report["documents"]}
    assert found[str(good)] == 1 and found["a"] == 1 and found["d"] == 0


CLEAN_POST = "Shipping takes three days."


def test_a_post_with_an_unpaired_surrogate_escape_is_an_error_of_its_own(tmp_path: Path, run_cli):
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"id": "x", "text": "Ginger chews cure migraines \\ud83d!"}\n' + json.dumps({"id": "y", "text": CLAIM}) + "\n"
    )
    code, report, err = scan_json(run_cli, posts)
    assert code == 2
    assert {d["id"]: d["status"] for d in report["documents"]} == {"x": "error", "y": "ok"}
    assert f"{posts}:1: error HC108" in err and "\\ud83d" in err and "Traceback" not in err


def test_unreadable_file(tmp_path: Path, run_cli, monkeypatch):
    f = write(tmp_path / "locked.txt", CLAIM)
    original = Path.read_bytes

    def deny(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    code, report, err = scan_json(run_cli, f)
    assert code == 2 and report["documents"][0]["status"] == "error"
    assert f"{f}: error HC101: cannot read file: Permission denied" in err


def test_five_megabyte_single_line(tmp_path: Path, run_cli):
    chunk = "Plain words about a garden path and the weather today. "
    body = chunk * (5_000_000 // len(chunk)) + "Our ginger chews cure migraines."
    f = write(tmp_path / "huge.txt", body)
    code, report, _ = scan_json(run_cli, f)
    (doc,) = report["documents"]
    assert doc["status"] == "ok" and len(doc["findings"]) == 1
    finding = doc["findings"][0]
    assert body[finding["start"] : finding["end"]] == finding["text"] == "cure migraines"
    assert finding["line"] == 1 and finding["column"] == finding["start"] + 1
