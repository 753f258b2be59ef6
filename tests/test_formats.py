"""Output formats for CI and moderators: SARIF, GitHub annotations, Markdown, CSV, JUnit."""

import csv
import io
import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from helpers import SHARED, jsonl, write

ARTICLE = (
    "# Calm Drops\n\n"
    "Our calm drops relieve anxiety in minutes.\n\n"
    "They are completely safe, with no side effects.\n"
    "Calm drops are not intended to diagnose, treat, cure or prevent any disease.\n"
)
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) Our tea cures *migraines* | fast."
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture()
def article(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "docs" / "calm.md", ARTICLE)
    return "docs/calm.md"


@pytest.mark.skipif(not SARIF_SCHEMA.exists(), reason="../shared/schemas not present")
def test_sarif_is_valid_and_locates_each_finding(article, run_cli):
    code, out, _ = run_cli("scan", "--format", "sarif", article)
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids) and "disease-treatment" in rule_ids
    results = run["results"]
    assert code == 1 and len(results) == 3
    first = results[0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/calm.md"
    assert (region["startLine"], region["startColumn"], region["endLine"], region["endColumn"]) == (3, 16, 3, 31)
    assert region["snippet"]["text"] == "relieve anxiety"
    assert first["level"] == "error" and "http" in first["message"]["text"]
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]


def test_sarif_fingerprints_survive_moved_lines(article, run_cli, tmp_path):
    before = json.loads(run_cli("scan", "-f", "sarif", article)[1])["runs"][0]["results"]
    write(tmp_path / "docs" / "calm.md", "Intro line.\n\nAnother line.\n" + ARTICLE)
    after = json.loads(run_cli("scan", "-f", "sarif", article)[1])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert (
        before[0]["locations"][0]["physicalLocation"]["region"]["startLine"] + 3
        == after[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    )


def test_output_is_deterministic(article, run_cli):
    for fmt in ("json", "sarif", "csv", "junit", "markdown", "github"):
        assert run_cli("scan", "-f", fmt, article)[1] == run_cli("scan", "-f", fmt, article)[1], fmt


def test_github_annotations(article, run_cli, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run_cli("scan", "--format", "github", article)
    lines = out.splitlines()
    assert len(lines) == 3 and code == 1
    assert lines[0].startswith("::error file=docs/calm.md,line=3,col=16,endLine=3,endColumn=31,title=")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert summary.read_text(encoding="utf-8").startswith("## healthclaims report")


def test_markdown_summary_escapes_scanned_text(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "post.txt", HOSTILE + "\n")
    code, out, _ = run_cli("scan", "--format", "markdown", "post.txt")
    assert "| disease_claim | 1 | 0 | 0 | 1 |" in out
    assert "<script>" not in out and "](javascript:" not in out
    assert "**cures \\*migraines**" in out


def test_csv_has_one_row_per_finding(tmp_path, run_cli):
    f = jsonl(
        tmp_path / "posts.jsonl",
        [{"id": "p1", "text": "Our tea cures migraines."}, {"id": "p2", "text": "Nice weather today."}],
    )
    code, out, _ = run_cli("scan", "--format", "csv", str(f))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["document"], r["line"], r["category"], r["claim"]) for r in rows] == [
        ("p1", "1", "disease_claim", "cures migraines")
    ]
    assert rows[0]["evidence_url"].startswith("http")


def test_junit_has_a_case_per_document(tmp_path, run_cli):
    f = jsonl(
        tmp_path / "posts.jsonl",
        [
            {"id": "p1", "text": "Our tea cures migraines. No side effects!"},
            {"id": "p2", "text": "Nice weather today."},
        ],
    )
    code, out, _ = run_cli("scan", "--format", "junit", str(f))
    suite = ET.fromstring(out)
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
    cases = {c.get("name"): len(c.findall("failure")) for c in suite.iter("testcase")}
    assert cases == {"p1": 2, "p2": 0}


# --- the report model (schema 2.0), text, Markdown, evidence show -----------------------------

