"""Reading input: paths, directories, JSONL posts and stdin become documents.

Nothing is lost: every file, and every JSONL line, becomes a Document, even
when it cannot be read; such documents carry ``status`` "error" (or "empty")
and a problem with a code, the file and the line. Markup is masked rather
than removed — tags, scripts, styles, code blocks and front matter become
spaces — so that every offset, line and column points into the original file.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import html
import io
import itertools
import json
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from ..errors import Problem, problem
from ..lines import byte_line_at, count_lines
from . import gitutil
from .gitutil import resolved

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
    # the file line where a post's text starts when the export writes it out verbatim (CSV);
    # None when it is escaped onto its record's one line (JSONL)
    text_line: int | None = None
    file: str | None = None  # the file system's name, when ``path`` shows it escaped (not UTF-8)
    url: str | None = None  # a post's source URL (--url-field)

    def file_line(self, line: int) -> int:
        """The line in the file of a line of this document's text."""
        if self.source_line is None:
            return line
        if self.text_line is None:
            return self.source_line
        return self.text_line + line - 1


def discover(paths: Iterable[str], accept: Callable[[Path], bool] | None = None) -> Iterator[tuple[str, Path | None]]:
    """Expand directories (recursively, known suffixes, sorted); '-' is stdin.

    ``accept`` filters the files found inside directories (include/exclude
    globs), and so does git's ignore list in a git work tree; files named on
    the command line are always read. A directory that cannot be listed is
    yielded too (its own path), so that reading it reports why.
    """
    for raw in paths:
        if raw == "-":
            yield "-", None
            continue
        p = Path(raw)
        if not _is_dir(p):
            yield shown_path(raw), p
            continue
        found, unreadable = _walk(p, accept)
        skip = gitutil.ignored(found)
        entries = [child for child in found if resolved(child) not in skip] + unreadable
        for child in sorted(entries):
            yield shown_path(str(child)), child


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _walk(root: Path, accept: Callable[[Path], bool] | None) -> tuple[list[Path], list[Path]]:
    """Files with a known suffix below ``root`` (hidden ones aside), and the folders that could not be listed."""
    found: list[Path] = []
    unreadable: list[Path] = []

    def failed(exc: OSError) -> None:
        unreadable.append(Path(exc.filename) if exc.filename else root)

    for folder, dirs, files in os.walk(root, onerror=failed):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            child = Path(folder) / name
            if name.startswith(".") or child.suffix.lower() not in TEXT_SUFFIXES:
                continue
            if accept is None or accept(child):
                found.append(child)
    return found, unreadable


