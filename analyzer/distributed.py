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
from typing import Iterable, Sequence

from .errors import HealthClaimsError, problem

COLUMNS = {"id": "string", "status": "string", "n_findings": "int64", "findings": "string", "problems": "string"}


def _require_dask():
    try:
        import dask.bag  # noqa: F401
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise HealthClaimsError(problem("HC308", reason=str(exc))) from None


def _scan_records(
    records: Iterable[tuple[str, str, object, list[dict]]], patterns: tuple[str, ...], text_field: str
) -> list[dict]:
    """(id, source, text, problems) records -> output rows, using this process's cached pipeline."""
    from .report import finding_entry
    from .run.inputs import surrogate_problem
    from .run.pipeline import analyze_many, get_pipeline, locate

    def checked(doc_id, source, text, probs):
        if not probs and not isinstance(text, str):
            probs = [problem("HC105", source, None, field=text_field).to_dict()]
        elif not probs and (bad := surrogate_problem(text, source, None)) is not None:
            probs = [bad.to_dict()]
        return doc_id, source, text, probs

    records = [checked(*record) for record in records]
    nlp = get_pipeline(patterns)
    # findings are pulled one post at a time, so only one post's Finding objects are alive at once
    found = analyze_many([text for _, _, text, probs in records if not probs], nlp)
    rows = []
    for doc_id, _source, text, probs in records:
        # as a --format jsonl line holds them: the first evidence entry's verdict, headline and URL, the rest by id
        findings = [] if probs else [finding_entry(f, lead=True) for f in locate(text, next(found))]
        status = "error" if probs else ("empty" if not str(text).strip() else "ok")
        rows.append(
            {
                "id": doc_id,
                "status": status,
                "n_findings": len(findings),
                "findings": json.dumps(findings, sort_keys=True, ensure_ascii=False),
                "problems": json.dumps(probs, sort_keys=True, ensure_ascii=False),
            }
        )
    return rows


def _jsonl_partition(
    lines: list[str], patterns: tuple[str, ...], id_field: str, text_field: str, source: str
) -> list[dict]:
    """A partition of JSONL lines: each record read as ``scan`` reads it (:func:`~analyzer.inputs.post_record`)."""
    from .run.inputs import post_record

    records = []
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        doc = post_record(line, source, n + 1, id_field, text_field)
        if doc.status == "error":
            records.append((doc.id, source, None, [p.to_dict() for p in doc.problems]))
        else:
            records.append((doc.id, source, doc.text, []))
    return _scan_records(records, patterns, text_field)


def _frame_partition(df, patterns: tuple[str, ...], id_field: str, text_field: str, source: str):
    import pandas as pd

    ids = df[id_field] if id_field in df.columns else pd.Series([None] * len(df), index=df.index)
    texts = df[text_field] if text_field in df.columns else pd.Series([None] * len(df), index=df.index)
    records = [
        (
            str(i) if i is not None and not (isinstance(i, float) and i != i) else f"{source}#{n}",
            source,
            t if isinstance(t, str) else None,
            [],
        )
        for n, (i, t) in enumerate(zip(ids, texts))
    ]
    return pd.DataFrame(_scan_records(records, patterns, text_field), columns=list(COLUMNS)).astype(COLUMNS)


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
    """The output rows of one input (Parquet, or JSONL read in blocks), as a lazy Dask frame."""
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})
    if path.rstrip("/").endswith(".parquet") or path.rstrip("/").endswith(".pq"):
        return dd.read_parquet(path).map_partitions(_frame_partition, patterns, id_field, text_field, path, meta=meta)
    bag = db.read_text(path, blocksize=None if path.endswith(".gz") else blocksize, linedelimiter="\n")
    return bag.map_partitions(_jsonl_partition, patterns, id_field, text_field, path).to_dataframe(meta=meta)


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
