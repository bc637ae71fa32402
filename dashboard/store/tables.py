"""The tables staff edit: every CSV of the data folder but the reference lists, each with its key."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from dashboard.data import dataset as ds
from dashboard.data.reader import decode, guess_separator
from dashboard.data.report import Report
from dashboard.data.schema import Op, Partner, Src, Total

# Reference lists kept by the operator from national sources (INSEE, ANCT), not by the staff.
REFERENCE_FILES = frozenset({ds.ACV_FILE, "communes-anciennes.csv"})
# How a row is known from one version to the next; a table not named here (a new one) is keyed by its first
# column.
KEYS: dict[str, tuple[str, ...]] = {
    ds.OPERATIONS_FILE: (Op.ID,),
    ds.SOURCES_FILE: (Src.SOURCE,),
    ds.TOTALS_FILE: (Total.INDICATEUR,),
    ds.PARTNERS_FILE: (Partner.CODE_INSEE, Partner.SOURCE),
}
FIRST = (ds.OPERATIONS_FILE, ds.SOURCES_FILE, ds.TOTALS_FILE, ds.PARTNERS_FILE)

Files = dict[str, bytes]


def editable_names(data_dir: Path) -> tuple[str, ...]:
    """The staff's tables found in ``data_dir``: operations first, then the others by name."""
    found = {p.name for p in Path(data_dir).glob("*.csv") if p.is_file() and p.name not in REFERENCE_FILES}
    return tuple(name for name in FIRST if name in found) + tuple(sorted(found - set(FIRST)))


def sheet_name(file: str) -> str:
    return file.removesuffix(".csv")[:31]  # Excel's limit on a sheet's name


def key_of(file: str, header: list[str]) -> tuple[str, ...]:
    key = KEYS.get(file)
    if key and all(column in header for column in key):
        return key
    return tuple(header[:1])


@dataclass(frozen=True)
class Cells:
    """A table as text cells: its header and its rows, each with the line of the CSV it starts on."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


def cells_of(body: bytes, file: str) -> Cells:
    """The cells of a CSV as the dashboard reads them (UTF-8 or Windows-1252, ``,`` ``;`` or tab); an
    unreadable file gives no rows (its errors are the validation's to report)."""
    decoded = decode(body, file, Report())
    if decoded is None:
        return Cells([], [], [])
    text = decoded[0]
    first = text.splitlines()[0] if text.strip() else ""
    separator = guess_separator(first, tuple(c.strip() for c in first.replace(";", ",").split(",")))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header: list[str] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if not header:
                    header = [cell.strip().lstrip("\ufeff") for cell in record]
                else:
                    rows.append([cell.strip() for cell in record])
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error:
        pass
    return Cells(header, rows, lines)


def to_csv(header: list[str], rows: list[list[str]]) -> tuple[bytes, list[int]]:
    """UTF-8 CSV bytes of the table and the line each row starts on (a cell may hold line breaks)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    lines = []
    line = 2 + header_breaks(header)
    for row in rows:
        lines.append(line)
        writer.writerow(row)
        line += 1 + sum(cell.count("\n") for cell in row)
    return out.getvalue().encode("utf-8"), lines


def header_breaks(header: list[str]) -> int:
    return sum(cell.count("\n") for cell in header)
