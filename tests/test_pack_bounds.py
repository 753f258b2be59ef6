"""A pack cannot ask for unbounded work: alias bombs, huge rules and lexicons are rejected when
it is loaded, each with its code, file and line; ``patterns validate`` rejects what ``scan`` would."""

from pathlib import Path

import pytest
from helpers import write

from analyzer.errors import HealthClaimsError
from analyzer.packs import bounds
from analyzer.packs.loader import load_pack

RULE = """rules:
- id: moon-rule
  category: safety_claim
  severity: low
  message: A rule of our own.
  basis: {{authority: none, summary: A test rule of our own., url: "https://example.org/rule"}}
  fix: Say what the evidence supports, and no more than that.
  patterns:
  - {pattern}
  examples:
    match: [Moonroot is safe., Moonroot is completely safe., Moonroot is safe for all.]
    no_match: [Nothing here., Nothing there either., Nor here.]
"""


def problems_of(pack_dir: Path) -> list:
    with pytest.raises(HealthClaimsError) as info:
        load_pack([pack_dir], cache=False)
    return info.value.problems


def rule_pack(tmp_path: Path, tokens: list[str]) -> Path:
    write(tmp_path / "rules" / "moon.yaml", RULE.format(pattern=repr(tokens).replace("'", '"')))
    return tmp_path


def test_an_alias_bomb_is_rejected_before_it_expands(tmp_path: Path):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, 12)]
    write(tmp_path / "lexicon" / "bomb.yaml", "class: SUBSTANCE\n" + "\n".join(levels) + "\nentries: []\n")
    (prob,) = problems_of(tmp_path)
    assert prob.code == "HC219" and prob.path.endswith("bomb.yaml") and prob.line


def test_a_recursive_alias_is_rejected(tmp_path: Path):
    write(tmp_path / "lexicon" / "loop.yaml", "class: SUBSTANCE\nentries: &loop [*loop]\n")
    (prob,) = problems_of(tmp_path)
    assert prob.code == "HC219" and prob.line == 2


