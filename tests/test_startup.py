"""Start-up: the scorer loads without building English's tokenizer and scores exactly as spaCy's
own loading does; a folder that is not a scorer is HC223; a start from a warm pack cache never
imports the YAML parser or JSON Schema; the pack cache leaves the cyclic collector as it found it;
a component built from the cache's compiled entry tokenizes nothing and finds what a cold one finds,
a changed pack gets its own entry and a damaged one is rebuilt; the pipeline's blank English is
spacy.blank("en")'s.

Every sentence here is our own writing. Speed itself is measured in benchmarks/startup.py.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from analyzer.engine import component, context, scoring
from analyzer.engine.scoring import ClaimScorer, LabelledView, load_scorer
from analyzer.errors import HealthClaimsError
from analyzer.packs import cache, loader
from analyzer.run.pipeline import analyze_many, blank_english, get_pipeline

SENTENCES = [
    "Our kava drops cure anxiety.",
    "This elderberry syrup stops the flu in a day.",
    "Turmeric capsules reverse arthritis, and ginger melts belly fat.",
    "A clinical study proves our moringa powder lowers blood sugar.",
    "Some people say chamomile tea may help them sleep.",
    "We walked along the harbour to the old lighthouse.",
]
VIEWS = [
    ["cls_condition", "rule_disease_claim", "scorable_", "our", "substance_", "drops", "cure", "condition_", "."],
    ["cls_effect", "this", "substance_", "tea", "will", "effect_", "your", "mornings"],
    ["ctx_negated", "no", "substance_", "does", "not", "cure", "condition_"],
    ["we", "walked", "to", "the", "old", "lighthouse"],
    ["a", "word", "the", "scorer", "never", "saw", "zorblaxine"],
]


def shipped_folder():
    return resources.as_file(scoring._shipped_model())


def as_spacy_loads_it(folder) -> ClaimScorer:
    """The scorer as it was loaded before: spacy.load, with English's tokenizer."""
    return ClaimScorer(spacy.load(folder))


def raw(scorer: ClaimScorer, views) -> list[list[float]]:
    docs = [Doc(scorer.vocab, words=view) for view in views]
    return scorer.textcat.model.ops.to_numpy(scorer.textcat.predict(docs)).tolist()


def test_the_shipped_scorer_scores_as_spacy_load_builds_it():
    with shipped_folder() as folder:
        before = as_spacy_loads_it(folder)
    now = load_scorer()
    assert raw(now, VIEWS) == raw(before, VIEWS)  # the model's own outputs, bit for bit
    assert now(VIEWS) == before(VIEWS)
    assert now.policy == before.policy and now.categories == before.categories
    assert not now.nlp.tokenizer.rules  # no English special cases were built for it
    assert len(before.nlp.tokenizer.rules) > 1000


def test_findings_have_the_same_confidences_as_with_spacy_load():
    nlp = spacy.blank("en")
    component = nlp.add_pipe("health_claims", config={"scorer": ""})
    with shipped_folder() as folder:
        component.scorer = as_spacy_loads_it(folder)
    before = [[(f.rule_id, f.confidence) for f in found] for found in analyze_many(SENTENCES, nlp)]
    now = [[(f.rule_id, f.confidence) for f in found] for found in analyze_many(SENTENCES, get_pipeline())]
    assert now == before
    assert sum(1 for found in now if found) >= 3 and not now[-1]
    assert all(confidence is not None for found in now for _, confidence in found)


def test_a_trained_scorer_loads_from_its_folder_as_it_was_saved(tmp_path: Path):
    examples = [
        LabelledView(view, 1 if k < 3 else 0, "disease_claim" if k < 3 else None) for k, view in enumerate(VIEWS)
    ]
    trained = scoring.train(examples, ["disease_claim", "weight_loss"], epochs=2)
    trained.to_disk(tmp_path / "model")
    loaded, before = load_scorer(tmp_path / "model"), as_spacy_loads_it(tmp_path / "model")
    assert loaded(VIEWS) == trained(VIEWS) == before(VIEWS)
    assert raw(loaded, VIEWS) == raw(trained, VIEWS)
    assert loaded.policy == before.policy  # (both read meta.json with srsly: 0.95 comes back 0.9500000000000001)


