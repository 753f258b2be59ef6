"""Loading and validating pattern packs: lexicons, claim rules, context triggers, evidence.

A pattern pack is a folder of YAML files. The built-in pack ships inside the
package (``analyzer.data``, the repository's ``patterns/`` folder) and is read
with :mod:`importlib.resources`; users add folders with ``--patterns DIR``.
Each file's kind follows from its top-level key (``class`` lexicon, ``rules``,
``triggers`` context, ``entries`` evidence, ``sources`` the source registry that evidence
entries cite by id) and is validated against the JSON Schema of that kind shipped in
``analyzer.schemas``. Entries in a later pack
replace entries with the same id in an earlier one.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..errors import HealthClaimsError, Problem, problem
from . import cache as pack_cache
from .bounds import MAX_FILE_BYTES, MAX_PACK_BYTES, MAX_YAML_DEPTH, check_bounds, check_yaml
from .inflect import inflections

if TYPE_CHECKING:  # imported where a pack is parsed: a pack read from the cache needs neither
    import jsonschema
    import yaml

CATEGORIES = (
    "disease_claim",
    "mechanism_claim",
    "drug_comparison",
    "proof_claim",
    "safety_claim",
    "cure_all",
    "weight_loss",
    "addiction_claim",
)
SEVERITIES = ("low", "medium", "high")
TARGET_CLASSES = ("CONDITION", "EFFECT", "WEIGHT")
KINDS = {"class": "lexicon", "rules": "rules", "triggers": "context", "entries": "evidence", "sources": "sources"}


@dataclass
class Origin:
    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class LexiconEntry:
    cls: str
    id: str
    name: str
    terms: list[str]
    origin: Origin
    kind: str | None = None
    parent: str | list[str] | None = None
    tier: str | None = None
    generic: bool = False
    refers_to: str | None = None
    name_stems: list[str] = field(default_factory=list)

    @property
    def parents(self) -> list[str]:
        """The broader ids this one is filed under (``parent`` may name one or a list)."""
        if not self.parent:
            return []
        return [self.parent] if isinstance(self.parent, str) else list(self.parent)


@dataclass
class Rule:
    id: str
    category: str
    severity: str
    message: str
    basis: dict
    fix: str
    patterns: list[list[str]]
    examples: dict
    origin: Origin
    severity_by_tier: dict = field(default_factory=dict)
    requires_subject: bool = True
    allow_conventional_subject: bool = False
    disabled: bool = False


@dataclass
class Trigger:
    id: str
    category: str
    direction: str
    phrases: list[str]
    origin: Origin
    max_scope: int | None = None
    ignore_terminators: bool | str = False


@dataclass
class EvidenceEntry:
    id: str
    verdict: str
    summary: str
    sources: list[dict]  # full source records (citations resolved against the registry)
    last_reviewed: str
    origin: Origin
    substances: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    cites: list = field(default_factory=list)  # as written: source ids, or inline source records

    @property
    def is_fallback(self) -> bool:
        """A category's fallback: an entry about no substance and no condition or effect."""
        return not self.substances and not self.targets

    def to_dict(self) -> dict:
        """The entry as a report shows it: a new dict each time, sharing no list or dict with the entry."""
        return {
            "id": self.id,
            "verdict": self.verdict,
            "summary": self.summary,
            "sources": [source.copy() for source in self.sources],
            "last_reviewed": self.last_reviewed,
        }


