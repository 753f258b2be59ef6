"""The per-user pack cache: used when fresh, rebuilt when a file changes, ignored when corrupt,
private to its user, and never changing what is found."""

import os
import stat
from pathlib import Path

import pytest
from helpers import write

from analyzer.packs import cache, loader
from analyzer.packs.loader import load_pack
from analyzer.run.pipeline import analyze_many, get_pipeline

MOONROOT = "class: SUBSTANCE\nentries:\n  - id: moonroot\n    name: Moonroot\n    terms: [moonroot]\n"
TEXTS = [
    "Our kava drops cure anxiety. No side effects!",
    "Moonroot tea cures insomnia, and ashwagandha lowers cortisol.",
    "We walked to the old lighthouse after lunch.",
]


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HEALTHCLAIMS_CACHE_DIR", str(folder))
    monkeypatch.delenv("HEALTHCLAIMS_NO_CACHE", raising=False)
    return folder


def entries(folder: Path, kind: str = "pack") -> list[Path]:
    return sorted(folder.glob(f"{kind}-*.pickle"))


def never_parse(*args, **kwargs):
    raise AssertionError("parsed a pattern file although the cache holds the pack")


def test_a_fresh_entry_is_used_instead_of_parsing(cache_dir: Path, tmp_path: Path, monkeypatch):
    write(tmp_path / "pack" / "lexicon" / "mine.yaml", MOONROOT)
    first = load_pack([tmp_path / "pack"])
    assert len(entries(cache_dir)) == 1
    monkeypatch.setattr(loader, "read_pattern_file", never_parse)
    again = load_pack([tmp_path / "pack"])
    assert again.fingerprint == first.fingerprint
    assert again.entry("SUBSTANCE", "moonroot").terms == ["moonroot"]


def test_a_changed_pattern_file_rebuilds_the_pack(cache_dir: Path, tmp_path: Path):
    mine = tmp_path / "pack" / "lexicon" / "mine.yaml"
    write(mine, MOONROOT)
    first = load_pack([tmp_path / "pack"])
    write(mine, MOONROOT.replace("[moonroot]", "[moonroot, moon root]"))
    second = load_pack([tmp_path / "pack"])
    assert second.fingerprint != first.fingerprint
    assert second.entry("SUBSTANCE", "moonroot").terms == ["moon root", "moonroot"]
    assert len(entries(cache_dir)) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(cache_dir: Path, tmp_path: Path, damage: str):
    write(tmp_path / "pack" / "lexicon" / "mine.yaml", MOONROOT)
    load_pack([tmp_path / "pack"])
    (entry,) = entries(cache_dir)
    data = entry.read_bytes()
    broken = {
        "truncate": data[: len(data) // 2],
        "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
        "garbage": b"not a cache entry at all",
    }[damage]
    entry.write_bytes(broken)
    pack = load_pack([tmp_path / "pack"])
    assert pack.entry("SUBSTANCE", "moonroot") is not None
    assert entry.read_bytes() == data  # rewritten whole


def test_the_cache_directory_is_private(cache_dir: Path, tmp_path: Path):
    cache_dir.mkdir(mode=0o777)
    os.chmod(cache_dir, 0o777)
    write(tmp_path / "pack" / "lexicon" / "mine.yaml", MOONROOT)
    load_pack([tmp_path / "pack"])
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in entries(cache_dir))


def test_no_cache_writes_nothing(cache_dir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HEALTHCLAIMS_NO_CACHE", "1")
    write(tmp_path / "pack" / "lexicon" / "mine.yaml", MOONROOT)
    load_pack([tmp_path / "pack"])
    get_pipeline((str(tmp_path / "pack"),), scorer="")
    assert not cache_dir.exists()


def test_an_entry_of_another_key_is_never_returned(cache_dir: Path):
    cache.store("pack", "a" * 64, {"some": "value"})
    assert cache.load("pack", "a" * 64) == {"some": "value"}
    assert cache.load("pack", "b" * 64) is None


def findings(nlp) -> list[list[dict]]:
    return [[f.to_dict() for f in found] for found in analyze_many(TEXTS, nlp)]


def test_results_are_the_same_with_and_without_the_cache(cache_dir: Path, tmp_path: Path, monkeypatch):
    write(tmp_path / "pack" / "lexicon" / "mine.yaml", MOONROOT)
    patterns = (str(tmp_path / "pack"),)
    monkeypatch.setenv("HEALTHCLAIMS_NO_CACHE", "1")
    loader.cached_pack.cache_clear()
    uncached = findings(get_pipeline(patterns))
    monkeypatch.delenv("HEALTHCLAIMS_NO_CACHE")
    loader.cached_pack.cache_clear()
    cold = findings(get_pipeline(patterns))  # fills the cache
    assert len(entries(cache_dir, "compiled")) == 1
    loader.cached_pack.cache_clear()
    warm = findings(get_pipeline(patterns))  # reads it
    loader.cached_pack.cache_clear()
    assert uncached == cold == warm
    assert any(uncached) and not uncached[2]


def test_texts_the_cached_gate_stops_need_no_pipeline(cache_dir: Path, monkeypatch):
    from analyzer.run import pipeline
    from analyzer.run.config import EngineSpec
    from analyzer.run.inputs import Document
    from analyzer.run.scan import scan_documents

    spec = EngineSpec(scorer="")
    docs = [Document(f"d{k}", f"d{k}.txt", text) for k, text in enumerate(TEXTS)]
    monkeypatch.setattr(pipeline, "_BUILT", {})
    monkeypatch.setattr(pipeline, "_GATES_CACHED", set())
    expected = [[f.to_dict() for f in r.findings] for r in scan_documents(docs, spec, batch_size=1)]
    assert len(entries(cache_dir, "gate")) == 1

    def no_pipeline(*args, **kwargs):
        raise AssertionError("built a pipeline for texts the gate stops")

    monkeypatch.setattr(pipeline, "_BUILT", {})
    monkeypatch.setattr(pipeline, "get_pipeline", no_pipeline)
    assert [r.findings for r in scan_documents(docs[2:], spec)] == [[]]
    monkeypatch.undo()
    monkeypatch.setenv("HEALTHCLAIMS_CACHE_DIR", str(cache_dir))
    monkeypatch.setattr(pipeline, "_BUILT", {})
    again = [[f.to_dict() for f in r.findings] for r in scan_documents(docs, spec, batch_size=1)]
    assert again == expected and expected[0] and not expected[2]
