"""The gate: which texts may hold a claim at all, decided before tokenizing.

Every rule pattern needs some word to be present. For each pattern one required
element is chosen (a literal word, or the lexicon terms of a class), and from each
term its rarest-looking word, its *anchor*. A text in which no anchor occurs
cannot match any pattern and is never tokenized. :class:`Gate` runs that test on
raw text: a set lookup of the text's runs of ASCII letters, exact for spaCy's
English tokenizer (which never splits two letters apart outside a special case).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..packs.loader import PatternPack

if TYPE_CHECKING:  # spaCy is imported where a gate is built, never where a cached one screens text
    from spacy.language import Language
    from spacy.tokens import Doc

    from .rulematch import CompiledPattern, Element

# A product whose name claims a condition away ("AnxiFree"); its id is the condition's.
NAMED_PRODUCT = "NAMED_PRODUCT"


class Screen(NamedTuple):
    """What the gate says of a text."""

    may_claim: bool  # some anchor word occurs
    may_name: bool  # some product name ("AnxiFree") may occur


# Everyday vocabulary: never used alone to decide that a doc may hold a claim.
COMMON_CLASSES = frozenset(
    {"SUBSTANCE", "PRONOUN", "TREAT", "BENEFIT", "MANY", "NATURAL", "RESOLVE", "PREVENT", "COMPARE"}
)
# Everyday words that lexicon terms contain ("high" blood pressure, "dry" eyes,
# "come" off, and the "wo" of "won't"): never chosen as a term's anchor word when it has a rarer one.
# Only speed depends on this list, never what is found.
EVERYDAY_WORDS = frozenset(
    """
    able about above ache act action active age ago ai air all alone also always answer any area around away
    back bad balance bar base be being best better big bit black blue body book born bottom box break bright
    bring brown build burn ca call calm can care case cause causes center change check child children china
    city clean clear close cold come comes coming common cool count course cover cross cup cut dark day days
    deep did do does doing done door down draw dream dress drink drive drop dry early easy eat eating effect
    effects end energy enough even every eye eyes face fact fall family far fast feel feeling feet few field
    fill find fine fire first fit fix fixes flash flat flow fly focus food foot form free fresh friend front
    full fun game gave general gentle get gets getting girl give given gives giving go going gold gone good
    got gotten great green ground group grow growth hair half hand hands hard harm have head health healthy
    hear heart heavy help helped helps here high hit hold home hot hour house hung idea inches index inside
    issue issues job join just keep kick kind kit know land large last late lead leave left less level levels
    life light like line lines list little live long look lose losing loss lot love low lower made main make
    man many mark matter may mean meds men mind minor miss model money month more morning most move much name
    natural near need never new next nice night normal note now number off oil old once only open order other
    out output over own page paper part pass past peace people period pick picture pink place plan plant play
    point poor power press pretty proven pull push put quick quiet rate read ready real red rest right rise
    risk risks road rock room round rule run safe same save say season second see self sense set sha shape
    sharp shot shots show shown side sign signs simple size slow small social soft some sound space speed spot
    spots spring stand start state stay step still stop stops store story strain strong sure sweet take talk
    tell test thick thing think time today top total touch town tree true try turn type under up use very view
    wait walk wall want warm watch water way wear week weight well white whole win winter wo woman women
    wonder word work worked works world year years yellow young zest
