"""SARIF locations are valid URI references, checked by Microsoft's SARIF Multitool.

The Multitool is the npm package ``@microsoft/sarif-multitool`` that ``.ci/run`` installs into
``.ci/node_modules`` (pinned in ``.ci/package-lock.json``). Without it the validation test is skipped,
unless ``HEALTHCLAIMS_REQUIRE_SARIF_MULTITOOL=1`` (set by ``.ci/run``) makes its absence a failure."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

import jsonschema
import pytest
from helpers import REPO, SHARED, write

from analyzer.report.formats.sarif import artifact_location, root_uri

REQUIRED = os.environ.get("HEALTHCLAIMS_REQUIRE_SARIF_MULTITOOL") == "1"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
CLAIM = "Our calm drops relieve anxiety in minutes.\n"
NAMES = ["with space.md", "hash#1.md", "percent%41.md", "café ünï.md", "a:b.md"]


def multitool() -> str | None:
    """The Multitool executable the npm package ships for this platform, as the package resolves it."""
    node = shutil.which("node")
    if node is None or not (REPO / ".ci" / "node_modules" / "@microsoft" / "sarif-multitool").is_dir():
        return None
    found = subprocess.run(
        [node, "-p", "require('@microsoft/sarif-multitool')"],
        cwd=REPO / ".ci",
        capture_output=True,
        text=True,
        check=False,
    )
    path = found.stdout.strip()
    return path if found.returncode == 0 and Path(path).is_file() else None


@pytest.fixture()
def awkward_names(tmp_path, monkeypatch):
    """A project whose files have names a URI must encode, and one file outside it by absolute path."""
    project = tmp_path / "project"
    for name in NAMES:
        write(project / "docs" / name, CLAIM)
    outside = write(tmp_path / "outside dir" / "abs #ü.md", CLAIM)
    monkeypatch.chdir(project)
    return outside


def _uris(sarif: dict) -> list[dict]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]]


def test_uris_are_percent_encoded_and_absolute_paths_are_file_uris(awkward_names, run_cli):
    code, out, _ = run_cli("scan", "--format", "sarif", "docs", str(awkward_names))
    sarif = json.loads(out)
    if SARIF_SCHEMA.exists():
        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    locations = _uris(sarif)
    relative = sorted(loc["uri"] for loc in locations if "uriBaseId" in loc)
    assert relative == [
        "docs/a%3Ab.md",
        "docs/caf%C3%A9%20%C3%BCn%C3%AF.md",
        "docs/hash%231.md",
        "docs/percent%2541.md",
        "docs/with%20space.md",
    ]
    assert sorted(unquote(uri) for uri in relative) == sorted(f"docs/{name}" for name in NAMES)
    absolute = [loc for loc in locations if "uriBaseId" not in loc]
    assert absolute == [{"uri": awkward_names.as_uri()}]
    assert absolute[0]["uri"].startswith("file:///") and absolute[0]["uri"].endswith("/abs%20%23%C3%BC.md")
    assert sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().as_uri() + "/"


def test_locations_of_unusual_paths():
    assert artifact_location("<stdin>") == {"uri": "%3Cstdin%3E", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../up/x y.md") == {"uri": "../up/x%20y.md", "uriBaseId": "%SRCROOT%"}
    # a name that is not UTF-8 (decoded with surrogateescape) keeps its own byte
    assert artifact_location("bad\udcff.md")["uri"] == "bad%FF.md"
    assert root_uri("/") == "file:///"


def test_sarif_multitool_finds_no_errors(awkward_names, run_cli, tmp_path):
    tool = multitool()
    if tool is None:
        if REQUIRED:
            pytest.fail("the SARIF Multitool is required (HEALTHCLAIMS_REQUIRE_SARIF_MULTITOOL=1): run .ci/run")
        pytest.skip("SARIF Multitool not installed in .ci/node_modules (npm ci --prefix .ci)")
    sarif, log = tmp_path / "out.sarif", tmp_path / "validation.sarif"
    code, _, _ = run_cli("scan", "--format", "sarif", "--output", str(sarif), "docs", str(awkward_names))
    assert code == 1 and len(_uris(json.loads(sarif.read_text(encoding="utf-8")))) == len(NAMES) + 1
    done = subprocess.run(
        [tool, "validate", str(sarif), "--output", str(log), "--level", "Error;Warning"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    run = json.loads(log.read_text(encoding="utf-8"))["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    problems = [(r["ruleId"], r["level"], r["message"].get("arguments")) for r in run["results"]]
    assert problems == []


def test_fuzz_uris_are_plain_ascii_references_that_decode_to_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = random.Random(17)
    alphabet = "ab :#%?[]@!$&'()*+,;=~é\u00a0\u2028\t\r\n\\\udcff"
    for _ in range(2000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
        relative = artifact_location(f"docs/{name}")
        assert re.fullmatch(r"[A-Za-z0-9\-._~%/]+", relative["uri"]), relative
        assert unquote_to_bytes(relative["uri"]) == f"docs/{name}".encode("utf-8", "surrogateescape")
        absolute = artifact_location(f"/srv/{name}")
        assert "uriBaseId" not in absolute and re.fullmatch(r"file:///[A-Za-z0-9\-._~%/:]+", absolute["uri"])
        assert unquote_to_bytes(absolute["uri"][7:]) == f"/srv/{name}".encode("utf-8", "surrogateescape")
