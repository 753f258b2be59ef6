"""Scanned text and file names cannot break or take over the JUnit, CSV and GitHub outputs."""

from __future__ import annotations

import csv
import io
import random
import re
from xml.etree import ElementTree as ET

import pytest
from helpers import jsonl, write

from analyzer.report.formats.csv import FORMULA_START
from analyzer.report.formats.github import escape_data, escape_property, inert
from analyzer.report.formats.junit import xml_text

CLAIM = "Our calm drops relieve anxiety in minutes."


def test_junit_stays_well_formed_with_control_characters(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "posts\x01\x1b.jsonl"
    jsonl(
        tmp_path / name,
        [
            {"id": "a\x00\x1b[31m\ufffe", "text": "Our calm\x07 drops relieve anxiety\x0b in minutes.\x0c"},
            {"id": "b", "text": CLAIM},
        ],
    )
    code, out, _ = run_cli("scan", "--format", "junit", name)
    suite = ET.fromstring(out.encode("utf-8"))  # raises if the XML is not well-formed
    cases = suite.findall("testcase")
    assert code == 1 and [c.get("name") for c in cases] == ["a\\x00\\x1b[31m\\ufffe", "b"]
    assert all(c.get("file") == "posts\\x01\\x1b.jsonl" for c in cases)
    body = cases[0].find("failure").text
    assert "Our calm\\x07 drops relieve anxiety" in body
    assert "calm drops relieve anxiety in minutes." in cases[1].find("failure").text  # plain text unchanged


@pytest.mark.parametrize("start", FORMULA_START)
def test_csv_cells_never_start_a_formula(tmp_path, run_cli, monkeypatch, start):
    monkeypatch.chdir(tmp_path)
    name = f"{start}cmd.jsonl" if start not in "\0\r\t" else "posts.jsonl"
    jsonl(tmp_path / name, [{"id": f"{start}SUM(1,2)", "text": f"{start}{CLAIM}"}, {"id": "plain", "text": CLAIM}])
    code, out, _ = run_cli("scan", "--format", "csv", "--", name)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and len(rows) == 2
    assert not [cell for row in rows for cell in row.values() if cell.startswith(FORMULA_START)]
    assert rows[0]["document"] == f"'{start}SUM(1,2)"
    if not start.isspace():  # a sentence starts at its first visible character
        assert rows[0]["sentence"].startswith(f"'{start}")
    assert rows[1]["document"] == "plain" and rows[1]["claim"] == "relieve anxiety"  # others untouched
    if name != "posts.jsonl":
        assert rows[0]["path"] == f"'{name}"


# How the Actions runner (actions/runner, ActionCommand.TryParseV2 and TryParse) finds a workflow
# command: lines split at CR and LF; a line that starts with "::" (after leading whitespace) and has a
# second "::"; or a line holding "##[" with a "]" after it.
def runner_commands(output: str) -> list[str]:
    commands = []
    for line in re.split(r"\r\n|\r|\n", output):
        v2 = line.lstrip().startswith("::") and "::" in line.lstrip()[2:]
        v1 = "##[" in line and "]" in line[line.index("##[") :]
        if v2 or v1:
            commands.append(line)
    return commands


def runner_property(value: str) -> str:
    """A property value as the runner unescapes it."""
    for token, escaped in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        value = value.replace(escaped, token)
    return value


FORGING_NAMES = [
    "post\n::error file=evil.md,line=1::forged.jsonl",
    "::warning::forged ##[error]forged.jsonl",
    "  ::notice title=x::forged\r##[warning]x.jsonl",
]


def test_github_annotations_and_stderr_cannot_be_forged(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for name in FORGING_NAMES:  # one finding each, and a malformed line reported on stderr
        write(tmp_path / name, f'{{"id": "p", "text": "{CLAIM}"}}\n{{broken\n')
    code, out, err = run_cli("scan", "--format", "github", *FORGING_NAMES)
    commands = runner_commands(out)
    assert code == 2 and len(commands) == len(out.splitlines()) == len(FORGING_NAMES)
    files = sorted(runner_property(re.match(r"::error file=([^,]*),", c).group(1)) for c in commands)
    assert files == sorted(FORGING_NAMES)
    assert err.count("HC104") == len(FORGING_NAMES) and runner_commands(err) == []


def test_stderr_is_plain_outside_github_actions(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    write(tmp_path / "a:b.jsonl", "{broken\n")
    _, _, err = run_cli("scan", "a:b.jsonl")
    assert err.startswith("a:b.jsonl:1: error HC104: ")


@pytest.mark.parametrize(
    "message",
    ["::error::x", " \t::error::x", "a\n::error::x", "a\r::error::x", "a ##[error]x", "%0A::error::x", "::::::::"],
)
def test_inert_lines(message):
    line = inert(message)
    assert runner_commands(line) == [] and "\n" not in line and "\r" not in line


# Seeded random texts made mostly of the characters that matter here (controls, line breaks, the
# runner's separators, formula starts, surrogates), so each run checks the same few thousand cases.
TRICKY = "\x00\x01\x07\x0b\x0c\x1b\x1f\x7f\x85\t\r\n:,%#=+-@[]\"'<>&;\u2028\ud800\udcff\ufffe\uffff é"


def fuzz_texts(count: int = 3000) -> list[str]:
    rng = random.Random(17)
    return ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_fuzz_junit_text_is_always_well_formed_xml():
    for text in fuzz_texts():
        element = ET.Element("failure", message=xml_text(text))
        element.text = xml_text(text)
        parsed = ET.fromstring(ET.tostring(element, encoding="unicode").encode("utf-8"))
        assert parsed.get("message") == xml_text(text)
        assert (parsed.text or "") == xml_text(text).replace("\r\n", "\n").replace("\r", "\n")  # XML's line ends


def runner_parse(line: str) -> tuple[str, dict[str, str], str]:
    """actions/runner ``ActionCommand.TryParseV2`` on one line: (command, properties, data), unescaped."""
    line = line.lstrip()
    end = line.index("::", 2)
    name, _, props = line[2:end].partition(" ")
    properties = {}
    for pair in props.strip().split(","):
        key, _, value = pair.partition("=")
        value = value.lstrip("=")  # .NET's Split('=', 2, RemoveEmptyEntries) skips empty pieces
        if key and value:
            properties[key] = runner_property(value)
    data = line[end + 2 :]
    for token, escaped in (("\r", "%0D"), ("\n", "%0A"), ("%", "%25")):
        data = data.replace(escaped, token)
    return name, properties, data


def test_fuzz_github_escaping_round_trips_and_never_starts_a_command():
    for text in fuzz_texts():
        # What no escape can carry: the runner trims whitespace (.NET's, VT and FF included) off both
        # ends of the property list, which would cut the end of the last value (the renderer's last is
        # its own title, as "col=1" is here); and a value's leading "=" is lost (a file named "=x.md"
        # is annotated as "x.md"; nothing is injected).
        props = f"line=3,file={escape_property(text)},title={escape_property(text)},col=1"
        (line,) = re.split(r"\r\n|\r|\n", f"::error {props}::{escape_data(text)}")  # still one line
        value = text.lstrip("=")
        expected = {"line": "3", **({"file": value, "title": value} if value else {}), "col": "1"}
        assert runner_parse(line) == ("error", expected, text)
        assert runner_commands(inert(text)) == []