""".split()
)


@dataclass
class Anchors:
    """Words at least one of which every possible claim contains, and what else must come with them.

    ``requires`` maps an anchor word that only lexicon terms brought in to the other
    words of those terms ("dry" -> {"eyes"}, {"cough"}): the anchor counts only if
    all the words of one of its terms occur. Only words made of ASCII letters that
    no tokenizer special case yields are listed, so that each is sure to be a whole
    run of letters in the text.
    """

    words: frozenset[str]
    requires: dict[str, set[frozenset[str]]] = field(default_factory=dict)


def choose_anchors(
    term_docs: dict[tuple[str, str], list[Doc]], patterns: list[CompiledPattern], split_pieces: frozenset[str]
) -> Anchors | None:
    """The anchor words of ``patterns``; ``None`` when some pattern has no usable element
    (then every doc is examined).

    Every required element of a pattern (a lexicon class, maybe limited to a group,
    or a literal word) must be present for it to match, so each pattern contributes
    the words of one element. A lexicon term contributes one word (all of its words
    must be present): its rarest-looking one, i.e. not a stop word, not everyday
    vocabulary, the longest. Elements are chosen greedily so that the anchor set
    holds as few everyday words as it can.
    """
    term_words = _term_anchors(term_docs, split_pieces)
    options_by_pattern = []
    for pattern in patterns:
        if any(el.kind == "ent" and el.classes == {NAMED_PRODUCT} for el in pattern.elements):
            continue  # found by the product-name test, which the gate includes
        options = [w for el in pattern.elements if (w := _element_words(el, term_words)) is not None]
        if not options:
            return None
        options_by_pattern.append(options)
    words: set[str] = set()
    literal: set[str] = set()
    # patterns with the fewest choices first; then the option that adds the least
    for options in sorted(options_by_pattern, key=len):
        chosen, is_literal = min(options, key=lambda option: sum(map(_word_cost, option[0] - words)))
        words |= chosen
        if is_literal:
            literal |= chosen
    requires: dict[str, set[frozenset[str]]] = {}
    for by_anchor in term_words.values():
        for anchor, others in by_anchor.items():
            if anchor in words and anchor not in literal:
                requires.setdefault(anchor, set()).update(others)
    return Anchors(frozenset(words), requires)


def _term_anchors(
    term_docs: dict[tuple[str, str], list[Doc]], split_pieces: frozenset[str]
) -> dict[tuple[str, str], dict[str, set[frozenset[str]]]]:
    """(class, id) -> anchor word of each of its terms -> the other plain words of those terms."""
    term_words: dict[tuple[str, str], dict[str, set[frozenset[str]]]] = {}
    for (cls, id_), docs in term_docs.items():
        if cls in COMMON_CLASSES:
            continue
        by_anchor = term_words.setdefault((cls, id_), {})
        for doc in docs:
            if len(doc):
                anchor = max(doc, key=_rarity).lower_
                others = frozenset(
                    t.lower_
                    for t in doc
                    if t.lower_ != anchor and t.lower_.isascii() and t.lower_.isalpha() and t.lower_ not in split_pieces
                )
                by_anchor.setdefault(anchor, set()).add(others)
    return term_words


def _element_words(el: Element, term_words: dict) -> tuple[set[str], bool] | None:
    """The words one pattern element may contribute, and whether they are literal words."""
    if el.kind == "word" and not el.optional:
        return set(el.words), True
    if el.kind != "ent" or el.classes & COMMON_CLASSES or el.classes == {NAMED_PRODUCT}:
        return None
    return set().union(
        *(
            words
            for (cls, id_), words in term_words.items()
            if cls in el.classes and (el.ids is None or (id_ in el.ids) != el.exclude)
        )
    ), False


def split_pieces(tokenizer) -> frozenset[str]:
    """The lower-case pieces the tokenizer's special cases yield ("can", "not" of "cannot")."""
    from spacy.attrs import ORTH

    special_cases = getattr(tokenizer, "rules", None) or {}
    return frozenset(
        str(piece.get(ORTH, piece.get("ORTH", ""))).lower() for pieces in special_cases.values() for piece in pieces
    )


def build_gate(nlp: Language, anchors: Anchors | None, product_names: ProductNames) -> Gate | None:
    """The raw-text gate for ``anchors``, or ``None`` where it could not be exact (no anchors,
    or a tokenizer that is not spaCy's English one)."""
    if anchors is None or not english_affixes(nlp):
        return None
    names = frozenset(product_names.names)
    special_cases = getattr(nlp.tokenizer, "rules", None) or {}
    return Gate(anchors.words | names, special_cases, anchors.requires, names=names)


def _rarity(token) -> tuple:
    """Sort key for a term's anchor word: the least common-looking, then the longest, then the first."""
    return (-_word_cost(token.lower_), len(token.text), -token.i)


