"""Reading input: paths, directories, JSONL posts and stdin become documents.

Nothing is lost: every file, and every JSONL line, becomes a Document, even
when it cannot be read; such documents carry ``status`` "error" (or "empty")
and a problem with a code, the file and the line. Markup is masked rather
than removed — tags, scripts, styles, code blocks and front matter become
spaces — so that every offset, line and column points into the original file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from ..errors import Problem, problem
from . import gitutil

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
BINARY_SNIFF = 8192


@dataclass
class Document:
    id: str
    path: str
    text: str = ""
    status: str = "ok"  # ok | empty | error
    problems: list[Problem] = field(default_factory=list)
    source_line: int | None = None  # the line of a JSONL record
    size: int = 0  # bytes read for this document (progress reporting)
    kind: str = "text"
    url: str | None = None  # a post's source URL (--url-field)


def discover(paths: Iterable[str], accept: Callable[[Path], bool] | None = None) -> Iterator[tuple[str, Path | None]]:
    """Expand directories (recursively, known suffixes, sorted); '-' is stdin.

    ``accept`` filters the files found inside directories (include/exclude
    globs), and so does git's ignore list in a git work tree; files named on
    the command line are always read.
    """
    for raw in paths:
        if raw == "-":
            yield "-", None
            continue
        p = Path(raw)
        if p.is_dir():
            found = [
                child
                for child in sorted(p.rglob("*"))
                if child.is_file()
                and child.suffix.lower() in TEXT_SUFFIXES
                and not _hidden(child, p)
                and (accept is None or accept(child))
            ]
            skip = gitutil.ignored(found)
            for child in found:
                if child.resolve() not in skip:
                    yield str(child), child
        else:
            yield raw, p


def relative_path(path: str, root: str | None = None) -> str:
    """A path relative to the scan root (default: the current directory), with forward slashes."""
    if path.startswith("<"):
        return path
    root_path = Path(root or os.getcwd()).resolve()
    try:
        return Path(path).resolve().relative_to(root_path).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _hidden(child: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in child.relative_to(root).parts)


def read_documents(
    paths: Iterable[str],
    id_field: str = "id",
    text_field: str = "text",
    stdin: BinaryIO | None = None,
    accept: Callable[[Path], bool] | None = None,
    url_field: str | None = None,
) -> Iterator[Document]:
    for display, path in discover(paths, accept):
        if path is None:
            data = (stdin or sys.stdin.buffer).read()
            yield _from_bytes("<stdin>", "<stdin>", data, ".txt")
            continue
        if not path.exists():
            yield Document(display, display, status="error", problems=[problem("HC107", display)])
            continue
        kind = export_kind(path)
        if kind == "jsonl":
            yield from _read_jsonl(display, path, id_field, text_field, url_field)
            continue
        if kind == "csv":
            yield from _read_csv(display, path, id_field, text_field, url_field)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Document(
                display, display, status="error", problems=[problem("HC101", display, reason=exc.strerror or str(exc))]
            )
            continue
        yield _from_bytes(display, display, data, path.suffix.lower())


def _decode(data: bytes, path: str, base_line: int = 1) -> tuple[str | None, Problem | None]:
    nul = data.find(b"\x00", 0, BINARY_SNIFF)
    if nul != -1:
        return None, problem("HC102", path, base_line + data.count(b"\n", 0, nul), offset=nul)
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), None
    except UnicodeDecodeError as exc:
        line = base_line + data.count(b"\n", 0, exc.start)
        return None, problem("HC103", path, line, offset=exc.start, byte=f"{data[exc.start]:02x}")


def _from_bytes(doc_id: str, path: str, data: bytes, suffix: str) -> Document:
    text, prob = _decode(data, path)
    if prob is not None:
        return Document(doc_id, path, status="error", problems=[prob], size=len(data))
    kind = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(suffix, "text")
    return _finish(Document(doc_id, path, text=text, kind=kind, size=len(data)))


def total_bytes(paths: Iterable[str]) -> int | None:
    """The size of the named inputs, when it is known in advance (not for stdin or .gz)."""
    total = 0
    for raw in paths:
        p = Path(raw)
        if raw == "-" or p.is_dir() or p.name.lower().endswith(".gz"):
            return None
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def _finish(doc: Document) -> Document:
    if not doc.text.strip():
        doc.status = "empty"
        doc.problems.append(problem("HC106", doc.path, doc.source_line, warning=True))
    return doc


def export_kind(path: Path) -> str | None:
    """'jsonl' or 'csv' for post exports (also gzip-compressed), else None."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    return None


def _open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_problem(text: str, display: str, lineno: int | None):
    """HC108 for text with an unpaired surrogate (JSON allows "\\ud83d" alone; no UTF-8 text can hold it)."""
    bad = _SURROGATE.search(text)
    if bad is None:
        return None
    return problem("HC108", display, lineno, escape=f"{ord(bad.group()):04x}", offset=bad.start())


def post_id(display: str, lineno: int) -> str:
    """The id of a post whose record has none: where it is."""
    return f"{display}:{lineno}"


def post_record(
    line: str, display: str, lineno: int, id_field: str = "id", text_field: str = "text", url_field: str | None = None
) -> Document:
    """One JSONL post record (a line of text) as a document: its id (or :func:`post_id`), text and
    source URL (a string in ``url_field``), or an error document saying what is wrong with it."""
    fallback_id = post_id(display, lineno)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error(fallback_id, display, lineno, problem("HC104", display, lineno, reason=exc.msg))
    if not isinstance(record, dict):
        return _error(fallback_id, display, lineno, problem("HC104", display, lineno, reason="not a JSON object"))
    rid = record.get(id_field)
    doc_id = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else fallback_id
    doc = _post(doc_id, display, lineno, record.get(text_field), text_field)
    url = record.get(url_field) if url_field else None
    doc.url = url if isinstance(url, str) and url else None
    return doc


