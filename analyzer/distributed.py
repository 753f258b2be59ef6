"""Scanning partitioned post exports on Dask, when one machine is not enough.

Install with ``pip install 'healthclaims[dask]'``. Inputs are JSONL files
(optionally gzip-compressed) or Parquet data sets, as local paths or any
fsspec URL (``s3://``, ``gs://``, ...). Output is a data set (a folder of part
files, in input order) in one of two formats:

- ``jsonl``: ``part.NNNNN.jsonl`` files whose concatenation is exactly what
  ``healthclaims scan --format jsonl`` writes for the same inputs (report
  schema 2.0: one document per line, each finding's first evidence reference
  carrying the entry's verdict, headline and URL);
- ``parquet``: one row per document with the same fields: ``id``, ``path``,
  ``status``, ``source_line``, ``n_findings``, and ``findings``,
  ``problems`` and ``suppressed`` as JSON text.

Posts are read, scanned and judged (configuration, inline suppressions) as
``scan`` does it, and duplicate ids get HC114 as in ``scan``: a cheap first
pass over the input finds where each block starts and every post's id. Each
worker process loads the pipeline once and reuses it for every partition.

>>> from analyzer.distributed import scan_dataset                  # doctest: +SKIP
>>> scan_dataset(["s3://bucket/posts/*.jsonl.gz"], "s3://bucket/findings/",
...              scheduler="tcp://scheduler:8786")                    # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Sequence

from .errors import HealthClaimsError, problem

COLUMNS = {
    "id": "string",
    "path": "string",
    "status": "string",
    "source_line": "Int64",
    "n_findings": "int64",
    "findings": "string",
    "problems": "string",
    "suppressed": "string",
    "jsonl": "string",  # the document's JSONL line (written for --format jsonl, dropped from Parquet)
}
FORMATS = ("parquet", "jsonl")
PARQUET_SUFFIXES = (".parquet", ".pq")


def _require_dask():
    try:
        import dask.bag  # noqa: F401
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise HealthClaimsError(problem("HC308", reason=str(exc))) from None


@dataclass(frozen=True)
class Settings:
    """What every partition is scanned with (sent to the workers): the engine, the configuration
    (disabled rules, severities, allowed phrases) and the input's field names."""

    engine: object  # run.config.EngineSpec
    config: object  # run.config.Config
    id_field: str = "id"
    text_field: str = "text"


@dataclass
class Block:
    """One partition of one input file: how ``scan`` names the file (worked out where the run starts,
    not in the worker), where the partition starts and which of its posts repeat an earlier id."""

    display: str
    first: int  # lines (JSONL) or rows (Parquet) of its input before it
    renamed: frozenset = field(default_factory=frozenset)  # source lines of posts to rename (HC114)


# --------------------------------------------------------------------------- documents -> rows


def _rows(docs: list, settings: Settings, renamed: frozenset = frozenset()) -> list[dict]:
    """Documents -> output rows, scanned and judged exactly as ``scan`` does it, with this worker
    process's cached pipeline; a post in ``renamed`` repeats an earlier post's id (HC114). Should the
    partition fail unexpectedly, its documents are tried one by one: only the one that fails is lost
    to an error (HC118), which names it."""
    from .run.inputs import _distinct

    for doc in docs:
        if doc.source_line in renamed:
            _distinct(doc, {hash(doc.id)})  # scan's own renaming: an earlier post has this id
    try:
        return _judged(docs, settings)
    except Exception:  # noqa: BLE001 - find the document that fails, keep the others
        return [row for doc in docs for row in _alone(doc, settings)]


def _judged(docs: list, settings: Settings) -> list[dict]:
    from .run.policy import Policy
    from .run.scan import scan_documents

    policy = Policy(settings.config)
    rows = []
    for result in scan_documents(docs, settings.engine):
        policy.apply(result)
        rows.append(_row(result))
    return rows


