"""Building the default pipeline and running it over texts.

The default pipeline is spaCy's blank English (no model download) with the
``health_claims`` component, which segments sentences where it needs them. Long texts are
cut into chunks at line or sentence breaks so that a 5 MB single-line post
costs memory in proportion to the chunk, not the whole text; finding offsets
are mapped back to the original text.
"""

from __future__ import annotations

import bisect
import functools
from typing import Iterable, Iterator

import spacy
from spacy.language import Language

from .. import engine  # noqa: F401  (registers the spaCy factories)
from ..findings import Finding

CHUNK_CHARS = 100_000


@functools.lru_cache(maxsize=4)
def get_pipeline(patterns: tuple[str, ...] = (), include_builtin: bool = True) -> Language:
    nlp = spacy.blank("en")
    # health_claims finds sentence boundaries itself (and marks them on docs that
    # pass through it); add "healthclaims_sentencizer" first to segment docs before it.
    nlp.add_pipe("health_claims", config={"patterns": list(patterns), "include_builtin": include_builtin})
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


class LineIndex:
    """Maps a character offset to a 1-based (line, column)."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def analyze_many(texts: Iterable[str], nlp: Language, batch_size: int = 64) -> Iterator[list[Finding]]:
    """Yield the findings of each text, in input order, with offsets into that text.

    Long texts are cut into chunks of at most about CHUNK_CHARS. Line and column
    are filled by :func:`locate`, which the caller runs on the original text (the
    scanned text may have markup masked).
    """
    current: list[Finding] = []
    for found, piece in _run(nlp, _pieces(texts), batch_size):
        if piece is _WHOLE:  # the findings come sorted
            yield found
            continue
        offset, last = piece
        current.extend(f.shifted(offset) for f in found)
        if last:
            yield sorted(current, key=Finding.sort_key)
            current = []


_WHOLE = (0, True)  # a text that is its only chunk


def _pieces(texts: Iterable[str]) -> Iterator[tuple[str, tuple[int, bool]]]:
    """(chunk, (its offset in the text, whether it is the text's last chunk)) for each text."""
    for text in texts:
        if len(text) <= CHUNK_CHARS:
            yield text, _WHOLE
            continue
        chunks = chunk_text(text)
        for k, (offset, chunk) in enumerate(chunks):
            yield chunk, (offset, k == len(chunks) - 1)


def _fast_component(nlp: Language):
    """The health_claims component when the pipeline can take the fast path, else None."""
    component = nlp.get_pipe("health_claims") if nlp.pipe_names == ["health_claims"] else None
    return component if component is not None and component.gate_holds_for(nlp.tokenizer) else None


def _run(nlp: Language, pieces: Iterator[tuple[str, tuple]], batch_size: int) -> Iterator[tuple[list[Finding], tuple]]:
    """(findings, context) for each (text, context) piece.

    The default pipeline (``health_claims`` alone, its tokenizer unchanged) takes
    a fast path: a text in which no anchor word occurs is not tokenized at all,
    and the component gets the text with the doc instead of rebuilding it from
    tokens. Any other pipeline runs as usual.
    """
    component = _fast_component(nlp)
    if component is None:
        for doc, context in nlp.pipe(pieces, as_tuples=True, batch_size=batch_size):
            yield doc._.health_claims or [], context
        return
    screen, find, make_doc = component.gate.screen, component.find, nlp.make_doc
    for text, context in pieces:
        screened = screen(text)
        if not screened.may_claim:
            yield [], context
            continue
        yield find(make_doc(text), text, screened, keep_suppressed=False)[0], context


def locate(text: str, findings: list[Finding]) -> list[Finding]:
    if findings:
        index = LineIndex(text)
        for f in findings:
            f.line, f.column = index.position(f.start)
    return sorted(findings, key=Finding.sort_key)
