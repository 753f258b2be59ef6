"""Bad input: a clear message naming file and line, the rest still scanned, every document reported."""

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from helpers import jsonl as jsonl_file
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


# --------------------------------------------------------------------------- issue 17: nothing lost


def test_names_that_are_not_utf8_are_scanned_and_shown_escaped(tmp_path: Path, run_cli, monkeypatch):
    folder = tmp_path / os.fsdecode(b"f\xe9")
    write(folder / os.fsdecode(b"caf\xe9.md"), CLAIM)
    write(folder / os.fsdecode(b"skip\xe9.md"), CLAIM)
    (tmp_path / ".gitignore").write_bytes(b"skip\xe9.md\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # the names go through git check-ignore too
    monkeypatch.chdir(tmp_path)
    code, report, err = scan_json(run_cli, os.fsdecode(b"f\xe9"))
    assert code == 1, err
    (doc,) = report["documents"]
    assert doc["path"] == "f\\xe9/caf\\xe9.md" and doc["status"] == "ok" and len(doc["findings"]) == 1


def test_broken_json_posts_each_get_one_code_and_the_rest_are_scanned(tmp_path: Path, run_cli):
    posts = tmp_path / "posts.jsonl"
    deep = '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    posts.write_text(
        "\n".join(
            [
                '{"id": "lone\\udc80", "text": "' + CLAIM.strip() + '"}',
                deep,
                '{"id": ' + "7" * 5000 + ', "text": "' + CLAIM.strip() + '"}',
                '{"id": "big-text", "text": ' + "9" * 5000 + "}",
                '{"id": "ctl", "text": "a\tb"}',
                json.dumps({"id": "fine", "text": CLAIM}),
            ]
        )
        + "\n"
    )
    code, report, err = scan_json(run_cli, posts)
    docs = {d["id"]: (d["status"], len(d["findings"])) for d in report["documents"]}
    assert docs == {
        "lone\\udc80": ("ok", 1),  # kept, its id shown escaped
        f"{posts}:2": ("error", 0),
        "7" * 5000: ("ok", 1),
        "big-text": ("error", 0),
        f"{posts}:5": ("error", 0),
        "fine": ("ok", 1),
    }
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    assert f"{posts}:1: warning HC115" in err
    assert f"{posts}:2: error HC104: malformed JSON on this line (nested too deeply)" in err
    assert f"{posts}:4: error HC105" in err
    assert f"{posts}:5: error HC104: malformed JSON on this line (Invalid control character at column 25)" in err
    assert len(err.strip().splitlines()) == 4


def test_symlink_loops_fifos_and_devices_are_reported_not_read(tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "good.md", CLAIM)
    os.symlink("loop.md", tmp_path / "loop.md")
    os.mkfifo(tmp_path / "pipe.txt")
    for fmt in ("sarif", "github", "json"):
        code, out, err = run_cli("scan", "--format", fmt, "good.md", "loop.md", "pipe.txt", "/dev/zero")
        assert code == 2 and "internal error" not in err, (fmt, err)
        assert "loop.md: error HC101: cannot read file: Too many levels of symbolic links" in err
        assert "pipe.txt: error HC111: a FIFO, not a regular file" in err
        assert "/dev/zero: error HC111: a character device" in err
    report = json.loads(out)
    assert [(d["id"], d["status"]) for d in report["documents"]] == [
        ("good.md", "ok"),
        ("loop.md", "error"),
        ("pipe.txt", "error"),
        ("/dev/zero", "error"),
    ]


