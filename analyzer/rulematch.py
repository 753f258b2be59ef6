"""Matching claim rules against a sentence of lexicon entities.

Rules are written over lexicon classes (``@TREAT *{0,6} @CONDITION``). A
sentence is first turned into *items*: each lexicon entity is one item, and
so is each token that some pattern names literally ("for", "anti"). All
other tokens only fill gaps, which are measured in tokens. An entity is
always taken whole and never split by a gap.

This replaces spaCy's token ``Matcher`` for rules: its ``{0,6}`` wildcards
branch at every token, which made the Matcher most of the run time; here a
pattern is only tried where its first element matches, and a sentence is
skipped outright when it lacks a lexicon class that every pattern needs.

Pattern mini-language (one list of elements per pattern):

``@A|B``         one lexicon entity of class A or B
``@A:group``     ...whose id is in the named group (``@A:!group``: not in it)
``*{m,n}``       m to n tokens of the same sentence
``word|other``   a literal word, compared lower-case; ``?word`` makes it optional
``#NUM``         a number
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Iterator, NamedTuple

from spacy.lang.en.lex_attrs import like_num
from spacy.tokens import Doc

from .errors import HealthClaimsError, problem

_GAP = re.compile(r"^\*\{(\d+),(\d+)\}$")


@dataclass(frozen=True)
class Element:
    kind: str  # "ent", "gap", "word", "num"
    classes: frozenset[str] = frozenset()
    ids: frozenset[str] | None = None
    exclude: bool = False
    words: frozenset[str] = frozenset()
    word_ids: frozenset[int] = frozenset()  # the words' LOWER hashes, filled in by RuleMatcher
    optional: bool = False
    low: int = 0
    high: int = 0


class Tag(NamedTuple):
    """A lexicon entity: class, id and token offsets."""

    cls: str
    id: str
    start: int
    end: int


class Item(NamedTuple):
    """What patterns see: a lexicon entity, or a token that a pattern names literally."""

    start: int
    end: int
    cls: str | None
    id: str | None
    lower: int  # LOWER hash of a one-token item (0 when no pattern names it)
    like_num: bool


def compile_element(token: str, groups: dict[str, list[str]]) -> Element:
    if token.startswith("@"):
        body, _, group = token[1:].partition(":")
        classes = frozenset(body.split("|"))
        if not all(classes):
            raise HealthClaimsError(problem("HC208", token=token, reason="empty class name"))
        if not group:
            return Element("ent", classes=classes)
        name = group.lstrip("!")
        if name not in groups:
            raise HealthClaimsError(problem("HC208", token=token, reason=f"unknown group '{name}'"))
        return Element("ent", classes=classes, ids=frozenset(groups[name]), exclude=group.startswith("!"))
    gap = _GAP.match(token)
    if gap:
        low, high = int(gap.group(1)), int(gap.group(2))
        if low > high:
            raise HealthClaimsError(problem("HC208", token=token, reason="minimum above maximum"))
        return Element("gap", low=low, high=high)
    if token.startswith("*"):
        raise HealthClaimsError(problem("HC208", token=token, reason="write a gap as *{min,max}"))
    if token == "#NUM":
        return Element("num")
    words = token.lstrip("?").split("|")
    if not all(words):
        raise HealthClaimsError(problem("HC208", token=token, reason="empty alternative"))
    return Element("word", words=frozenset(w.lower() for w in words), optional=token.startswith("?"))


@dataclass(frozen=True)
class CompiledPattern:
    rule_id: str
    elements: tuple[Element, ...]
    # the lexicon classes a sentence must contain for this pattern to match
    needs: tuple[frozenset[str], ...]

    @classmethod
    def build(cls, rule_id: str, elements: tuple[Element, ...]) -> "CompiledPattern":
        return cls(rule_id, elements, tuple(e.classes for e in elements if e.kind == "ent"))

    def possible(self, classes: set[str]) -> bool:
        return all(need & classes for need in self.needs)


def _matches_one(el: Element, item: Item) -> bool:
    if el.kind == "ent":
        if item.cls not in el.classes:
            return False
        if el.ids is None:
            return True
        return (item.id in el.ids) != el.exclude
    if el.kind == "word":
        # a literal may also be a one-token entity ("help" is a TREAT word)
        return item.end - item.start == 1 and item.lower in el.word_ids
    if el.kind == "num":
        return item.like_num
    return False


class Literals(NamedTuple):
    """A doc's literal tokens: their sorted indices, and index -> (LOWER hash, like a number)."""

    index: list[int]
    words: dict[int, tuple[int, bool]]


