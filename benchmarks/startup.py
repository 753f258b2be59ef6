"""Start-up of ``healthclaims scan`` on a one-line file: cold and warm pack cache.

Runs the installed ``healthclaims`` (or ``python -m analyzer``) as a subprocess, as
pre-commit or an editor would, several times in a loop (like hyperfine) and prints
the median wall time of each case, interleaved round by round so that a machine
whose speed swings affects every case alike:

- ``cold``: an empty cache directory each run (the pack is parsed, validated and
  compiled, then cached);
- ``warm``: the cache filled by an earlier run;
- ``no cache``: ``HEALTHCLAIMS_NO_CACHE=1`` (what every run cost before the cache);
- the floors: ``python`` (``python -c pass``), ``spacy`` (``import spacy``) and ``blank en``
  (``import spacy; spacy.blank("en")``: spaCy and the one English tokenizer the pipeline
  needs, about 1,350 special cases and its affix regexes), about the least any run that
  tokenizes can cost (a scan can come in a little under it: it builds the same tokenizer without
  resolving spaCy's config, and runs fewer collections).

Each is run on a line with a claim (the whole pipeline, scorer included) and on
a line without health words (the gate stops it before tokenizing, spaCy is never imported).
The medians are also given as multiples of ``import spacy`` in the same run, which carry
from a loaded machine to an idle one far better than seconds do; the load average is printed.

Python writes bytecode for these runs into a private folder (``PYTHONPYCACHEPREFIX``, filled
by a first untimed run), as an installed wheel has it: with ``PYTHONDONTWRITEBYTECODE=1`` in
the environment an editable install would compile the project's source on every run.

    python benchmarks/startup.py --runs 5

On a shared machine wall times swing with the load; ``--instructions`` counts instead the
instructions each warm case and floor executes (one run each under Valgrind's callgrind, with a
fixed hash seed), which no load changes: about 5 G instructions a second on an idle core, though
a start-up runs at its own pace (page faults, file reads). It takes a few minutes.

    python benchmarks/startup.py --instructions

Measured on 2026-12-04 (2 shared cores): see the README's "Speed" table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINES = {
    "claim": "Our kava drops cure anxiety.\n",
    "no health words": "We met at the harbour and walked to the old lighthouse.\n",
}


def command() -> list[str]:
    exe = shutil.which("healthclaims")
    return [exe] if exe else [sys.executable, "-m", "analyzer"]


FLOORS = {
    "python": "pass",
    "spacy": "import spacy",
    "blank en": "import spacy; spacy.blank('en')",
}
CASES = ("cold", "warm", "no cache")


def timed(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def environment(tmp: str) -> dict[str, str]:
    """The runs' environment: the cache on, bytecode written to a folder of ``tmp``."""
    base = dict(os.environ, NO_COLOR="1", PYTHONPYCACHEPREFIX=str(Path(tmp) / "bytecode"))
    for name in ("HEALTHCLAIMS_NO_CACHE", "PYTHONDONTWRITEBYTECODE"):
        base.pop(name, None)
    return base


def measure(runs: int, tmp: str) -> dict[tuple[str, str], list[float]]:
    """Wall times of every case on every line, and of the floors (keyed (floor, "")), round by round."""
    base = environment(tmp)
    files = {}
    for k, (name, text) in enumerate(LINES.items()):
        files[name] = Path(tmp) / f"line{k}.txt"
        files[name].write_text(text)
    warm_dir = Path(tmp) / "warm-cache"
    scan = [*command(), "scan", "--no-config", "--fail-on", "none"]
    timed([*scan, str(files["claim"])], dict(base, HEALTHCLAIMS_CACHE_DIR=str(warm_dir)), tmp)  # fill it
    for code in FLOORS.values():
        timed([sys.executable, "-c", code], base, tmp)  # and the bytecode folder
    times: dict[tuple[str, str], list[float]] = {}
    for run in range(runs):
        for name, path in files.items():
            cold_dir = Path(tmp) / f"cold-{run}-{len(name)}"
            envs = {
                "cold": dict(base, HEALTHCLAIMS_CACHE_DIR=str(cold_dir)),
                "warm": dict(base, HEALTHCLAIMS_CACHE_DIR=str(warm_dir)),
                "no cache": dict(base, HEALTHCLAIMS_NO_CACHE="1"),
            }
            for case in CASES:
                times.setdefault((case, name), []).append(timed([*scan, str(path)], envs[case], tmp))
            shutil.rmtree(cold_dir, ignore_errors=True)
        for floor, code in FLOORS.items():
            times.setdefault((floor, ""), []).append(timed([sys.executable, "-c", code], base, tmp))
    return times


def instructions(cmd: list[str], env: dict[str, str], cwd: str) -> int:
    """What ``cmd`` executes, counted by callgrind (its own output discarded)."""
    counted = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        env=dict(env, PYTHONHASHSEED="0"),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", counted.stderr)
    if found is None:
        raise SystemExit(f"callgrind counted nothing: {counted.stderr[-500:]}")
    return int(found.group(1))


def count_instructions(tmp: str) -> None:
    """Print the instructions of the warm cases and of the floors, each run once (after a run that
    fills the cache and the bytecode folder)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs Valgrind (apt-get install valgrind)")
    env = dict(environment(tmp), HEALTHCLAIMS_CACHE_DIR=str(Path(tmp) / "warm-cache"))
    runs = {}
    for k, (name, text) in enumerate(LINES.items()):
        path = Path(tmp) / f"line{k}.txt"
        path.write_text(text)
        runs[f"warm, {name}"] = [*command(), "scan", "--no-config", "--fail-on", "none", str(path)]
    runs.update({floor: [sys.executable, "-c", code] for floor, code in FLOORS.items()})
    counts = {}
    for label, cmd in runs.items():
        timed(cmd, env, tmp)  # fills the cache and the bytecode folder
        counts[label] = instructions(cmd, env, tmp)
        print(f"{label:<26} {counts[label] / 1e9:6.3f} G instructions", flush=True)
    floor = counts["blank en"]
    print(f"warm claim line over the blank-English floor: {(counts['warm, claim'] - floor) / 1e9:+.3f} G")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs of each case (the median is printed)")
    parser.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead")
    args = parser.parse_args()
    if args.instructions:
        with tempfile.TemporaryDirectory() as tmp:
            count_instructions(tmp)
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        times = measure(args.runs, tmp)
    median = {key: statistics.median(values) for key, values in times.items()}
    spacy = median[("spacy", "")]
    print(f"healthclaims scan start-up, one-line file, median of {args.runs} runs: seconds (x import spacy)")
    print(f"load average before / after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'case':<10} " + " ".join(f"{name:>22}" for name in LINES))
    for case in CASES:
        cells = [f"{median[(case, name)]:.2f} ({median[(case, name)] / spacy:.2f}x)" for name in LINES]
        print(f"{case:<10} " + " ".join(f"{cell:>22}" for cell in cells))
    for floor, code in FLOORS.items():
        print(f"{floor:<10} {median[(floor, '')]:>9.2f} ({median[(floor, '')] / spacy:.2f}x)  python -c {code!r}")
    for name in LINES:
        warm, none = median[("warm", name)], median[("no cache", name)]
        print(f"warm / no cache, {name}: {warm / none:.2f}")
    print(
        f"warm claim line over the blank-English floor: {median[('warm', 'claim')] - median[('blank en', '')]:+.2f} s"
    )


if __name__ == "__main__":
    main()
