"""Building the default pipeline and running it over texts.

The default pipeline is spaCy's blank English (no model download) with the
``health_claims`` component, which segments sentences where it needs them. Long texts are
cut into chunks at line or sentence breaks so that a 5 MB single-line post
costs memory in proportion to the chunk, not the whole text; finding offsets
are mapped back to the original text.
"""

from __future__ import annotations

import functools
import hashlib
from collections import deque
from importlib import metadata
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..engine.normalize import Normalized, normalize
from ..errors import Problem, problem
from ..findings import Finding
from ..lines import LineIndex
from ..packs import cache as pack_cache
from .config import EngineSpec

if TYPE_CHECKING:  # spaCy is imported when a pipeline is first built (a run may never need one)
    from spacy.language import Language

CHUNK_CHARS = 100_000
# The findings of one text: a longer text's analysis stops after the chunk that reaches this many, so
# that a huge post dense with claims costs bounded time and memory (scan says so: HC222). A finding
# costs some 5 KB with its evidence; 10,000 is about 400 KB of claim-dense text.
MAX_FINDINGS = 10_000


# A pipeline's vocabulary keeps every word type it has seen (spaCy never prunes its string store),
# so a long run over posts full of new words (names, typos, URLs) would grow without end: a pipeline
# that has taken in this many new strings is replaced by a fresh one between batches (about a second
# to build from the pack cache; a new word costs some 0.5 to 1 KB, counting the scorer's vocabulary).
MAX_NEW_STRINGS = 50_000
_BUILT: dict[EngineSpec, tuple[Language, int]] = {}  # spec -> (pipeline, strings when built)
_GATES_CACHED: set[str] = set()  # gate cache keys this process has read or written (none to write again)


def pipeline_for(spec: EngineSpec) -> Language:
    """The pipeline of ``spec``, built once per process and rebuilt when its vocabulary has grown by
    MAX_NEW_STRINGS (call it again for each batch: memory then stays flat over any number of posts)."""
    found = _BUILT.get(spec)
    if found is not None and len(found[0].vocab.strings) - found[1] <= MAX_NEW_STRINGS:
        return found[0]
    if found is not None:
        from ..engine import scoring

        del _BUILT[spec]
        scoring.cached_scorer.cache_clear()  # the scorer's vocabulary grows with the same words
    while len(_BUILT) >= 4:
        del _BUILT[next(iter(_BUILT))]
    nlp = get_pipeline(spec.patterns, scorer=spec.scorer, min_confidence=spec.min_confidence)
    _BUILT[spec] = (nlp, len(nlp.vocab.strings))
    key = _gate_key(spec)
    if key and key not in _GATES_CACHED and fast_path(nlp) is not None:
        pack_cache.store("gate", key, nlp.get_pipe("health_claims").gate)
        _GATES_CACHED.add(key)
    return nlp


def _gate_key(spec: EngineSpec) -> str | None:
    """The cache key of the gate of ``spec``'s default pipeline: its pack's fingerprint and the
    version of spaCy, whose blank English tokenizer the gate is exact for."""
    from ..packs.loader import cached_pack

    fingerprint = cached_pack(tuple(spec.patterns)).fingerprint
    if fingerprint is None:
        return None
    return hashlib.sha256(f"{fingerprint}|spacy {_spacy_version()}|blank en".encode()).hexdigest()


@functools.cache
def _spacy_version() -> str:
    """spaCy's installed version, read without importing it."""
    return metadata.version("spacy")


def screen_for(spec: EngineSpec) -> Callable[[str], bool] | None:
    """Whether a text of at most CHUNK_CHARS characters may hold a claim for ``spec``'s pipeline,
    decided by that pipeline's gate as a run before this one left it in the pack cache; None when
    it is not there. A text the gate stops has no findings: a run whose texts all stop there never
    imports spaCy or builds the pipeline."""
    if spec in _BUILT:
        return None  # the pipeline is here already: it screens texts itself
    key = _gate_key(spec)
    gate = pack_cache.load("gate", key) if key else None
    if gate is None or not hasattr(gate, "screen"):
        return None
    _GATES_CACHED.add(key)
    return lambda text: len(text) > CHUNK_CHARS or gate.screen(text).may_claim


def get_pipeline(
    patterns: tuple[str, ...] = (),
    include_builtin: bool = True,
    scorer: str = "builtin",
    min_confidence: float | None = None,
) -> Language:
    """spaCy's blank English with the ``health_claims`` component. ``scorer``: ``"builtin"``, a
    folder written by ``healthclaims train``, or ``""`` for rules alone."""
    from ..engine import component  # noqa: F401  (registers the spaCy factories)

    nlp = blank_english()
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


def blank_english() -> Language:
    """spaCy's blank English, as ``spacy.blank("en")`` makes it: English with the tokenizer and
    vectors of spaCy's default config, made by the same functions (``spacy.Tokenizer.v1``,
    ``spacy.Vectors.v1``) without resolving that config through spaCy's registry and validating
    it, some 0.02 s of a start-up. Its tokenizer is spaCy's blank English one: the same special
    cases and affix rules, and tokens (tests/test_startup.py compares them)."""
    from spacy.lang.en import English
    from spacy.language import create_tokenizer
    from spacy.vectors import create_mode_vectors

    return English(create_tokenizer=create_tokenizer(), create_vectors=create_mode_vectors())


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
    analyze_long = _long_texts(nlp)
    for text in texts:
        # (plain ASCII without a hyphen before a space, most posts, needs no normalising: tested inline)
        norm = None if text.isascii() and "- " not in text else normalize(text)
        plain = text if norm is None else norm.text
        found = analyze_one(plain) if len(plain) <= CHUNK_CHARS else analyze_long(plain)
        yield found if norm is None else norm.restore(found)


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


def _long_texts(nlp: Language) -> Callable[[str], list[Finding]]:
    """The findings of a text longer than a chunk, for the default pipeline (see :func:`fast_path`):
    chunk by chunk, each chunk's doc dropped before the next is made, so memory follows the chunk
    (and the findings). The substances named in earlier chunks carry on to the later ones: a claim
    about "it" in the third chunk is about the product the first chunk named."""
    from ..engine.subjects import NOTHING_CARRIED

    component = nlp.get_pipe("health_claims")
    screen, find, make_doc = component.gate.screen, component.find, nlp.make_doc

    def analyze_long(text: str) -> list[Finding]:
        found: list[tuple[int, list[Finding]]] = []
        carried = NOTHING_CARRIED
        total = 0
        for offset, chunk in chunk_text(text):
            if total >= MAX_FINDINGS:
                break
            doc = make_doc(chunk)
            screened = screen(chunk)
            if screened.may_claim:
                found.append((offset, find(doc, chunk, screened, keep_suppressed=False, before=carried)[0]))
                total += len(found[-1][1])
            carried = carried.then(component.named_substances(doc))
        return _joined(found)[:MAX_FINDINGS]

    return analyze_long


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


def capped(path: str, findings: list[Finding], line: int | None = None) -> Problem | None:
    """HC222 when a text's findings reached MAX_FINDINGS (its analysis stopped there), else None;
    at ``line`` (a post's line in its export), else at the line of the last finding."""
    if len(findings) < MAX_FINDINGS:
        return None
    last = findings[-1]
    where = line if line is not None else last.line
    return problem("HC222", path, where, warning=True, limit=MAX_FINDINGS, offset=last.end)