class RuleMatcher:
    """Match every rule's patterns in a sentence; see the module docstring."""

    def __init__(self, rules: dict[str, list[list[str]]], groups: dict[str, list[str]], vocab):
        def with_ids(el: Element) -> Element:
            return replace(el, word_ids=frozenset(vocab.strings.add(w) for w in el.words)) if el.words else el

        self.patterns = [
            CompiledPattern.build(rule_id, tuple(with_ids(compile_element(t, groups)) for t in pattern))
            for rule_id, patterns in rules.items()
            for pattern in patterns
        ]
        # one compiled function per set of patterns that possible() hands out
        self._compiled: dict[int, tuple] = {}
        words = frozenset(w for p in self.patterns for el in p.elements if el.kind == "word" for w in el.words)
        uses_numbers = any(el.kind == "num" for p in self.patterns for el in p.elements)
        # a lexeme flag: computed once per word type, read in C by Doc.to_array
        self.literal_flag = vocab.add_flag(
            lambda text: text.lower() in words or (uses_numbers and like_num(text))
        )
        self._possible: dict[frozenset[str], list[CompiledPattern]] = {}

    def possible(self, classes: frozenset[str]) -> list[CompiledPattern]:
        """The patterns whose lexicon classes are all present."""
        found = self._possible.get(classes)
        if found is None:
            found = self._possible[classes] = [p for p in self.patterns if p.possible(classes)]
        return found

    def literal_tokens(self, doc: Doc) -> "Literals":
        """The tokens a pattern may name literally (its words, and numbers if used)."""
        words = {t.i: info for t in doc if (info := self.literal_info(t.lex)) is not None}
        return Literals(list(words), words)

    def literal_info(self, lexeme) -> tuple[int, bool] | None:
        """(LOWER hash, like a number) of a word type that a pattern may name literally, else None."""
        return (lexeme.lower, lexeme.like_num) if lexeme.check_flag(self.literal_flag) else None

    def __call__(self, doc: Doc, start: int, end: int, tags: list[Tag], literals: "Literals",
                 patterns: list[CompiledPattern]) -> list[tuple[str, int, int]]:
        """(rule id, start token, end token) for every way a pattern matches in doc[start:end].

        ``tags`` are the sentence's entities; ``literals`` the doc's literal tokens.
        """
        found = self._compiled.get(id(patterns))
        if found is None or found[0] is not patterns:
            # possible() keeps its lists, so this compiles once per set of classes
            if len(self._compiled) > 4096:  # lists from elsewhere: keep the cache bounded
                self._compiled.clear()
            words = frozenset(w for p in patterns for el in p.elements if el.kind == "word" for w in el.word_ids)
            numbers = any(el.kind == "num" for p in patterns for el in p.elements)
            found = self._compiled[id(patterns)] = (patterns, compile_patterns(patterns), words, numbers)
        _, match, words, numbers = found
        known = literals.words
        index = literals.index
        lits = index[bisect.bisect_left(index, start):bisect.bisect_left(index, end)]
        if lits:
            # only the literal tokens that these patterns name
            lits = [i for i in lits if known[i][0] in words or (numbers and known[i][1])]
        out: list[tuple[str, int, int]] = []
        n = len(tags)
        if not n:
            if lits:
                match(*zip(*[(i, i + 1, None, None, *known[i]) for i in lits]), len(lits), out)
            return out
        classes, ids, starts, ends = zip(*tags)  # the entities as columns (sorted by start)
        if not lits:
            match(starts, ends, classes, ids, (0,) * n, (False,) * n, n, out)
            return out
        lowers = [0] * n
        alone = []  # literal tokens outside the entities
        for i in lits:
            k = bisect.bisect_right(starts, i) - 1
            if k >= 0 and i < ends[k]:
                if ends[k] - starts[k] == 1:  # a one-token entity may also be a literal ("help" is a TREAT word)
                    lowers[k] = known[i][0]
            else:
                alone.append((i, i + 1, None, None, *known[i]))
        if not alone:
            match(starts, ends, classes, ids, lowers, (False,) * n, n, out)
            return out
        # starts are distinct: entities never overlap, literals are outside them
        rows = sorted([*zip(starts, ends, classes, ids, lowers, (False,) * n), *alone])
        match(*zip(*rows), len(rows), out)
        return out