def shown_path(name: str) -> str:
    """A path as the report shows it: bytes of a name that is not UTF-8 as ``\\xNN`` escapes."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file system name decodes to
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def relative_path(path: str, root: str | None = None) -> str:
    """A path relative to the scan root (default: the current directory), with forward slashes."""
    if path.startswith("<"):
        return path
    root_path = resolved(Path(root or os.getcwd()))
    try:
        return resolved(Path(path)).relative_to(root_path).as_posix()
    except ValueError:
        return Path(path).as_posix()


def read_documents(
    paths: Iterable[str],
    id_field: str = "id",
    text_field: str = "text",
    stdin: BinaryIO | None = None,
    accept: Callable[[Path], bool] | None = None,
    url_field: str | None = None,
) -> Iterator[Document]:
    """Every input as documents, in order; a post id seen before gets a warning and a distinct id."""
    seen: set[int] = set()
    try:
        for display, path in discover(paths, accept):
            if path is None:
                data = (stdin or sys.stdin.buffer).read()
                yield _from_bytes("<stdin>", "<stdin>", data, ".txt")
                continue
            for doc in _guarded(display, path, id_field, text_field, url_field):
                if display != str(path):  # a name that is not UTF-8: keep the real one for git (--diff)
                    doc.file = str(path)
                yield _distinct(doc, seen)
    except Exception as exc:  # noqa: BLE001 - finding the inputs failed: say so in the report, keep what was read
        yield Document("<input>", "<input>", status="error", problems=[problem("HC118", reason=failure_reason(exc))])


def _guarded(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    """The documents of one path; an unexpected failure becomes an error document (HC118), not a lost run."""
    count = 0
    try:
        for doc in _read_path(display, path, id_field, text_field, url_field):
            count += 1
            yield doc
    except Exception as exc:  # noqa: BLE001 - one bad input must not cost the others
        where = f"{display}:{count + 1}" if count else display
        yield Document(where, display, status="error", problems=[problem("HC118", display, reason=failure_reason(exc))])


def failure_reason(exc: BaseException) -> str:
    """An unexpected exception, in a few words for HC118."""
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _distinct(doc: Document, seen: set[int]) -> Document:
    """HC114 for a post whose id an earlier post has; it is renamed after its file and line."""
    if doc.source_line is None:
        return doc
    key = hash(doc.id)
    if key in seen:
        renamed = f"{doc.id}@{post_id(doc.path, doc.source_line)}"
        if not doc.problems:  # a post that already has a message keeps that one
            doc.problems.append(problem("HC114", doc.path, doc.source_line, warning=True, id=doc.id, renamed=renamed))
        doc.id = renamed
        key = hash(renamed)
    seen.add(key)
    return doc


def _read_path(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    unreadable = _not_regular(display, path)
    if unreadable is not None:
        yield unreadable
        return
    kind = export_kind(path)
    wide = _wide_encoding(_head(path)) if kind else None
    if wide is not None:  # one message for the file, not one for each of its lines
        yield Document(
            display, display, status="error", problems=[problem("HC119", display, 1, encoding=wide, family=wide[:6])]
        )
        return
    if kind == "jsonl":
        yield from _read_jsonl(display, path, id_field, text_field, url_field)
        return
    if kind == "csv":
        yield from _read_csv(display, path, id_field, text_field, url_field)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield _unreadable(display, exc)
        return
    yield _from_bytes(display, display, data, path.suffix.lower())


def _not_regular(display: str, path: Path) -> Document | None:
    """An error document for a path that is missing, unreadable or not a regular file (never opened:
    a FIFO would block and ``/dev/zero`` never ends); None for a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return _unreadable(display, OSError(0, "a symbolic link to a missing file"))
        return Document(display, display, status="error", problems=[problem("HC107", display)])
    except (OSError, ValueError) as exc:  # a symlink loop, a name the OS rejects
        return _unreadable(display, exc)
    if stat.S_ISDIR(mode):  # only a folder that os.walk could not list gets here
        return Document(
            display, display, status="error", problems=[problem("HC117", display, reason=_why_unlisted(path))]
        )
    if not stat.S_ISREG(mode):
        return Document(display, display, status="error", problems=[problem("HC111", display, kind=_file_type(mode))])
    return None


def _why_unlisted(path: Path) -> str:
    try:
        with os.scandir(path):  # what os.walk tried
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return "it changed while it was read"


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def _unreadable(display: str, exc: BaseException) -> Document:
    reason = getattr(exc, "strerror", None) or str(exc)
    return Document(display, display, status="error", problems=[problem("HC101", display, reason=reason)])


_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32LE"),
    (b"\x00\x00\xfe\xff", "UTF-32BE"),
    (b"\xff\xfe", "UTF-16LE"),
    (b"\xfe\xff", "UTF-16BE"),
)


