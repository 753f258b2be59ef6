"""Long texts and long runs: a subject named in an earlier chunk carries on, chunking finds what one
pass finds, and a worker's memory stays flat over posts full of new words."""

import random
import string

import pytest

from analyzer import analyze
from analyzer.run import pipeline
from analyzer.run.config import EngineSpec
from analyzer.run.pipeline import CHUNK_CHARS, analyze_many, chunk_text, get_pipeline, pipeline_for

FILLER = "We walked along the harbour and talked about the weather for a while. "


def test_a_substance_named_in_an_earlier_chunk_is_the_subject_of_a_later_claim():
    text = "Our kava drops are made by hand.\n" + FILLER * 2000 + "\nIt cures anxiety.\n"
    assert len(chunk_text(text)) > 1
    (finding,) = analyze(text)
    assert finding.substance == "Kava" and finding.rule_id == "disease-treatment"
    assert text[finding.start : finding.end] == finding.text


def test_the_last_substance_before_a_chunk_counts_as_the_sentence_before_it():
    # chunk 1 names kava often and valerian last; the claim opens chunk 2, right after valerian
    opening = "Kava drops are made by hand. " * 3 + FILLER * 1350 + "Valerian tea is made by hand too.\n"
    text = opening + "It cures insomnia. " + FILLER * 100
    assert chunk_text(text)[1][0] == len(opening)
    (finding,) = analyze(text)
    assert finding.substance == "Valerian"


def test_chunked_findings_are_the_findings_of_each_piece():
    nlp = get_pipeline(scorer="")
    sentences = ["Our kava drops cure anxiety. ", "Ginger relieves nausea, says the label. ", FILLER]
    rng = random.Random(5)
    text = "".join(rng.choice(sentences) for _ in range(int(CHUNK_CHARS * 2.5 / 40)))
    (found,) = analyze_many([text], nlp)
    expected = []
    for offset, chunk in chunk_text(text):
        expected += [(f.start + offset, f.end + offset, f.rule_id) for f in next(analyze_many([chunk], nlp))]
    assert sorted((f.start, f.end, f.rule_id) for f in found) == sorted(expected)
    assert all(text[f.start : f.end] == f.text for f in found)


def unique_posts(rng: random.Random, n: int) -> list[str]:
    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(10))

    return [f"Our kava drops cure anxiety, says {word()} {word()}. {word()} {word()} {word()}." for _ in range(n)]


def rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not pipeline.__file__ or not __import__("os").path.exists("/proc/self/status"), reason="Linux")
def test_memory_stays_flat_over_posts_with_new_words(monkeypatch):
    """Each post brings new word types; the pipeline is replaced when its vocabulary has grown by
    MAX_NEW_STRINGS, so its string store stays bounded, and so does the process's memory."""
    monkeypatch.setattr(pipeline, "MAX_NEW_STRINGS", 3_000)
    spec = EngineSpec(scorer="")
    rng = random.Random(11)

    def run(posts: int) -> int:
        most = 0
        for _ in range(posts // 200):
            nlp = pipeline_for(spec)
            assert all(len(found) == 1 for found in analyze_many(unique_posts(rng, 200), nlp))
            most = max(most, len(nlp.vocab.strings) - pipeline._BUILT[spec][1])
        return most

    run(2_000)  # warm up: the allocator's pools reach their working size
    before = rss_kb()
    most = run(6_000)  # 30,000 new words: some 25 MB if the vocabulary were never replaced
    grown = rss_kb() - before
    assert most <= 3_000 + 200 * 6  # at most one batch past the bound
    assert grown < 12_000, f"memory grew by {grown} KB over 6,000 posts"


def test_a_huge_post_dense_with_claims_stops_at_max_findings_and_says_so(tmp_path, monkeypatch, run_cli):
    monkeypatch.setattr(pipeline, "MAX_FINDINGS", 40)
    text = "Our kava drops cure anxiety. " * 4000 + "\n" + "Our ginger drops cure nausea. " * 4000
    post = tmp_path / "post.txt"
    post.write_text(text)
    code, out, err = run_cli("scan", "--no-config", "--format", "json", str(post))
    (doc,) = __import__("json").loads(out)["documents"]
    assert code == 1 and len(doc["findings"]) == 40
    assert [p["code"] for p in doc["problems"]] == ["HC222"] and "HC222" in err
    assert all(f["substance"] == "Kava" for f in doc["findings"])  # the analysis stopped in chunk 1