def test_deep_nesting_is_rejected(tmp_path: Path):
    write(tmp_path / "lexicon" / "deep.yaml", "class: SUBSTANCE\nentries: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert [p.code for p in problems_of(tmp_path)] in (["HC220"], ["HC201"])


@pytest.mark.parametrize(
    ("tokens", "code"),
    [
        ([f"w{k}" for k in range(61)], "HC214"),  # 61 literal words: past the matcher's nesting limit
        (["@SUBSTANCE"] + ["*{0,50}", "@SAFETY"] * 25, "HC214"),  # 25 wide gaps
        (["@SUBSTANCE"] + [f"?w{k}" for k in range(20)] + ["@SAFETY"], "HC214"),  # 2**20 variants
        (["@SUBSTANCE", "*{0,50}"] * 9 + ["@SAFETY"], "HC215"),  # 51**9 tries at each substance
        (["@SUBSTANCE", "*{0,50}", "@SUBSTANCE", "*{0,50}", "@SAFETY"], "HC215"),
        (["@NOSUCHCLASS", "@SAFETY"], "HC213"),
        (["@SUBSTANCE", "*{4,2}"], "HC208"),
        (["@SUBSTANCE:nosuchgroup", "@SAFETY"], "HC208"),
    ],
)
def test_rules_beyond_the_bounds_are_rejected_with_file_and_line(tmp_path: Path, tokens, code):
    found = problems_of(rule_pack(tmp_path, tokens))
    assert code in [p.code for p in found]
    assert all(p.path.endswith("moon.yaml") and p.line == 2 for p in found)


def test_rules_within_the_bounds_load(tmp_path: Path):
    pack = load_pack([rule_pack(tmp_path, ["@SUBSTANCE", "*{0,30}", "?is", "@SAFETY"])], cache=False)
    assert "moon-rule" in pack.rules


def test_a_huge_lexicon_file_is_rejected_unread(tmp_path: Path):
    terms = "".join(f"  - moonroot{k}\n" for k in range(bounds.MAX_FILE_BYTES // 12))
    write(tmp_path / "lexicon" / "huge.yaml", "class: SUBSTANCE\nentries:\n- id: moonroot\n  terms:\n" + terms)
    (prob,) = problems_of(tmp_path)
    assert prob.code == "HC221" and prob.path.endswith("huge.yaml")


def test_too_many_terms_are_rejected(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(bounds, "MAX_TERMS", 10_000)  # the built-in pack has about 8,000
    terms = "".join(f"    - moonroot{k}\n" for k in range(3_000))
    write(tmp_path / "lexicon" / "many.yaml", "class: SUBSTANCE\nentries:\n- id: moonroot\n  terms:\n" + terms)
    assert [p.code for p in problems_of(tmp_path)] == ["HC218"]


def test_a_very_long_term_is_rejected(tmp_path: Path):
    write(
        tmp_path / "lexicon" / "long.yaml", f"class: SUBSTANCE\nentries:\n- id: moonroot\n  terms: [{'moon ' * 60}]\n"
    )
    (prob,) = problems_of(tmp_path)
    assert prob.code == "HC216" and prob.line == 3


def test_the_builtin_pack_is_well_within_its_bounds():
    pack = load_pack(cache=False)
    assert sum(len(e.terms) for e in pack.lexicon.values()) * 4 < bounds.MAX_TERMS
    assert bounds.check_bounds(pack) == []


@pytest.mark.parametrize(
    "tokens", [["@NOSUCHCLASS", "@SAFETY"], ["@SUBSTANCE", "*{0,50}"] * 9 + ["@SAFETY"], ["@SUBSTANCE", "**"]]
)
def test_validate_rejects_what_scan_rejects(tmp_path: Path, run_cli, tokens):
    rule_pack(tmp_path, tokens)
    code, _, err = run_cli("patterns", "validate", str(tmp_path))
    assert code == 2 and "moon.yaml:2" in err
    file = write(tmp_path / "post.txt", "Moonroot is safe.\n")
    scan_code, _, scan_err = run_cli("scan", "--no-config", "--patterns", str(tmp_path), str(file))
    assert scan_code == 2 and scan_err.splitlines()[0] == err.splitlines()[0]


def test_matches_in_one_sentence_are_capped():
    import spacy

    from analyzer.engine.rulematch import MAX_MATCHES, RuleMatcher, Tag

    nlp = spacy.blank("en")
    doc = nlp.make_doc(" ".join(["moonroot"] * 3000))
    matcher = RuleMatcher({"r": [["@SUBSTANCE", "*{0,20}", "@SUBSTANCE"]]}, {}, nlp.vocab)
    tags = [Tag("SUBSTANCE", "moonroot", k, k + 1) for k in range(len(doc))]
    found = matcher(doc, 0, len(doc), tags, matcher.literal_tokens(doc), matcher.possible(frozenset({"SUBSTANCE"})))
    assert len(found) == MAX_MATCHES
    assert found[0][1] == 0  # the first starts are kept


@pytest.mark.parametrize(
    "tokens",
    [
        ["@A"] + [x for _ in range(7) for x in ("*{0,2}", "@A")] + ["@B"],  # the most nested loops
        ["@A"] + [f"?w{k}" for k in range(bounds.MAX_OPTIONAL)] + ["@B"] * 9,  # the most variants
        [f"w{k}" for k in range(bounds.MAX_ELEMENTS)],
    ],
)
def test_the_largest_patterns_within_the_bounds_compile(tokens):
    import spacy

    from analyzer.engine.rulematch import RuleMatcher

    assert len(tokens) == bounds.MAX_ELEMENTS
    matcher = RuleMatcher({"r": [tokens]}, {}, spacy.blank("en").vocab)
    assert callable(matcher.possible(frozenset({"A", "B"})).match)