def compile_patterns(patterns: list[CompiledPattern]):
    """Compile patterns into one Python function of nested loops (one per element).

    The function takes the sentence's items as columns (starts, ends, classes,
    ids, LOWER hashes, like-a-number flags; sorted by start), their count and an
    output list, and appends (rule id, start, end) for every way each pattern
    matches, exactly as :func:`reference_matches` finds them (in another order).
    The items are walked once: patterns that open with the same element share
    the test of that first element, and steps that follow the same prefix with the
    same gap share one walk. An optional word after the first element becomes two
    variants, with and without it; the gaps around a dropped word add up.
    """
    consts: dict[str, object] = {}

    def const(value) -> str:
        name = f"K{len(consts)}"
        consts[name] = value
        return name

    def test(el: Element, i: str, cls: str | None = None) -> str:
        if el.kind == "ent":
            cond = f"{cls or f'C[{i}]'} in {const(el.classes)}"
            if el.ids is not None:
                cond += f" and I[{i}] {'not in' if el.exclude else 'in'} {const(el.ids)}"
            return cond
        if el.kind == "word":
            if 0 in el.word_ids:  # 0 stands for "no word" in L
                raise ValueError("a word hashes to 0")
            return f"L[{i}] in {const(el.word_ids)}"
        if el.kind == "num":
            return f"N[{i}]"
        return "False"

    # The variants as a trie: patterns that open with the same element share its test, and
    # steps with the same gap after the same prefix share one walk over the items.
    # (A pattern cannot open with a gap: it never matches.)
    root: dict[Element, _Node] = {}
    for pattern in patterns:
        if pattern.elements and pattern.elements[0].kind != "gap":
            first = root.setdefault(pattern.elements[0], _Node())
            for variant in _variants(pattern.elements[1:]):
                node = first
                for step in variant:
                    node = node.kids.setdefault(step, _Node())
                node.rules.append(pattern.rule_id)
    lines = ["def match(S, E, C, I, L, N, n, out):"]

    def emit(node: _Node, prev: str, k: int, depth: int) -> None:
        pad = "    " * depth
        for rule_id in node.rules:
            lines.append(f"{pad}out.append(({const(rule_id)}, S[i0], E[{prev}]))")
        by_gap: dict[tuple[int, int], list[tuple[Element, _Node]]] = {}
        for (el, low, high), kid in node.kids.items():
            by_gap.setdefault((low, high), []).append((el, kid))
        cur = f"i{k}"
        for (low, high), kids in by_gap.items():
            if low == high == 0:  # directly after the previous element: at most one candidate
                lines.append(f"{pad}{cur} = {prev} + 1")
                lines.append(f"{pad}if {cur} < n and S[{cur}] == E[{prev}]:")
            else:
                # items are sorted and never overlap, so S[cur] >= E[prev] holds already
                lines.append(f"{pad}hi{k} = E[{prev}] + {high}")
                lines.append(f"{pad}for {cur} in range({prev} + 1, n):")
                lines.append(f"{pad}    if S[{cur}] > hi{k}:")
                lines.append(f"{pad}        break")
                if low:
                    lines.append(f"{pad}    if S[{cur}] < E[{prev}] + {low}:")
                    lines.append(f"{pad}        continue")
            for el, kid in kids:
                lines.append(f"{pad}    if {test(el, cur)}:")
                emit(kid, cur, k + 1, depth + 2)

    if not root:
        lines.append("    return")
    else:
        lines.append("    for i0 in range(n):")
        lines.append("        c0 = C[i0]")
    # an entity test only for entities (a literal token has no class), a word test only for
    # items with a word (a literal token, or a one-token entity that is also one)
    for kind, guard in (("ent", "c0 is not None"), ("word", "L[i0]"), ("num", "N[i0]")):
        firsts = [(first, node) for first, node in root.items() if first.kind == kind]
        if firsts:
            lines.append(f"        if {guard}:")
            for first, node in firsts:
                lines.append(f"            if {test(first, 'i0', 'c0')}:")
                emit(node, "i0", 1, 4)
    namespace = dict(consts)
    exec("\n".join(lines), namespace)  # noqa: S102 - code built above from the patterns' own data
    return namespace["match"]


