"""Building the default pipeline and running it over texts.

The default pipeline is spaCy's blank English (no model download) with the
``health_claims`` component, which segments sentences where it needs them. Long texts are
cut into chunks at line or sentence breaks so that a 5 MB single-line post
costs memory in proportion to the chunk, not the whole text; finding offsets
are mapped back to the original text.
"""

from __future__ import annotations

import functools
from collections import deque
from typing import Callable, Iterable, Iterator

import spacy
from spacy.language import Language

from .. import engine  # noqa: F401  (registers the spaCy factories)
from ..engine.normalize import Normalized, normalize
from ..findings import Finding
from ..lines import LineIndex
from .config import EngineSpec

CHUNK_CHARS = 100_000


@functools.lru_cache(maxsize=4)
def pipeline_for(spec: EngineSpec) -> Language:
    return get_pipeline(spec.patterns, scorer=spec.scorer, min_confidence=spec.min_confidence)


def get_pipeline(
    patterns: tuple[str, ...] = (),
    include_builtin: bool = True,
    scorer: str = "builtin",
    min_confidence: float | None = None,
) -> Language:
    """spaCy's blank English with the ``health_claims`` component. ``scorer``: ``"builtin"``, a
    folder written by ``healthclaims train``, or ``""`` for rules alone."""
    nlp = spacy.blank("en")
    # health_claims finds sentence boundaries itself (and marks them on docs that
    # pass through it); add "healthclaims_sentencizer" first to segment docs before it.
    config = {
        "patterns": list(patterns),
        "include_builtin": include_builtin,
        "scorer": scorer,
        "min_confidence": min_confidence,
    }
    nlp.add_pipe("health_claims", config=config)
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split text into (offset, chunk) pieces of about ``size`` characters at natural breaks."""
    if len(text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            window = text[start + size // 2 : end]
            cut = -1
            for sep in ("\n", ". ", "! ", "? ", " "):
                cut = window.rfind(sep)
                if cut != -1:
                    end = start + size // 2 + cut + len(sep)
                    break
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def analyze_many(texts: Iterable[str], nlp: Language, batch_size: int = 64) -> Iterator[list[Finding]]:
    """Yield the findings of each text, in input order, with offsets into that text.

    Each text is matched in its normalised form (:mod:`analyzer.engine.normalize`: NFKC,
    invisible characters, look-alike letters), and its findings are mapped back to the
    text as given. Long texts are cut into chunks of at most about CHUNK_CHARS. Line and
    column are filled by :func:`locate`, which the caller runs on the original text (the
    scanned text may have markup masked).
    """
    analyze_one = fast_path(nlp)
    if analyze_one is None:
        yield from _normalized_through_pipeline(texts, nlp, batch_size)
        return
    for text in texts:
        # (plain ASCII without a hyphen before a space, most posts, needs no normalising: tested inline)
        norm = None if text.isascii() and "- " not in text else normalize(text)
        if norm is None:
            yield analyze_one(text) if len(text) <= CHUNK_CHARS else _chunked(analyze_one, text)
        else:
            found = analyze_one(norm.text) if len(norm.text) <= CHUNK_CHARS else _chunked(analyze_one, norm.text)
            yield norm.restore(found)


def _chunked(analyze_one: Callable[[str], list[Finding]], text: str) -> list[Finding]:
    return _joined([(offset, analyze_one(chunk)) for offset, chunk in chunk_text(text)])


def _normalized_through_pipeline(texts: Iterable[str], nlp: Language, batch_size: int) -> Iterator[list[Finding]]:
    """:func:`analyze_many` for any pipeline: normalised texts through :func:`_through_pipeline`."""
    pending: deque[Normalized | None] = deque()  # of the texts handed on, not yet answered

    def normalized() -> Iterator[str]:
        for text in texts:
            norm = normalize(text)
            pending.append(norm)
            yield text if norm is None else norm.text

    for findings in _through_pipeline(normalized(), nlp, batch_size):
        norm = pending.popleft()
        yield findings if norm is None else norm.restore(findings)


def fast_path(nlp: Language) -> Callable[[str], list[Finding]] | None:
    """The findings of one text, for the default pipeline (``health_claims`` alone, its tokenizer
    unchanged); ``None`` for any other pipeline, which runs as usual.

    A text in which no anchor word occurs is not tokenized at all, and the component gets
    the text with the doc instead of rebuilding it from tokens.
    """
    component = nlp.get_pipe("health_claims") if nlp.pipe_names == ["health_claims"] else None
    if component is None or not component.gate_holds_for(nlp.tokenizer):
        return None
    screen, find, make_doc = component.gate.screen, component.find, nlp.make_doc

    def analyze_one(text: str) -> list[Finding]:
        screened = screen(text)
        if not screened.may_claim:
            return []
        return find(make_doc(text), text, screened, keep_suppressed=False)[0]  # sorted

    return analyze_one


def _through_pipeline(texts: Iterable[str], nlp: Language, batch_size: int) -> Iterator[list[Finding]]:
    """:func:`analyze_many` for any pipeline: chunks of every text through ``nlp.pipe``."""

    def pieces() -> Iterator[tuple[str, tuple[int, bool]]]:
        for text in texts:
            chunks = chunk_text(text)
            for k, (offset, chunk) in enumerate(chunks):
                yield chunk, (offset, k == len(chunks) - 1)

    found: list[tuple[int, list[Finding]]] = []
    for doc, (offset, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        found.append((offset, doc._.health_claims or []))
        if last:
            yield _joined(found)
            found = []


def _joined(found: list[tuple[int, list[Finding]]]) -> list[Finding]:
    """The findings of a text's chunks, given with each chunk's offset, as findings of the text."""
    if len(found) == 1 and found[0][0] == 0:
        return found[0][1]  # a text that is its only chunk: its findings come sorted
    return sorted((f.shifted(offset) for offset, findings in found for f in findings), key=Finding.sort_key)


def locate(text: str, findings: list[Finding]) -> list[Finding]:
    if findings:
        index = LineIndex(text)
        for f in findings:
            f.line, f.column = index.position(f.start)
            f.text = text[f.start : f.end]  # exactly the document's slice, markup and all
    return sorted(findings, key=Finding.sort_key)
