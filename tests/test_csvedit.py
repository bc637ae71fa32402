"""Rewriting a CSV file: only the changed cells move, whatever tool saved the file."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dashboard.data.csvedit import EncodingLost, read_csv_text
from dashboard.data.report import Report

EXPECTED = ("id", "nom", "x")


def read(raw: bytes):
    report = Report()
    file = read_csv_text(raw, "f.csv", EXPECTED, report)
    assert file is not None, report.render()
    return file


def test_an_edited_record_keeps_its_other_cells_as_written():
    raw = 'id;nom;x\r\n"a";"dit ""le grand""\r\nsur deux lignes";1,5\r\nb;c;\r\n'.encode("cp1252")
    file = read(raw)
    assert [record.line for record in file.records] == [1, 2, 4]
    edited = file.render({1: {2: "2,75"}, 2: {2: "ok"}})
    assert edited == ('id;nom;x\r\n"a";"dit ""le grand""\r\nsur deux lignes";2,75\r\nb;c;ok\r\n').encode(
        "cp1252"
    )


def test_a_new_value_is_quoted_when_it_holds_the_separator_or_when_its_cell_was():
    file = read(b'id,nom,x\n"a",b,c\n')
    assert file.render({1: {0: "z", 1: "1,5", 2: 'say "hi"'}}) == b'id,nom,x\n"z","1,5","say ""hi"""\n'


def test_the_bom_and_a_last_line_without_line_ending_are_kept():
    raw = b"\xef\xbb\xbfid,nom,x\nb,c,d"
    file = read(raw)
    assert file.bom and file.header == EXPECTED
    assert file.render({1: {2: "e"}}) == b"\xef\xbb\xbfid,nom,x\nb,c,e"


def test_blank_and_short_records_are_kept_untouched():
    raw = b"id,nom,x\n\nb\n,,\nc,d,e\n"
    file = read(raw)
    assert file.render({4: {0: "f"}}) == b"id,nom,x\n\nb\n,,\nf,d,e\n"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "f.csv: fichier vide : attendu une ligne d'en-tête puis une ligne par opération"),
        (b'id,nom\n"a,b\n', "f.csv:2: ligne illisible (unexpected end of data)"),
        (b"\xff\xfei\x00d\x00", "f.csv: encodage UTF-16 non pris en charge"),
    ],
)
def test_an_unreadable_file_is_reported_with_its_line(raw, message):
    report = Report()
    assert read_csv_text(raw, "f.csv", EXPECTED, report) is None
    assert str(report.errors[0]).startswith(message)


def looks_mixed(raw: bytes) -> bool:
    """A Windows-1252 file whose start is valid UTF-8 text (``Â\xa0`` is the bytes of a UTF-8 no-break
    space), then not: the reader takes it for mixed encodings, on purpose (tests/bad_inputs.py)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return not raw[: error.start].isascii()
    return False


cells = st.text(st.characters(codec="cp1252", exclude_characters="\x00"), max_size=8)
tables = st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    rows=tables,
    separator=st.sampled_from([",", ";"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    value=cells,
    data=st.data(),
)
def test_any_saved_table_reads_back_byte_for_byte_and_only_edited_cells_change(
    rows, separator, newline, quoting, encoding, value, data
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=newline, quoting=quoting)
    writer.writerows([list(EXPECTED), *rows])
    raw = out.getvalue().encode(encoding)
    assume(not looks_mixed(raw))
    file = read(raw)
    assert file.render() == raw
    target = data.draw(st.integers(1, len(file.records) - 1), label="record")
    column = data.draw(st.integers(0, 2), label="column")
    record = file.records[target]
    if len(record.cells) != 3:  # a row of empty cells may be read back as a blank record
        return
    try:
        edited = file.render({target: {column: value}})
    except EncodingLost:  # refused only when a Windows-1252 file would read back in another way
        assert file.encoding == "cp1252"
        return
    again = read(edited)
    assert again.encoding == file.encoding or edited.isascii()
    assert [r.raw for i, r in enumerate(again.records) if i != target] == [
        r.raw for i, r in enumerate(file.records) if i != target
    ]
    expected = [value if i == column else cell for i, cell in enumerate(record.cells)]
    assert list(again.records[target].cells) == expected


def test_an_edit_that_would_make_a_windows_1252_file_read_as_utf8_is_refused():
    # Found by the property above: once "é" (not UTF-8 on its own) is replaced, the bytes of "áŒ\xa0"
    # left are valid UTF-8 and would be read back as "ጠ".
    raw = "id,nom,x\na,é,áŒ\xa0\n".encode("cp1252")
    file = read(raw)
    assert file.encoding == "cp1252" and file.records[1].cells == ("a", "é", "áŒ\xa0")
    with pytest.raises(EncodingLost, match="ne serait plus relu en Windows-1252"):
        file.render({1: {1: "e"}})
    assert read(file.render({1: {1: "è"}})).records[1].cells == ("a", "è", "áŒ\xa0")


def test_a_windows_1252_file_whose_start_reads_as_utf8_control_characters_is_still_read():
    # Found by the property above: "Â\x8c" (bytes C2 8C) is valid UTF-8 for a control character, which
    # is no evidence that the file is UTF-8.
    assert read("id,nom,x\n,,ÂŒ\xa0\n".encode("cp1252")).records[1].cells == ("", "", "ÂŒ\xa0")


def test_reading_leaves_the_process_wide_csv_field_limit_as_it_found_it():
    before = csv.field_size_limit()
    csv.field_size_limit(1234)
    try:
        read(b"id,nom,x\na,b,c\n")
        assert csv.field_size_limit() == 1234
    finally:
        csv.field_size_limit(before)


def test_a_record_that_cannot_be_edited_cell_by_cell_is_written_by_the_csv_module(monkeypatch):
    from dashboard.data import csvedit

    monkeypatch.setattr(csvedit, "_raw_cells", lambda body, separator: [])
    file = read(b'id,nom,x\r\n"a",b,"c"\r\n')
    assert file.render({1: {1: "d,e"}}) == b'id,nom,x\r\na,"d,e",c\r\n'


def test_a_second_backup_in_the_same_second_never_overwrites_the_first(tmp_path, monkeypatch):
    from datetime import datetime

    from dashboard.data import csvedit

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 3, 4, 5, 6, 7)

    monkeypatch.setattr(csvedit, "datetime", Frozen)
    path = tmp_path / "operations.csv"
    first, second = csvedit.keep_backup(path, b"first"), csvedit.keep_backup(path, b"second")
    assert first.name == "operations.csv.bak-20260304-050607"
    assert second.name == "operations.csv.bak-20260304-050607-2"
    assert (first.read_bytes(), second.read_bytes()) == (b"first", b"second")