POSTS = [
    {"id": "fern-1", "text": "Fernleaf tonic is lovely. Our turmeric capsules cure arthritis and lower cholesterol."},
    {"id": "fern-2", "text": "My turmeric shots cure arthritis, says @gran_maria, see #12."},
    {"id": "fern-3", "text": "The jar is green and the lid is gold."},
]


def _posts(tmp_path):
    return jsonl(tmp_path / "posts.jsonl", POSTS)


def test_json_report_holds_each_evidence_entry_once(tmp_path, run_cli):
    from analyzer.report import report_schema

    code, out, _ = run_cli("scan", "--format", "json", str(_posts(tmp_path)))
    report = json.loads(out)
    jsonschema.validate(report, report_schema())
    assert report["schema_version"] == "2.0" and code == 1
    findings = [f for d in report["documents"] for f in d["findings"]]
    refs = [ref for f in findings for ref in f["evidence"]]
    assert len(findings) >= 3 and len(refs) > len(report["evidence"])  # cited more often than held
    assert {ref["id"] for ref in refs} == set(report["evidence"])
    assert all(set(ref) == {"id", "fit"} for ref in refs)
    assert all("fit" not in entry and entry["sources"] for entry in report["evidence"].values())
    for f in findings:
        rule = report["rules"][f"{f['category']}/{f['rule_id']}"]
        assert rule["basis"]["authority"] and rule["fix"]
    for entry in report["evidence"].values():  # each summary written once
        assert out.count(json.dumps(entry["summary"], ensure_ascii=False)) == 1


def test_jsonl_lines_stand_alone(tmp_path, run_cli):
    from analyzer.report import report_schema

    schema = report_schema()
    document = {"$ref": "#/$defs/document", "$defs": schema["$defs"]}
    code, out, _ = run_cli("scan", "--format", "jsonl", str(_posts(tmp_path)))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in lines] == ["fern-1", "fern-2", "fern-3"]
    for d in lines:
        jsonschema.validate(d, document)
        for f in d["findings"]:
            lead, *rest = f["evidence"]
            assert lead["url"].startswith("http") and lead["verdict"] and lead["headline"]
            assert "\n" not in lead["headline"] and len(lead["headline"]) <= 160
            assert all(set(ref) == {"id", "fit"} for ref in rest)


def test_evidence_show_prints_an_entry_and_rejects_unknown_ids(tmp_path, run_cli):
    out = run_cli("scan", "--format", "jsonl", str(_posts(tmp_path)))[1]
    ref = json.loads(out.splitlines()[0])["findings"][0]["evidence"][0]
    code, shown, _ = run_cli("evidence", "show", ref["id"])
    assert code == 0 and shown.startswith(ref["id"] + "  (") and ref["url"] in shown
    code, shown, _ = run_cli("evidence", "show", ref["id"], "--format", "json")
    assert json.loads(shown)["id"] == ref["id"]
    code, _, err = run_cli("evidence", "show", ref["id"] + "x")
    assert code == 2 and "error HC401: unknown evidence id" in err and ref["id"] in err


def test_text_marks_the_claim_and_shows_one_evidence_line(tmp_path, run_cli):
    code, out, _ = run_cli("scan", str(_posts(tmp_path)))
    lines = out.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'posts.jsonl'}:1:") and "[fern-1]: high disease_claim/" in lines[0]
    assert "confidence" in lines[0] and "basis: 21 CFR 101.93(g)" in lines[0]
    assert lines[1] == "    Our turmeric capsules «cure arthritis» and lower cholesterol."
    assert lines[2].startswith("    = ") and " http" in lines[2] and len(lines[2]) < 260
    assert lines[4] == "    Our turmeric capsules cure arthritis and «lower cholesterol»."
    assert lines[-1] == "Found 3 claims in 2 of 3 documents." and len(lines) == 3 * 3 + 1