def _alone(doc, settings: Settings) -> list[dict]:
    from .findings import ScanResult
    from .run.inputs import failure_reason

    try:
        return _judged([doc], settings)
    except Exception as exc:  # noqa: BLE001
        doc.status = "error"
        doc.problems.append(problem("HC118", doc.path, doc.source_line, reason=failure_reason(exc)))
        return [_row(ScanResult(doc))]


def _row(result) -> dict:
    """A scan result as an output row: the fields of its JSONL line, and the line itself."""
    from .report import document_entry
    from .report.formats.jsonl import line

    entry = document_entry(result, lead=True)
    return {
        "id": entry["id"],
        "path": entry["path"],
        "status": entry["status"],
        "source_line": entry.get("source_line"),
        "n_findings": len(entry["findings"]),
        "findings": _json(entry["findings"]),
        "problems": _json(entry["problems"]),
        "suppressed": _json(entry.get("suppressed", [])),
        "jsonl": line(result),
    }


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(COLUMNS)


def _display(raw: str, url: str | None = None) -> str:
    """How ``scan`` names an input given as ``raw`` (or the file ``url`` of it, after the shell has
    expanded a glob or ``scan`` a folder): as written, absolute or relative as ``raw`` is."""
    import os

    from .run.inputs import shown_path

    if url is None or os.path.abspath(raw) == url:
        return shown_path(raw)
    if "://" in raw or os.path.isabs(raw):
        return shown_path(url)
    return shown_path(os.path.relpath(url))


def _error_rows(display: str, prob) -> list[dict]:
    """An input that cannot be read at all: one error document naming it, as ``scan`` reports it."""
    from .findings import ScanResult
    from .run.inputs import Document

    return [_row(ScanResult(Document(display, display, status="error", problems=[prob])))]


# --------------------------------------------------------------------------- JSONL inputs


def _jsonl_docs(lines: list[tuple], block: Block, settings: Settings) -> list:
    """A partition of (line, path) pairs, its first line being line ``block.first + 1`` of its file:
    each record read exactly as ``scan`` reads it (the same ids, lines, codes; invalid UTF-8 is HC103).
    A pair holding an exception instead of a line: the file could not be read on from there (HC101)."""
    from .run.inputs import _error, _read_problem, jsonl_line, post_id

    docs = []
    for n, (text, _) in enumerate(lines, start=block.first + 1):
        if isinstance(text, BaseException):  # e.g. a truncated .gz: the lines before it are kept
            docs.append(_error(post_id(block.display, n), block.display, n, _read_problem(block.display, text, n)))
        elif text.strip():
            raw = text.encode("utf-8", "surrogateescape")
            docs.append(jsonl_line(raw, block.display, n, settings.id_field, settings.text_field))
    return docs


def _jsonl_ids(lines: list[tuple], block: list[Block], settings: Settings) -> list[tuple]:
    """The first pass: (path, line, id) of each post of a partition."""
    return [(d.path, d.source_line, d.id) for d in _jsonl_docs(lines, block[0], settings)]


def _jsonl_partition(lines: list[tuple], block: list[Block], settings: Settings) -> list[dict]:
    return _rows(_jsonl_docs(lines, block[0], settings), settings, block[0].renamed)


def _partition_size(lines: list[tuple]) -> list[int]:
    return [len(lines)]


def _gz_lines(url: str) -> list[tuple]:
    """In a worker: the lines of a gzip-compressed file, as ``read_text`` gives them; if it is corrupt
    or cut short, the lines before that and then the exception."""
    import gzip

    import fsspec

    lines: list[tuple] = []
    try:
        with fsspec.open(url, "rb") as raw, gzip.open(raw) as fh:
            for line in fh:
                lines.append((line.decode("utf-8", "surrogateescape"), url))
    except (OSError, EOFError, ValueError) as exc:
        lines.append((exc, url))
    return lines


