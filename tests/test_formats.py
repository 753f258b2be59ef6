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
