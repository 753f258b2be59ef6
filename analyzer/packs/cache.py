"""A per-user, on-disk cache of compiled pattern packs.

Loading a pack parses YAML and validates every file against its JSON Schema;
building the component tokenizes every lexicon term and context phrase and builds
the gate from their words. These results depend only on the pack's files (and,
for what is tokenized, on the tokenizer), so they are kept in a cache keyed by a
hash of everything they are made from: the files' bytes, the schemas, this tool's
version and source, and Python's version (kinds ``pack``, ``compiled`` and
``gate``). Changing any of these gives a new key; an entry is never updated in place.

The cache is safe to delete at any time. It lives in ``$HEALTHCLAIMS_CACHE_DIR``,
else ``$XDG_CACHE_HOME/healthclaims``, else ``~/.cache/healthclaims``, in a
directory of mode 0700 owned by the user (a directory that others may write to,
or that another user owns, is not used: entries are pickles). Entries are
written to a temporary file and renamed into place, so a reader never sees a
half-written one; each carries a SHA-256 of its payload, and an entry that is
truncated, corrupt or unreadable is ignored (and replaced when rebuilt).
``HEALTHCLAIMS_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

MAGIC = b"healthclaims-cache-1\n"
KEEP = 8  # entries of one kind kept; older ones are removed when a new one is written


def cache_dir() -> Path | None:
    """The cache directory (created, mode 0700), or None when the cache is off or unsafe."""
    if os.environ.get("HEALTHCLAIMS_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("HEALTHCLAIMS_CACHE_DIR")
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if explicit:
        path = Path(explicit)
    elif os.path.isabs(xdg):
        path = Path(xdg) / "healthclaims"
    else:
        path = Path.home() / ".cache" / "healthclaims"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
        if not hasattr(os, "getuid"):
            return path
        if info.st_uid != os.getuid() or not stat.S_ISDIR(info.st_mode):
            return None
        if info.st_mode & 0o077:
            path.chmod(0o700)  # ours: make it private before trusting it
        return path
    except (OSError, RuntimeError):  # read-only home, no home at all...
        return None


def code_stamp() -> str:
    """A digest of this tool's version and of the source that builds and reads cached objects."""
    from .. import __version__

    digest = hashlib.sha256(f"{__version__}|{sys.version_info[:2]}|{pickle.DEFAULT_PROTOCOL}".encode())
    package = resources.files("analyzer")
    for folder in ("packs", "engine", "schemas"):
        for child in sorted(package.joinpath(folder).iterdir(), key=lambda c: c.name):
            if child.name.endswith((".py", ".json")):
                digest.update(child.name.encode() + b"\0" + child.read_bytes() + b"\0")
    return digest.hexdigest()


def compiled_key(fingerprint: str | None, nlp) -> str | None:
    """The cache key of what a pack compiles to in ``nlp`` (its tokenized terms and phrases, its
    gate): the pack's fingerprint and everything of the tokenizer that decides how a term is split
    and lower-cased; None when the tokenizer cannot be told apart from another (a custom one)."""
    tokenizer = getattr(nlp, "tokenizer", None)
    rules = getattr(tokenizer, "rules", None)
    if fingerprint is None or rules is None or type(tokenizer).__module__ != "spacy.tokenizer":
        return None
    import spacy

    parts = [fingerprint, spacy.__version__, nlp.lang, repr(getattr(tokenizer, "faster_heuristics", None))]
    for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match"):
        found = getattr(tokenizer, name, None)
        pattern = getattr(getattr(found, "__self__", None), "pattern", None)
        if found is not None and pattern is None:
            return None  # a function that is not a compiled regex's method
        parts.append(repr(pattern))
    parts.extend(f"{k!r}={v!r}" for k, v in sorted(rules.items()))
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def load(kind: str, key: str) -> Any | None:
    """The object cached under ``kind`` and ``key``, or None (missing, corrupt, cache off)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{kind}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            if hasattr(os, "getuid") and os.fstat(fh.fileno()).st_uid != os.getuid():
                return None
            data = fh.read()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if not data.startswith(MAGIC) or hashlib.sha256(data[head:]).digest() != data[len(MAGIC) : head]:
        return None
    # Unpickling a pack makes some 100,000 objects at once, and each of the many collections that
    # would set off walks every object alive (spaCy's alone are some 80,000): 70-90 ms of the
    # 85-105 ms a pack took to load. No cycle made while it runs needs collecting before it ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data[head:])  # noqa: S301 - our own private, checksummed entry
    except Exception:  # noqa: BLE001 - any unpickling failure means "not cached"
        return None
    finally:
        if collecting:
            gc.enable()


def store(kind: str, key: str, value: Any) -> None:
    """Cache ``value`` under ``kind`` and ``key`` (atomically); failures are ignored."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, folder / f"{kind}-{key}.pickle")
        tmp = None
        _prune(folder, kind)
    except OSError:
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path, kind: str) -> None:
    """Remove all but the KEEP most recently written entries of ``kind``."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
