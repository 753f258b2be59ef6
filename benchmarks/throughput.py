"""Throughput of the full analyzer against spaCy blank-English tokenization alone.

Both run on the same synthetic post export (everyday posts, and a given share
of health posts with claims, debunks, questions and warnings), in the same
process, in the same run; the figure that matters is the ratio (analyzer words/s divided by
tokenizer words/s), whose target is 0.5 or more. "Full analyzer" is what
`healthclaims scan` and `analyze()` run (texts without an anchor word skip
tokenizing); the same component inside a plain spaCy pipeline is timed too,
and both must report the same findings. Each consumes its output as a stream:
the tokenizer's docs are dropped once made, as the analyzer drops its own (a
list of every doc would time memory and garbage collection, not tokenizing).
Also times the start-up of `healthclaims scan` on a one-line file.

    python benchmarks/throughput.py [--docs 10000] [--repeat 5] [--health-share 0.2]
    python benchmarks/throughput.py --real ../shared/eval/corpus/*.jsonl   # real, claim-dense text

``--real`` reads labelled JSONL files (the ``eval`` format) and joins their
sentences, in a fixed shuffled order, into posts of eight: real text as dense
with health claims as a moderation queue ever gets. Rules alone (no trained
scorer) are timed in the same rounds, so the scorer's cost is measured too.
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
from collections import deque
from pathlib import Path

# Posts of everyday chat, shop logistics, recipes and reviews: most posts in a
# moderation export make no health claim at all.
EVERYDAY = [
    "Shipping is free on orders over fifty dollars, and returns are easy.",
    "Store the bottle in a cool, dry place away from sunlight.",
    "Our customers say the flavour is mild and earthy.",
    "The company was founded in a small town by two friends.",
    "Does anyone know if the shop on Main Street is open on Sundays?",
    "I mixed it into my morning smoothie with banana and oat milk.",
    "The parcel arrived two days late but the packaging was fine.",
    "We are hiring a part-time warehouse assistant in Leeds.",
    "Thanks for the quick reply, I will order again next month.",
    "The new label design looks great in green and gold.",
    "Has anyone tried the lemon flavour or is the original better?",
    "Our team will be at the farmers market this Saturday morning.",
    "Use code SPRING for ten percent off your first order.",
    "The recipe calls for two cups of flour and a pinch of salt.",
    "I walked the dog along the river before work today.",
    "{sub} is harvested by hand and dried in the shade.",
    "Our {sub} gummies now come in a recyclable jar.",
    "Each capsule contains 500 mg of organic {sub} powder.",
    "Many people take {sub} with breakfast because they like the taste.",
]
# Health posts: claims of every category, plus the debunks, questions and
# warnings that must not be flagged.
HEALTH = [
    "{sub} may help {verb} {cond} naturally.",
    "{sub} boosts {effect} and supports your whole body.",
    "There is no evidence that {sub} can {verb} {cond}.",
    "Is {sub} right for you? Talk to your doctor before starting.",
    "Our {sub} drops are completely safe with no side effects.",
    "Clinically proven {sub} formula for {cond}.",
    "{sub} works as well as prescription drugs for {cond}.",
    "High doses of {sub} can cause nausea and headaches.",
]


def make_corpus(n_docs: int, health_share: float = 0.2, seed: int = 7, health_words: bool = True) -> list[str]:
    """``n_docs`` posts of 1 to 6 sentences; ``health_share`` of the posts are about health."""
    from analyzer.packs.loader import cached_pack

    pack = cached_pack()
    rng = random.Random(seed)
    subs = [e.name for e in pack.entries("SUBSTANCE") if not e.generic]
    conds = [e.terms[0] for e in pack.entries("CONDITION")]
    effects = [e.terms[0] for e in pack.entries("EFFECT")]
    verbs = ["relieve", "ease", "treat", "fight", "soothe"]
    # without health words: only the everyday lines that name no substance
    everyday = EVERYDAY if health_words else [line for line in EVERYDAY if "{sub}" not in line]
    docs = []
    for _ in range(n_docs):
        health = rng.random() < health_share
        sentences = []
        for k in range(rng.randint(1, 6)):
            pool = HEALTH if health and (k == 0 or rng.random() < 0.4) else everyday
            sentences.append(
                rng.choice(pool).format(
                    sub=rng.choice(subs), cond=rng.choice(conds), effect=rng.choice(effects), verb=rng.choice(verbs)
                )
            )
        docs.append(" ".join(sentences))
    return docs


def real_posts(paths: list[str], per_post: int = 8, seed: int = 7) -> list[str]:
    """Sentences of labelled JSONL files, shuffled with a fixed seed, joined into posts."""
    import json

    sentences = [json.loads(line)["text"] for path in paths for line in open(path, encoding="utf-8") if line.strip()]
    random.Random(seed).shuffle(sentences)
    return [" ".join(sentences[i : i + per_post]) for i in range(0, len(sentences), per_post)]


def words(docs: list[str]) -> int:
    return sum(len(d.split()) for d in docs)


def best_of(repeat: int, fns: list, docs: list[str], slices: int = 10) -> list[float]:
    """Seconds each function takes over all of ``docs``: the sum over ``slices`` equal slices
    of the best of ``repeat`` rounds on each slice.

    Within a round, the functions run back to back on the same slice, so a slow spell of
    a shared machine hits them alike; timing short slices lets each part of the corpus
    find a quiet moment, which a best-of over whole-corpus runs rarely does for all of them.
    """
    size = -(-len(docs) // slices)
    parts = [docs[i : i + size] for i in range(0, len(docs), size)]
    best = [[float("inf")] * len(parts) for _ in fns]
    for _ in range(repeat):
        for j, part in enumerate(parts):
            for k, fn in enumerate(fns):
                start = time.perf_counter()
                fn(part)
                best[k][j] = min(best[k][j], time.perf_counter() - start)
    return [sum(times) for times in best]


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
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--health-share",
        type=float,
        default=0.2,
        help="share of posts about health (default 0.2; 1.0 for a claim-dense stress test)",
    )
    parser.add_argument(
        "--no-health-words", action="store_true", help="everyday posts that name no substance (implies share 0)"
    )
    parser.add_argument("--real", nargs="+", metavar="JSONL", help="labelled JSONL files: real text instead")
    args = parser.parse_args()

    from analyzer.run.pipeline import analyze_many, get_pipeline

    if args.no_health_words:
        args.health_share = 0.0
    docs = (
        real_posts(args.real)
        if args.real
        else make_corpus(args.docs, args.health_share, health_words=not args.no_health_words)
    )
    n_words = words(docs)
    nlp = get_pipeline()
    rules_only = get_pipeline(scorer="")
    list(nlp.pipe(docs[:50]))  # warm up
    list(rules_only.pipe(docs[:50]))

    counts: list[int] = []
    spans: list[int] = []
    # Interleaved: each round times all three, so that a slow spell of the
    # machine hits all of them alike; the best round of each is kept.
    tokenize, analyze, component, rules = best_of(
        args.repeat,
        [
            # each doc is dropped once made, as the analyzer drops its docs: keeping thousands of
            # docs alive costs memory and garbage collection, not tokenizing
            lambda part: deque(nlp.tokenizer.pipe(part), maxlen=0),
            # the analyzer as `healthclaims scan` and `analyze()` run it
            lambda part: counts.append(sum(len(f) for f in analyze_many(part, nlp))),
            # the same component inside a spaCy pipeline: every text is tokenized first
            lambda part: spans.append(sum(len(d._.health_claims) for d in nlp.pipe(part, batch_size=256))),
            # the analyzer with rules alone, no trained scorer
            lambda part: deque(analyze_many(part, rules_only), maxlen=0),
        ],
        docs,
    )
    if spans != counts:
        raise SystemExit(f"the two paths disagree: {sum(counts)} findings against {sum(spans)}")
    findings = sum(counts) // args.repeat
    tok_wps, full_wps, comp_wps = n_words / tokenize, n_words / analyze, n_words / component
    what = "real sentences, 8 a post" if args.real else f"health share {args.health_share:.2f}"
    print(f"documents            {len(docs)} ({what}, {findings} findings)")
    print(f"words                {n_words}")
    print(f"tokenizer only       {tok_wps:,.0f} words/s")
    print(f"full analyzer        {full_wps:,.0f} words/s")
    print(f"ratio                {full_wps / tok_wps:.2f}  (target >= 0.5)")
    rules_wps = n_words / rules
    print(f"rules alone          {rules_wps:,.0f} words/s (ratio {rules_wps / tok_wps:.2f}; the scorer costs the rest)")
    print(
        f"as a spaCy component {comp_wps:,.0f} words/s (ratio {comp_wps / tok_wps:.2f}; nlp.pipe tokenizes every text)"
    )
    print(f"scan start-up        {startup_seconds(args.repeat):.2f} s (one-line file, median of {args.repeat})")


if __name__ == "__main__":
    main()
