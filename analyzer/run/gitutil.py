"""Git helpers for CI use: honouring .gitignore, and the lines changed since a ref (--diff)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..errors import HealthClaimsError, problem

_HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", re.M)


def _git(args: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, check=False)


def ignored(files: list[Path]) -> set[Path]:
    """The files git ignores (.gitignore and friends); empty outside a git work tree."""
    if not files:
        return set()
    folder = files[0].parent
    try:
        out = _git(["check-ignore", "--stdin", "-z"], folder, "\0".join(str(f.resolve()) for f in files))
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
    for line in diff.stdout.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = (
                None if name == "/dev/null" else (root / name[2:] if name.startswith("b/") else root / name).resolve()
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
            changed[(root / name).resolve()] = None
    return changed
