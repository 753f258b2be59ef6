"""What users install: the wheel and sdist contents, the pre-commit hook and the example workflow."""

from __future__ import annotations

import fnmatch
import importlib.util
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import REPO, write

from analyzer.run.inputs import TEXT_SUFFIXES

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
WORKFLOW = REPO / "examples" / "github" / "healthclaims.yml"


def data_files() -> dict[str, list[str]]:
    """Every file of patterns/ by the package it ships in (analyzer.data.<folder>...)."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "patterns").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            folder = path.parent.relative_to(REPO / "patterns")
            package = ".".join(("analyzer", "data", *folder.parts))
            found.setdefault(package, []).append(path.name)
    return found


def test_every_patterns_folder_is_a_declared_package_with_its_files():
    setuptools = PYPROJECT["tool"]["setuptools"]
    packages, package_data = set(setuptools["packages"]), setuptools["package-data"]
    for package, names in data_files().items():
        assert package in packages, f"{package} is missing from [tool.setuptools] packages"
        globs = package_data.get(package, []) + (["*.py"] if package == "analyzer.data" else [])
        missing = [n for n in names if not any(fnmatch.fnmatch(n, g) for g in globs)]
        assert not missing, f"{package}: no package-data glob for {missing}"


def test_license_metadata_is_an_spdx_expression():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n\nCopyright (c) ")


def test_pre_commit_hook_passes_only_what_the_tool_reads():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "healthclaims" and "types_or" not in hook and "types" not in hook
    files = re.compile(hook["files"])  # pre-commit matches it with re.search on each staged path

    def passed(path: str) -> bool:
        return files.search(path) is not None

    for suffix in sorted(TEXT_SUFFIXES):
        assert passed(f"docs/post{suffix}") and passed(f"DOCS/POST{suffix.upper()}"), suffix
    for path in ["config.yaml", "data.json", "setup.py", "export.csv", "notes.md.bak", "README.md/x.py", "md"]:
        assert not passed(path), path


def _steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["scan"]["steps"]


def test_example_workflow_installs_from_the_repository_with_node24_actions():
    steps = _steps()
    assert [s["uses"] for s in steps if "uses" in s] == [
        "actions/checkout@v7",  # node24, as are the two below (their action.yml `runs.using`)
        "actions/setup-python@v7",
        "github/codeql-action/upload-sarif@v4",
    ]
    install = next(s for s in steps if s.get("id") == "install")
    assert 'pip install "healthclaims @ git+https://github.com/$REPOSITORY@$REF"' in install["run"]
    assert install["env"]["REPOSITORY"] == "${{ vars.HEALTHCLAIMS_REPOSITORY }}"


def _run_workflow(repo: Path) -> list[subprocess.CompletedProcess]:
    """The workflow's own shell steps after the install, as the runner runs them (bash -e, the
    workflow env, GITHUB_ENV carried between steps), with this environment's healthclaims."""
    github_env = repo / "github_env"
    github_env.touch()
    env = {**os.environ, "GITHUB_ENV": str(github_env), "PATH": f"{Path(sys.executable).parent}{os.pathsep}"}
    env["PATH"] += os.environ.get("PATH", "")
    env.update(yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["env"])
    env.pop("GITHUB_STEP_SUMMARY", None)
    done = []
    for step in _steps():
        if "run" not in step or step.get("id") == "install":
            continue
        carried = dict(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines())
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
        done.append(subprocess.run(command, cwd=repo, env={**env, **carried}, capture_output=True, text=True))
    return done


def test_example_workflow_runs_with_and_without_a_baseline(tmp_path, run_cli, monkeypatch):
    write(tmp_path / "docs" / "drops.md", "Our calm drops relieve anxiety in minutes.\n")
    _, annotate, sarif = _run_workflow(tmp_path)
    assert annotate.returncode == 1 and annotate.stdout.startswith("::error file=docs/drops.md,line=1,")
    assert sarif.returncode == 0 and (tmp_path / "healthclaims.sarif").is_file()
    monkeypatch.chdir(tmp_path)
    run_cli("scan", "docs/", "--write-baseline", "healthclaims-baseline.json")
    assert (tmp_path / "healthclaims-baseline.json").is_file()
    (tmp_path / "github_env").unlink()
    _, annotate, sarif = _run_workflow(tmp_path)
    assert annotate.returncode == 0 and annotate.stdout == "", annotate.stderr
    assert sarif.returncode == 0


@pytest.mark.skipif(importlib.util.find_spec("build") is None, reason="the build package (test extra) is missing")
def test_sdist_and_the_wheel_built_from_it_hold_everything(tmp_path):
    """``python -m build`` makes the sdist, then the wheel from the unpacked sdist, so the wheel
    proves the sdist complete. About 10 s: build isolation installs setuptools each time."""
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(REPO)], capture_output=True, check=True
    )
    (sdist,) = tmp_path.glob("healthclaims-*.tar.gz")
    (wheel,) = tmp_path.glob("healthclaims-*.whl")
    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    for needed in ["LICENSE", ".pre-commit-hooks.yaml", "examples/github/healthclaims.yml", "tests/test_packaging.py"]:
        assert needed in in_sdist, needed
    assert "tests/golden/sleep-tonic.sarif" in in_sdist and not [n for n in in_sdist if n.endswith(".pyc")]
    with zipfile.ZipFile(wheel) as whl:
        in_wheel = set(whl.namelist())
        metadata = whl.read(next(n for n in in_wheel if n.endswith(".dist-info/METADATA"))).decode("utf-8")
    data = {f"{package.replace('.', '/')}/{name}" for package, names in data_files().items() for name in names}
    assert sorted(data - in_wheel) == []
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in in_wheel)
    assert "analyzer/schemas/report.schema.json" in in_wheel
    assert "License-Expression: MIT" in metadata.splitlines()