def english_affixes(nlp: Language) -> bool:
    """Whether the pipeline tokenizes with spaCy's English prefix, suffix and infix rules."""
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    tok, defaults = nlp.tokenizer, nlp.Defaults
    try:
        return (
            nlp.lang == "en"
            and tok.prefix_search.__self__.pattern == compile_prefix_regex(defaults.prefixes).pattern
            and tok.suffix_search.__self__.pattern == compile_suffix_regex(defaults.suffixes).pattern
            and tok.infix_finditer.__self__.pattern == compile_infix_regex(defaults.infixes).pattern
        )
    except AttributeError:  # a custom tokenizer
        return False


def tokenizer_state(tokenizer) -> tuple:
    """What the gate's exactness depends on: the tokenizer, its special cases and affix rules."""
    rules = getattr(tokenizer, "rules", None) or {}
    return (
        id(tokenizer),
        len(rules),
        hash(frozenset(rules)),
        *(
            id(getattr(tokenizer, name, None))
            for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")
        ),
    )


def _word_cost(word: str) -> float:
    """How often a word may be expected in text that makes no claim (a rough order of magnitude)."""
    if word in _stop_words() or not any(ch.isalnum() for ch in word):
        return 10_000.0
    return 10.0 if word in EVERYDAY_WORDS or word.isdigit() else 0.1


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


class ProductNames:
    """Product names that claim a condition away: a condition's stem, then a name ending.

    "AnxiFree", "DiabeCure", "ARTHRIGONE": a stem directly followed by an ending,
    in CamelCase or capitals only, so that ordinary words ("painless") are never
    taken for names. The names are a finite set, so the gate looks them up
    (lower-cased) with its other anchor words.
    """

    def __init__(self, pack: PatternPack):
        endings = sorted(pack.name_suffixes)
        self.names: dict[str, str] = {}
        for entry in pack.entries("CONDITION"):
            for stem in entry.name_stems:
                for ending in endings:
                    self.names.setdefault(stem + ending, entry.id)
        alternatives = "|".join([e.capitalize() for e in endings] + [e.upper() for e in endings])
        self._form = re.compile(rf"(?:[A-Z][a-z]+|[A-Z]+)(?:{alternatives})") if endings else None

    def condition(self, word: str) -> str | None:
        """The condition id a one-token product name claims, or None."""
        if self._form is None or self._form.fullmatch(word) is None:
            return None
        return self.names.get(word.lower())


# bytes.translate table: ASCII letters stay, every other byte becomes a space
_ASCII_LETTERS_ONLY = bytes.maketrans(
    bytes(range(256)), bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256))
)


def _minimal(alternatives: list[frozenset]) -> list[frozenset]:
    """The alternatives no other one is a part of (if "to" is enough, "mostly to" adds nothing)."""
    unique = sorted(set(alternatives), key=lambda a: (len(a), sorted(a)))
    return [a for i, a in enumerate(unique) if not any(b < a for b in unique[:i])]