@dataclass
class _JsonlFile:
    """One file of a JSONL input after the first pass: its lines as a bag, its partitions, its posts'
    (path, line, id); or the problem that kept it from being read (no bag)."""

    display: str
    bag: object = None
    blocks: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    problem: object = None


def _jsonl_file(url: str, display: str, blocksize: str) -> _JsonlFile:
    """A JSONL file with its lines as a bag, or with its HC101 when it cannot be opened; an empty
    file has no bag (and so no post: it is reported empty, HC106)."""
    import dask
    import dask.bag as db
    from fsspec.core import url_to_fs

    from .run.inputs import failure_reason

    try:
        fs, local = url_to_fs(url)
        if fs.size(local) == 0:
            return _JsonlFile(display)
        if url.endswith(".gz"):  # read whole, by a function that reports a corrupt file instead of failing
            return _JsonlFile(display, db.from_delayed([dask.delayed(_gz_lines)(url)]))
        lines = db.read_text(url, blocksize=blocksize, linedelimiter="\n", errors="surrogateescape", include_path=True)
        return _JsonlFile(display, lines)
    except Exception as exc:  # noqa: BLE001 - a broken link, a file that vanished or cannot be opened
        return _JsonlFile(display, problem=problem("HC101", display, reason=failure_reason(exc)))


def _jsonl_input(path: str, settings: Settings, blocksize: str) -> tuple[list, list]:
    """(plan, posts): the files of a JSONL input (see :class:`_JsonlFile`) and the (path, line, id)
    of every post. Read by the workers, not scanned yet; a file that cannot be read costs only itself."""
    import dask.bag as db
    from distributed import get_client

    from .run.inputs import failure_reason

    client = get_client()
    plan = [_jsonl_file(url, _display(path, url), blocksize) for url in _input_files(path)]
    readable = [f for f in plan if f.bag is not None]
    for file, future in zip(readable, client.compute([f.bag.map_partitions(_partition_size) for f in readable])):
        try:
            sizes = future.result()
        except Exception as exc:  # noqa: BLE001 - e.g. a file that vanished or cannot be opened
            file.bag, file.problem = None, problem("HC101", file.display, reason=failure_reason(exc))
            continue
        file.blocks = [Block(file.display, first) for first in [*itertools.accumulate(sizes, initial=0)][:-1]]
    readable = [f for f in plan if f.bag is not None]
    passes = [
        f.bag.map_partitions(_jsonl_ids, db.from_sequence(f.blocks, partition_size=1), settings) for f in readable
    ]
    for file, posts in zip(readable, client.gather(client.compute(passes))):
        file.posts = posts
    return plan, [post for file in readable for post in file.posts]


def _jsonl_frames(plan: list, renamed: dict, settings: Settings, meta) -> list:
    """Per file: its output rows; a file that cannot be read is its HC101, one without a post one
    empty document (HC106), as in ``scan``."""
    import dask.bag as db
    import dask.dataframe as dd

    from .findings import ScanResult
    from .run.inputs import Document, _finish

    frames = []
    for file in plan:
        if file.problem is not None or not file.posts:
            doc = Document(file.display, file.display, status="error", problems=[file.problem])
            if file.problem is None:  # read, but without a post
                doc = _finish(Document(file.display, file.display, text=""))
            rows = [_row(ScanResult(doc))]
            frames.append(dd.from_pandas(_frame(rows), npartitions=1))
            continue
        marked = [Block(b.display, b.first, frozenset(renamed.get(b.display, ()))) for b in file.blocks]
        starts = db.from_sequence(marked, partition_size=1)
        frames.append(file.bag.map_partitions(_jsonl_partition, starts, settings).to_dataframe(meta=meta))
    return frames