def test_a_symlink_loop_in_a_repository_with_diff(tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    write(tmp_path / "docs" / "a.md", "Nothing to see.\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    write(tmp_path / "docs" / "a.md", "Nothing to see.\n" + CLAIM)
    os.symlink("self.md", tmp_path / "docs" / "self.md")
    write(tmp_path / ".healthclaims.toml", 'include = ["docs/**"]\n')  # include globs resolve every file found
    code, out, err = run_cli("scan", "--diff", "HEAD", "--format", "sarif", "docs")
    assert "internal error" not in err
    assert "docs/self.md: error HC101" in err and code == 2
    results = json.loads(out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [2]


def test_csv_unterminated_quote_and_header_only_file(tmp_path: Path, run_cli):
    broken = tmp_path / "broken.csv"
    broken.write_text('id,text\na,"Ginger chews cure\nb,Shipping takes three days.\nc,' + CLAIM)
    header = write(tmp_path / "header.csv", "id,text\n")
    code, report, err = scan_json(run_cli, broken, header)
    docs = [(d["id"], d["status"], d.get("source_line")) for d in report["documents"]]
    assert docs == [
        (f"{broken}:2", "error", 2),
        ("b", "ok", 3),
        ("c", "ok", 4),
        (str(header), "empty", None),
    ]
    assert (
        f"{broken}:2: error HC116: malformed CSV record (a quote opened on this line is not closed where a field ends)"
        in err
    )
    assert f"{header}: warning HC106" in err
    assert report["documents"][2]["findings"][0]["text"] == "cure migraines"


def test_an_unreadable_subdirectory_is_reported(tmp_path: Path, run_cli, monkeypatch):
    write(tmp_path / "docs" / "a.md", CLAIM)
    write(tmp_path / "docs" / "locked" / "b.md", CLAIM)
    scandir = os.scandir

    def deny(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    code, report, err = scan_json(run_cli, tmp_path / "docs")
    locked = tmp_path / "docs" / "locked"
    assert [(d["id"], d["status"]) for d in report["documents"]] == [
        (str(tmp_path / "docs" / "a.md"), "ok"),
        (str(locked), "error"),
    ]
    assert f"{locked}: error HC117: cannot list directory: Permission denied" in err and code == 2


def test_duplicate_post_ids_are_warned_about_and_kept_apart(tmp_path: Path, run_cli):
    posts = jsonl_file(tmp_path / "posts.jsonl", [{"id": "7", "text": CLAIM}, {"id": "7", "text": CLAIM}])
    code, out, err = run_cli("scan", "--format", "sarif", str(posts))
    assert f"{posts}:2: warning HC114: duplicate post id '7'" in err
    prints = [r["partialFingerprints"]["healthclaims/v1"] for r in json.loads(out)["runs"][0]["results"]]
    assert len(prints) == 2 and len(set(prints)) == 2
    _, report, _ = scan_json(run_cli, posts)
    assert [d["id"] for d in report["documents"]] == ["7", f"7@{posts}:2"]


@pytest.mark.parametrize("brk", ["\r", "\r\n", "\x85", "\u2028", "\u2029"])
def test_every_line_ending_counts_as_one_line(tmp_path: Path, run_cli, brk):
    f = tmp_path / "notes.txt"
    f.write_bytes(brk.join(["Shipping takes three days.", "", "Our ginger chews cure migraines."]).encode("utf-8"))
    _, report, _ = scan_json(run_cli, f)
    (finding,) = report["documents"][0]["findings"]
    assert (finding["line"], finding["column"]) == (3, 18)


def test_post_lines_point_into_the_file(tmp_path: Path, run_cli):
    text = "Hello.\n<!-- healthclaims-disable-next-line -->\nNice day.\n" + CLAIM
    posts = jsonl_file(tmp_path / "posts.jsonl", [{"id": "a", "text": "Hi."}, {"id": "b", "text": text}])
    table = tmp_path / "posts.csv"
    table.write_text('id,text\nz,"' + text + '"\n', encoding="utf-8")
    code, out, err = run_cli("scan", "--format", "text", str(posts), str(table))
    assert f"{posts}:2:" in out  # a JSONL post is all on its record's line
    assert f"{posts}:2: warning HC110" in err
    assert f"{table}:5:" in out  # a CSV post's text runs over the file's lines
    assert f"{table}:3: warning HC110" in err


def test_html_findings_are_slices_of_the_file_and_entities_are_read(tmp_path: Path, run_cli):
    page = write(
        tmp_path / "page.html",
        "<p>Kava <b>cures</b> anxiety.</p>\n<p>Ginger chews cure&nbsp;migraines.</p>\n"
        "<p>Valerian doesn&rsquo;t cure insomnia &amp; never did.</p>\n",
    )
    _, report, _ = scan_json(run_cli, page)
    text = page.read_text()
    found = report["documents"][0]["findings"]
    assert [(f["text"], f["line"]) for f in found] == [("cures</b> anxiety", 1), ("cure&nbsp;migraines", 2)]
    assert all(text[f["start"] : f["end"]] == f["text"] for f in found)


def test_analyze_reads_a_lone_surrogate_as_a_replacement_character():
    from analyzer import analyze

    text = "Our ginger chews \udc80 cure migraines."
    (finding,) = analyze(text)
    assert text[finding.start : finding.end] == finding.text == "cure migraines"


def test_a_document_the_pipeline_fails_on_costs_only_itself(tmp_path: Path, run_cli, monkeypatch):
    from analyzer.run import scan

    real = scan.analyze_many

    def fragile(texts, nlp, batch_size=64):
        for text in texts:
            if "kaboom" in text:
                raise RuntimeError("kaboom")
            yield from real([text], nlp)

    monkeypatch.setattr(scan, "analyze_many", fragile)
    good = write(tmp_path / "a.md", CLAIM)
    bad = write(tmp_path / "b.md", "kaboom " + CLAIM)
    code, report, err = scan_json(run_cli, good, bad)
    assert [(d["status"], len(d["findings"])) for d in report["documents"]] == [("ok", 1), ("error", 0)]
    assert f"{bad}: error HC118: internal error while reading or scanning this document (RuntimeError: kaboom)" in err


def test_only_a_quote_left_open_at_the_end_is_a_broken_csv_record():
    from analyzer.run.inputs import csv_records

    lenient = list(csv_records(iter(["id,text\n", 'a,"x"y'])))  # a stray character after a quote: read as is
    assert lenient == [(1, ["id", "text"], "id,text\n"), (2, ["a", "xy"], 'a,"x"y')]
    lines = ["id,text\r\n", 'a,"x\r\n', "b,c\r\n", 'd,"two\r\n', 'lines"\r\n', 'e,"closed "" in\n', 'time"\n']
    broken = list(csv_records(iter(lines)))  # the quote of line 2 would take lines 3 and 4
    assert [(line, cells) for line, cells, _ in broken] == [
        (1, ["id", "text"]),
        (2, None),
        (3, ["b", "c"]),
        (4, ["d", "two\r\nlines"]),
        (6, ["e", 'closed " in\ntime']),
    ]


def test_diff_matches_git_lines_whatever_the_line_endings(tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    page = tmp_path / "a.md"
    page.write_bytes("One.\rTwo.\u2028Three.\n".encode())
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    page.write_bytes(page.read_bytes() + CLAIM.encode())  # git's line 2, our line 4 (CR and U+2028 end lines)
    code, report, err = scan_json(run_cli, "--diff", "HEAD", "a.md")
    assert [f["line"] for f in report["documents"][0]["findings"]] == [4] and code == 1, err


def test_a_utf16_file_gets_one_message_whatever_its_kind(tmp_path: Path, run_cli):
    files = []
    for name, body in [("a.jsonl", json.dumps({"id": "a", "text": CLAIM}) + "\n"), ("b.csv", "id,text\nb,x\n")]:
        files.append(tmp_path / name)
        files[-1].write_text(body * 50, encoding="utf-16")
    files.append(tmp_path / "c.txt")
    files[-1].write_text(CLAIM, encoding="utf-32")
    code, report, err = scan_json(run_cli, *files)
    assert [d["status"] for d in report["documents"]] == ["error"] * 3 and code == 2
    assert err.splitlines() == [
        f"{files[0]}:1: error HC119: the file is UTF-16LE (its byte order mark says so), not UTF-8; "
        "re-encode it, e.g. iconv -f UTF-16 -t UTF-8.",
        f"{files[1]}:1: error HC119: the file is UTF-16LE (its byte order mark says so), not UTF-8; "
        "re-encode it, e.g. iconv -f UTF-16 -t UTF-8.",
        f"{files[2]}:1: error HC119: the file is UTF-32LE (its byte order mark says so), not UTF-8; "
        "re-encode it, e.g. iconv -f UTF-32 -t UTF-8.",
    ]


def test_diff_finds_changed_lines_in_a_file_whose_name_is_not_utf8(tmp_path: Path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    page = tmp_path / os.fsdecode(b"caf\xe9 \t.md")  # git quotes this name in its diff
    page.write_text("Nothing to see.\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    page.write_text("Nothing to see.\n" + CLAIM)
    code, report, err = scan_json(run_cli, "--diff", "HEAD", ".")
    (doc,) = report["documents"]
    assert doc["path"] == "caf\\xe9 \t.md" and [f["line"] for f in doc["findings"]] == [2] and code == 1, err
