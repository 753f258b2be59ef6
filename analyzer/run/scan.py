"""Orchestration: input → documents → pipeline → findings → report."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..errors import problem
from ..findings import SEVERITY_RANK, Finding, ScanResult
from .inputs import Document, OffsetMap, failure_reason, scan_view
from .pipeline import EngineSpec, analyze_many, capped, locate, pipeline_for, screen_for

# what the pipeline is given for one document: (text to scan, map back to the document's offsets, document text)
Task = tuple[str, OffsetMap | None, str]


def tasks_of(docs: list[Document]) -> list[Task]:
    """The pipeline's inputs for the documents that were read."""
    return [(*scan_view(d), d.text) for d in docs if d.status == "ok"]


def findings_of(tasks: list[Task], nlp, batch_size: int = 64) -> list[list[Finding] | str]:
    """Each document's findings, located in its own text; or, for a document the pipeline fails on,
    why (the others are still scanned: a failing batch is run again one document at a time)."""
    try:
        found: list = list(analyze_many([scanned for scanned, _, _ in tasks], nlp, batch_size=batch_size))
    except Exception:  # noqa: BLE001 - find the document that fails, keep the rest
        found = [_alone(scanned, nlp) for scanned, _, _ in tasks]
    out: list[list[Finding] | str] = []
    for (_, offsets, original), findings in zip(tasks, found):
        if not isinstance(findings, str):
            try:
                findings = locate(original, offsets.remap(findings) if offsets else findings)
            except Exception as exc:  # noqa: BLE001
                findings = failure_reason(exc)
        out.append(findings)
    return out


def _alone(text: str, nlp) -> list[Finding] | str:
    try:
        return next(analyze_many([text], nlp))
    except Exception as exc:  # noqa: BLE001
        return failure_reason(exc)


def results_of(docs: list[Document], found: list[list[Finding] | str]) -> list[ScanResult]:
    """Documents with their findings (``found`` holds one entry per document that was read);
    a document the pipeline failed on becomes an error with HC118."""
    it = iter(found)
    results = []
    for doc in docs:
        findings = next(it) if doc.status == "ok" else []
        if isinstance(findings, str):
            doc.status = "error"
            doc.problems.append(problem("HC118", doc.path, doc.source_line, reason=findings))
            findings = []
        result = ScanResult(doc, findings)
        note = capped(doc.path, findings, doc.source_line)  # its analysis stopped at MAX_FINDINGS
        if note is not None:
            result.notes.append(note)
        results.append(result)
    return results


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
        tasks = tasks_of(pending)
        if screen is not None and not any(screen(scanned) for scanned, _, _ in tasks):
            found: list = [[] for _ in tasks]  # no text may hold a claim: no pipeline needed
        else:  # per batch: a pipeline whose vocabulary has grown is replaced
            found = findings_of(tasks, pipeline_for(spec), batch_size)
        yield from results_of(pending, found)
        pending.clear()

    for doc in docs:
        pending.append(doc)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


_WORKER_SPEC = EngineSpec()


_WORKER_FINISH = None


def _init_worker(spec: EngineSpec, finish=None) -> None:
    global _WORKER_SPEC, _WORKER_FINISH
    _WORKER_SPEC = spec
    pipeline_for(spec)  # built before the first batch arrives
    _WORKER_FINISH = finish


def _finish_batch(docs: list[Document]) -> list:
    """In a worker: analyse whole documents and hand each result to the run's ``finish`` function."""
    return [_WORKER_FINISH(result) for result in results_of(docs, _analyze_batch(tasks_of(docs)))]


def finished_in_workers(
    docs: Iterable[Document], spec: EngineSpec, jobs: int, finish, batch_size: int = 64
) -> Iterator:
    """Like :func:`scan_documents` with ``jobs`` workers, but each result is turned into
    ``finish(result)`` (e.g. a JSON line) in the worker, so the parent only writes.
    ``finish`` must be picklable (a module-level function or a picklable callable object).
    """
    yield from _pool_map(_batches(docs, batch_size), _finish_batch, jobs, (spec, finish), lambda batch, out: out)


def _analyze_batch(tasks: list[Task]) -> list[list[Finding] | str]:
    """In a worker: :func:`findings_of`, with the worker's pipeline."""
    return findings_of(tasks, pipeline_for(_WORKER_SPEC))  # replaced when its vocabulary has grown


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
    def tasks() -> Iterator[tuple[list[Document], list[Task]]]:
        for batch in _batches(docs, batch_size):
            yield batch, tasks_of(batch)

    yield from _pool_map(tasks(), _analyze_batch, jobs, (spec,), results_of)


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
