"""Acceptance on the article the project started from (read from ../shared, never copied)."""

import json

import pytest
from helpers import SHARED

from analyzer.run.pipeline import get_pipeline, locate

SEED = SHARED / "seed"
pytestmark = pytest.mark.skipif(not (SEED / "expected.json").exists(), reason="../shared/seed not present")


@pytest.fixture(scope="module")
def seed():
    text = (SEED / "kratom-depression.txt").read_text(encoding="utf-8")
    expected = json.loads((SEED / "expected.json").read_text(encoding="utf-8"))
    doc = get_pipeline()(text)
    findings = locate(text, list(doc._.health_claims))
    sentences = [(s.start_char, s.end_char) for s in doc.sents]
    return text, expected, findings, sentences


def flagged(seed, fragment: str) -> bool:
    text, _, findings, sentences = seed
    at = text.find(fragment)
    assert at != -1, f"fragment not in the article: {fragment}"
    start, end = next((s, e) for s, e in sentences if s <= at < e)
    end = max(end, at + len(fragment))
    return any(start <= f.start and f.end <= end for f in findings)


def test_must_flag(seed):
    missed = [frag for frag in seed[1]["must_flag"] if not flagged(seed, frag)]
    assert missed == []


def test_must_not_flag(seed):
    wrong = [frag for frag in seed[1]["must_not_flag"] if flagged(seed, frag)]
    assert wrong == []


def test_most_should_flag(seed):
    hits = [frag for frag in seed[1]["should_flag"] if flagged(seed, frag)]
    assert len(hits) * 2 > len(seed[1]["should_flag"])
