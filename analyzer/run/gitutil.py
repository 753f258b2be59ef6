"""Git helpers for CI use: honouring .gitignore, and the lines changed since a ref (--diff)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..errors import HealthClaimsError, problem

_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when it cannot be resolved (a symlink loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def _unquoted(name: str) -> str:
    """A name as git prints it in a diff header: C-quoted ("b/a\\tb.md", octal bytes) when it holds a tab,
    newline, quote or backslash, even with core.quotePath off."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    body, out, k = os.fsencode(name[1:-1]), bytearray(), 0
    while k < len(body):
        if body[k] == 92 and k + 1 < len(body):
            nxt = chr(body[k + 1])
            if nxt in "01234567":
                out.append(int(body[k + 1 : k + 4], 8))
                k += 4
                continue
            out.append(_C_ESCAPES.get(nxt, body[k + 1]))
            k += 2
            continue
        out.append(body[k])
        k += 1
    return os.fsdecode(bytes(out))


_HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", re.M)


def _git(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run git; paths go in and come out as the file system's bytes (``os.fsencode``/``os.fsdecode``),
    so a file name that is not UTF-8 survives the round trip. Names are not quoted (core.quotePath off)."""
    out = subprocess.run(
        ["git", "-c", "core.quotePath=false", *args],
        cwd=cwd,
        input=None if stdin is None else os.fsencode(stdin),
        capture_output=True,
        check=False,
    )
    out.stdout, out.stderr = os.fsdecode(out.stdout), out.stderr.decode("utf-8", "replace")
    return out


def ignored(files: list[Path]) -> set[Path]:
    """The files git ignores (.gitignore and friends); empty outside a git work tree."""
    if not files:
        return set()
    folder = files[0].parent
    try:
        out = _git(["check-ignore", "--stdin", "-z"], folder, "\0".join(str(resolved(f)) for f in files))
    except OSError:
        return set()
    if out.returncode not in (0, 1):  # 1: nothing ignored; 128: not a repository
        return set()
    return {Path(p) for p in out.stdout.split("\0") if p}


def changed_lines(ref: str) -> dict[Path, set[int] | None]:
    """Lines added or changed since ``ref``, per file (resolved path); None means the whole file (untracked)."""
    cwd = Path.cwd()
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd)
    except OSError as exc:
        raise HealthClaimsError(problem("HC306", ref=ref, reason=f"git is not available ({exc.strerror})")) from None
    if top.returncode != 0:
        raise HealthClaimsError(problem("HC306", ref=ref, reason="not inside a git repository"))
    root = Path(top.stdout.strip())
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", ref, "--"], root)
    if diff.returncode != 0:
        raise HealthClaimsError(
            problem("HC306", ref=ref, reason=diff.stderr.strip().splitlines()[0] if diff.stderr else "git diff failed")
        )
    changed: dict[Path, set[int] | None] = {}
    current: Path | None = None
    for line in diff.stdout.split("\n"):
        if line.startswith("+++ "):
            name = line[4:]
            name = _unquoted(name.rstrip("\t"))
            current = (
                None if name == "/dev/null" else resolved(root / name[2:] if name.startswith("b/") else root / name)
            )
            if current is not None:
                changed.setdefault(current, set())
        elif line.startswith("@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                start, count = int(m.group(1)), int(m.group(2) or 1)
                lines = changed[current]
                if lines is not None:
                    lines.update(range(start, start + count))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for name in untracked.stdout.split("\0"):
        if name:
            changed[resolved(root / name)] = None
    return changed
