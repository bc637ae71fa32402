"""Read a CSV as a person or a spreadsheet saved it: UTF-8 or Windows-1252, ``,`` or ``;``.

Every cell is kept as text; typing happens in ``validate``. The file is only ever read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.report import Report

LINE_COLUMN = "ligne"
MAX_CELL_CHARS = 100_000
MAX_FILE_BYTES = 200 * 1024 * 1024
SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class Table:
    """The cells of a CSV as text, with the line each record starts on (``ligne``)."""

    frame: pd.DataFrame
    encoding: str
    separator: str


def decode(raw: bytes, name: str, report: Report) -> tuple[str, str] | None:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.error(name, None, None, "encodage UTF-16 non pris en charge : enregistrer en UTF-8 (CSV UTF-8) ou en CSV Windows")
        return None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        report.error(
            name, None, None,
            f"encodage non reconnu (octet 0x{raw[error.start]:02x} à la position {error.start}) : "
            "attendu UTF-8 ou Windows-1252",
        )
        return None


def guess_separator(header: str, expected: tuple[str, ...]) -> str:
    """The separator that splits the header into the most expected column names."""
    def score(separator: str) -> tuple[int, int]:
        cells = [cell.strip().strip('"').strip() for cell in header.split(separator)]
        return (sum(cell in expected for cell in cells), len(cells))
    return max(SEPARATORS, key=score)


def read_table(path: Path, expected: tuple[str, ...], report: Report) -> Table | None:
    """Read ``path`` into text cells; problems go to ``report`` and give ``None`` if fatal."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(name, None, None, f"fichier trop gros ({size} octets) : au plus {MAX_FILE_BYTES} octets")
            return None
        raw = path.read_bytes()
    except OSError as error:
        report.error(name, None, None, f"lecture impossible : {error.strerror or error}")
        return None
    decoded = decode(raw, name, report)
    if decoded is None:
        return None
    text, encoding = decoded
    if not text.strip():
        report.error(name, None, None, "fichier vide : attendu une ligne d'en-tête puis une ligne par opération")
        return None
    separator = guess_separator(text.splitlines()[0], expected)
    return _parse(text, name, separator, encoding, report)


def _parse(text: str, name: str, separator: str, encoding: str, report: Report) -> Table | None:
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            message = str(error)
            if "field larger" in message:
                message = f"cellule de plus de {MAX_CELL_CHARS} caractères"
            report.error(name, start, None, f"ligne illisible ({message})")
            return None
        if header is None:
            header = [cell.strip() for cell in record]
        elif any(cell.strip() for cell in record):
            if len(record) != len(header):
                report.error(
                    name, start, None,
                    f"{len(record)} champs au lieu de {len(header)} (séparateur « {separator} »)",
                )
            else:
                records.append(record)
                lines.append(start)
        start = reader.line_num + 1
    assert header is not None
    duplicates = sorted({column for column in header if header.count(column) > 1})
    for column in duplicates:
        report.error(name, 1, column, "colonne en double dans l'en-tête")
    if duplicates:
        return None
    frame = pd.DataFrame(records, columns=header, dtype="string")
    frame.insert(0, LINE_COLUMN, pd.Series(lines, dtype="int64"))
    return Table(frame, encoding, separator)
