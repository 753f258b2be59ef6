"""Property-based tests (hypothesis) of the promise that no input loses the report.

Whatever bytes a file holds and whatever a JSONL or CSV record says, reading never raises: every
file and every record becomes a document, and a document that is not ``ok`` carries a coded problem
naming its file. Offsets the tool reports are offsets into the file's text.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.lines import LINE_BREAK, LineIndex, count_lines, line_at
from analyzer.run.inputs import Document, csv_records, post_record, read_documents, scan_view

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
WORDS = ["kava", "cures", "anxiety", "&nbsp;", "&amp;", "&rsquo;", "&bogus;", "<b>", "</b>", "<p>", '"', ",", "\n"]


def coded(doc: Document) -> bool:
    return doc.status == "ok" or any(p.code.startswith("HC1") for p in doc.problems)


@FUZZ
@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n\x85\u2028\u2029"), min_size=1), max_size=8),
    st.data(),
)
def test_lines_and_columns_follow_every_line_break(pieces, data):
    breaks = [data.draw(st.sampled_from(BREAKS)) for _ in pieces[1:]]
    text = pieces[0] if pieces else ""
    starts = [0]
    for piece, brk in zip(pieces[1:], breaks):
        text += brk
        starts.append(len(text))
        text += piece
    index = LineIndex(text)
    for n, start in enumerate(starts, start=1):
        assert index.position(start) == (n, 1)
        assert line_at(text, start) == n
    assert count_lines(text) == len(starts)


@FUZZ
@given(st.text(max_size=200))
def test_a_jsonl_line_always_becomes_one_coded_document(line):
    doc = post_record(line, "posts.jsonl", 3)
    assert coded(doc) and doc.source_line == 3 and all(p.path == "posts.jsonl" for p in doc.problems)


@FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "text", "x"]), inner),
        max_leaves=12,
    )
)
def test_any_json_value_as_a_record_is_read_or_coded(value):
    doc = post_record(json.dumps(value), "posts.jsonl", 1)
    assert coded(doc)
    if isinstance(value, dict) and isinstance(value.get("text"), str) and doc.status == "ok":
        assert doc.text == value["text"]


@FUZZ
@given(st.lists(st.sampled_from(['"', ",", "\n", "\r\n", "a", "b c", '""', "\r"]), max_size=30))
def test_csv_record_lines_increase_and_lie_in_the_file(tokens):
    text = "".join(tokens)
    records = list(csv_records(iter(text.splitlines(keepends=True))))
    lines = [line for line, _, _ in records]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert all(1 <= n <= count_lines(text) for n in lines)


@FUZZ
@given(
    st.lists(st.sampled_from(WORDS + [" ", "caf\xe9", "\u2028"]), max_size=40), st.sampled_from(["html", "markdown"])
)
def test_the_scanned_view_maps_back_to_the_document(tokens, kind):
    text = "".join(tokens)
    view, offsets = scan_view(Document("d", "d", text=text, kind=kind))
    if offsets is None:
        assert len(view) == len(text)
        return
    for k, char in enumerate(view):
        start = offsets.original(k)
        end = offsets.original(k + 1, end=True)
        assert 0 <= start < end <= len(text)
        if end - start == 1:  # a character that was not a character reference is itself
            assert text[start] == char or char in " \n"  # or markup, masked


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.binary(max_size=300)
    | st.lists(st.sampled_from([b"{", b"}", b'"id"', b'"text"', b":", b",", b"\n", b"\xff"]), max_size=40).map(
        b"".join
    ),
    st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl", "a.csv"]),
)
def test_any_bytes_in_any_kind_of_file_are_reported(tmp_path_factory, data, name):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / name).write_bytes(data)
    (folder / "z.txt").write_text("Shipping was quick.\n")
    docs = list(read_documents([str(folder / name), str(folder / "z.txt")]))
    assert docs and all(coded(d) for d in docs)
    assert docs[-1].path == str(folder / "z.txt") and docs[-1].status == "ok"
    assert all(d.path == str(folder / name) for d in docs[:-1])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Our kava drops ", "cure ", "anxiety", ". ", "\udc80", "\n", "\u2028", "<b>", "&nbsp;"]),
        max_size=20,
    )
)
def test_analyze_never_raises_and_every_text_is_a_slice(tokens):
    from analyzer import analyze

    text = "".join(tokens)
    for f in analyze(text):
        assert text[f.start : f.end] == f.text
        assert (f.line, f.column) == LineIndex(text).position(f.start)
        assert f.line == 1 + len(LINE_BREAK.findall(text, 0, f.start))


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id": st.sampled_from(["a", "b", "\udc80", 7, None]),
                "text": st.sampled_from(["hi", "\ud83d", 3, "", None]),
            }
        ),
        max_size=8,
    )
)
def test_every_post_gets_at_most_one_message_and_a_distinct_printable_id(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("posts") / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = list(read_documents([str(path)]))
    assert len(docs) == max(len(records), 1)
    assert all(len(d.problems) <= 1 and coded(d) for d in docs)
    ids = [d.id for d in docs]
    assert len(set(ids)) == len(ids) and all(i.encode("utf-8") for i in ids)


WORD = st.text(alphabet="abcxyz019", min_size=1, max_size=5)


@FUZZ
@given(st.lists(st.tuples(st.booleans(), WORD, WORD), min_size=1, max_size=12))
def test_every_well_formed_csv_row_survives_quotes_left_open_before_it(rows):
    text = "".join(f"{a},{b}\n" if ok else f'{a},"{b}\n' for ok, a, b in rows)
    records = {line: cells for line, cells, _ in csv_records(iter(text.splitlines(keepends=True)))}
    for line, (ok, a, b) in enumerate(rows, start=1):
        if ok:
            assert records[line] == [a, b]
        else:  # reported (None), or, the last one open at the end of the file, read as it is
            assert records[line] in (None, [a, b + "\n"])
