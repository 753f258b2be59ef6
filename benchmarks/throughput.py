"""Throughput of the full analyzer against spaCy blank-English tokenization alone.

Both run on the same synthetic marketing text, in the same process, in the
same run; the figure that matters is the ratio (analyzer words/s divided by
tokenizer words/s), which the project keeps at 0.5 or more. Also times the
start-up of `healthclaims scan` on a one-line file.

    python benchmarks/throughput.py [--docs 4000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEMPLATES = [
    "{sub} may help {verb} {cond} naturally.",
    "Our {sub} gummies are loved by thousands of customers across the country.",
    "Shipping is free on orders over fifty dollars, and returns are easy.",
    "{sub} has been used for centuries and is harvested by hand.",
    "Many people take {sub} with breakfast because they like the taste.",
    "There is no evidence that {sub} can {verb} {cond}.",
    "Store the bottle in a cool, dry place away from children.",
    "Is {sub} right for you? Talk to your doctor before starting.",
    "{sub} boosts {effect} and supports your whole body.",
    "Each capsule contains 500 mg of organic {sub} powder.",
    "Our customers say the flavour is mild and earthy.",
    "The company was founded in a small town by two friends.",
]


def make_corpus(n_docs: int, seed: int = 7) -> list[str]:
    from analyzer.patterns import cached_pack

    pack = cached_pack()
    rng = random.Random(seed)
    subs = [e.name for e in pack.entries("SUBSTANCE") if not e.generic]
    conds = [e.terms[0] for e in pack.entries("CONDITION")]
    effects = [e.terms[0] for e in pack.entries("EFFECT")]
    verbs = ["relieve", "ease", "treat", "fight", "soothe"]
    docs = []
    for _ in range(n_docs):
        sentences = [
            rng.choice(TEMPLATES).format(sub=rng.choice(subs), cond=rng.choice(conds), effect=rng.choice(effects),
                                         verb=rng.choice(verbs))
            for _ in range(rng.randint(3, 9))
        ]
        docs.append(" ".join(sentences))
    return docs


def words(docs: list[str]) -> int:
    return sum(len(d.split()) for d in docs)


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def startup_seconds(repeat: int) -> float:
    exe = shutil.which("healthclaims")
    cmd = [exe] if exe else [sys.executable, "-m", "analyzer"]
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("Our tea is made from mint leaves.\n")
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([*cmd, "scan", str(one)], capture_output=True, cwd=tmp, check=False)
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from analyzer.pipeline import get_pipeline

    docs = make_corpus(args.docs)
    n_words = words(docs)
    nlp = get_pipeline()
    list(nlp.pipe(docs[:50]))  # warm up

    tokenize = best_of(args.repeat, lambda: list(nlp.tokenizer.pipe(docs)))
    analyze = best_of(args.repeat, lambda: sum(len(d._.health_claims) for d in nlp.pipe(docs, batch_size=256)))
    tok_wps, full_wps = n_words / tokenize, n_words / analyze
    print(f"documents            {len(docs)}")
    print(f"words                {n_words}")
    print(f"tokenizer only       {tok_wps:,.0f} words/s")
    print(f"full analyzer        {full_wps:,.0f} words/s")
    print(f"ratio                {full_wps / tok_wps:.2f}  (target >= 0.5)")
    print(f"scan start-up        {startup_seconds(args.repeat):.2f} s (one-line file, median of {args.repeat})")


if __name__ == "__main__":
    main()