def _wide_encoding(head: bytes) -> str | None:
    """The encoding a byte order mark names at the start of a file, when it is UTF-16 or UTF-32."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def _head(path: Path) -> bytes:
    try:
        with _open_binary(path) as handle:
            return handle.read(4)
    except (OSError, EOFError):  # reading the file reports this
        return b""


def _decode(data: bytes, path: str, base_line: int = 1) -> tuple[str | None, Problem | None]:
    wide = _wide_encoding(data[:4]) if base_line == 1 else None
    if wide is not None:
        return None, problem("HC119", path, 1, encoding=wide, family=wide[:6])
    nul = data.find(b"\x00", 0, BINARY_SNIFF)
    if nul != -1:
        return None, problem("HC102", path, base_line + byte_line_at(data, nul) - 1, offset=nul)
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"), None
    except UnicodeDecodeError as exc:
        line = base_line + byte_line_at(data, exc.start) - 1
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
        if raw == "-" or _is_dir(p) or p.name.lower().endswith(".gz"):
            return None
        try:
            total += p.stat().st_size
        except (OSError, ValueError):
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


class _Digits:
    """A JSON integer too long for ``int`` (Python limits int-from-string to 4,300 digits): its digits."""

    __slots__ = ("digits",)

    def __init__(self, digits: str):
        self.digits = digits

    def __str__(self) -> str:
        return self.digits


def _parse_int(digits: str) -> int | _Digits:
    limit = sys.get_int_max_str_digits()  # 4,300 unless PYTHONINTMAXSTRDIGITS says otherwise; 0: none
    return int(digits) if not limit or len(digits.lstrip("-")) <= limit else _Digits(digits)


def _json_reason(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        joint = " " if exc.msg.endswith(" at") else " at "  # "Invalid control character at"
        return f"{exc.msg}{joint}column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def post_record(
    line: str, display: str, lineno: int, id_field: str = "id", text_field: str = "text", url_field: str | None = None
) -> Document:
    """One JSONL post record (a line of text) as a document: its id (or :func:`post_id`), text and
    source URL (a string in ``url_field``), or an error document saying what is wrong with it."""
    fallback_id = post_id(display, lineno)
    try:
        record = json.loads(line, parse_int=_parse_int)
    except (ValueError, RecursionError) as exc:
        return _error(fallback_id, display, lineno, problem("HC104", display, lineno, reason=_json_reason(exc)))
    if not isinstance(record, dict):
        return _error(fallback_id, display, lineno, problem("HC104", display, lineno, reason="not a JSON object"))
    doc = post_document(record.get(id_field), record.get(text_field), display, lineno, text_field)
    url = record.get(url_field) if url_field else None
    doc.url = url if isinstance(url, str) and url else None
    return doc


def post_document(rid: object, body: object, display: str, lineno: int, text_field: str = "text") -> Document:
    """A post from its id and text fields (JSONL, CSV, Parquet): a string or integer id (else
    :func:`post_id`), a string text (else HC105); an id with a lone surrogate is kept, escaped (HC115)."""
    rid = rid.item() if hasattr(rid, "item") and not isinstance(rid, str) else rid  # numpy scalars
    valid = isinstance(rid, (str, int, _Digits)) and not isinstance(rid, bool)
    doc_id = str(rid) if valid else post_id(display, lineno)
    doc = _post(doc_id, display, lineno, body, text_field)
    bad = _SURROGATE.search(doc_id)
    if bad is not None:  # keep the post; show its id with the surrogate escaped (one message a post)
        doc.id = doc_id.encode("utf-8", "backslashreplace").decode("utf-8")
    if bad is not None and not doc.problems:
        doc.problems.append(
            problem("HC115", display, lineno, warning=True, escape=f"{ord(bad.group()):04x}", shown=doc.id)
        )
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


class _Tape:
    """The lines a csv reader takes, kept for the record being read; ``done`` once the input is used up."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.taken: list[str] = []
        self.done = False

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        try:
            line = next(self.lines)
        except StopIteration:
            self.done = True
            raise
        self.taken.append(line)
        return line


def _swallowing(raw: list[str]) -> bool:
    """Whether a record that runs over several lines only does so because a quote was left open: read
    strictly, it then ends inside the quote, or a quote that closes it is not followed by a field's end."""
    if len(raw) < 2:
        return False
    try:
        for _ in csv.reader(raw, strict=True):
            pass
    except csv.Error:
        return True
    return False


def csv_records(lines: Iterator[str], lineno: int = 1) -> Iterator[tuple[int, list[str] | None, str]]:
    """(line, cells, raw text) for each record of CSV lines; cells is None for a malformed record (HC116),
    such as one whose quote is left open: it would swallow the lines after it, so they are read again."""
    source: Iterator[str] | None = lines
    while source is not None:
        tape = _Tape(source)
        reader = csv.reader(tape)
        source = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield lineno, None, str(exc)
                lineno += _breaks("".join(tape.taken))
                tape.taken = []
                continue
            raw, tape.taken = tape.taken, []
            if _swallowing(raw):
                yield lineno, None, ""
                lineno += _breaks(raw[0])
                source = itertools.chain(raw[1:], tape.lines)
                break
            yield lineno, row, "".join(raw)
            lineno += _breaks("".join(raw))


def _breaks(text: str) -> int:
    return count_lines(text) - 1