@dataclass
class PatternPack:
    lexicon: dict[tuple[str, str], LexiconEntry] = field(default_factory=dict)
    irregular: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    evidence: dict[str, EvidenceEntry] = field(default_factory=dict)
    registry: dict[str, dict] = field(default_factory=dict)  # source id -> source record (with its id)
    registry_origins: dict[str, Origin] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    name_suffixes: set[str] = field(default_factory=set)
    fingerprint: str | None = None  # the hash of the files it was loaded from (the cache key)

    def entries(self, cls: str) -> list[LexiconEntry]:
        return [e for (c, _), e in sorted(self.lexicon.items()) if c == cls]

    def entry(self, cls: str, id_: str) -> LexiconEntry | None:
        return self.lexicon.get((cls, id_))

    def ids(self, cls: str) -> set[str]:
        return {i for (c, i) in self.lexicon if c == cls}

    def active_rules(self) -> list[Rule]:
        return [r for _, r in sorted(self.rules.items()) if not r.disabled]

    def fallback_evidence(self, category: str) -> list[EvidenceEntry]:
        """The evidence a finding of ``category`` gets when nothing more specific applies, by id."""
        return sorted(
            (e for e in self.evidence.values() if e.is_fallback and category in e.categories), key=lambda e: e.id
        )


# --------------------------------------------------------------------------- schemas


@functools.cache
def schema(kind: str) -> dict:
    text = (resources.files("analyzer.schemas") / f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)


def _validator(kind: str) -> jsonschema.protocols.Validator:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema(kind))
    return cls(schema(kind), format_checker=cls.FORMAT_CHECKER)


# --------------------------------------------------------------------------- YAML with lines


