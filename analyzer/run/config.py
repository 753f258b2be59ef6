"""Project configuration: ``[tool.healthclaims]`` in pyproject.toml or a ``.healthclaims.toml``.

Found from the current directory upwards (a ``.healthclaims.toml`` wins over a
``pyproject.toml`` in the same directory), validated against
``schemas/config.schema.json``. Paths and globs in it are relative to the file.
Command-line flags override it.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from ..errors import HealthClaimsError, problem
from ..lines import byte_line_at
from .gitutil import resolved


@dataclass
class Config:
    path: Path | None = None
    fail_on: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    patterns: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    allow_substances: list[str] = field(default_factory=list)
    model: str | None = None  # a scorer folder written by ``healthclaims train``
    min_confidence: float | None = None

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def wants(self, file: Path) -> bool:
        """Whether a file found in a directory should be scanned (include/exclude globs)."""
        try:
            rel = resolved(file).relative_to(resolved(self.root)).as_posix()
        except ValueError:
            rel = file.as_posix()
        if self.include and not any(_glob(rel, g) for g in self.include):
            return False
        return not any(_glob(rel, g) for g in self.exclude)


def _glob(rel: str, pattern: str) -> bool:
    pattern = pattern.lstrip("/")
    if fnmatch.fnmatch(rel, pattern):
        return True
    # "drafts/**" and "drafts/" also match everything below drafts
    base = pattern.rstrip("*").rstrip("/")
    return bool(base) and pattern.endswith(("/**", "/")) and rel.startswith(base + "/")


def config_schema() -> dict:
    return json.loads((resources.files("analyzer.schemas") / "config.schema.json").read_text("utf-8"))


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``.healthclaims.toml``, or ``pyproject.toml`` with a ``[tool.healthclaims]`` table.

    A ``pyproject.toml`` that cannot be read or parsed stops the search with HC303 (as ruff does):
    it may hold our table, and silently running without it would change what is reported.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        dotfile = folder / ".healthclaims.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "healthclaims" in read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def read_toml(path: Path) -> dict:
    """A TOML file as data; HC303 (with the line where known) when it cannot be read, is not UTF-8,
    is not TOML, or nests too deeply to parse."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HealthClaimsError(problem("HC303", str(path), reason=exc.strerror or str(exc))) from None
    try:
        text = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        line = byte_line_at(data, exc.start)
        reason = f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); TOML files must be UTF-8"
        raise HealthClaimsError(problem("HC303", str(path), line, reason=reason)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        line = int(at.group(1)) if at else None
        raise HealthClaimsError(problem("HC303", str(path), line, reason=str(exc).split(" (at")[0])) from None
    except RecursionError:
        raise HealthClaimsError(problem("HC303", str(path), reason="nested too deeply to parse")) from None


def load_config(path: Path | None = None, search: bool = True) -> Config:
    """Load the given config file, or the one found upwards from the current directory."""
    if path is None:
        path = find_config() if search else None
        if path is None:
            return Config()
    data = read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("healthclaims", {})
        prefix = "tool.healthclaims."
    else:
        prefix = ""
    import jsonschema  # only when there is a configuration file to check

    errors = sorted(jsonschema.Draft202012Validator(config_schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = prefix + ".".join(str(p) for p in err.path) if err.path else prefix.rstrip(".") or "(top level)"
        raise HealthClaimsError(problem("HC304", str(path), field=where, reason=err.message))
    _check_allow(path, data.get("allow", []))
    base = path.parent
    return Config(
        path=path,
        fail_on=data.get("fail-on"),
        include=list(data.get("include", [])),
        exclude=list(data.get("exclude", [])),
        disable=list(data.get("disable", [])),
        severity=dict(data.get("severity", {})),
        patterns=[str(resolved(base / p)) for p in data.get("patterns", [])],
        allow=[a.lower() for a in data.get("allow", [])],
        allow_substances=[s.lower() for s in data.get("allow-substances", [])],
        model=str(resolved(base / data["model"])) if "model" in data else None,
        min_confidence=data.get("min-confidence"),
    )


def _check_allow(path: Path, allow: list[str]) -> None:
    """HC309 for a blank ``allow`` phrase: every sentence contains it, so it would hide every finding."""
    for index, phrase in enumerate(allow):
        if not phrase.strip():
            raise HealthClaimsError(problem("HC309", str(path), key_line(path, "allow"), index=index))


def key_line(path: Path, key: str) -> int | None:
    """The first line of a TOML file that sets ``key`` (tomllib keeps no lines), if there is one."""
    pattern = re.compile(rf"(?:^|[\s{{,])[\"']?{re.escape(key)}[\"']?\s*=")
    text = path.read_bytes().decode("utf-8", "replace")
    return next((n for n, line in enumerate(text.split("\n"), start=1) if pattern.search(line)), None)


class EngineSpec(NamedTuple):
    """What a pipeline is built from, as one hashable value that worker processes can be sent."""

    patterns: tuple[str, ...] = ()
    scorer: str = "builtin"  # "builtin", a folder written by ``healthclaims train``, or "" for rules alone
    min_confidence: float | None = None
