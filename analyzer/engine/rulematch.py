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
import functools
import hashlib
import linecache
import re
from dataclasses import dataclass, replace
from typing import Iterator, NamedTuple

from spacy.lang.en.lex_attrs import like_num
from spacy.tokens import Doc

from ..errors import HealthClaimsError, problem

_GAP = re.compile(r"^\*\{(\d+),(\d+)\}$")
# At most this many matches are found in one sentence (a pathological text, such as hundreds of
# substance names in a row, cannot make the output grow without bound); the first ones found,
# by start, are kept. What a pattern may try at each start is bounded when the pack is loaded
# (:mod:`analyzer.packs.bounds`).
MAX_MATCHES = 10_000


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
    def build(cls, rule_id: str, elements: tuple[Element, ...]) -> CompiledPattern:
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


class Literal(NamedTuple):
    """What a pattern may test of a token it names literally."""

    lower: int  # LOWER hash
    like_num: bool


class Literals(NamedTuple):
    """A doc's literal tokens: their sorted indices, and index -> its :class:`Literal`."""

    index: list[int]
    words: dict[int, Literal]


class PatternSet:
    """The patterns that may match where a given set of lexicon classes is present, and the
    one Python function they compile to (:func:`compile_patterns`, made when first used)."""

    def __init__(self, patterns: tuple[CompiledPattern, ...]):
        self.patterns = patterns
        # the literal words (LOWER hashes) these patterns name, and whether they name numbers
        self.words = frozenset(w for p in patterns for el in p.elements if el.kind == "word" for w in el.word_ids)
        self.numbers = any(el.kind == "num" for p in patterns for el in p.elements)

    @functools.cached_property
    def match(self):
        return compile_patterns(list(self.patterns))


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
        self._words = frozenset(w for p in self.patterns for el in p.elements if el.kind == "word" for w in el.words)
        self._uses_numbers = any(el.kind == "num" for p in self.patterns for el in p.elements)
        # the pattern sets handed out, by the lexicon classes present (equal sets are one object,
        # so each compiles once)
        self._by_classes: dict[frozenset[str], PatternSet] = {}
        self._sets: dict[tuple[int, ...], PatternSet] = {}

    def possible(self, classes: frozenset[str]) -> PatternSet:
        """The patterns whose lexicon classes are all present."""
        found = self._by_classes.get(classes)
        if found is None:
            chosen = tuple(k for k, p in enumerate(self.patterns) if p.possible(classes))
            found = self._sets.get(chosen)
            if found is None:
                found = self._sets[chosen] = PatternSet(tuple(self.patterns[k] for k in chosen))
            self._by_classes[classes] = found
        return found

    def could_match(self, classes: frozenset[str]) -> bool:
        """Whether some pattern may match where these lexicon classes are present."""
        return bool(self.possible(classes).patterns)

    def literal_tokens(self, doc: Doc) -> Literals:
        """The tokens a pattern may name literally (its words, and numbers if used)."""
        words = {t.i: info for t in doc if (info := self.literal_info(t.lex)) is not None}
        return Literals(list(words), words)

    def literal_info(self, lexeme) -> Literal | None:
        """The :class:`Literal` of a word type that a pattern may name literally, else None."""
        text = lexeme.orth_
        if text.lower() in self._words or (self._uses_numbers and like_num(text)):
            return Literal(lexeme.lower, lexeme.like_num)
        return None

    def __call__(
        self, doc: Doc, start: int, end: int, tags: list[Tag], literals: Literals, patterns: PatternSet
    ) -> list[tuple[str, int, int]]:
        """(rule id, start token, end token) for every way a pattern matches in doc[start:end].

        ``tags`` are the sentence's entities; ``literals`` the doc's literal tokens;
        ``patterns`` what :meth:`possible` gave for the sentence's classes.
        """
        known = literals.words
        index = literals.index
        lits = index[bisect.bisect_left(index, start) : bisect.bisect_left(index, end)]
        if lits:  # only the literal tokens that these patterns name
            words, numbers = patterns.words, patterns.numbers
            lits = [i for i in lits if known[i].lower in words or (numbers and known[i].like_num)]
        out: list[tuple[str, int, int]] = []
        columns = _item_columns(tags, lits, known)
        if columns[0]:
            patterns.match(*columns, len(columns[0]), out)
        return out


def _item_columns(tags: list[Tag], lits: list[int], known: dict[int, Literal]) -> tuple[tuple, ...]:
    """The items patterns see, as columns (starts, ends, classes, ids, LOWER hashes, like-a-number
    flags), sorted by start: each entity, and each literal token outside the entities. A one-token
    entity that is also a literal ("help" is a TREAT word) carries its LOWER hash."""
    n = len(tags)
    classes, ids, starts, ends = zip(*tags) if tags else ((), (), (), ())  # a Tag's fields, as columns
    if not lits:
        return starts, ends, classes, ids, (0,) * n, (False,) * n
    lowers = [0] * n
    alone = []  # literal tokens outside the entities
    for i in lits:
        k = bisect.bisect_right(starts, i) - 1
        if k >= 0 and i < ends[k]:
            if ends[k] - starts[k] == 1:
                lowers[k] = known[i].lower
        else:
            alone.append((i, i + 1, None, None, known[i].lower, known[i].like_num))
    if not alone:
        return starts, ends, classes, ids, tuple(lowers), (False,) * n
    # starts are distinct: entities never overlap, literals are outside them
    rows = sorted([*zip(starts, ends, classes, ids, lowers, (False,) * n), *alone])
    return tuple(zip(*rows))


