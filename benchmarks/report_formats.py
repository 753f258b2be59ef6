"""What the report formats cost on claim-dense real text, and the end-to-end rate of a large export.

Posts are made at run time from the labelled sentences of the shared evaluation corpus (``--real``
files: their sentences in a fixed shuffled order, eight to a post, as in throughput.py --real) and
written to a temporary JSONL export; nothing from them is kept.

1. ``healthclaims scan --format text``, ``json`` and ``jsonl`` (one job) over the posts repeated to
   ``--mb`` megabytes, interleaved for ``--repeat`` rounds, best round of each: json's and jsonl's
   speed as a ratio of text's (target >= 0.8 each). The JSON report's size over the input's (target
   <= 5), over that export and over one pass of the corpus (its evidence table is least shared there).
   The renderers alone are timed too, in this process, on the same results.
2. ``healthclaims scan --format jsonl`` with default jobs over the posts repeated to ``--big-mb``
   megabytes (>= 20): words/s against single-process spaCy blank-English tokenization of the same
   texts (target >= 0.15).

    python benchmarks/report_formats.py [--real ../shared/eval/corpus/*.jsonl] [--mb 3] [--big-mb 20]

Timings on a shared machine are noisy: compare the ratios, which are taken in the same run. The
format ratios are of CPU seconds (the process's own, best of the rounds), which other work on the
machine disturbs far less than wall time; wall time is printed beside them.
"""

from __future__ import annotations

import argparse
import glob
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import real_posts, words  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval" / "corpus"
FORMATS = ("text", "json", "jsonl")


