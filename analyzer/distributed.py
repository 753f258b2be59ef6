"""Scanning partitioned post exports on Dask, when one machine is not enough.

Install with ``pip install 'healthclaims[dask]'``. Inputs are JSONL files
(optionally gzip-compressed) or Parquet data sets, as local paths or any
fsspec URL (``s3://``, ``gs://``, ...). Output is a Parquet data set with one
row per post, in input order: ``id``, ``status``, ``n_findings``,
``findings`` and ``problems`` (both JSON text, in the JSON report's format).

Each worker process loads the pipeline once (it is cached in the worker) and
reuses it for every partition it gets.

>>> from analyzer.distributed import scan_dataset                  # doctest: +SKIP
>>> scan_dataset(["s3://bucket/posts/*.jsonl.gz"], "s3://bucket/findings/",
...              scheduler="tcp://scheduler:8786")                    # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Sequence

from .errors import HealthClaimsError, problem

COLUMNS = {"id": "string", "status": "string", "n_findings": "int64", "findings": "string", "problems": "string"}


def _require_dask():
    try:
        import dask.bag  # noqa: F401
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise HealthClaimsError(problem("HC308", reason=str(exc))) from None


def _scan_docs(docs: list, patterns: tuple[str, ...]) -> list[dict]:
    """Documents -> output rows, scanned as ``scan`` scans them, with this process's cached pipeline."""
    from .run.config import EngineSpec
    from .run.pipeline import pipeline_for
    from .run.scan import findings_of, results_of, tasks_of

    nlp = pipeline_for(EngineSpec(patterns))  # built once per worker process, not per partition
    rows = []
    for result in results_of(docs, findings_of(tasks_of(docs), nlp)):
        doc = result.document
        rows.append(
            {
                "id": doc.id,
                "status": doc.status,
                "n_findings": len(result.findings),
                "findings": json.dumps([f.to_dict() for f in result.findings], sort_keys=True, ensure_ascii=False),
                "problems": json.dumps([p.to_dict() for p in doc.problems], sort_keys=True, ensure_ascii=False),
            }
        )
    return rows


def _jsonl_partition(
    lines: list[tuple[str, str]], first: list[int], patterns: tuple[str, ...], id_field: str, text_field: str
) -> list[dict]:
    """A partition of (line, path) pairs, its first line being line ``first[0] + 1`` of its file: each
    record read exactly as ``scan`` reads it (the same ids, lines, codes; invalid UTF-8 is HC103)."""
    from .run.inputs import jsonl_line

    docs = []
    for n, (line, path) in enumerate(lines, start=first[0] + 1):
        if line.strip():
            docs.append(jsonl_line(line.encode("utf-8", "surrogateescape"), _display(path), n, id_field, text_field))
    return _scan_docs(docs, patterns)


def _display(path: str) -> str:
    """A file as ``scan`` names it: relative to the current directory when it is local and below it."""
    from .run.inputs import relative_path

    return path if "://" in path else relative_path(path)


def _frame_partition(
    df, offsets: list[int], patterns, id_field: str, text_field: str, source: str, partition_info=None
):
    """A partition of a Parquet data set; a post without an id is named by its row (1-based, across the set)."""
    import pandas as pd

    from .run.inputs import post_document

    first = offsets[partition_info["number"]] if partition_info else 0
    ids = df[id_field] if id_field in df.columns else pd.Series([None] * len(df), index=df.index)
    texts = df[text_field] if text_field in df.columns else pd.Series([None] * len(df), index=df.index)
    docs = [
        post_document(_plain(i), t, source, first + n, text_field) for n, (i, t) in enumerate(zip(ids, texts), start=1)
    ]
    return pd.DataFrame(_scan_docs(docs, patterns), columns=list(COLUMNS)).astype(COLUMNS)


