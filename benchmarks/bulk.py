"""Bulk scanning: posts/s and words/s per core, speed-up at 1 and 2 jobs, and peak memory per input size.

Generates synthetic post exports of our own making (the templates of
throughput.py: everyday posts and a share of health posts), then runs
``healthclaims scan --format jsonl`` on each as a subprocess and reads its
wall time and the peak RSS of its largest process. Peak memory should stay
flat as the input grows: the reader and the JSONL writer stream.

    python benchmarks/bulk.py [--sizes-mb 5 20 80] [--jobs 1 2] [--health-share 0.2] [--dask]

Sizes up to 1 GB work (--sizes-mb 1024); they take minutes per run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import make_corpus  # noqa: E402

MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
)


def make_export(path: Path, size_mb: float, health_share: float) -> tuple[int, int]:
    """Write a JSONL export of about size_mb megabytes; return (posts, words)."""
    posts = words = 0
    target = size_mb * 1024 * 1024
    block = make_corpus(5000, health_share, seed=11)
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < target:
            for text in block:
                fh.write(json.dumps({"id": f"post-{posts}", "text": text}) + "\n")
                posts += 1
                words += len(text.split())
    return posts, words


def run(cmd: list[str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    seconds, rss_kb, rc = out.stdout.split()
    if rc not in ("0", "1"):
        raise SystemExit(f"scan failed with exit code {rc}")
    return float(seconds), int(rss_kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes-mb", type=float, nargs="+", default=[5, 20, 80])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--health-share", type=float, default=0.2)
    parser.add_argument("--dask", action="store_true", help="also time 'healthclaims dask' (local cluster, 2 workers)")
    args = parser.parse_args()
    exe = shutil.which("healthclaims")
    base = [exe] if exe else [sys.executable, "-m", "analyzer"]
    print(
        f"{'size':>8} {'posts':>9} {'jobs':>4} {'seconds':>8} {'posts/s':>9} {'words/s/core':>13} {'speed-up':>8} {'peak RSS':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes_mb:
            export = Path(tmp) / f"posts-{size:g}mb.jsonl"
            posts, words = make_export(export, size, args.health_share)
            first = None
            for jobs in args.jobs:
                seconds, rss = run(
                    [
                        *base,
                        "scan",
                        "--format",
                        "jsonl",
                        "--output",
                        str(Path(tmp) / "out.jsonl"),
                        "--jobs",
                        str(jobs),
                        "--fail-on",
                        "none",
                        str(export),
                    ]
                )
                first = first or seconds
                print(
                    f"{size:>6g}MB {posts:>9,} {jobs:>4} {seconds:>8.1f} {posts / seconds:>9,.0f} "
                    f"{words / seconds / jobs:>13,.0f} {first / seconds:>7.2f}x {rss / 1024:>7.0f}MB"
                )
            if args.dask:
                seconds, rss = run(
                    [*base, "dask", "--workers", "2", "--output", str(Path(tmp) / "out.parquet"), str(export)]
                )
                print(
                    f"{size:>6g}MB {posts:>9,} dask {seconds:>8.1f} {posts / seconds:>9,.0f} "
                    f"{words / seconds / 2:>13,.0f} {first / seconds:>7.2f}x {rss / 1024:>7.0f}MB"
                )
            export.unlink()


if __name__ == "__main__":
    main()
