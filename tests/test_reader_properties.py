"""Properties of ``read_table``: any bytes end in the report, never in an exception.

Cells written by a CSV writer, in UTF-8 with ``,`` or in Windows-1252 with ``;``, read back identical.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data.reader import BIDI_CONTROLS, read_table
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS

pytestmark = pytest.mark.slow  # hypothesis draws hundreds of cases: the fast loop leaves them out

EXAMPLES = settings(max_examples=200, deadline=None)
# Text made of what CSV files are made of, so that quotes, separators and line breaks meet.
CSV_ALPHABET = ',;\t|"\r\n \u00a0\ufeffaé€\x81id' + "".join(OPERATION_COLUMNS[:4])
# A Windows-1252 file where a letter such as « Ã » (a UTF-8 lead byte) is followed by a sign
# such as « © » (a continuation byte) may be valid UTF-8 too, and is read as such: no reader
# can tell. The round trip puts a space between such pairs rather than discarding examples.
_LEAD = bytes(range(0xC2, 0xF5)).decode("cp1252", "ignore")
_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", "ignore")
_UTF8_LOOKALIKE = re.compile(f"([{re.escape(_LEAD)}])(?=[{re.escape(_CONTINUATION)}])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read(content: bytes) -> tuple[object, Report]:
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "operations.csv"
        path.write_bytes(content)
        return read_table(path, OPERATION_COLUMNS, report), report


def assert_sane(table, report: Report) -> None:
    """Either a table of text cells indexed by increasing line numbers, or errors saying why not."""
    if table is None:
        assert report.errors
        return
    assert table.frame.index.is_monotonic_increasing and (table.frame.index >= 1).all()
    assert all(str(dtype) == "string" for dtype in table.frame.dtypes)


@EXAMPLES
@given(st.binary(max_size=2000))
def test_any_bytes_end_in_the_report(content):
    assert_sane(*read(content))


@EXAMPLES
@given(st.one_of(st.text(max_size=500), st.text(alphabet=CSV_ALPHABET, max_size=500)))
def test_any_text_ends_in_the_report(content):
    assert_sane(*read(content.encode("utf-8", "surrogatepass")))


@EXAMPLES
@given(st.text(alphabet=CSV_ALPHABET, max_size=300), st.sampled_from([",", ";", "\t"]))
def test_a_valid_header_then_any_text_ends_in_the_report(body, separator):
    content = separator.join(OPERATION_COLUMNS) + "\n" + body
    assert_sane(*read(content.encode("utf-8")))


def slugs() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)


def operation_rows(cells: st.SearchStrategy[str]) -> st.SearchStrategy[list[dict[str, str]]]:
    row = st.fixed_dictionaries(
        {column: slugs() if column == "id" else cells for column in OPERATION_COLUMNS}
    )
    return st.lists(row, min_size=1, max_size=5)


def written(rows: list[dict[str, str]], separator: str) -> tuple[str, list[int]]:
    """The CSV text of ``rows`` and the line each record starts on."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(OPERATION_COLUMNS)
    starts = []
    for row in rows:
        starts.append(len(_LINE_BREAK.findall(out.getvalue())) + 1)
        writer.writerow([row[column] for column in OPERATION_COLUMNS])
    return out.getvalue(), starts


def assert_read_back(rows: list[dict[str, str]], content: bytes, starts: list[int]) -> None:
    table, report = read(content)
    assert table is not None, report.render()
    assert report.issues == []
    assert list(table.frame.columns) == list(OPERATION_COLUMNS)
    assert table.frame.to_dict("records") == rows
    assert list(table.frame.index) == starts


# Direction controls are removed with a warning (tests/test_safe_reading.py), so they do not read back.
DIRECTION_CONTROLS = "".join(chr(code) for code in range(0x2000, 0x2070) if BIDI_CONTROLS.match(chr(code)))
utf8_cells = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00" + DIRECTION_CONTROLS),
    max_size=20,
)
cp1252_cells = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\x00" + DIRECTION_CONTROLS), max_size=20
).map(lambda cell: _UTF8_LOOKALIKE.sub(r"\1 ", cell))


@EXAMPLES
@given(operation_rows(utf8_cells))
def test_rows_written_as_utf8_with_commas_read_back_identical(rows):
    content, starts = written(rows, ",")
    assert_read_back(rows, content.encode("utf-8"), starts)


@EXAMPLES
@given(operation_rows(cp1252_cells))
def test_rows_written_as_cp1252_with_semicolons_read_back_identical(rows):
    content, starts = written(rows, ";")
    assert_read_back(rows, content.encode("cp1252"), starts)
