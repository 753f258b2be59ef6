"""Dump what the analyzer finds, for comparing two versions of the code byte for byte.

    python tools/same_findings.py OUT_DIR [SHARED_DIR]

Run it with each version's own interpreter (its own virtual environment); then
``cmp`` the two OUT_DIRs file by file (tools/same_findings.sh does all of it). It
writes every output format of ``healthclaims scan`` over our example article, the
seed article and the labelled and corpus posts of SHARED_DIR (default ../shared),
and (api.out) ``analyze()`` of every post and the component in a plain spaCy
pipeline with its suppressed findings and spans. Nothing is copied from the data
into the repository.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path

FORMATS = ["text", "json", "sarif", "github", "markdown", "csv", "junit", "html", "jsonl"]


def inputs(shared: Path) -> list[str]:
    return [
        "examples/sleep-tonic.md",
        str(shared / "seed" / "kratom-depression.txt"),
        str(shared / "eval" / "dev.jsonl"),
        *sorted(glob.glob(str(shared / "eval" / "corpus" / "*.jsonl"))),
    ]


def scan_outputs(out: Path, files: list[str]) -> None:
    exe = str(Path(sys.executable).with_name("healthclaims"))
    env = {**os.environ, "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": ""}
    repo = str(Path.cwd().resolve())
    for fmt in FORMATS:
        args = [exe, "scan", "--format", fmt, "--no-config", "--no-color", "--fail-on", "none", "--jobs", "1"]
        run = subprocess.run([*args, *files], capture_output=True, text=True, env=env)
        (out / f"{fmt}.out").write_text(run.stdout.replace(repo, "REPO"), encoding="utf-8")
        (out / f"{fmt}.err").write_text(run.stderr.replace(repo, "REPO"), encoding="utf-8")


def api_output(out: Path, files: list[str]) -> None:
    import spacy

    from analyzer import analyze

    posts = [
        json.loads(line)["text"]
        for f in files
        if f.endswith(".jsonl")
        for line in open(f, encoding="utf-8")
        if line.strip()
    ]
    articles = [Path(f).read_text(encoding="utf-8") for f in files if not f.endswith(".jsonl")]
    with open(out / "api.out", "w", encoding="utf-8") as fh:
        for text in posts:
            fh.write(json.dumps([f.to_dict() for f in analyze(text)], sort_keys=True) + "\n")
        nlp = spacy.blank("en")
        nlp.add_pipe("healthclaims_sentencizer")
        nlp.add_pipe("health_claims")
        for doc in nlp.pipe([*posts, *articles]):
            found = [[f.to_dict(), f.suppressed_by] for f in doc._.health_claims]
            suppressed = [[f.to_dict(), f.suppressed_by] for f in doc._.health_claims_suppressed]
            spans = [(s.start, s.end, s.label_) for s in doc.spans.get("health_claims", [])]
            fh.write(json.dumps({"f": found, "s": suppressed, "spans": spans}, sort_keys=True) + "\n")


def main() -> None:
    out = Path(sys.argv[1])
    shared = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("..") / "shared"
    out.mkdir(parents=True, exist_ok=True)
    files = inputs(shared.resolve())
    scan_outputs(out, files)
    api_output(out, files)


if __name__ == "__main__":
    main()