def export(posts: list[str], path: Path, megabytes: float) -> list[str]:
    """Write ``posts``, repeated under new ids until the file holds ``megabytes``; returns the texts written."""
    written, size, copy = [], 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < megabytes * 1e6 or copy == 0:
            for n, text in enumerate(posts):
                line = json.dumps({"id": f"c{copy}-p{n}", "text": text}, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                written.append(text)
            copy += 1
    return written


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scan_seconds(path: Path, fmt: str, out: Path, jobs: str | None = "1") -> tuple[float, float]:
    """(wall, CPU) seconds of one ``healthclaims scan`` (CPU: of the process and its workers)."""
    exe = shutil.which("healthclaims") or str(Path(sys.executable).with_name("healthclaims"))
    args = [exe, "scan", "--format", fmt, "--no-config", "--no-color", "--fail-on", "none", "-o", str(out)]
    args += ["--jobs", jobs] if jobs else []
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([*args, str(path)], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def format_rounds(path: Path, tmp: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Best (wall, CPU) of ``repeat`` interleaved rounds of each format over ``path``."""
    best = dict.fromkeys(FORMATS, (float("inf"), float("inf")))
    for _ in range(repeat):
        for fmt in FORMATS:
            wall, cpu = scan_seconds(path, fmt, tmp / f"out.{fmt}")
            best[fmt] = (min(best[fmt][0], wall), min(best[fmt][1], cpu))
    return best


def render_seconds(texts: list[str], repeat: int) -> dict[str, float]:
    """The renderers alone on the results of one in-process scan of ``texts`` (best of ``repeat``)."""
    from analyzer.findings import ScanResult
    from analyzer.report import RenderContext, Report, render
    from analyzer.run.inputs import Document
    from analyzer.run.pipeline import analyze_many, get_pipeline

    nlp = get_pipeline()
    results = [
        ScanResult(Document(id=f"p{n}", path="posts.jsonl", text=t, source_line=n + 1), findings)
        for n, (t, findings) in enumerate(zip(texts, analyze_many(texts, nlp)))
    ]
    best = dict.fromkeys(FORMATS, float("inf"))
    for _ in range(repeat):
        for fmt in FORMATS:
            start = time.perf_counter()
            render(fmt, Report(results), io.StringIO(), RenderContext())
            best[fmt] = min(best[fmt], time.perf_counter() - start)
    return best


def tokenizer_seconds(texts: list[str], repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of spaCy blank-English tokenization of ``texts`` in this process, best of ``repeat``."""
    import spacy

    nlp = spacy.blank("en")
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        deque(nlp.tokenizer.pipe(texts), maxlen=0)
        best = (min(best[0], time.perf_counter() - start), min(best[1], time.process_time() - cpu))
    return best


def part_formats(posts: list[str], tmp: Path, args) -> None:
    one = tmp / "one-pass.jsonl"
    export(posts, one, 0)
    scan_seconds(one, "json", tmp / "one.json")
    one_ratio = (tmp / "one.json").stat().st_size / one.stat().st_size
    path = tmp / "posts.jsonl"
    texts = export(posts, path, args.mb)
    size = path.stat().st_size
    best = format_rounds(path, tmp, args.repeat)
    print(f"export               {len(texts)} posts, {words(texts):,} words, {size / 1e6:.1f} MB (one job)")
    for fmt in FORMATS:
        (wall, cpu), (text_wall, text_cpu) = best[fmt], best["text"]
        print(
            f"scan --format {fmt:<6} CPU {cpu:6.2f} s, speed {text_cpu / cpu:.2f} x text (target >= 0.8); "
            f"wall {wall:6.2f} s, {text_wall / wall:.2f} x text"
        )
    json_size = (tmp / "out.json").stat().st_size
    print(
        f"JSON report size     {json_size / size:.2f} x the input (target <= 5); one pass of the corpus: {one_ratio:.2f} x"
    )
    print(f"JSONL report size    {(tmp / 'out.jsonl').stat().st_size / size:.2f} x the input")
    rendered = render_seconds(posts, args.repeat)
    print("renderers alone      " + ", ".join(f"{fmt} {rendered[fmt] * 1000:.0f} ms" for fmt in FORMATS), end="")
    print(f" (one pass of {len(posts)} posts, in process)")


def part_big(posts: list[str], tmp: Path, args) -> None:
    path = tmp / "big.jsonl"
    texts = export(posts, path, args.big_mb)
    n_words = words(texts)
    load = os.getloadavg()[0]
    scan, cpu = scan_seconds(path, "jsonl", tmp / "big.out.jsonl", jobs=None)
    tokenize, tokenize_cpu = tokenizer_seconds(texts, 1)
    scan_wps, tok_wps = n_words / scan, n_words / tokenize
    print(f"big export           {len(texts)} posts, {n_words:,} words, {path.stat().st_size / 1e6:.1f} MB")
    print(f"scan --format jsonl  {scan:.1f} s, {scan_wps:,.0f} words/s (default jobs, start-up included)")
    print(f"spaCy blank tokenize {tokenize:.1f} s, {tok_wps:,.0f} words/s (one process)")
    print(f"ratio                {scan_wps / tok_wps:.2f}  (target >= 0.15; wall time, load average {load:.1f})")
    print(
        f"CPU seconds          scan {cpu:.1f} (all its processes), tokenizer {tokenize_cpu:.1f}: words per CPU "
        f"second {tokenize_cpu / cpu:.2f} x the tokenizer's"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", nargs="+", metavar="JSONL", help="labelled JSONL files (default: shared corpus)")
    parser.add_argument("--mb", type=float, default=3.0, help="size of the export the formats are timed on")
    parser.add_argument("--big-mb", type=float, default=20.0, help="size of the end-to-end export (>= 20)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-big", action="store_true", help="time the formats only")
    args = parser.parse_args()
    files = args.real or sorted(glob.glob(str(SHARED / "*.jsonl")))
    if not files:
        raise SystemExit(f"no labelled JSONL files: pass --real, or put the shared corpus at {SHARED}")
    posts = real_posts(files)
    with tempfile.TemporaryDirectory() as tmp:
        part_formats(posts, Path(tmp), args)
        if not args.skip_big:
            part_big(posts, Path(tmp), args)


if __name__ == "__main__":
    main()