def _input_files(path: str) -> list[str]:
    """The files of an input (a file, a glob, or a folder: the files in it, except the names that
    data sets keep to themselves, ``_metadata``, ``.hidden``), sorted, as URLs for the workers."""
    from fsspec.core import get_fs_token_paths

    fs, _, paths = get_fs_token_paths(path)
    files = []
    for p in sorted(paths):
        if fs.isdir(p):
            found = sorted(f for f in fs.find(p) if not f.rsplit("/", 1)[-1].startswith(("_", ".")))
            files.extend(found)
        else:
            files.append(p)
    return [fs.unstrip_protocol(f) if "://" in path else f for f in files]


def _is_parquet(path: str) -> bool:
    """A Parquet input: named ``.parquet``/``.pq``, or a folder holding such files."""
    return any(f.endswith(PARQUET_SUFFIXES) for f in [path.rstrip("/"), *_input_files(path)])


# --------------------------------------------------------------------------- Parquet inputs


def _parquet_plan(url: str, id_field: str) -> tuple[list[int], list | None, str | None]:
    """In a worker: (rows per row group, the id column or None, why it cannot be read or None)."""
    import fsspec
    import pyarrow.parquet as pq

    try:
        with fsspec.open(url, "rb") as fh:
            pf = pq.ParquetFile(fh)
            sizes = [pf.metadata.row_group(k).num_rows for k in range(pf.metadata.num_row_groups)]
            ids = pf.read(columns=[id_field]).column(0).to_pylist() if id_field in pf.schema_arrow.names else None
        return sizes, ids, None
    except Exception as exc:  # noqa: BLE001 - a corrupt file is HC230 for it, not a failed run
        from .run.inputs import failure_reason

        return [], None, failure_reason(exc)


def _parquet_part(url: str, group: int, source: str, block: Block, settings: Settings):
    """In a worker: one row group of a Parquet file as output rows; a post without an id is named by
    its row (1-based, across the input). A row group that cannot be read is one HC230 row."""
    import fsspec
    import pyarrow.parquet as pq

    from .run.inputs import failure_reason, post_document

    fields = [settings.id_field, settings.text_field]
    try:
        with fsspec.open(url, "rb") as fh:
            pf = pq.ParquetFile(fh)
            table = pf.read_row_group(group, columns=[f for f in fields if f in pf.schema_arrow.names])
    except Exception as exc:  # noqa: BLE001
        prob = problem("HC230", block.display, block.first + 1, reason=failure_reason(exc))
        return _frame(_error_rows(block.display, prob))
    columns = {name: table.column(name).to_pylist() if name in table.column_names else None for name in fields}
    none = [None] * table.num_rows
    ids, texts = columns[settings.id_field] or none, columns[settings.text_field] or none
    docs = [
        post_document(i, t, source, block.first + n, settings.text_field)
        for n, (i, t) in enumerate(zip(ids, texts), start=1)
    ]
    return _frame(_rows(docs, settings, block.renamed))


def _parquet_input(path: str, settings: Settings) -> tuple:
    """(plan, posts) of a Parquet input: per file its row groups and where each starts, or why the
    file cannot be read; and the (path, row, id) of every post, rows numbered across the input."""
    import dask

    from .run.inputs import post_document

    files = _input_files(path)
    plans = dask.compute(*[dask.delayed(_parquet_plan)(url, settings.id_field) for url in files])
    source, first, plan, posts = _display(path), 0, [], []
    for url, (sizes, ids, reason) in zip(files, plans):
        plan.append((url, _display(path, url), sizes, first, reason))
        for n, rid in enumerate(ids or [None] * sum(sizes), start=first + 1):
            posts.append((source, n, post_document(rid, "", source, n).id))
        first += sum(sizes)
    return plan, posts