def _normalise(value: Any) -> Any:
    """YAML dates become ISO strings so the JSON Schema sees what a user wrote."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _node_line(node: yaml.Node | None, path: Iterable[Any]) -> int | None:
    """The 1-based line of the YAML node at a JSON path (or its nearest parent)."""
    import yaml

    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _entry_lines(root: yaml.Node | None, key: str) -> list[int | None]:
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if k.value == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def read_pattern_file(text: str, path: str) -> tuple[str, dict, yaml.Node | None]:
    """Parse and validate one pattern file; returns (kind, data, node tree)."""
    import yaml

    try:
        # one parse (libyaml when available): the node tree keeps line numbers
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        try:
            root = loader.get_single_node()
            found = check_yaml(root, path)  # aliases and deep nesting, before constructing anything
            if found:
                raise HealthClaimsError(found)
            data = _normalise(loader.construct_document(root) if root is not None else None)
        finally:
            loader.dispose()
    except RecursionError:
        raise HealthClaimsError(problem("HC220", path, None, limit=MAX_YAML_DEPTH)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise HealthClaimsError(problem("HC201", path, mark.line + 1 if mark else None, reason=reason)) from None
    if not isinstance(data, dict):
        raise HealthClaimsError(
            problem("HC202", path, 1, field="(top level)", reason="expected a mapping with one of: " + ", ".join(KINDS))
        )
    kind = next((k for key, k in KINDS.items() if key in data), None)
    if kind is None:
        raise HealthClaimsError(
            problem("HC202", path, 1, field="(top level)", reason="expected one of the keys: " + ", ".join(KINDS))
        )
    errors = sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        problems = []
        for err in errors[:20]:
            dotted = ".".join(str(p) for p in err.absolute_path) or "(top level)"
            problems.append(
                problem("HC202", path, _node_line(root, err.absolute_path), field=dotted, reason=err.message)
            )
        raise HealthClaimsError(problems)
    return kind, data, root


# --------------------------------------------------------------------------- loading


def _iter_files(root: Traversable | Path, label: str) -> list[tuple[str, Traversable | Path]]:
    found: list[tuple[str, Traversable | Path]] = []
    stack: list[tuple[str, Traversable | Path]] = [(label, root)]
    while stack:
        where, node = stack.pop()
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{where}/{child.name}"
            if child.is_dir() and not child.name.startswith((".", "_")):
                stack.append((name, child))
            elif child.is_file() and child.name.endswith((".yaml", ".yml")):
                found.append((name, child))
    return sorted(found, key=lambda pair: pair[0])


def builtin_root() -> Traversable | Path:
    """The built-in pattern data: the package ``analyzer.data`` when installed, else the
    ``patterns/`` folder beside the ``analyzer`` package of a source checkout."""
    try:
        return resources.files("analyzer.data")
    except ModuleNotFoundError:
        # e.g. "python -m analyzer" in a source checkout that shadows the installed package
        import analyzer

        source = Path(analyzer.__file__).resolve().parent
        if (source.parent / "patterns").is_dir():
            return source.parent / "patterns"
        raise HealthClaimsError(problem("HC209", where=str(source))) from None


def load_pack(extra_dirs: Iterable[str | Path] = (), include_builtin: bool = True, cache: bool = True) -> PatternPack:
    """Load the built-in pack and any user packs; raise HealthClaimsError on any problem.

    A pack that loaded without problems is kept in the per-user cache (:mod:`.cache`), keyed
    by the hash of its files: the next load of the same files reads it from there
    (``cache=False`` always parses and validates).
    """
    problems: list[Problem] = []
    roots: list[tuple[str, Traversable | Path]] = []
    if include_builtin:
        roots.append(("<builtin>/patterns", builtin_root()))
    for d in extra_dirs:
        p = Path(d)
        if not p.is_dir():
            problems.append(problem("HC207", str(d), dir=str(d)))
            continue
        roots.append((str(p), p))
    files = [(label, _read_files(root, label)) for label, root in roots]
    size = sum(len(data) for _, found in files for _, data in found if isinstance(data, bytes))
    if size > MAX_PACK_BYTES:
        where = roots[-1][0]
        problems.append(problem("HC221", where, None, what="pattern packs together", size=size, limit=MAX_PACK_BYTES))
        raise HealthClaimsError(problems)
    key = _fingerprint(files) if cache and not problems else None
    cached = pack_cache.load("pack", key) if key else None
    if isinstance(cached, PatternPack) and cached.fingerprint == key:
        return cached
    pack = _parse_pack(files, problems)
    pack.fingerprint = key
    if key:
        pack_cache.store("pack", key, pack)
    return pack


def _read_files(root: Traversable | Path, label: str) -> list[tuple[str, bytes | OSError]]:
    """(name, bytes) of each pattern file under ``root``; an unreadable file gives its error."""
    out: list[tuple[str, bytes | OSError]] = []
    for name, file in _iter_files(root, label):
        try:
            out.append((name, file.read_bytes()))
        except OSError as exc:
            out.append((name, exc))
    return out


def _fingerprint(files: list[tuple[str, list[tuple[str, bytes | OSError]]]]) -> str | None:
    """The cache key of a pack made of ``files``: their names and bytes, and the code stamp."""
    digest = hashlib.sha256(pack_cache.code_stamp().encode())
    for label, found in files:
        digest.update(b"root\0" + label.encode("utf-8", "surrogateescape") + b"\0")
        for name, data in found:
            if isinstance(data, OSError):
                return None  # an unreadable file is reported by parsing, never cached
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0%d\0" % len(data) + data)
    return digest.hexdigest()


def _parse_pack(files: list[tuple[str, list[tuple[str, bytes | OSError]]]], problems: list[Problem]) -> PatternPack:
    """Parse, validate and merge the files of each pack; raise HealthClaimsError on any problem."""
    pack = PatternPack()
    for label, found in files:
        seen_here: dict[tuple[str, str], Origin] = {}
        for name, data in found:
            try:
                if isinstance(data, OSError):
                    raise data
                if len(data) > MAX_FILE_BYTES:
                    raise HealthClaimsError(
                        problem("HC221", name, None, what="pattern file", size=len(data), limit=MAX_FILE_BYTES)
                    )
                kind, parsed, node = read_pattern_file(data.decode("utf-8"), name)
            except HealthClaimsError as exc:
                problems.extend(exc.problems)
                continue
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(problem("HC201", name, None, reason=str(exc)))
                continue
            _merge(pack, kind, parsed, node, name, seen_here, problems)
        pack.sources.append(label)
    if not problems:
        problems.extend(check_references(pack))
    if not problems:
        problems.extend(check_bounds(pack))
    if problems:
        raise HealthClaimsError(problems)
    return pack


def _claim(key: tuple[str, str], origin: Origin, seen: dict, problems: list[Problem], override: bool) -> bool:
    """Record an id for this pack; duplicates inside one pack are errors."""
    if key in seen and not override:
        problems.append(problem("HC203", origin.path, origin.line, id=key[1], other=str(seen[key])))
        return False
    seen[key] = origin
    return True


def _claimed(data: dict, node, key: str, label, path: str, seen: dict, problems: list[Problem]):
    """Yield (raw entry, origin) for the entries under ``key`` whose id this pack may claim.

    ``label(raw)`` gives the (kind, id) key under which duplicates are detected.
    """
    lines = _entry_lines(node, key)
    for i, raw in enumerate(data[key]):
        origin = Origin(path, lines[i] if i < len(lines) else None)
        if _claim(label(raw), origin, seen, problems, raw.get("override", False)):
            yield raw, origin


def _merge(pack: PatternPack, kind: str, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    """Add the entries of one pattern file (of ``kind``) to ``pack``."""
    merge = {
        "lexicon": _merge_lexicon,
        "rules": _merge_rules,
        "context": _merge_context,
        "sources": _merge_sources,
    }.get(kind, _merge_evidence)
    merge(pack, data, node, path, seen, problems)


def _merge_lexicon(pack: PatternPack, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    pack.irregular.update(data.get("irregular", {}))
    pack.name_suffixes.update(s.lower() for s in data.get("name_suffixes", []))

    def lex_key(raw: dict) -> tuple[str, str]:
        return "lex", f"{raw.get('class', data['class'])}:{raw['id']}"

    for raw, origin in _claimed(data, node, "entries", lex_key, path, seen, problems):
        cls = raw.get("class", data["class"])
        terms = list(raw.get("terms", []))
        for verb in raw.get("verbs", []):
            terms.extend(inflections(verb.lower(), pack.irregular))
        pack.lexicon[(cls, raw["id"])] = LexiconEntry(
            cls=cls,
            id=raw["id"],
            name=raw.get("name", raw["id"].replace("_", " ")),
            terms=sorted({t.strip().lower() for t in terms if t.strip()}),
            origin=origin,
            kind=raw.get("kind"),
            parent=raw.get("parent"),
            tier=raw.get("tier"),
            generic=raw.get("generic", False),
            refers_to=raw.get("refers_to"),
            name_stems=list(raw.get("name_stems", [])),
        )


def _merge_rules(pack: PatternPack, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    pack.groups.update(data.get("groups", {}))
    for raw, origin in _claimed(data, node, "rules", lambda r: ("rule", r["id"]), path, seen, problems):
        pack.rules[raw["id"]] = Rule(
            id=raw["id"],
            category=raw["category"],
            severity=raw["severity"],
            message=raw["message"].strip(),
            basis=raw["basis"],
            fix=raw["fix"].strip(),
            patterns=raw["patterns"],
            examples=raw["examples"],
            origin=origin,
            severity_by_tier=raw.get("severity_by_tier", {}),
            requires_subject=raw.get("requires_subject", True),
            allow_conventional_subject=raw.get("allow_conventional_subject", False),
            disabled=raw.get("disabled", False),
        )


def _merge_context(pack: PatternPack, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    for raw, origin in _claimed(data, node, "triggers", lambda r: ("trigger", r["id"]), path, seen, problems):
        pack.triggers[raw["id"]] = Trigger(
            id=raw["id"],
            category=raw["category"],
            direction=raw["direction"],
            phrases=sorted({p.lower() for p in raw["phrases"]}),
            origin=origin,
            max_scope=raw.get("max_scope"),
            ignore_terminators=raw.get("ignore_terminators", False),
        )


def _merge_evidence(pack: PatternPack, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    for raw, origin in _claimed(data, node, "entries", lambda r: ("evidence", r["id"]), path, seen, problems):
        applies = raw["applies_to"]
        pack.evidence[raw["id"]] = EvidenceEntry(
            id=raw["id"],
            verdict=raw["verdict"],
            summary=" ".join(raw["summary"].split()),
            sources=[],
            last_reviewed=raw["last_reviewed"],
            origin=origin,
            substances=applies.get("substances", []),
            targets=applies.get("targets", []),
            categories=applies.get("categories", []),
            cites=raw["sources"],
        )


def _merge_sources(pack: PatternPack, data: dict, node, path: str, seen: dict, problems: list[Problem]) -> None:
    for raw, origin in _claimed(data, node, "sources", lambda r: ("source", r["id"]), path, seen, problems):
        pack.registry[raw["id"]] = {k: v for k, v in raw.items() if k != "override"}
        pack.registry_origins[raw["id"]] = origin


def resolve_citations(pack: PatternPack) -> list[Problem]:
    """Give each evidence entry its full source records; a citation of an unknown id is an error."""
    problems: list[Problem] = []
    for e in pack.evidence.values():
        e.sources = []
        for cite in e.cites:
            if isinstance(cite, dict):
                e.sources.append(cite)
            elif cite in pack.registry:
                e.sources.append(pack.registry[cite])
            else:
                problems.append(problem("HC211", e.origin.path, e.origin.line, entry=e.id, id=cite))
    return problems


def _work_keys(src: dict) -> list[str]:
    """What identifies the work a source record points at: its DOI, PMID and URL."""
    url = src["url"].strip().lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")
    keys = ["url:" + url]
    if url.startswith(("doi.org/", "dx.doi.org/")):
        keys.append("doi:" + url.split("/", 1)[1])
    if src.get("doi"):
        keys.append("doi:" + src["doi"].lower())
    if src.get("pmid"):
        keys.append("pmid:" + src["pmid"])
    return keys


def check_sources(pack: PatternPack) -> list[Problem]:
    """The registry holds each work once, and every source in it is cited by some entry."""
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for sid in sorted(pack.registry):
        where = pack.registry_origins[sid]
        for key in dict.fromkeys(_work_keys(pack.registry[sid])):
            other = owner.setdefault(key, sid)
            if other != sid:
                problems.append(problem("HC212", where.path, where.line, id=sid, other=other, key=key))
                break
    cited = {c for e in pack.evidence.values() for c in e.cites if isinstance(c, str)}
    for sid in sorted(set(pack.registry) - cited):
        where = pack.registry_origins[sid]
        problems.append(problem("HC210", where.path, where.line, id=sid))
    return problems


def check_references(pack: PatternPack) -> list[Problem]:
    """Cross-file checks: evidence and rules may only name ids that exist."""
    problems: list[Problem] = resolve_citations(pack)
    substances = pack.ids("SUBSTANCE")
    targets = pack.ids("CONDITION") | pack.ids("EFFECT") | pack.ids("WEIGHT")
    for e in pack.evidence.values():
        for s in e.substances:
            if s not in substances:
                problems.append(problem("HC204", e.origin.path, e.origin.line, kind="substance", id=s))
        for t in e.targets:
            if t not in targets:
                problems.append(problem("HC204", e.origin.path, e.origin.line, kind="condition/effect", id=t))
    for entry in pack.lexicon.values():
        # a condition, effect or weight id may be filed under any of the three (body_fat: obesity)
        allowed = targets if entry.cls in TARGET_CLASSES else pack.ids(entry.cls)
        for parent in entry.parents:
            if parent not in allowed:
                problems.append(problem("HC204", entry.origin.path, entry.origin.line, kind="parent", id=parent))
        if entry.refers_to and entry.refers_to not in targets:
            problems.append(
                problem("HC204", entry.origin.path, entry.origin.line, kind="condition/effect", id=entry.refers_to)
            )
    covered: set[str] = set()
    for rule in pack.active_rules():
        if rule.category not in covered and not pack.fallback_evidence(rule.category):
            problems.append(problem("HC206", rule.origin.path, rule.origin.line, category=rule.category))
            covered.add(rule.category)
    return problems


@functools.lru_cache(maxsize=8)
def cached_pack(extra_dirs: tuple[str, ...] = ()) -> PatternPack:
    return load_pack(extra_dirs)
