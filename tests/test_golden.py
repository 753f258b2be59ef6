"""Every output format against golden files made from our own example article.

After an intended change to rules, evidence or a renderer, regenerate them with
    HEALTHCLAIMS_UPDATE_GOLDEN=1 pytest tests/test_golden.py
and review the diff.
"""

import os
from pathlib import Path

import pytest
from helpers import REPO

GOLDEN = Path(__file__).parent / "golden"
EXAMPLE = "examples/sleep-tonic.md"
FORMATS = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "github": "github.txt",
    "markdown": "md",
    "csv": "csv",
    "junit": "xml",
    "html": "html",
}
UPDATE = os.environ.get("HEALTHCLAIMS_UPDATE_GOLDEN") == "1"


def normalise(text: str) -> str:
    # the SARIF root URI names the folder the repository was cloned into
    return text.replace(REPO.resolve().as_uri() + "/", "file:///REPO/")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_format_matches_golden(fmt, run_cli, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # text output is cut to COLUMNS when it is set
    code, out, _ = run_cli("scan", "--format", fmt, "--no-config", "--no-color", EXAMPLE)
    assert code == 1
    golden = GOLDEN / f"sleep-tonic.{FORMATS[fmt]}"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(normalise(out), encoding="utf-8")
    assert normalise(out) == golden.read_text(encoding="utf-8")