def _parquet_frame(plan: list, renamed: dict, settings: Settings, source: str, meta):
    import dask
    import dask.dataframe as dd

    parts = []
    lines = renamed.get(source, frozenset())
    for url, display, sizes, first, reason in plan:
        if reason is not None:
            prob = problem("HC230", display, reason=reason)
            parts.append(dask.delayed(_frame)(dask.delayed(_error_rows)(display, prob)))
        for group, size in enumerate(sizes):
            block = Block(display, first, frozenset(n for n in lines if first < n <= first + size))
            parts.append(dask.delayed(_parquet_part)(url, group, source, block, settings))
            first += size
    return dd.from_delayed(parts, meta=meta, verify_meta=False) if parts else dd.from_pandas(meta, npartitions=1)


# --------------------------------------------------------------------------- the run


def scan_dataset(
    inputs: Sequence[str],
    output: str,
    *,
    id_field: str = "id",
    text_field: str = "text",
    patterns: Sequence[str] = (),
    config=None,
    engine=None,
    output_format: str = "parquet",
    scheduler: str | None = None,
    workers: int = 2,
    blocksize: str = "8MiB",
) -> dict:
    """Scan JSONL or Parquet inputs on a Dask cluster and write a data set of part files to ``output``.

    ``config`` (a :class:`~analyzer.run.config.Config`) and ``engine`` (an ``EngineSpec``; default:
    the built-in patterns plus ``patterns``, with the shipped scorer) are those ``scan`` would use.
    ``scheduler``: address of an existing scheduler; without it a LocalCluster of ``workers``
    single-threaded processes is started for the run. Returns counts (posts, posts with findings,
    findings, errors) and ``problems``: every coded problem, input and output, in order.
    """
    from .packs.loader import cached_pack
    from .run.config import Config, EngineSpec

    if output_format not in FORMATS:
        raise HealthClaimsError(problem("HC307", reason=f"the Dask output format is one of {', '.join(FORMATS)}"))
    _require_dask()
    engine = engine or EngineSpec(tuple(str(p) for p in patterns))
    cached_pack(engine.patterns)  # a broken pattern pack fails here, before any worker starts
    settings = Settings(engine, config or Config(), id_field, text_field)
    target = _prepare_output(output)  # an output that cannot be written fails here (HC231)
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        frame = _scanned(inputs, settings, blocksize)
        return _write(frame, target, _display(output.rstrip("/")), output_format)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _scanned(inputs: Sequence[str], settings: Settings, blocksize: str):
    """The output rows of every input, in order, as one lazy Dask frame (after the first pass)."""
    import dask.dataframe as dd

    meta = _frame([])
    planned = [_planned(path, settings, blocksize) for path in inputs]
    renamed = _duplicates(posts for _, _, posts in planned)
    frames = []
    for path, (kind, plan), _ in planned:
        if kind == "jsonl":
            frames.extend(_jsonl_frames(plan, renamed, settings, meta))
        elif kind == "parquet":
            frames.append(_parquet_frame(plan, renamed, settings, _display(path), meta))
        else:  # an input that cannot be read: its one error row
            frames.append(dd.from_pandas(_frame(_error_rows(_display(path), plan)), npartitions=1))
    return dd.concat(frames) if len(frames) > 1 else frames[0]


def _planned(path: str, settings: Settings, blocksize: str) -> tuple[str, tuple, list]:
    """(path, (kind, plan), posts) of one input after the first pass; an input that does not exist
    is HC107 and one that cannot be read HC101 (kind "error", plan its problem), not a failed run."""
    from .run.inputs import failure_reason

    if not _exists(path):
        return path, ("error", problem("HC107", _display(path))), []
    try:
        if _is_parquet(path):
            plan, posts = _parquet_input(path, settings)
            return path, ("parquet", plan), posts
        plan, posts = _jsonl_input(path, settings, blocksize)
    except Exception as exc:  # noqa: BLE001 - e.g. a file that vanished or cannot be opened: one error row
        return path, ("error", problem("HC101", _display(path), reason=failure_reason(exc))), []
    return path, ("jsonl", plan), posts