def _error(doc_id: str, display: str, lineno: int, prob) -> Document:
    """A post that could not be read: in the report with its one coded problem."""
    return Document(doc_id, display, status="error", source_line=lineno, problems=[prob])


def _post(doc_id: str, display: str, lineno: int, body: object, text_field: str) -> Document:
    if not isinstance(body, str):
        return _error(doc_id, display, lineno, problem("HC105", display, lineno, field=text_field))
    bad = surrogate_problem(body, display, lineno)
    if bad is not None:
        return Document(doc_id, display, status="error", source_line=lineno, problems=[bad])
    return _finish(Document(doc_id, display, text=body, source_line=lineno, kind="post"))


def _read_csv(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    """A CSV export with a header row, read as a stream; one document per record."""
    try:
        handle = _open_binary(path)
        stream = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        yield Document(
            display, display, status="error", problems=[problem("HC101", display, reason=exc.strerror or str(exc))]
        )
        return
    csv.field_size_limit(2**31 - 1)
    with stream:
        try:
            reader = csv.reader(stream)
            header = next(reader, None)
            if header is None:
                yield _finish(Document(display, display, text=""))
                return
            if text_field not in header:
                yield Document(
                    display, display, status="error", problems=[problem("HC105", display, 1, field=text_field)]
                )
                return
            text_at = header.index(text_field)
            id_at = header.index(id_field) if id_field in header else None
            url_at = header.index(url_field) if url_field in header else None
            start = reader.line_num + 1
            for row in reader:
                lineno, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                fallback_id = post_id(display, lineno)
                bad = next((cell for cell in row if _has_surrogates(cell)), None)
                if bad is not None:
                    yield Document(
                        fallback_id,
                        display,
                        status="error",
                        source_line=lineno,
                        problems=[
                            problem(
                                "HC103",
                                display,
                                lineno,
                                offset=_surrogate_at(bad),
                                byte=f"{ord(bad[_surrogate_at(bad)]) - 0xDC00:02x}",
                            )
                        ],
                    )
                    continue
                doc_id = row[id_at] if id_at is not None and id_at < len(row) and row[id_at] else fallback_id
                body = row[text_at] if text_at < len(row) else None
                doc = _post(doc_id, display, lineno, body, text_field)
                doc.size = sum(len(cell) for cell in row) + len(row)
                doc.url = row[url_at] or None if url_at is not None and url_at < len(row) else None
                yield doc
        except (OSError, EOFError, csv.Error) as exc:
            yield Document(
                f"{display}:error", display, status="error", problems=[problem("HC101", display, reason=str(exc))]
            )


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _surrogate_at(text: str) -> int:
    return next(i for i, ch in enumerate(text) if "\udc80" <= ch <= "\udcff")


def _read_jsonl(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    try:
        handle = _open_binary(path)
    except OSError as exc:
        yield Document(
            display, display, status="error", problems=[problem("HC101", display, reason=exc.strerror or str(exc))]
        )
        return
    with handle:
        any_line = False
        lineno = 0
        try:
            for lineno, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                any_line = True
                text, prob = _decode(raw, display, lineno)
                size = len(raw)
                if prob is not None:
                    yield Document(
                        post_id(display, lineno), display, status="error", problems=[prob], source_line=lineno
                    )
                    continue
                doc = post_record(text, display, lineno, id_field, text_field, url_field)
                doc.size = size
                yield doc
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz
            any_line = True
            yield Document(
                post_id(display, lineno + 1),
                display,
                status="error",
                source_line=lineno + 1,
                problems=[problem("HC101", display, lineno + 1, reason=str(exc))],
            )
        if not any_line:
            yield _finish(Document(display, display, text=""))


# --------------------------------------------------------------------------- markup masking

_HTML_BLOCKS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_MD_FRONT = re.compile(r"\A(?:---|\+\+\+)\n.*?\n(?:---|\+\+\+)[ \t]*\n", re.S)
_MD_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.S | re.M)
_MD_INLINE = re.compile(r"`[^`\n]+`")
_MD_URL = re.compile(r"\]\([^)\n]*\)")


_BLOCK_TAGS = re.compile(
    r"</?(p|div|br|h[1-6]|li|ul|ol|tr|td|th|table|section|article|header|footer|blockquote|title|dt|dd|hr|figcaption)\b",
    re.I,
)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _blank_tag(match: re.Match) -> str:
    """A block-level tag ends a line for the sentence splitter; any tag keeps its length."""
    masked = _blank(match)
    if _BLOCK_TAGS.match(match.group(0)) and "\n" not in masked:
        masked = "\n" + masked[1:]
    return masked


def prose_view(doc: Document) -> str:
    """The text to scan: markup replaced by spaces, offsets unchanged."""
    text = doc.text
    if doc.kind == "html":
        text = _HTML_BLOCKS.sub(_blank, text)
        text = _HTML_TAG.sub(_blank_tag, text)
    elif doc.kind == "markdown":
        text = _MD_FRONT.sub(_blank, text)
        text = _MD_FENCE.sub(_blank, text)
        text = _MD_INLINE.sub(_blank, text)
        text = _MD_URL.sub(_blank, text)
        text = _HTML_BLOCKS.sub(_blank, text)
        text = _HTML_TAG.sub(_blank_tag, text)
    return text