def test_text_is_cut_to_the_width_around_the_claim(tmp_path, run_cli, monkeypatch):
    long = "On a grey morning by the harbour with gulls overhead and a flask of tea " * 3
    f = write(tmp_path / "long.txt", long + "our turmeric capsules cure arthritis in a week.\n")
    monkeypatch.setenv("COLUMNS", "100")
    out = run_cli("scan", str(f))[1].splitlines()
    assert len(out[1]) <= 100 and out[1].startswith("    …") and "«cure arthritis»" in out[1]
    assert len(out[2]) <= 100 and "… http" in out[2]  # the summary is cut, never the URL
    monkeypatch.delenv("COLUMNS")
    assert long.strip() in run_cli("scan", str(f))[1]  # not a terminal: nothing cut


def test_text_escapes_control_characters_in_paths_ids_and_text(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "shop\x1b[2J.txt", "Our turmeric capsules cure arthritis \x1b]0;owned\x07 today.\n")
    jsonl(tmp_path / "p.jsonl", [{"id": "a\x1b[31mb\u202e", "text": "Our turmeric capsules cure arthritis."}])
    out = run_cli("scan", "shop\x1b[2J.txt", "p.jsonl")[1]
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "shop\\x1b[2J.txt:1:" in out and "[a\\x1b[31mb\\u202e]" in out and "\\x1b]0;owned\\x07" in out


def test_statistics_and_quiet(tmp_path, run_cli):
    posts = _posts(tmp_path)
    code, out, _ = run_cli("scan", "--statistics", str(posts))
    rows = out.splitlines()
    assert code == 1 and rows[-1].startswith("Found ")
    counts = [int(row.split()[0]) for row in rows[:-1]]
    assert counts == sorted(counts, reverse=True) and "disease_claim/disease-treatment" in rows[0]
    full = run_cli("scan", "-f", "json", str(posts))[1]
    assert sum(counts) == json.loads(full)["summary"]["findings"]
    code, out, _ = run_cli("scan", "--quiet", str(posts))
    assert code == 1 and len(out.splitlines()) == sum(counts) and "Found" not in out
    assert 'disease_claim/disease-treatment "cure arthritis" (confidence ' in out.splitlines()[0]
    code, _, err = run_cli("scan", "--statistics", "-f", "json", str(posts))
    assert code == 2 and "HC307" in err


def test_markdown_has_a_block_per_sentence_and_evidence_once(tmp_path, run_cli):
    out = run_cli("scan", "--format", "markdown", str(_posts(tmp_path)))[1]
    report = json.loads(run_cli("scan", "--format", "json", str(_posts(tmp_path)))[1])
    findings = [f for d in report["documents"] for f in d["findings"]]
    sentences = {(d["id"], f["sentence"]) for d in report["documents"] for f in d["findings"]}
    assert out.count("\n### ") == len(sentences) < len(findings)
    assert "**cure arthritis** and **lower cholesterol**" in out
    assert "## Evidence" in out
    for entry_id in report["evidence"]:
        assert out.count(f"\n#### {entry_id.replace('_', chr(92) + '_')}\n") == 1
    assert "@gran" not in out and "@&#8203;gran" in out and "#&#8203;12" in out


def test_progress_line_waits_for_a_slow_run():
    from analyzer.run.progress import Progress

    quick, slow = io.StringIO(), io.StringIO()
    meter = Progress(None, True, quick, delay=2.0)
    meter.update(10)
    meter.close()
    assert quick.getvalue() == ""
    meter = Progress(None, True, slow, delay=0.0)
    meter.update(10)
    meter.close()
    assert "1 documents" in slow.getvalue() and slow.getvalue().endswith("\n")


def test_problem_messages_escape_the_path(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "odd\x1b]0;title\x07\n::error::x.txt"
    (tmp_path / name).write_bytes(b"a\x00b")
    code, _, err = run_cli("scan", name)
    assert code == 2 and "\x1b" not in err and "\x07" not in err
    assert err.splitlines()[0].startswith("odd\\x1b]0;title\\x07\\n::error::x.txt:1: error HC102")


def test_json_layout_is_json_whatever_the_text():
    from analyzer.report.formats.json import layout

    value = {"b": [{"x": 'quote " and \\ and \n\u2028'}, []], "a": {"c": {"d": [1, None, True]}}, "e": {}}
    text = layout(value)
    assert json.loads(text) == value
    assert text.splitlines()[1] == '  "a": {' and '"e": {}' in text  # sorted keys, indented
