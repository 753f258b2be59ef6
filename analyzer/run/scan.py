"""Orchestration: input → documents → pipeline → findings → report."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..findings import SEVERITY_RANK, Finding, ScanResult
from .inputs import Document, prose_view
from .pipeline import EngineSpec, analyze_many, capped, locate, pipeline_for, screen_for


def scan_documents(
    docs: Iterable[Document], spec: EngineSpec = EngineSpec(), batch_size: int = 64, jobs: int = 1
) -> Iterator[ScanResult]:
    """Analyse documents in order; documents that could not be read pass through unchanged.

    With ``jobs`` > 1, batches go to that many worker processes (each loads the
    pipeline once); results still come back in input order, and at most a few
    batches per worker are in flight, so memory does not grow with the input.
    """
    if jobs > 1:
        yield from _scan_parallel(docs, spec, batch_size, jobs)
        return
    pending: list[Document] = []
    screen = screen_for(spec)  # the gate of an earlier run, when the pack cache has it

    def flush() -> Iterator[ScanResult]:
        ok = [d for d in pending if d.status == "ok"]
        texts = [prose_view(d) for d in ok]
        if screen is not None and not any(map(screen, texts)):
            results = iter([[] for _ in texts])  # no text may hold a claim: no pipeline needed
        else:  # per batch: a pipeline whose vocabulary has grown is replaced
            results = iter(analyze_many(texts, pipeline_for(spec), batch_size=batch_size))
        for d in pending:
            found = locate(d.text, next(results)) if d.status == "ok" else []
            yield _result(d, found)
        pending.clear()

    for doc in docs:
        pending.append(doc)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def _result(doc: Document, found: list[Finding]) -> ScanResult:
    """The result of a document, with a note when its analysis stopped at MAX_FINDINGS."""
    result = ScanResult(doc, found)
    note = capped(doc.path, found, doc.source_line)
    if note is not None:
        result.notes.append(note)
    return result


_WORKER_SPEC = EngineSpec()


_WORKER_FINISH = None


def _init_worker(spec: EngineSpec, finish=None) -> None:
    global _WORKER_SPEC, _WORKER_FINISH
    _WORKER_SPEC = spec
    pipeline_for(spec)  # built before the first batch arrives
    _WORKER_FINISH = finish


def _finish_batch(docs: list[Document]) -> list:
    """In a worker: analyse whole documents and hand each result to the run's ``finish`` function."""
    ok = [d for d in docs if d.status == "ok"]
    found = iter(_analyze_batch([(prose_view(d), d.text) for d in ok]))
    return [_WORKER_FINISH(_result(d, next(found) if d.status == "ok" else [])) for d in docs]


def finished_in_workers(
    docs: Iterable[Document], spec: EngineSpec, jobs: int, finish, batch_size: int = 64
) -> Iterator:
    """Like :func:`scan_documents` with ``jobs`` workers, but each result is turned into
    ``finish(result)`` (e.g. a JSON line) in the worker, so the parent only writes.
    ``finish`` must be picklable (a module-level function or a picklable callable object).
    """
    yield from _pool_map(_batches(docs, batch_size), _finish_batch, jobs, (spec, finish), lambda batch, out: out)


def _analyze_batch(pairs: list[tuple[str, str]]) -> list[list[Finding]]:
    """In a worker: findings (located in the original text) for (scanned text, original text) pairs."""
    found = analyze_many([scanned for scanned, _ in pairs], pipeline_for(_WORKER_SPEC))
    return [locate(original, findings) for (_, original), findings in zip(pairs, found)]


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _scan_parallel(docs: Iterable[Document], spec: EngineSpec, batch_size: int, jobs: int) -> Iterator[ScanResult]:
    def results(batch: list[Document], found: list[list[Finding]]) -> list[ScanResult]:
        it = iter(found)
        return [_result(d, next(it) if d.status == "ok" else []) for d in batch]

    def tasks() -> Iterator[tuple[list[Document], list[tuple[str, str]]]]:
        for batch in _batches(docs, batch_size):
            yield batch, [(prose_view(d), d.text) for d in batch if d.status == "ok"]

    yield from _pool_map(tasks(), _analyze_batch, jobs, (spec,), results)


def _pool_map(items: Iterable, fn, jobs: int, initargs: tuple, collect) -> Iterator:
    """Run ``fn`` over items in worker processes, in order, with a bounded number in flight.

    An item is a batch, or a (batch, payload) pair whose payload goes to the worker;
    ``collect(batch, output)`` turns each output into what is yielded (a list, flattened).
    """
    import collections
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    window: collections.deque = collections.deque()
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=initargs) as pool:
        for item in items:
            batch, payload = item if isinstance(item, tuple) else (item, item)
            window.append((batch, pool.submit(fn, payload)))
            if len(window) >= 2 * jobs:
                done_batch, future = window.popleft()
                yield from collect(done_batch, future.result())
        while window:
            done_batch, future = window.popleft()
            yield from collect(done_batch, future.result())


def failing(severities: Iterable[Iterable[str]], fail_on: str) -> bool:
    """Whether any document has a finding at or above ``fail_on`` (given each document's severities)."""
    if fail_on == "none":
        return False
    floor = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[s] >= floor for doc in severities for s in doc)