def compile_patterns(patterns: list[CompiledPattern]):
    """Compile patterns into one Python function of nested loops (one per element).

    The function takes the sentence's items as columns (starts, ends, classes,
    ids, LOWER hashes, like-a-number flags; sorted by start), their count and an
    output list, and appends (rule id, start, end) for every way each pattern
    matches, exactly as :func:`reference_matches` finds them (in another order), up to
    MAX_MATCHES a sentence.
    The items are walked once: patterns that open with the same element share
    the test of that first element, and steps that follow the same prefix with the
    same gap share one walk. An optional word after the first element becomes two
    variants, with and without it; the gaps around a dropped word add up.

    The source is kept where tracebacks and debuggers look (``linecache``, under a
    file name of its own, as attrs does), its constants named after their rule;
    the function's ``__source__`` holds it too.
    """
    return _MatcherSource(patterns).function()


class _Node:
    """A step of :func:`compile_patterns`' trie: the rules that match when it is reached,
    and the steps ((element, gap min, gap max) -> node) that may follow; ``rule`` is the
    first rule that reaches it (its constants are named after that rule)."""

    __slots__ = ("rules", "kids", "rule")

    def __init__(self, rule: str):
        self.rules: list[str] = []
        self.kids: dict[tuple[Element, int, int], _Node] = {}
        self.rule = rule


class _MatcherSource:
    """The source of :func:`compile_patterns`' function, and its constants."""

    def __init__(self, patterns: list[CompiledPattern]):
        self.consts: dict[str, object] = {}
        self.lines = ["def match(S, E, C, I, L, N, n, out):"]
        # The variants as a trie: patterns that open with the same element share its test, and
        # steps with the same gap after the same prefix share one walk over the items.
        # (A pattern cannot open with a gap: it never matches.)
        self.root: dict[Element, _Node] = {}
        for pattern in patterns:
            if pattern.elements and pattern.elements[0].kind != "gap":
                first = self.root.setdefault(pattern.elements[0], _Node(pattern.rule_id))
                for variant in _variants(pattern.elements[1:]):
                    node = first
                    for step in variant:
                        node = node.kids.setdefault(step, _Node(pattern.rule_id))
                    node.rules.append(pattern.rule_id)

    def function(self):
        self.emit_root()
        source = "\n".join(self.lines) + "\n"
        digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]
        filename = f"<healthclaims rule matcher {digest}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        namespace = dict(self.consts)
        exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - built from the patterns' own data
        match = namespace["match"]
        match.__source__ = source
        return match

    def const(self, value, rule_id: str, what: str) -> str:
        """A module constant holding ``value``, named after the rule that needs it."""
        for name, known in self.consts.items():
            if known == value and type(known) is type(value):
                return name
        base = re.sub(r"\W", "_", f"{rule_id}_{what}").upper()
        name, n = base, 1
        while name in self.consts:
            n += 1
            name = f"{base}_{n}"
        self.consts[name] = value
        return name

    def test(self, el: Element, i: str, rule_id: str, cls: str | None = None) -> str:
        if el.kind == "ent":
            cond = f"{cls or f'C[{i}]'} in {self.const(el.classes, rule_id, 'classes')}"
            if el.ids is not None:
                cond += f" and I[{i}] {'not in' if el.exclude else 'in'} {self.const(el.ids, rule_id, 'ids')}"
            return cond
        if el.kind == "word":
            if 0 in el.word_ids:  # 0 stands for "no word" in L
                raise ValueError("a word hashes to 0")
            return f"L[{i}] in {self.const(el.word_ids, rule_id, 'words')}"
        if el.kind == "num":
            return f"N[{i}]"
        return "False"

    def emit_root(self) -> None:
        lines = self.lines
        if not self.root:
            lines.append("    return")
            return
        lines.append("    for i0 in range(n):")
        lines.append("        c0 = C[i0]")
        # an entity test only for entities (a literal token has no class), a word test only for
        # items with a word (a literal token, or a one-token entity that is also one)
        for kind, guard in (("ent", "c0 is not None"), ("word", "L[i0]"), ("num", "N[i0]")):
            firsts = [(first, node) for first, node in self.root.items() if first.kind == kind]
            if firsts:
                lines.append(f"        if {guard}:")
                for first, node in firsts:
                    lines.append(f"            if {self.test(first, 'i0', node.rule, 'c0')}:")
                    self.emit(node, "i0", 1, 4)

    def emit(self, node: _Node, prev: str, k: int, depth: int) -> None:
        lines, pad = self.lines, "    " * depth
        for rule_id in node.rules:
            lines.append(f"{pad}out.append(({self.const(rule_id, rule_id, 'rule')}, S[i0], E[{prev}]))")
        if node.rules:  # the work of one sentence is bounded (the pack bounds the work per start)
            lines.append(f"{pad}if len(out) >= {MAX_MATCHES}:")
            lines.append(f"{pad}    return")
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
                lines.append(f"{pad}    if {self.test(el, cur, kid.rule)}:")
                self.emit(kid, cur, k + 1, depth + 2)


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
            out.extend(
                (pattern.rule_id, item.start, stop)
                for stop in _match(pattern.elements, 1, items, i + 1, item.end, item.end)
            )
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
