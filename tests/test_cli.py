"""The command line as a user runs it: formats, exit codes, rules, explain, validate, eval."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from helpers import jsonl, write

from analyzer.report import report_schema

CLAIM = "Our ginger chews cure migraines.\n"
CLEAN = "Our ginger chews taste of lemon.\n"


def test_text_format_points_at_file_line_column(tmp_path, run_cli):
    f = write(tmp_path / "page.txt", "Ginger Chews\n\n" + CLAIM)
    code, out, _ = run_cli("scan", str(f))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{f}:3:18: high disease_claim/disease-treatment")
    lines = out.splitlines()
    assert lines[1] == "    Our ginger chews «cure migraines»." and lines[2].startswith("    = ") and "http" in lines[2]
    assert out.splitlines()[-1].startswith("Found 1 claim in 1 of 1 document")
    assert "\033[" not in out  # no colour when not a terminal


def test_json_report_is_valid_and_offsets_are_exact(tmp_path, run_cli):
    f = write(tmp_path / "page.md", "# Ginger\n\n" + CLAIM + "\nNo more migraines with our chews!\n")
    code, out, _ = run_cli("scan", "--format", "json", str(f))
    report = json.loads(out)
    jsonschema.validate(report, report_schema())
    text = f.read_text()
    findings = report["documents"][0]["findings"]
    assert findings and code == 1
    for finding in findings:
        assert text[finding["start"] : finding["end"]] == finding["text"]
        assert report["evidence"][finding["evidence"][0]["id"]]["sources"][0]["url"].startswith("http")
    assert report["summary"]["findings"] == len(findings)


def test_exit_codes_follow_fail_on(tmp_path, run_cli):
    claim = write(tmp_path / "claim.txt", "Our drops are completely safe.\n")  # a medium finding
    clean = write(tmp_path / "clean.txt", CLEAN)
    assert run_cli("scan", str(clean))[0] == 0
    assert run_cli("scan", str(claim))[0] == 1
    assert run_cli("scan", "--fail-on", "medium", str(claim))[0] == 1
    assert run_cli("scan", "--fail-on", "high", str(claim))[0] == 0
    assert run_cli("scan", "--fail-on", "none", str(claim))[0] == 0
    assert run_cli("scan", "--fail-on", "bogus", str(claim))[0] == 2


def test_directories_are_scanned_recursively_in_order(tmp_path, run_cli):
    write(tmp_path / "b" / "two.md", CLAIM)
    write(tmp_path / "a" / "one.txt", CLAIM)
    write(tmp_path / "a" / "skip.py", CLAIM)
    code, out, _ = run_cli("scan", "--format", "json", str(tmp_path))
    paths = [d["path"] for d in json.loads(out)["documents"]]
    assert paths == [str(tmp_path / "a" / "one.txt"), str(tmp_path / "b" / "two.md")]


def test_jsonl_posts_are_documents_with_their_ids(tmp_path, run_cli):
    f = jsonl(tmp_path / "posts.jsonl", [{"post": "p1", "body": CLAIM}, {"post": "p2", "body": CLEAN}])
    code, out, _ = run_cli("scan", "--format", "json", "--id-field", "post", "--text-field", "body", str(f))
    docs = json.loads(out)["documents"]
    assert [(d["id"], len(d["findings"])) for d in docs] == [("p1", 1), ("p2", 0)]
    code, out, _ = run_cli("scan", "--id-field", "post", "--text-field", "body", str(f))
    assert out.startswith(f"{f}:1:")


def test_stdin(run_cli):
    code, out, _ = run_cli("scan", "-", input=CLAIM)
    assert code == 1 and out.startswith("<stdin>:1:")


def test_rules_explain_validate(run_cli):
    code, out, _ = run_cli("rules")
    assert code == 0 and "disease-treatment" in out and "drug-comparison" in out
    code, out, _ = run_cli("explain", "drug-comparison")
    assert code == 0 and "Basis:" in out and "How to fix:" in out and "http" in out
    code, _, err = run_cli("explain", "no-such-rule")
    assert code == 2 and "HC301" in err
    code, out, _ = run_cli("patterns", "validate")
    assert code == 0 and out.startswith("ok:")
    code, out, _ = run_cli("rules", "test")
    assert code == 0 and " passed, 0 failed" in out


def test_broken_pattern_dir_exits_2_with_file_and_line(tmp_path, run_cli):
    write(tmp_path / "pk" / "broken.yaml", "class: SUBSTANCE\nentries:\n  - id: x\n    terms: 7\n")
    code, _, err = run_cli("scan", "--patterns", str(tmp_path / "pk"), "-", input=CLAIM)
    assert code == 2
    assert "broken.yaml:4: error HC202" in err and "entries.0.terms" in err
    code, _, err = run_cli("patterns", "validate", str(tmp_path / "pk"))
    assert code == 2 and "HC202" in err


def test_eval_reports_per_category(tmp_path, run_cli):
    f = jsonl(
        tmp_path / "labelled.jsonl",
        [
            {"text": "Our ginger chews cure migraines.", "label": 1, "type": "disease_treatment"},
            {"text": "Valerian is nature's Valium.", "label": 1, "type": "drug_comparison"},
            {"text": "Ginger is a root.", "label": 0, "type": "none"},
            {"text": "Ginger does not cure migraines.", "label": 0, "type": "none"},
            {"text": "Sage tea warms the hands.", "label": 1, "type": "disease_treatment"},
        ],
    )
    code, out, _ = run_cli("eval", str(f), "--show-errors")
    assert code == 0
    assert "disease_claim" in out and "overall" in out
    assert "Misses (1)" in out and "Sage tea" in out
    code, out, _ = run_cli("eval", str(f), "--format", "json")
    result = json.loads(out)
    assert result["tp"] == 2 and result["fn"] == 1 and result["fp"] == 0
    assert result["per_category"]["drug_comparison"]["recall"] == 1.0


def test_console_script_runs_without_traceback(tmp_path):
    env = {**os.environ, "NO_COLOR": "1"}
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\n\xff\xfe broken\n")
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "scan", str(bad)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:2: error HC103" in proc.stderr


def test_every_format_puts_a_multi_line_post_on_its_record_line(tmp_path, run_cli):
    # a post of three lines on line 2 of the file: its findings are on line 2 in every format
    # (text used to add the line within the post, reporting line 4)
    posts = jsonl(
        tmp_path / "posts.jsonl",
        [{"id": "a", "text": "Hello."}, {"id": "b", "text": "Hi!\nNew chews.\nOur ginger chews cure migraines."}],
    )
    _, text, _ = run_cli("scan", "--no-config", str(posts))
    assert text.splitlines()[0].startswith(f"{posts}:2:18 [b]: high disease_claim/disease-treatment")
    _, github, _ = run_cli("scan", "--no-config", "--format", "github", str(posts))
    assert "line=2," in github.splitlines()[0]
    _, csv_out, _ = run_cli("scan", "--no-config", "--format", "csv", str(posts))
    assert csv_out.splitlines()[1].split(",")[2:4] == ["2", "18"]


def test_a_failing_rule_example_is_reported_as_hc205(tmp_path, run_cli):
    rule = tmp_path / "pack" / "rules" / "safety.yaml"
    text = (Path(__file__).parent / "data" / "override_rule.yaml").read_text(encoding="utf-8")
    write(
        rule,
        text.replace(
            "    - Our kava drops are 100% safe with no side effects.\n",
            "    - Our kava drops are 100% safe with no side effects.\n    - Our kava tastes of pepper.\n",
        ),
    )
    code, out, err = run_cli("rules", "test", "--patterns", str(tmp_path / "pack"))
    assert code == 1 and " 1 failed" in out
    assert f"{rule}:" in err and "error HC205: rule 'safety-claim' example match failed" in err


def test_importing_the_report_and_renderers_does_not_load_spacy():
    code = (
        "import sys, analyzer.report, analyzer.findings, analyzer.run.policy\n"
        "import analyzer.report.formats.text, analyzer.report.formats.json, analyzer.report.formats.jsonl, "
        "analyzer.report.formats.sarif, analyzer.report.formats.github, analyzer.report.formats.markdown, "
        "analyzer.report.formats.csv, analyzer.report.formats.junit, analyzer.report.formats.html\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_configuration_problems_have_codes_not_tracebacks(tmp_path, run_cli, monkeypatch):
    doc = write(tmp_path / "a.md", CLAIM)
    cases = {
        "latin.toml": ('allow = ["caf\xe9"]\n'.encode("latin-1"), ":1: error HC303", "not UTF-8 (byte 0xe9"),
        "wide.toml": ('allow = ["x"]\n'.encode("utf-16"), ":1: error HC303", "not UTF-8 (byte 0xff"),
        "deep.toml": (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", ": error HC303", "nested too deeply"),
        "blank.toml": (b'fail-on = "none"\nallow = ["fine", "  "]\n', ":2: error HC309", "'allow' entry 1 is blank"),
        "sev.toml": (b'\nseverity = { "disease_claim" = "low" }\n', ":2: error HC310", "disease-treatment"),
    }
    for name, (data, where, reason) in cases.items():
        config = tmp_path / name
        config.write_bytes(data)
        code, out, err = run_cli("scan", "--config", str(config), str(doc))
        assert code == 2 and out == "", name
        assert err.startswith(f"{config}{where}") and reason in err and err.count("\n") == 1, err
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.healthclaims\nfail-on = 'none'\n")
    monkeypatch.chdir(project)
    code, _, err = run_cli("scan", str(doc))
    assert code == 2 and err.startswith(f"{project / 'pyproject.toml'}:1: error HC303")
    assert run_cli("scan", "--no-config", "--fail-on", "none", str(doc))[0] == 0


def test_an_unexpected_failure_keeps_the_report(tmp_path, run_cli, monkeypatch):
    from analyzer.run.policy import Policy

    first = write(tmp_path / "a.md", CLAIM)
    second = write(tmp_path / "b.md", CLAIM)
    apply = Policy.apply

    def broken(self, result):
        if result.document.path == str(second):
            raise KeyError("unexpected")
        return apply(self, result)

    monkeypatch.setattr(Policy, "apply", broken)
    code, out, err = run_cli("scan", "--format", "json", str(first), str(second))
    docs = [(d["id"], d["status"]) for d in json.loads(out)["documents"]]
    assert docs == [(str(first), "ok"), ("<healthclaims>", "error")] and code == 2
    assert "error HC118: internal error while reading or scanning this document (KeyError: 'unexpected')" in err


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_output_that_cannot_be_written_is_hc231_not_a_traceback(tmp_path, run_cli, fmt):
    post = tmp_path / "post.md"
    post.write_text("Our nettle drops cure hay fever in a day.\n")
    code, _, err = run_cli("scan", "--format", fmt, "-o", str(tmp_path / "no-such-folder" / "out"), str(post))
    assert code == 2
    assert "HC231" in err and "no-such-folder" in err and "Traceback" not in err
    if Path("/dev/full").exists():  # a write refused half way: the disk is full
        code, _, err = run_cli("scan", "--format", fmt, "-o", "/dev/full", str(post))
        assert code == 2 and "HC231" in err and "No space left" in err
