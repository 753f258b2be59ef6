"""Start-up of ``healthclaims scan`` on a one-line file: cold and warm pack cache.

Runs the installed ``healthclaims`` (or ``python -m analyzer``) as a subprocess, as
pre-commit or an editor would, several times in a loop (like hyperfine) and prints
the median wall time of each case, interleaved round by round so that a machine
whose speed swings affects every case alike:

- ``cold``: an empty cache directory each run (the pack is parsed, validated and
  compiled, then cached);
- ``warm``: the cache filled by an earlier run;
- ``no cache``: ``HEALTHCLAIMS_NO_CACHE=1`` (what every run cost before the cache);
- ``python``: the interpreter alone (``python -c pass``), and ``import spacy``: the floor of
  any run that needs the pipeline.

Each is run on a line with a claim (the whole pipeline, scorer included) and on
a line without health words (the gate stops it before tokenizing).

    python benchmarks/startup.py --runs 7
"""

from __future__ import annotations

import argparse
import os
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


def timed(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs of each case (the median is printed)")
    args = parser.parse_args()
    cases = ("cold", "warm", "no cache")
    times: dict[tuple[str, str], list[float]] = {(case, line): [] for case in cases for line in LINES}
    floor: list[float] = []
    spacy_floor: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = dict(os.environ, NO_COLOR="1")
        base.pop("HEALTHCLAIMS_NO_CACHE", None)
        files = {}
        for k, (name, text) in enumerate(LINES.items()):
            files[name] = Path(tmp) / f"line{k}.txt"
            files[name].write_text(text)
        warm_dir = Path(tmp) / "warm-cache"
        scan = [*command(), "scan", "--no-config", "--fail-on", "none"]
        timed([*scan, str(files["claim"])], dict(base, HEALTHCLAIMS_CACHE_DIR=str(warm_dir)), tmp)  # fill it
        for run in range(args.runs):
            for name, path in files.items():
                cold_dir = Path(tmp) / f"cold-{run}-{len(name)}"
                envs = {
                    "cold": dict(base, HEALTHCLAIMS_CACHE_DIR=str(cold_dir)),
                    "warm": dict(base, HEALTHCLAIMS_CACHE_DIR=str(warm_dir)),
                    "no cache": dict(base, HEALTHCLAIMS_NO_CACHE="1"),
                }
                for case in cases:
                    times[(case, name)].append(timed([*scan, str(path)], envs[case], tmp))
                shutil.rmtree(cold_dir, ignore_errors=True)
            floor.append(timed([sys.executable, "-c", "pass"], base, tmp))
            spacy_floor.append(timed([sys.executable, "-c", "import spacy"], base, tmp))
    print(f"healthclaims scan start-up, one-line file, median of {args.runs} runs (seconds)")
    print(f"{'case':<10} " + " ".join(f"{name:>16}" for name in LINES))
    for case in cases:
        print(f"{case:<10} " + " ".join(f"{statistics.median(times[(case, name)]):>16.2f}" for name in LINES))
    print(f"{'python':<10} {statistics.median(floor):>16.2f}  (interpreter alone)")
    print(f"{'spacy':<10} {statistics.median(spacy_floor):>16.2f}  (python -c 'import spacy')")
    for name in LINES:
        warm, cold = statistics.median(times[("warm", name)]), statistics.median(times[("no cache", name)])
        print(f"warm / no cache, {name}: {warm / cold:.2f}")


if __name__ == "__main__":
    main()