def _read_csv(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    """A CSV export with a header row, read as a stream; one document per record."""
    try:
        handle = _open_binary(path)
        stream = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        yield _unreadable(display, exc)
        return
    csv.field_size_limit(2**31 - 1)
    with stream:
        try:
            yield from _csv_posts(display, csv_records(iter(stream)), id_field, text_field, url_field)
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz
            yield Document(f"{display}:error", display, status="error", problems=[_read_problem(display, exc)])


def _read_problem(display: str, exc: BaseException, line: int | None = None) -> Problem:
    return problem("HC101", display, line, reason=getattr(exc, "strerror", None) or str(exc))


def _csv_posts(display: str, records, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    header = next(records, None)
    if header is None or header[1] is None:
        yield _finish(Document(display, display, text="")) if header is None else _csv_broken(display, header)
        return
    cells = header[1]
    if text_field not in cells:
        yield Document(display, display, status="error", problems=[problem("HC105", display, 1, field=text_field)])
        return
    text_at = cells.index(text_field)
    id_at = cells.index(id_field) if id_field in cells else None
    url_at = cells.index(url_field) if url_field in cells else None
    any_post = False
    for lineno, row, raw in records:
        if row is None:
            any_post = True
            yield _csv_broken(display, (lineno, row, raw))
            continue
        if not any(cell.strip() for cell in row):
            continue
        any_post = True
        doc = _csv_post(display, lineno, row, text_at, id_at, text_field)
        doc.url = row[url_at] or None if url_at is not None and url_at < len(row) else None
        yield doc
    if not any_post:  # a header and nothing else: the file is still in the report
        yield _finish(Document(display, display, text=""))


def _csv_broken(display: str, record: tuple[int, None, str]) -> Document:
    lineno, _, reason = record
    prob = problem(
        "HC116", display, lineno, reason=reason or "a quote opened on this line is not closed where a field ends"
    )
    return _error(post_id(display, lineno), display, lineno, prob)


def _csv_post(display: str, lineno: int, row: list[str], text_at: int, id_at: int | None, text_field: str):
    fallback_id = post_id(display, lineno)
    bad = next((cell for cell in row if _has_surrogates(cell)), None)
    if bad is not None:
        at = _surrogate_at(bad)
        prob = problem("HC103", display, lineno, offset=at, byte=f"{ord(bad[at]) - 0xDC00:02x}")
        return _error(fallback_id, display, lineno, prob)
    doc_id = row[id_at] if id_at is not None and id_at < len(row) and row[id_at] else fallback_id
    body = row[text_at] if text_at < len(row) else None
    doc = _post(doc_id, display, lineno, body, text_field)
    doc.text_line = lineno + sum(_breaks(cell) for cell in row[:text_at])
    doc.size = sum(len(cell) for cell in row) + len(row)
    return doc


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _surrogate_at(text: str) -> int:
    return next(i for i, ch in enumerate(text) if "\udc80" <= ch <= "\udcff")


def _read_jsonl(display: str, path: Path, id_field: str, text_field: str, url_field=None) -> Iterator[Document]:
    try:
        handle = _open_binary(path)
    except OSError as exc:
        yield _unreadable(display, exc)
        return
    with handle:
        any_line = False
        lineno = 0
        try:
            for lineno, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                any_line = True
                yield jsonl_line(raw, display, lineno, id_field, text_field, url_field)
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz
            any_line = True
            where = lineno + 1
            yield _error(post_id(display, where), display, where, _read_problem(display, exc, where))
        if not any_line:
            yield _finish(Document(display, display, text=""))


def jsonl_line(raw: bytes, display: str, lineno: int, id_field: str, text_field: str, url_field=None) -> Document:
    """One line of a JSONL file as a post; anything unexpected in it costs this post only (HC118)."""
    try:
        text, prob = _decode(raw, display, lineno)
        doc = _error(post_id(display, lineno), display, lineno, prob) if prob else None
        doc = doc or post_record(text, display, lineno, id_field, text_field, url_field)
    except Exception as exc:  # noqa: BLE001
        doc = _error(
            post_id(display, lineno), display, lineno, problem("HC118", display, lineno, reason=failure_reason(exc))
        )
    doc.size = len(raw)
    return doc


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


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass(frozen=True)
class OffsetMap:
    """Where the spans of a scanned text that differ in length from the document's came from:
    (scanned start, scanned end, original start, original end) for each, in order."""

    starts: tuple[int, ...]
    spans: tuple[tuple[int, int, int, int], ...]

    def original(self, offset: int, end: bool = False) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        if k < 0:
            return offset
        s0, s1, o0, o1 = self.spans[k]
        if offset < s1:  # inside a replaced span: a start keeps all of it, an end takes all of it
            return o1 if end and offset > s0 else o0
        return o1 + offset - s1

    def remap(self, findings: list) -> list:
        for f in findings:
            f.start, f.end = self.original(f.start), self.original(f.end, end=True)
        return findings


def scan_view(doc: Document) -> tuple[str, OffsetMap | None]:
    """The text the pipeline reads: :func:`prose_view`, with HTML character references (``&nbsp;``,
    ``&rsquo;``, ``&#233;``) in HTML and Markdown replaced by their characters, and the map that takes
    its offsets back to the document's (None when nothing was replaced)."""
    text = prose_view(doc)
    if doc.kind not in ("html", "markdown") or "&" not in text:
        return text, None
    pieces: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    done = shift = 0
    for m in _ENTITY.finditer(text):
        char = html.unescape(m.group()).replace("\xa0", " ")
        if char == m.group():
            continue
        pieces.append(text[done : m.start()])
        start = m.start() + shift
        pieces.append(char)
        spans.append((start, start + len(char), m.start(), m.end()))
        shift += len(char) - (m.end() - m.start())
        done = m.end()
    if not spans:
        return text, None
    pieces.append(text[done:])
    return "".join(pieces), OffsetMap(tuple(s[0] for s in spans), tuple(spans))
