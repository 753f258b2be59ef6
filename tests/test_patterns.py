"""Pattern packs: schema validation with file, line and field; user packs extend and override."""

from pathlib import Path

import pytest
from helpers import write

from analyzer.errors import HealthClaimsError
from analyzer.packs.loader import load_pack


def codes(exc: HealthClaimsError) -> list[str]:
    return [p.code for p in exc.problems]


def test_builtin_pack_is_valid_and_broad():
    pack = load_pack()
    assert len(pack.ids("SUBSTANCE")) >= 25
    assert len(pack.ids("CONDITION")) + len(pack.ids("EFFECT")) >= 25
    specific_subs = {s for e in pack.evidence.values() if e.substances for s in e.substances}
    specific_targets = {t for e in pack.evidence.values() if e.targets for t in e.targets}
    assert len(specific_subs) >= 25 and len(specific_targets) >= 25


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path):
    write(tmp_path / "rules" / "bad.yaml", "rules:\n  - id: x\n    category: [unclosed\n")
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    (prob,) = info.value.problems
    assert prob.code == "HC201" and prob.path.endswith("bad.yaml") and prob.line and prob.line >= 3


def test_schema_error_names_field_and_line(tmp_path: Path):
    write(
        tmp_path / "lexicon" / "extra.yaml",
        "class: SUBSTANCE\nentries:\n  - id: moonroot\n    terms: [moonroot]\n  - id: Bad Id\n    terms: [x]\n",
    )
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    (prob,) = info.value.problems
    assert prob.code == "HC202" and prob.line == 5 and "entries.1.id" in prob.message


def test_a_source_without_a_year_is_rejected(tmp_path: Path):
    write(
        tmp_path / "evidence" / "e.yaml",
        """entries:
  - id: moonroot-undated
    applies_to: {categories: [safety_claim]}
    verdict: no_reliable_evidence
    summary: An entry of our own whose only source has no year.
    sources:
      - title: A page with no date
        publisher: Somebody
        url: https://example.org/page
    last_reviewed: 2026-11-25
""",
    )
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    (prob,) = info.value.problems
    assert prob.code == "HC202" and prob.line == 7 and "'year' is a required property" in prob.message


def test_unknown_reference_is_reported(tmp_path: Path):
    write(
        tmp_path / "evidence" / "e.yaml",
        """entries:
  - id: moonroot-x
    applies_to: {substances: [no_such_thing]}
    verdict: no_reliable_evidence
    summary: A summary long enough to pass the schema.
    sources: [{title: A title, publisher: A publisher, year: 2020, url: "https://example.org/a"}]
    last_reviewed: 2026-01-01
""",
    )
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    assert codes(info.value) == ["HC204"]


def test_duplicate_ids_in_one_pack_are_errors(tmp_path: Path):
    body = "class: SUBSTANCE\nentries:\n  - id: moonroot\n    terms: [moonroot]\n"
    write(tmp_path / "a.yaml", body)
    write(tmp_path / "b.yaml", body)
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    assert codes(info.value) == ["HC203"]


def test_user_pack_extends_and_overrides(tmp_path: Path):
    write(
        tmp_path / "lexicon" / "mine.yaml",
        "class: SUBSTANCE\nentries:\n  - id: moonroot\n    name: Moonroot\n    terms: [moonroot, moon root]\n",
    )
    write(tmp_path / "rules" / "mine.yaml", (Path(__file__).parent / "data" / "override_rule.yaml").read_text())
    pack = load_pack([tmp_path])
    assert pack.entry("SUBSTANCE", "moonroot").terms == ["moon root", "moonroot"]
    assert pack.rules["safety-claim"].severity == "high"


def test_missing_pattern_dir(tmp_path: Path):
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path / "nope"])
    assert codes(info.value) == ["HC207"]


def test_a_source_checkout_loads_its_own_patterns():
    # 'python -c' in the repository imports the source folder's analyzer, not the installed one;
    # its data is the patterns/ folder beside it (HC209 before)
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    code = (
        "import analyzer, pathlib; from analyzer import analyze; "
        "print(pathlib.Path(analyzer.__file__).resolve().parent.parent); "
        "print([f.rule_id for f in analyze('Our kava drops cure anxiety.')])"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    where, found = run.stdout.splitlines()
    assert Path(where) == repo and found == "['disease-treatment']"


# ---------------------------------------------------------------- the source registry

REGISTRY_ENTRY = """entries:
  - id: moonroot-cited
    applies_to: {categories: [safety_claim]}
    verdict: no_reliable_evidence
    summary: An entry of our own that cites the registry by id.
    sources: [%s]
    last_reviewed: 2026-12-01
"""
REGISTRY = """sources:
  - id: moonroot-paper
    title: A paper about moonroot
    publisher: A journal
    year: 2020
    url: https://example.org/moonroot
    doi: 10.1234/moonroot.1
"""


def test_builtin_entries_cite_every_source_by_id_and_the_registry_is_clean():
    from analyzer.packs.loader import check_sources

    pack = load_pack()
    assert all(isinstance(c, str) for e in pack.evidence.values() for c in e.cites)
    assert check_sources(pack) == []
    # the rendered entry still carries the full source record
    entry = next(iter(pack.evidence.values()))
    assert entry.sources and {"id", "title", "publisher", "year", "url"} <= set(entry.sources[0])


def test_a_citation_resolves_to_the_registry_record(tmp_path: Path):
    write(tmp_path / "evidence" / "sources.yaml", REGISTRY)
    write(tmp_path / "evidence" / "e.yaml", REGISTRY_ENTRY % "moonroot-paper")
    pack = load_pack([tmp_path])
    assert pack.evidence["moonroot-cited"].sources[0]["doi"] == "10.1234/moonroot.1"


def test_an_unknown_citation_is_an_error(tmp_path: Path):
    write(tmp_path / "evidence" / "e.yaml", REGISTRY_ENTRY % "no-such-source")
    with pytest.raises(HealthClaimsError) as info:
        load_pack([tmp_path])
    assert codes(info.value) == ["HC211"]


def test_validate_reports_uncited_and_duplicate_sources(tmp_path: Path, run_cli):
    write(
        tmp_path / "evidence" / "sources.yaml",
        REGISTRY
        + """
  - id: moonroot-paper-again
    title: The same paper, entered twice
    publisher: A journal
    year: 2020
    url: https://doi.org/10.1234/MOONROOT.1
""",
    )
    write(tmp_path / "evidence" / "e.yaml", REGISTRY_ENTRY % "moonroot-paper")
    code, _, err = run_cli("patterns", "validate", str(tmp_path))
    assert code == 2
    assert "HC212" in err and "HC210" in err and "moonroot-paper-again" in err