class _Node:
    """A step of :func:`compile_patterns`' trie: the rules that match when it is reached,
    and the steps ((element, gap min, gap max) -> node) that may follow."""

    __slots__ = ("rules", "kids")

    def __init__(self):
        self.rules: list[str] = []
        self.kids: dict[tuple[Element, int, int], _Node] = {}


def _variants(elements: tuple[Element, ...]) -> list[list[tuple[Element, int, int]]]:
    """The pattern after its first element as (element, gap min, gap max) steps:
    gaps folded into the next element, one variant per choice of optional words."""
    variants: list[tuple[list[tuple[Element, int, int]], int, int]] = [([], 0, 0)]
    for el in elements:
        if el.kind == "gap":
            variants = [(steps, low + el.low, high + el.high) for steps, low, high in variants]
            continue
        taken = [([*steps, (el, low, high)], 0, 0) for steps, low, high in variants]
        variants = taken + variants if el.optional else taken
    # a trailing gap or skipped word adds nothing: the match ends with the last element taken
    return [steps for steps, _, _ in variants]


def reference_matches(pattern: CompiledPattern, items: list[Item]) -> list[tuple[str, int, int]]:
    """The matcher's specification, written plainly: every (rule id, start, end) of
    ``pattern`` over ``items`` (sorted, non-overlapping). Tests compare
    :func:`compile_patterns` against it."""
    out = []
    first = pattern.elements[0]
    for i, item in enumerate(items):
        if _matches_one(first, item):
            out.extend((pattern.rule_id, item.start, stop)
                       for stop in _match(pattern.elements, 1, items, i + 1, item.end, item.end))
    return out


def _match(elements: tuple[Element, ...], k: int, items: list[Item], j: int, lo: int, hi: int) -> Iterator[int]:
    """Yield the end token of every match of elements[k:], whose first element
    must start at a token in [lo, hi]; items[j:] are the candidates.

    ``lo`` is also where the match so far ends when no gap is open.
    """
    if k == len(elements):
        yield items[j - 1].end
        return
    el = elements[k]
    if el.kind == "gap":
        yield from _match(elements, k + 1, items, j, lo + el.low, hi + el.high)
        return
    if el.optional:
        yield from _match(elements, k + 1, items, j, lo, hi)
    n = len(items)
    while j < n and items[j].start < lo:
        j += 1
    while j < n and items[j].start <= hi:
        item = items[j]
        if _matches_one(el, item):
            yield from _match(elements, k + 1, items, j + 1, item.end, item.end)
        j += 1