def _plain(value: object) -> object:
    """A Parquet cell as a plain value: None for a missing one (None, NaN, NA)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return None if type(value).__name__ in ("NAType", "NaTType") else value


def scan_dataset(
    inputs: Sequence[str],
    output: str,
    *,
    id_field: str = "id",
    text_field: str = "text",
    patterns: Sequence[str] = (),
    scheduler: str | None = None,
    workers: int = 2,
    blocksize: str = "8MiB",
) -> dict:
    """Scan JSONL or Parquet inputs on a Dask cluster and write findings as Parquet to ``output``.

    ``scheduler``: address of an existing scheduler; without it a LocalCluster
    of ``workers`` single-threaded processes is started for the run. Returns
    counts: posts, posts with findings, findings, errors.
    """
    _require_dask()
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    pats = tuple(str(p) for p in patterns)
    from .packs.loader import load_pack

    load_pack(pats)  # a broken pattern pack fails here, before any worker starts
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        frames = [_frame(path, pats, id_field, text_field, blocksize) for path in inputs]
        combined = dd.concat(frames) if len(frames) > 1 else frames[0]
        combined.to_parquet(output, write_index=False, overwrite=True)
        return _counts(output)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _frame(path: str, patterns: tuple[str, ...], id_field: str, text_field: str, blocksize: str):
    """The output rows of one input (Parquet, or JSONL read in blocks), as a lazy Dask frame.

    Where each block starts (its file, its first line or row) is counted first, in a cheap pass,
    so that ids and lines are those ``scan`` gives, whatever the partitioning."""
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})
    if not _exists(path):  # a missing input is a row of its own (HC107), not a failed run
        row = {"id": _display(path), "status": "error", "n_findings": 0, "findings": "[]"}
        row["problems"] = json.dumps([problem("HC107", _display(path)).to_dict()], sort_keys=True)
        return dd.from_pandas(pd.DataFrame([row], columns=list(COLUMNS)).astype(COLUMNS), npartitions=1)
    if path.rstrip("/").endswith((".parquet", ".pq")):
        frame = dd.read_parquet(path)
        sizes = frame.map_partitions(len).compute().tolist()
        offsets = [sum(sizes[:k]) for k in range(len(sizes))]
        args = (offsets, patterns, id_field, text_field, _display(path))
        return frame.map_partitions(_frame_partition, *args, meta=meta)
    bag = db.read_text(
        path,
        blocksize=None if path.endswith(".gz") else blocksize,
        linedelimiter="\n",
        errors="surrogateescape",
        include_path=True,
    )
    counted: dict[str, int] = {}
    firsts = []
    for file, size in bag.map_partitions(_partition_size).compute():
        firsts.append(counted.get(file, 0))
        counted[file] = counted.get(file, 0) + size
    starts = db.from_sequence(firsts, partition_size=1)
    return bag.map_partitions(_jsonl_partition, starts, patterns, id_field, text_field).to_dataframe(meta=meta)


def _exists(path: str) -> bool:
    """Whether a path, glob or URL names at least one existing file or data set."""
    from fsspec.core import get_fs_token_paths

    try:
        fs, _, paths = get_fs_token_paths(path)
        return any(fs.exists(p) for p in paths)
    except (OSError, ValueError):
        return False


def _partition_size(lines: list[tuple[str, str]]) -> list[tuple[str, int]]:
    return [(lines[0][1] if lines else "", len(lines))]


def _counts(output: str) -> dict:
    """Posts, posts with findings, findings and errors in the written data set."""
    import dask.dataframe as dd

    done = dd.read_parquet(output)
    counts = (
        done[["n_findings"]]
        .assign(
            flagged=(done["n_findings"] > 0).astype("int64"),
            errors=(done["status"] == "error").astype("int64"),
        )
        .sum()
        .compute()
    )
    return {
        "posts": int(len(done)),
        "posts_with_findings": int(counts["flagged"]),
        "findings": int(counts["n_findings"]),
        "errors": int(counts["errors"]),
    }
