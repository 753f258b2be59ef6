"""Stable error codes, in the manner of spaCy's ``errors.py``.

Every message a user can see carries a code (``HC1xx`` input, ``HC2xx``
patterns, ``HC3xx`` usage/config, ``HC4xx`` reports) and says how to fix the problem.
"""

from __future__ import annotations

from dataclasses import dataclass


class Errors:
    # Input (HC1xx): reported per document, the rest of the input is still scanned.
    HC101 = "cannot read file: {reason}. Check that the path exists and is readable."
    HC102 = "binary file (NUL byte at offset {offset}); not scanned. Pass text, Markdown, HTML or JSONL files."
    HC103 = "invalid UTF-8 at byte {offset} (0x{byte}); re-encode the file as UTF-8."
    HC104 = "malformed JSON on this line ({reason}); each line of a .jsonl file must be one JSON object."
    HC105 = "JSONL record has no string field '{field}'; set --text-field/--id-field to the right field names."
    HC106 = "file is empty; nothing to scan."
    HC107 = "no such file or directory; check the path."
    HC108 = "text holds an unpaired surrogate escape (\\u{escape}) at character {offset}, which is not valid Unicode; fix the export's JSON escapes."
    HC110 = "unused suppression {directive}: nothing here is flagged; remove the comment."
    HC111 = (
        "{kind}, not a regular file; not read (it could block or never end). Name files, directories or - for stdin."
    )
    HC114 = "duplicate post id '{id}' (an earlier post has it); this post is reported as '{renamed}'."
    HC115 = (
        "post id holds an unpaired surrogate escape (\\u{escape}), which is not valid Unicode; reported as '{shown}'."
    )
    HC116 = "malformed CSV record ({reason}); the lines after it are read as records of their own."
    HC117 = "cannot list directory: {reason}; the files in it are not scanned. Check its permissions."
    HC118 = "internal error while reading or scanning this document ({reason}); the other documents are still scanned. Please report this."
    HC119 = "the file is {encoding} (its byte order mark says so), not UTF-8; re-encode it, e.g. iconv -f {family} -t UTF-8."
    # Patterns (HC2xx): a broken pattern pack stops the run with exit code 2.
    HC201 = "YAML syntax error: {reason}. Fix the YAML at that line."
    HC202 = "invalid pattern data at '{field}': {reason}."
    HC203 = "duplicate id '{id}' (also defined in {other}); ids must be unique unless overriding with 'override: true'."
    HC204 = "unknown {kind} id '{id}'; add it to the lexicon or fix the spelling."
    HC205 = "rule '{rule}' example {which} failed: {reason}."
    HC206 = "category '{category}' has no fallback evidence entry; add one with applies_to.categories only."
    HC207 = "pattern directory not found: {dir}; pass an existing directory to --patterns."
    HC208 = "invalid rule pattern token '{token}': {reason}."
    HC209 = (
        "the built-in patterns are missing: 'analyzer' was imported from {where}, which has neither the "
        "package 'analyzer.data' nor a 'patterns' folder beside it. Install the project ('pip install .')."
    )
    HC210 = "source '{id}' is not cited by any evidence entry; cite it by id from an entry's sources, or remove it."
    HC211 = "evidence entry '{entry}' cites unknown source '{id}'; define it in the source registry (sources.yaml) or fix the id."
    HC212 = "source '{id}' is the same work as source '{other}' ({key}); define each work once and cite that id."
    HC213 = "rule '{rule}' pattern token '{token}' names the lexicon class '{cls}', which no lexicon defines; fix the spelling or add the class."
    HC214 = "{what} has {count} {unit}, more than the {limit} allowed; split it into several patterns."
    HC215 = "{what} may try {count} combinations of its gaps at each start (the product of each gap's maximum + 1), more than the {limit} allowed; narrow the gaps."
    HC216 = "lexicon entry '{id}' has a term of {chars} characters, more than the {limit} allowed."
    HC217 = "the rules have {count} patterns in all, more than the {limit} allowed."
    HC218 = "the lexicons have {count} terms in all, more than the {limit} allowed; split the pack or drop rare terms."
    HC219 = "YAML anchors and aliases (&name, *name) are not allowed in pattern files (an alias can expand exponentially or refer to itself); write the value out."
    HC220 = "YAML nested more than {limit} levels deep."
    HC221 = "{what} of {size} bytes, more than the {limit} allowed; split the pack or drop what it does not need."
    # (HC222 is a bound on the work one document may ask for, as HC213-HC221 are for a pack.)
    HC222 = "this document reached {limit} findings; the rest of it, after character {offset}, was not scanned. Split the document to scan all of it."
    HC223 = "not a scorer folder written by 'healthclaims train' ({reason}); train one with 'healthclaims train --output DIR', or leave out --model (and the config's 'model')."
    # (HC230-HC239: the Dask engine's inputs, and writing any output.)
    HC230 = "cannot read this Parquet file ({reason}); its rows are not scanned, the other inputs are. Check that it is a complete Parquet file, or export it again."
    HC231 = "cannot write the output ({reason}); check that the location exists and is writable and has space, then run again."
    # Usage (HC3xx)
    HC301 = "unknown rule id '{id}'; run 'healthclaims rules' to list rule ids."
    HC302 = "labelled line {line} is invalid: {reason}; each line needs 'text' and 'label' (0 or 1)."
    HC303 = "cannot read the configuration: {reason}. Fix the TOML, or pass --config with another file."
    HC304 = "invalid configuration at '{field}': {reason}. See 'Configuration' in the README for the keys."
    HC305 = "baseline file cannot be used: {reason}. Write one with --write-baseline FILE."
    HC307 = "{reason}."
    HC308 = "the Dask engine is not installed ({reason}); install it with: pip install 'healthclaims[dask]'."
    HC309 = "'allow' entry {index} is blank, which would allow every sentence; remove it or write the phrase to allow."
    HC310 = "'severity' takes rule ids, and '{name}' is a category; set the severity of its rules instead ({rules})."
    HC306 = "cannot compute the lines changed since '{ref}': {reason}. Run inside a git checkout that has that ref (fetch it first)."
    # Reports (HC4xx)
    HC401 = "unknown evidence id '{id}'{hint}; report findings name their evidence ids (the JSON report's 'evidence' table)."
    # Review queue (HC5xx): a bad line of a report is skipped, the rest is still imported.
    HC501 = "cannot read the report: {reason}. Pass a report written by 'healthclaims scan --format json' or '--format jsonl'."
    HC502 = "malformed JSON on this line of the report ({reason}); the line is skipped, the other lines are imported."
    HC503 = "not a scan result here: {reason}; this document is skipped, the others are imported."
    HC504 = "{where}a finding has no usable '{field}'; it is skipped, the others are imported."
    HC505 = "cannot open the review database {db}: {reason}. Check --db (a file path, sqlite:///… or postgresql://…)."
    HC506 = "the review queue needs the 'review' extra ({reason}); install it with: pip install 'healthclaims[review]'."
    HC507 = "a server bound to {host} needs accounts: add one with 'healthclaims review user add NAME' (--db the same database)."
    HC508 = "{reason}."


@dataclass
class Problem:
    """One reportable problem: code, message, and where it happened."""

    code: str
    message: str
    path: str | None = None
    line: int | None = None
    warning: bool = False

    def format(self) -> str:
        where = self.path or "healthclaims"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {'warning' if self.warning else 'error'} {self.code}: {self.message}"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "level": "warning" if self.warning else "error",
        }


def problem(code: str, path: str | None = None, line: int | None = None, warning: bool = False, **fields) -> Problem:
    return Problem(code, getattr(Errors, code).format(**fields), path, line, warning)


class HealthClaimsError(Exception):
    """Raised for problems that stop the run (bad pattern packs, usage)."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(p.format() for p in self.problems))
