"""Time and memory of long posts dense with claims, and memory over many posts of new words.

Two measurements, each in a fresh process per case so that peak memory (VmHWM, read
from /proc) belongs to that case alone:

- ``dense``: one post of N bytes made of short claims of our own ("Our ginger drops
  relieve migraines."), analysed as ``scan`` analyses a post (chunks of 100,000
  characters); prints seconds, seconds per MB, findings and peak RSS, so that time
  per MB and memory per finding can be compared across sizes in the same run;
- ``vocab``: posts that each bring new words (random letters) and a claim, analysed
  in batches as ``scan`` does; prints the resident memory after every 10,000 posts,
  with the pipeline's periodic replacement (the default) and without it.

    python benchmarks/memory.py --dense 250000 500000 1000000 --posts 40000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CLAIMS = [
    "Our {s} drops {v} {c}.",
    "My {s} capsules {v} {c} in a week!",
    "{s} tea is the natural way to beat {c}.",
    "Nothing {v} {c} like our {s} tonic, and it has no side effects.",
]
SUBSTANCES = ["kava", "ginger", "turmeric", "valerian", "melatonin", "echinacea", "magnesium", "ashwagandha"]
VERBS = ["cures", "relieves", "treats", "reverses", "heals"]
CONDITIONS = ["anxiety", "insomnia", "migraines", "arthritis", "acne", "asthma", "depression", "diabetes"]


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


def dense_post(size: int, seed: int = 1) -> str:
    import random

    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        s = rng.choice(CLAIMS).format(s=rng.choice(SUBSTANCES), v=rng.choice(VERBS), c=rng.choice(CONDITIONS))
        parts.append(s + " ")
        length += len(s) + 1
    return "".join(parts)[:size]


def run_dense(size: int) -> dict:
    from analyzer.run.config import EngineSpec
    from analyzer.run.pipeline import analyze_many, locate, pipeline_for

    nlp = pipeline_for(EngineSpec())
    text = dense_post(size)
    base = memory_kb("VmRSS")
    start = time.perf_counter()
    found = locate(text, next(analyze_many([text], nlp)))
    seconds = time.perf_counter() - start
    return {
        "bytes": size,
        "seconds": seconds,
        "findings": len(found),
        "peak_mb": memory_kb("VmHWM") / 1024,
        "base_mb": base / 1024,
    }


def run_vocab(posts: int, recycle: bool) -> dict:
    import random
    import string

    from analyzer.run import pipeline
    from analyzer.run.config import EngineSpec

    if not recycle:
        pipeline.MAX_NEW_STRINGS = 10**12
    rng = random.Random(3)
    spec = EngineSpec()
    rss = []
    for k in range(posts // 200):
        batch = []
        for _ in range(200):
            words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(5)]
            batch.append(f"Our kava drops cure anxiety, says {words[0]} {words[1]}. " + " ".join(words[2:]) + ".")
        list(pipeline.analyze_many(batch, pipeline.pipeline_for(spec)))
        if (k + 1) * 200 % 10_000 == 0:
            rss.append(round(memory_kb("VmRSS") / 1024))
    return {"recycle": recycle, "rss_mb_per_10k_posts": rss}


def child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dense", type=int, nargs="*", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--posts", type=int, default=40_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, value, *rest = args.child
        result = run_dense(int(value)) if kind == "dense" else run_vocab(int(value), rest == ["recycle"])
        print(json.dumps(result))
        return
    for size in args.dense:
        r = child(["dense", str(size)])
        print(
            f"dense {size / 1e6:.2f} MB: {r['seconds']:.1f} s ({r['seconds'] / (size / 1e6):.1f} s/MB), "
            f"{r['findings']} findings, peak RSS {r['peak_mb']:.0f} MB (pipeline loaded: {r['base_mb']:.0f} MB)"
        )
    if args.posts:
        for recycle in (True, False):
            r = child(["vocab", str(args.posts), "recycle" if recycle else "keep"])
            label = "replaced every 50,000 new strings" if recycle else "never replaced"
            print(f"new-word posts, pipeline {label}: RSS MB after each 10,000 posts {r['rss_mb_per_10k_posts']}")


if __name__ == "__main__":
    main()
