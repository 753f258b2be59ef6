"""What a team chooses to report: config files, inline suppressions, baselines, --exit-zero."""

import json
import subprocess

import pytest
from helpers import write

CLAIM = "Our ginger chews cure migraines.\n"
SAFE = "Our ginger chews are completely safe.\n"  # medium


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan_json(run_cli, *args):
    code, out, err = run_cli("scan", "--format", "json", *args)
    return code, json.loads(out), err


def test_config_in_pyproject_is_found_upwards_and_applied(repo, run_cli, monkeypatch):
    write(
        repo / "pyproject.toml",
        """
[project]
name = "docs"

[tool.healthclaims]
fail-on = "high"
disable = ["proof-claim"]
severity = { "safety-claim" = "high" }
exclude = ["drafts/**"]
allow = ["ginger tea soothes"]
""",
    )
    write(repo / "docs" / "a.md", SAFE + "Clinically proven ginger chews.\n")
    write(repo / "drafts" / "b.md", CLAIM)
    write(repo / "docs" / "c.md", "Ginger tea soothes nausea.\n")
    monkeypatch.chdir(repo / "docs")
    code, report, _ = scan_json(run_cli, str(repo))
    paths = [d["path"] for d in report["documents"]]
    assert not any("drafts" in p for p in paths)
    findings = [f for d in report["documents"] for f in d["findings"]]
    assert [(f["rule_id"], f["severity"]) for f in findings] == [("safety-claim", "high")]
    assert code == 1  # high finding, fail-on high
    assert run_cli("scan", "--fail-on", "none", str(repo))[0] == 0  # the flag beats the file
    assert run_cli("scan", "--no-config", str(repo / "drafts"))[0] == 1


def test_dot_config_wins_and_bad_config_is_a_clear_error(repo, run_cli):
    write(repo / "a.md", CLAIM)
    write(repo / ".healthclaims.toml", 'fail-on = "sometimes"\n')
    code, _, err = run_cli("scan", "a.md")
    assert code == 2 and ".healthclaims.toml: error HC304" in err and "fail-on" in err
    write(repo / ".healthclaims.toml", 'disable = ["no-such-rule"]\n')
    code, _, err = run_cli("scan", "a.md")
    assert code == 2 and "no-such-rule" in err
    write(repo / ".healthclaims.toml", "fail-on = \n")
    code, _, err = run_cli("scan", "a.md")
    assert code == 2 and ".healthclaims.toml:1: error HC303" in err


def test_inline_suppressions(repo, run_cli):
    write(
        repo / "page.md",
        "\n".join(
            [
                "Ginger chews cure migraines. <!-- healthclaims-disable-line disease-treatment -- quoted from a recall notice -->",
                "<!-- healthclaims-disable-next-line disease_claim -->",
                "Ginger chews cure nausea.",
                "<!-- healthclaims-disable -->",
                "Ginger chews are completely safe.",
                "Ginger chews lower cholesterol.",
                "<!-- healthclaims-enable -->",
                "Ginger chews cure colds.",
                "<!-- healthclaims-disable-next-line weight-loss -->",
                "Nothing to see here.",
                "",
            ]
        ),
    )
    code, report, err = scan_json(run_cli, "page.md")
    (doc,) = report["documents"]
    assert [f["line"] for f in doc["findings"]] == [8]
    assert [(f["line"], f["suppressed_by"]) for f in doc["suppressed"]] == [
        (1, ["inline:quoted from a recall notice"]),
        (3, ["inline"]),
        (5, ["inline"]),
        (6, ["inline"]),
    ]
    assert report["summary"]["suppressed"] == 4
    assert "page.md:9: warning HC110: unused suppression healthclaims-disable-next-line (weight-loss)" in err
    sarif = json.loads(run_cli("scan", "-f", "sarif", "page.md")[1])
    kinds = [r.get("suppressions", [{}])[0].get("kind") for r in sarif["runs"][0]["results"]]
    assert kinds == ["inSource", "inSource", "inSource", "inSource", None]


def test_exit_zero(repo, run_cli):
    write(repo / "a.txt", CLAIM)
    assert run_cli("scan", "--exit-zero", "a.txt")[0] == 0


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_baseline_in_a_docs_repository(repo, run_cli):
    """The README's CI steps, end to end: scan, write a baseline, add a claim, only it fails."""
    git(repo, "init", "-q")
    write(repo / "docs" / "old.md", "# Ginger\n\n" + CLAIM + SAFE)
    git(repo, "add", ".")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "docs")
    assert run_cli("scan", "docs")[0] == 1
    code, _, err = run_cli("scan", "docs", "--write-baseline", "healthclaims-baseline.json")
    assert code == 0 and "wrote 2 findings" in err
    assert run_cli("scan", "docs", "--baseline", "healthclaims-baseline.json")[0] == 0
    # lines move, an unrelated edit, and one new claim
    write(repo / "docs" / "old.md", "# Ginger\n\nA new intro paragraph.\n\n" + SAFE + CLAIM)
    write(repo / "docs" / "new.md", "Our turmeric drops reverse arthritis.\n")
    code, out, _ = run_cli("scan", "docs", "--baseline", "healthclaims-baseline.json")
    assert code == 1
    lines = [line for line in out.splitlines() if ": high " in line or ": medium " in line]
    assert len(lines) == 1 and lines[0].startswith("docs/new.md:1:")
    assert "2 suppressed or in the baseline" in out


def test_bad_baseline_file(repo, run_cli):
    write(repo / "a.txt", CLAIM)
    write(repo / "b.json", "[1, 2]")
    code, _, err = run_cli("scan", "--baseline", "b.json", "a.txt")
    assert code == 2 and "b.json: error HC305" in err


def test_diff_and_gitignore(repo, run_cli):
    git(repo, "init", "-q")
    write(repo / ".gitignore", "build/\n")
    write(repo / "docs" / "a.md", "# A\n\n" + CLAIM)
    write(repo / "build" / "out.md", CLAIM)
    git(repo, "add", ".")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "start")
    code, report, _ = scan_json(run_cli, ".")
    assert [d["path"] for d in report["documents"]] == ["docs/a.md"]  # build/ is ignored
    write(repo / "docs" / "a.md", "# A\n\n" + CLAIM + "\nOur ginger chews are completely safe.\n")
    write(repo / "docs" / "b.md", "Our turmeric drops reverse arthritis.\n")
    code, report, _ = scan_json(run_cli, "--diff", "HEAD", "docs")
    found = {(d["path"], f["line"]) for d in report["documents"] for f in d["findings"]}
    assert found == {("docs/a.md", 5), ("docs/b.md", 1)}
    code, _, err = run_cli("scan", "--diff", "no-such-ref", "docs")
    assert code == 2 and "HC306" in err
