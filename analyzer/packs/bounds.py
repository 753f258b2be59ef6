"""Bounds on the work a pattern pack may ask for, checked when the pack is loaded.

A pack is data, but data that decides how much work matching does: a YAML alias
bomb expands exponentially, a rule of twenty optional words compiles to a million
variants, nine ``@SUBSTANCE *{0,50}`` steps try 51**9 combinations at each
substance, a lexicon of millions of terms takes minutes to tokenize. Each such
pack is rejected here with its own code, naming the file and line, before any
text is read; the bounds are far above what the built-in pack needs (listed
beside each).

Every rule pattern is also compiled here, exactly as the matcher compiles it, so
``healthclaims patterns validate`` rejects every pattern that ``scan`` would.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import HealthClaimsError, Problem, problem

if TYPE_CHECKING:
    from .loader import PatternPack, Rule

# Files and YAML
MAX_FILE_BYTES = 2 * 1024 * 1024  # one file (the largest built-in file is about 0.2 MB)
MAX_PACK_BYTES = 8 * 1024 * 1024  # all the files of all packs (built-in: about 0.8 MB)
MAX_YAML_DEPTH = 32  # built-in files nest 6 deep
# Rule patterns
MAX_ELEMENTS = 16  # elements of one pattern, gaps included (built-in: 8); the matcher nests a loop per element
MAX_OPTIONAL = 6  # optional words in one pattern: 2**6 variants (built-in: 2)
MAX_COMBINATIONS = 1_000  # product over its gaps of (widest gap + 1): what one start may try (built-in: 91)
MAX_PATTERNS = 5_000  # patterns of all rules (built-in: about 100)
# Lexicons
MAX_TERMS = 50_000  # lexicon terms of all classes, verb inflections included (built-in: about 8,000)
MAX_TERM_CHARS = 200  # one term


def check_bounds(pack: PatternPack) -> list[Problem]:
    """Problems with the rule patterns (each compiled, every class known, within bounds) and
    the size of the lexicons."""
    problems: list[Problem] = []
    classes = {cls for cls, _ in pack.lexicon} | {_named_product()}
    total = 0
    for rule in pack.active_rules():
        for k, pattern in enumerate(rule.patterns):
            total += 1
            problems.extend(check_pattern(rule, k, pattern, pack.groups, classes))
    if total > MAX_PATTERNS:
        first = pack.active_rules()[0]
        problems.append(problem("HC217", first.origin.path, first.origin.line, count=total, limit=MAX_PATTERNS))
    return problems + check_lexicon(pack)


def check_pattern(rule: Rule, k: int, pattern: list[str], groups: dict, classes: set[str]) -> list[Problem]:
    """Problems with pattern ``k`` of ``rule``: tokens that do not compile, unknown lexicon classes,
    and work beyond the bounds."""
    from ..engine.rulematch import compile_element

    where = (rule.origin.path, rule.origin.line)
    elements = []
    problems: list[Problem] = []
    for token in pattern:
        try:
            elements.append(compile_element(str(token), groups))
        except HealthClaimsError as exc:
            problems.extend(problem("HC208", *where, token=token, reason=_reason(p)) for p in exc.problems)
            continue
        unknown = sorted(elements[-1].classes - classes)
        if unknown:
            problems.append(problem("HC213", *where, rule=rule.id, token=token, cls=unknown[0]))
    if problems:
        return problems
    said = f"rule '{rule.id}' pattern {k + 1}"
    optional = sum(1 for el in elements if el.optional)
    combinations = math.prod(el.high + 1 for el in elements if el.kind == "gap")
    if len(elements) > MAX_ELEMENTS:
        problems.append(problem("HC214", *where, what=said, count=len(elements), limit=MAX_ELEMENTS, unit="elements"))
    if optional > MAX_OPTIONAL:
        problems.append(problem("HC214", *where, what=said, count=optional, limit=MAX_OPTIONAL, unit="optional words"))
    if combinations > MAX_COMBINATIONS:
        problems.append(problem("HC215", *where, what=said, count=combinations, limit=MAX_COMBINATIONS))
    return problems


def check_lexicon(pack: PatternPack) -> list[Problem]:
    """Problems with the size of the lexicons: too many terms, or a term too long."""
    problems: list[Problem] = []
    total = 0
    for entry in pack.lexicon.values():
        total += len(entry.terms)
        long = next((t for t in entry.terms if len(t) > MAX_TERM_CHARS), None)
        if long is not None:
            where = (entry.origin.path, entry.origin.line)
            problems.append(problem("HC216", *where, id=entry.id, chars=len(long), limit=MAX_TERM_CHARS))
    if total > MAX_TERMS:
        origin = max(pack.lexicon.values(), key=lambda e: len(e.terms)).origin
        problems.append(problem("HC218", origin.path, origin.line, count=total, limit=MAX_TERMS))
    return problems


def _reason(p: Problem) -> str:
    """The reason part of an HC208 message raised without a place."""
    return p.message.split("': ", 1)[-1].rstrip(".")


def _named_product() -> str:
    from ..engine.gate import NAMED_PRODUCT

    return NAMED_PRODUCT


def check_yaml(root, path: str) -> list[Problem]:
    """Problems with a pattern file's YAML node tree: aliases (``*name``), which can expand
    exponentially or refer to themselves, and nesting deeper than MAX_YAML_DEPTH.

    The composer makes an alias the very node it names, so an alias is a node reached a
    second time; the tree is walked before anything is constructed from it."""
    import yaml

    seen: set[int] = set()
    stack = [(root, 1)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return [problem("HC219", path, node.start_mark.line + 1)]
        seen.add(id(node))
        if depth > MAX_YAML_DEPTH:
            return [problem("HC220", path, node.start_mark.line + 1, limit=MAX_YAML_DEPTH)]
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
    return []