class Gate:
    """The anchor test on raw text: does some anchor word occur, not inside a longer run of letters?

    Tokens never split two letters apart except in a tokenizer special case
    ("cannot"), so an anchor token made of ASCII letters is a whole run of
    letters in the text. Those anchors are looked up in a set, against the
    text's runs of ASCII letters (found with ``bytes.translate``, which is much
    cheaper than tokenizing). The few other anchors ("hsv-1", "t2d", "il-1β")
    and the special cases that yield an anchor go through a regex.
    """

    def __init__(
        self,
        anchors: frozenset[str],
        special_cases: dict,
        requires: dict[str, set[frozenset[str]]] | None = None,
        names: frozenset[str] = frozenset(),
    ):
        """``requires``: for an anchor that only lexicon terms brought in, the other words of each
        such term (see :class:`Anchors`); ``names``: product names (lower case)."""
        from spacy.attrs import ORTH

        words = set(anchors)
        for string, pieces in special_cases.items():
            if any(str(piece.get(ORTH, piece.get("ORTH", ""))).lower() in anchors for piece in pieces):
                words.add(string.lower())
        ascii_words = {w for w in words if w.isascii() and w.isalpha()}
        self.anchor_runs = frozenset(w.encode("ascii") for w in ascii_words)
        # an anchor with its terms' other words: it counts when all the words of one term occur
        # (an anchor without an entry, or with a term of one word, counts alone)
        self.requires = {
            w.encode("ascii"): _minimal([frozenset(o.encode("ascii") for o in others) for others in alternatives])
            for w, alternatives in (requires or {}).items()
            if w in ascii_words and all(alternatives)
        }
        # every word some anchor requires: a text's runs are looked up in it (in C) only when an anchor
        # with requirements occurs, instead of making a set of all of them
        self.required = frozenset().union(*[o for alternatives in self.requires.values() for o in alternatives])
        self.name_runs = frozenset(n.encode("ascii") for n in names if n.isascii() and n.isalpha())
        self.names_elsewhere = any(not (n.isascii() and n.isalpha()) for n in names)
        others = sorted(w for w in words - ascii_words if w)
        # Cheap necessary tests first. (1) Every run of ASCII letters in such a word is a whole
        # run of letters in the text wherever the word occurs (the regex below bounds the word
        # by non-letters), so one run of each word ("coli" of "e.coli") is looked up with the
        # text's runs; a word without letters ("125") must occur as it is.
        keys: set[bytes] = set()
        self.unkeyed: tuple[str, ...] = ()
        for w in others:
            letter_runs = re.findall("[a-zA-Z]+", w)
            if letter_runs:
                keys.add(max(letter_runs, key=lambda r: (-_word_cost(r), len(r))).encode("ascii"))
            else:
                self.unkeyed += (w,)
        self.other_keys = frozenset(keys)
        self.unkeyed_anywhere = re.compile("|".join(map(re.escape, self.unkeyed))) if self.unkeyed else None
        self.runs = self.anchor_runs | self.other_keys  # looked up with the text's runs at once
        # (2) Each such word holds a character that is not an ASCII letter ("t2d", "e.coli",
        # "nad+"); the text must hold that character and the next one of the word. Such
        # pieces start with a digit or a mark, so the regex skips ahead in C.
        pieces = {_piece(w) for w in others}
        pieces = sorted(p for p in pieces if not any(p != q and p.startswith(q) for q in pieces))
        self.others_anywhere = re.compile("|".join(map(re.escape, pieces))) if pieces else None
        letter = r"[^\W\d_]"
        parts = []
        for starts, ends in ((True, True), (True, False), (False, True), (False, False)):
            group = [w for w in others if w[0].isalpha() == starts and w[-1].isalpha() == ends]
            if group:
                parts.append(
                    (f"(?<!{letter})" if starts else "") + f"(?:{_trie(group)})" + (f"(?!{letter})" if ends else "")
                )
        self.others = re.compile("|".join(parts)) if parts else None

    def __call__(self, text: str) -> bool:
        return self.screen(text).may_claim

    def screen(self, text: str) -> Screen:
        """(whether ``text`` may hold a claim, whether it may hold a product name)."""
        lower = text.lower()
        runs = lower.encode("utf-8").translate(_ASCII_LETTERS_ONLY).split()
        found = self.runs.intersection(runs)
        other_key = False  # whether the run of letters of some other anchor occurs
        if found:
            anchors, keys, requires = self.anchor_runs, self.other_keys, self.requires
            present = None
            for word in found:
                if word in keys:
                    other_key = True
                if word not in anchors:
                    continue
                alternatives = requires.get(word)
                if alternatives is not None:
                    if present is None:
                        present = self.required.intersection(runs)
                    if not any(others <= present for others in alternatives):
                        continue
                return Screen(True, self.names_elsewhere or not self.name_runs.isdisjoint(runs))
        # the bounded regex only where some other anchor may occur at all
        if (
            self.others is not None
            and (other_key or (self.unkeyed_anywhere is not None and self.unkeyed_anywhere.search(lower) is not None))
            and self.others_anywhere.search(lower) is not None
            and self.others.search(lower) is not None
        ):
            return Screen(True, self.names_elsewhere or not self.name_runs.isdisjoint(runs))
        return _NOTHING


_NOTHING = Screen(False, False)


def _piece(word: str) -> str:
    """Two characters of ``word`` from its first one that is not an ASCII letter (see Gate)."""
    k = next(i for i, ch in enumerate(word) if not ("a" <= ch <= "z" or "A" <= ch <= "Z"))
    return word[k : k + 2]


def _trie(words: list[str]) -> str:
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)