def hc223(folder: Path) -> str:
    with pytest.raises(HealthClaimsError) as caught:
        load_scorer(folder)
    [problem] = caught.value.problems
    assert problem.code == "HC223" and problem.path == str(folder)
    return problem.message


def test_a_folder_that_is_not_a_scorer_is_hc223(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    assert "no config.cfg" in hc223(tmp_path / "empty")
    spacy.blank("en").to_disk(tmp_path / "blank")
    assert "pipeline is []" in hc223(tmp_path / "blank")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.cfg").write_text("[nlp\nlang = ", encoding="utf-8")
    assert "ConfigValidationError" in hc223(tmp_path / "broken")


def test_a_scorer_with_damaged_weights_is_hc223(tmp_path: Path):
    with shipped_folder() as folder:
        shutil.copytree(folder, tmp_path / "model")
    weights = tmp_path / "model" / "textcat_multilabel" / "model"
    weights.write_bytes(weights.read_bytes()[:1000])
    hc223(tmp_path / "model")


def test_scan_with_a_model_folder_that_is_not_a_scorer_exits_2(run_cli, tmp_path: Path):
    (tmp_path / "a.txt").write_text("Our kava drops cure anxiety.", encoding="utf-8")
    (tmp_path / "model").mkdir()
    code, out, err = run_cli("scan", str(tmp_path / "a.txt"), "--model", str(tmp_path / "model"))
    assert code == 2 and "HC223" in err and str(tmp_path / "model") in err


@pytest.mark.parametrize("collecting", [True, False])
def test_the_pack_cache_leaves_the_collector_as_it_found_it(tmp_path: Path, monkeypatch, collecting: bool):
    monkeypatch.setenv("HEALTHCLAIMS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("HEALTHCLAIMS_NO_CACHE", raising=False)
    cache.store("test", "key", {"a": [1, 2, 3]})
    (tmp_path / "test-bad.pickle").write_bytes(b"not an entry")
    was = gc.isenabled()
    try:
        gc.enable() if collecting else gc.disable()
        assert cache.load("test", "key") == {"a": [1, 2, 3]}
        assert gc.isenabled() is collecting
        assert cache.load("test", "bad") is None
        assert gc.isenabled() is collecting
    finally:
        gc.enable() if was else gc.disable()


def test_a_warm_start_imports_neither_yaml_nor_json_schema(tmp_path: Path):
    """What loading a pack from the cache and building the pipeline import: not the parser or the
    validator, which only a pack read from its files needs."""
    script = (
        "import sys\n"
        "from analyzer.cli import scan\n"
        "from analyzer.run.config import EngineSpec\n"
        "from analyzer.run.pipeline import pipeline_for\n"
        "pipeline_for(EngineSpec())\n"
        "print(sorted(m for m in ('yaml', 'jsonschema') if m in sys.modules))\n"
    )
    env = dict(os.environ, HEALTHCLAIMS_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("HEALTHCLAIMS_NO_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True) for _ in "ab"]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.strip() == "['jsonschema', 'yaml']"  # cold: the pack is read from its files
    assert runs[1].stdout.strip() == "[]"


# ------------------------------------------------------------------ the compiled entry and blank English

NEGATION = "description: ours\ntriggers:\n  - id: mine-negation\n    category: NEGATED\n    direction: forward\n"
NEGATED = ["Glorp, our kava drops cure anxiety.", "Blorf, our kava drops cure anxiety.", "Our kava drops cure anxiety."]


def found(nlp) -> list[list[dict]]:
    return [[f.to_dict() for f in fs] for fs in analyze_many(NEGATED + SENTENCES, nlp)]


def compiled_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("compiled-*.pickle"))


@pytest.fixture()
def own_pack(tmp_path: Path, monkeypatch) -> tuple[str, ...]:
    """A pack with a negation trigger of our own ("glorp"), a private cache, no pack kept in memory."""
    monkeypatch.setenv("HEALTHCLAIMS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("HEALTHCLAIMS_NO_CACHE", raising=False)
    (tmp_path / "pack" / "context").mkdir(parents=True)
    (tmp_path / "pack" / "context" / "mine.yaml").write_text(NEGATION + "    phrases: [glorp]\n", encoding="utf-8")
    loader.cached_pack.cache_clear()
    yield (str(tmp_path / "pack"),)
    loader.cached_pack.cache_clear()


def test_a_warm_component_tokenizes_no_term_or_phrase_and_finds_the_same(own_pack, tmp_path: Path, monkeypatch):
    cold = found(get_pipeline(own_pack, scorer=""))
    assert len(compiled_entries(tmp_path / "cache")) == 1
    for module, name in ((context, "phrase_keys"), (component, "choose_anchors"), (component, "build_gate")):
        monkeypatch.setattr(module, name, refuse)
    nlp = get_pipeline(own_pack, scorer="")
    assert nlp.get_pipe("health_claims").tagger.term_docs is None  # the terms were not tokenized
    warm = found(nlp)
    assert warm == cold
    assert cold[0] == [] and cold[1] and cold[2]  # "glorp" negates; the trigger came from the cache


def refuse(*args, **kwargs):
    raise AssertionError("built what the compiled entry holds")


def test_a_changed_pack_gets_its_own_compiled_entry(own_pack, tmp_path: Path):
    first = found(get_pipeline(own_pack, scorer=""))
    (tmp_path / "pack" / "context" / "mine.yaml").write_text(NEGATION + "    phrases: [blorf]\n", encoding="utf-8")
    loader.cached_pack.cache_clear()
    second = found(get_pipeline(own_pack, scorer=""))
    assert len(compiled_entries(tmp_path / "cache")) == 2
    assert first[:2] != second[:2] and second[0] and second[1] == []  # now "blorf" negates, "glorp" does not
    assert first[2:] == second[2:]


@pytest.mark.parametrize("damage", ["garbage", "flip", "another shape"])
def test_a_corrupt_compiled_entry_is_ignored_and_rewritten(own_pack, tmp_path: Path, damage: str):
    expected = found(get_pipeline(own_pack, scorer=""))
    (entry,) = compiled_entries(tmp_path / "cache")
    data = entry.read_bytes()
    if damage == "another shape":  # a well-formed entry that is not a Compiled (the terms alone, as before)
        key = entry.stem.split("-", 1)[1]
        cache.store("compiled", key, ({"SUBSTANCE|kava": [(1, 2)]}, None))
    else:
        entry.write_bytes(b"not an entry" if damage == "garbage" else data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    loader.cached_pack.cache_clear()
    assert found(get_pipeline(own_pack, scorer="")) == expected
    assert entry.read_bytes() == data  # rebuilt whole


def test_blank_english_is_spacy_blank_english():
    """The pipeline's English is spacy.blank("en")'s: the same tokenizer (special cases, affix rules,
    URL and token matches, serialised byte for byte) and the same tokens, so the pack cache's keys
    and the gate hold for both."""
    ours, blank = blank_english(), spacy.blank("en")
    assert ours.tokenizer.to_bytes() == blank.tokenizer.to_bytes()
    assert ours.vocab.to_bytes() == blank.vocab.to_bytes()
    assert cache.compiled_key("f", ours) == cache.compiled_key("f", blank) is not None
    text = (
        "Don't miss it!! Our 2-in-1 kava drops (50 ml) can't hurt — they're 100% natural, e.g. for U.K. "
        "buyers: see https://example.com/kava?x=1 or mail shop@example.com :-) at 9:30am, 3.5mg/day; "
        "it’s “clinically proven”… Vitamin-D3 & zinc can’t cure COVID-19, doesn't it? ¿Qué? 10km/h\n\n"
        "Naïve co-op role-play, the U.S.A.'s rock'n'roll, O'Neill's #1 fan @kava_fan #wellness ($19.99)."
    )
    assert [(t.idx, t.text, t.whitespace_) for t in ours(text)] == [(t.idx, t.text, t.whitespace_) for t in blank(text)]