def _duplicates(inputs) -> dict[str, set[int]]:
    """Which posts repeat an earlier post's id, by path and line, found in input order exactly as
    ``scan`` finds them (a renamed id counts as seen too)."""
    from .run.inputs import Document, _distinct

    seen: set[int] = set()
    renamed: dict[str, set[int]] = {}
    for posts in inputs:
        for path, line, pid in posts:
            doc = _distinct(Document(pid, path, source_line=line), seen)
            if doc.id != pid:
                renamed.setdefault(path, set()).add(line)
    return renamed


def _exists(path: str) -> bool:
    """Whether a path, glob or URL names at least one existing file or data set."""
    from fsspec.core import get_fs_token_paths

    try:
        fs, _, paths = get_fs_token_paths(path)
        return any(fs.exists(p) for p in paths)
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- writing


def _prepare_output(output: str) -> str:
    """The output folder, created, with the part files of an earlier run removed; HC231 when it
    cannot be written (before anything is scanned)."""
    from fsspec.core import url_to_fs

    from .run.inputs import failure_reason

    try:
        fs, root = url_to_fs(output)
        fs.makedirs(root, exist_ok=True)
        stale = [p for ext in FORMATS for p in fs.glob(f"{root.rstrip('/')}/part.*.{ext}")]
        if stale:
            fs.rm(stale)
    except Exception as exc:  # noqa: BLE001 - any failure of the file system: say which and why
        raise HealthClaimsError(problem("HC231", _display(output), reason=failure_reason(exc))) from None
    return fs.unstrip_protocol(root).rstrip("/")  # absolute: the workers' current folder may differ


def write_part(rows, target: str, output_format: str, shown: str | None = None) -> dict:
    """In a worker: write one partition's rows to ``target`` (a JSONL or Parquet part file) and
    return its counts; a write that fails is an HC231 problem naming the part (as ``shown``), not a
    lost run."""
    import fsspec

    from .run.inputs import failure_reason

    rows = rows[list(COLUMNS)].astype(COLUMNS)  # every part with the same schema, whatever it holds
    counts = {
        "posts": len(rows),
        "posts_with_findings": int((rows["n_findings"] > 0).sum()),
        "findings": int(rows["n_findings"].sum()),
        "errors": int((rows["status"] == "error").sum()),
        "problems": [p for text in rows["problems"] for p in json.loads(text)],
        "written": True,
    }
    try:
        with fsspec.open(target, "wb") as fh:
            if output_format == "jsonl":
                fh.write("".join(rows["jsonl"]).encode("utf-8"))
            else:
                rows.drop(columns="jsonl").to_parquet(fh, index=False)
    except Exception as exc:  # noqa: BLE001 - a full disk, a lost connection, a refused write
        prob = problem("HC231", shown or target, reason=failure_reason(exc))
        counts.update(written=False, errors=counts["errors"] + 1)
        counts["problems"].append(prob.to_dict())
    return counts


def _write(frame, output: str, shown: str, output_format: str) -> dict:
    """Each partition written by its worker as ``part.NNNNN.<format>``, in order; the run's counts."""
    import dask

    parts = frame.to_delayed()
    width = max(5, len(str(len(parts))))
    names = [f"part.{k:0{width}d}.{output_format}" for k in range(len(parts))]
    writes = [
        dask.delayed(write_part)(part, f"{output}/{name}", output_format, f"{shown}/{name}")
        for name, part in zip(names, parts)
    ]
    total = {"posts": 0, "posts_with_findings": 0, "findings": 0, "errors": 0, "problems": []}
    for counts in dask.compute(*writes):
        for key in total:
            total[key] += counts[key]
    total["problems"] = [_problem(p) for p in total["problems"]]
    return total


def _problem(data: dict):
    """A problem of the written report (``Problem.to_dict``) as a Problem again, for the console."""
    from .errors import Problem

    return Problem(data["code"], data["message"], data["path"], data["line"], data["level"] == "warning")
