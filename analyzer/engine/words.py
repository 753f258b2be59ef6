"""What the stages read of each token, computed once per word type and read from one token column.

Reading a dozen token attributes with ``Doc.to_array`` for every doc costs more
than looking each word type up once: :class:`WordTypes` keeps, per ORTH, what
sentence segmentation, subject resolution, rule literals and the token-level
anchor test need; :class:`TokenColumns` reads a doc's ORTH, IDX and LENGTH
columns once and hands each stage its view.
"""

from __future__ import annotations

from itertools import compress, count
from operator import attrgetter
from typing import Callable

from spacy.attrs import IDX, LENGTH, ORTH
from spacy.tokens import Doc

from .rulematch import Literal, Literals
from .scoring import view_word
from .segment import type_code
from .subjects import type_flags


class WordInfo:
    """What the stages need of one word type."""

    __slots__ = ("sentence_code", "subject_flags", "literal", "anchor", "product_name", "view_word")

    def __init__(
        self,
        sentence_code: int,
        subject_flags: int,
        literal: Literal | None,
        anchor: bool,
        product_name: bool,
        view_word: str,
    ):
        self.sentence_code = sentence_code  # segment.type_code
        self.subject_flags = subject_flags  # subjects.type_flags
        self.literal = literal  # if a rule may name the word, else None
        self.anchor = anchor  # an anchor word of the gate (see gate.Anchors)
        self.product_name = product_name  # a product name that claims a condition ("AnxiFree")
        self.view_word = view_word  # what the scorer's view reads (scoring.view_word)


class WordTypes:
    """ORTH -> :class:`WordInfo`, filled as word types are met."""

    def __init__(
        self, vocab, literal_info: Callable, anchors: frozenset[str] | None, is_product_name: Callable[[str], bool]
    ):
        """``anchors``: the gate's anchor words (``None``: every word may start a claim)."""
        self.vocab = vocab
        self._literal_info = literal_info
        self._anchors = anchors
        self._is_product_name = is_product_name
        self._infos: dict[int, WordInfo] = {}

    def infos(self, orths: list[int]) -> list[WordInfo]:
        known = self._infos
        infos = list(map(known.get, orths))
        if None in infos:  # word types not seen before
            infos = [info or self._add(orth) for info, orth in zip(infos, orths)]
        return infos

    def _add(self, orth: int) -> WordInfo:
        lexeme = self.vocab[orth]
        text = lexeme.orth_
        anchor = self._anchors is None or text.lower() in self._anchors
        info = self._infos[orth] = WordInfo(
            type_code(lexeme),
            type_flags(lexeme),
            self._literal_info(lexeme),
            anchor,
            self._is_product_name(text),
            view_word(lexeme),
        )
        return info


class TokenColumns:
    """One read of a doc's token columns (word type, character offset, length), and the views of it
    that the stages use; each view is made when first asked for."""

    def __init__(self, doc: Doc, types: WordTypes):
        self.doc = doc
        self._types = types
        self._columns: list[list[int]] | None = None
        self._infos: list[WordInfo] | None = None

    @property
    def columns(self) -> list[list[int]]:
        """The word type, character offset and length of every token (read once)."""
        if self._columns is None:
            # as three lists: tolist() of a 2-D array builds a view per row
            self._columns = self.doc.to_array([ORTH, IDX, LENGTH]).T.tolist()
        return self._columns

    @property
    def infos(self) -> list[WordInfo]:
        """What the stages need of each token's word type."""
        if self._infos is None:
            self._infos = self._types.infos(self.columns[0])
        return self._infos

    def may_claim(self) -> bool:
        """The gate's test on tokens: some anchor word or product name occurs."""
        return any(info.anchor or info.product_name for info in self.infos)

    def product_names(self) -> list[int]:
        """Indices of the tokens that are product names."""
        return [i for i, info in enumerate(self.infos) if info.product_name]

    def view_words(self) -> list[str]:
        """What the scorer's view reads of each token (see :func:`analyzer.engine.scoring.sentence_view`)."""
        return list(map(_view_word, self.infos))

    def sentence_codes(self) -> bytes:
        return bytes(map(_sentence_code, self.infos))

    def subject_flags(self) -> bytes:
        return bytes(map(_subject_flags, self.infos))

    def literals(self) -> Literals:
        infos = self.infos
        index = list(compress(count(), map(_literal, infos)))  # (a literal is None or a pair)
        return Literals(index, {i: infos[i].literal for i in index})

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens [start, end)."""
        _, offsets, lengths = self.columns
        return offsets[start], offsets[end - 1] + lengths[end - 1]


_sentence_code = attrgetter("sentence_code")
_subject_flags = attrgetter("subject_flags")
_literal = attrgetter("literal")
_view_word = attrgetter("view_word")
