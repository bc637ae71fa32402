"""Exports of the operations shown, pure: a CSV for a French spreadsheet (UTF-8 with BOM, ``;``, decimal
comma, the view on top), the same table alone for tools, and a workbook whose cells are typed (openpyxl).
No cell can run as a formula in any of them."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell as WriteCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard.data.places import normalise
from dashboard.data.schema import OPERATION_COLUMNS, Derived
from dashboard.export.dictionary import Kind, kind_of
from dashboard.export.dictionary import rows as dictionary_rows
from dashboard.model.analysis import (
    CERTAINTY,
    STATE_WORDS,
    STATUS,
    VARIANT_CERTAINTY,
    VARIANT_STATUS,
    with_words,
)
from dashboard.model.formatting import is_missing

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMERIC = re.compile(r"-?\d+(?:[.,]\d+)?")
EXPORT_COLUMNS = (
    *OPERATION_COLUMNS,
    STATUS,
    CERTAINTY,
    STATE_WORDS,
    VARIANT_STATUS,
    VARIANT_CERTAINTY,
    Derived.LOGEMENTS_RETENUS,
    Derived.LOGEMENTS_MAX,
    Derived.LOGEMENTS_ORIGINE,
    Derived.SOURCE_LABEL,
)


def neutralise(value: object) -> str:
    """The text of a cell, with a leading apostrophe where it would be read as a formula."""
    if is_missing(value):
        return ""
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
        return text
    text = str(value)
    if text.startswith(FORMULA_START) and not NUMERIC.fullmatch(text):
        return "'" + text
    return text


def operations_csv(frame: pd.DataFrame, *, header_lines: list[str]) -> bytes:
    """The bytes of the file: the view described in the first lines, a blank line, then the table."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for line in header_lines:
        writer.writerow([neutralise(line)])
    writer.writerow([])
    columns = export_columns(frame)
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False):
        writer.writerow([spreadsheet_text(column, value) for column, value in zip(columns, row, strict=True)])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def build(kind: str, frame: pd.DataFrame, view: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The bytes of an export and its file extension: ``csv`` (with the view on top), ``tidy``, ``xlsx``."""
    if STATUS in frame and CERTAINTY in frame:
        frame = with_words(frame)
    if kind == "xlsx":
        return operations_xlsx(frame, view=view), ".xlsx"
    if kind == "tidy":
        return tidy_csv(frame), "_tableau.csv"
    return operations_csv(frame, header_lines=preamble(view)), ".csv"


def file_name(*parts: str) -> str:
    """``coeur-de-ville_compiegne_2021``: lower case, no accents, safe on every system."""
    cleaned = [normalise(part).replace(" ", "-") for part in parts if part]
    return "_".join(["coeur-de-ville", *[c for c in cleaned if c]])


# --- The view, described once for the CSV preamble and the spreadsheet's "Vue" sheet ---------------------

TITLE = "Cœur de Ville — opérations de Clésence publiées par les sources (Action Cœur de Ville ou non)"


def describe_view(
    *,
    place: str,  # the perimeter's name, or the commune's
    filters: list[tuple[str, list[str]]],
    year: int,
    data_date: str,
    sources: list[str],
) -> list[tuple[str, str]]:
    """(label, value) rows: what a file shows, so that it can be read on its own."""
    active = "; ".join(f"{label} : {', '.join(sorted(values))}" for label, values in filters if values)
    return [
        ("Périmètre", place),
        ("Filtres", active or "aucun"),
        ("Année", f"{year} (situation à la fin de l'année)"),
        ("Date des données", data_date or "date inconnue"),  # when the sources were published
        ("Sources", " ; ".join(sources)),
        ("Licence", LICENCE),
    ]


LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"


def preamble(view: list[tuple[str, str]]) -> list[str]:
    return [TITLE, *(f"{label} : {value}" for label, value in view)]


# --- Typed cells ------------------------------------------------------------------------------------------


def typed(column: str, value: object) -> object:
    """The cell's value as a spreadsheet should hold it: ``None`` when unknown, an int, a float, a
    ``datetime.date`` for a date published to the day, text otherwise (a month or a year stays as published:
    a date cell would invent the missing day)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    kind = kind_of(column)
    if kind == Kind.INTEGER:
        return int(value)  # type: ignore[call-overload]  # a count: pandas' Int64 scalar
    if kind == Kind.DECIMAL:
        return float(value)  # type: ignore[arg-type]  # an amount: pandas' Float64 scalar
    text = str(value)
    if not text:
        return None
    if kind == Kind.DATE and FULL_DATE.fullmatch(text):
        return datetime.date.fromisoformat(text)
    return text


FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGITS = re.compile(r"\d+")


def spreadsheet_text(column: str, value: object) -> str:
    """A CSV cell for a French spreadsheet: text that a spreadsheet would turn into a number (an INSEE code,
    a year) is written as the constant formula ``="02691"``, which Excel and LibreOffice show as that text."""
    text = neutralise(value)
    if kind_of(column) in (Kind.TEXT, Kind.DATE) and DIGITS.fullmatch(text):
        return f'="{text}"'
    return text


def export_columns(frame: pd.DataFrame) -> list[str]:
    return [column for column in EXPORT_COLUMNS if column in frame.columns]


# --- Files ------------------------------------------------------------------------------------------------


def tidy_csv(frame: pd.DataFrame) -> bytes:
    """The table alone (one header line, no preamble), for tools: UTF-8 with BOM, ``;``, decimal comma, every
    text cell quoted (so that "champs entre guillemets comme texte" keeps codes as text), numbers bare."""
    columns = export_columns(frame)
    lines = [";".join(_quoted(column) for column in columns)]
    for row in frame[columns].itertuples(index=False):
        lines.append(";".join(_tidy_cell(column, value) for column, value in zip(columns, row, strict=True)))
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _tidy_cell(column: str, value: object) -> str:
    text = neutralise(value)
    if not text or kind_of(column) in (Kind.INTEGER, Kind.DECIMAL):
        return text
    return _quoted(text)


def operations_xlsx(frame: pd.DataFrame, *, view: list[tuple[str, str]]) -> bytes:
    """A workbook of three sheets: the operations with typed cells, the view, the data dictionary."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_OPERATIONS
    columns = export_columns(frame)
    _header(sheet, columns)
    for row in frame[columns].itertuples(index=False):
        sheet.append([_cell(sheet, column, value) for column, value in zip(columns, row, strict=True)])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _widths(sheet, [max(12, min(40, len(column) + 4)) for column in columns])
    _table(book.create_sheet(SHEET_VIEW), ["", ""], [("", TITLE), *view], widths=[20, 100])
    _table(
        book.create_sheet(SHEET_DICTIONARY),
        ["colonne", "type", "description"],
        [row for row in dictionary_rows() if row[0] in columns],
        widths=[22, 34, 100],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET_OPERATIONS = "Opérations"
SHEET_VIEW = "Vue"
SHEET_DICTIONARY = "Dictionnaire"
NUMBER_FORMATS = {Kind.INTEGER: "0", Kind.DECIMAL: "0.######", Kind.DATE: "dd/mm/yyyy", Kind.TEXT: "@"}


def _cell(sheet, column: str, value: object) -> WriteCell | None:
    value = typed(column, value)
    if value is None:
        return None
    cell = WriteCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.number_format = "@"
    else:
        cell.number_format = NUMBER_FORMATS[kind_of(column)]
    return cell


def _header(sheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _table(sheet, header: list[str], rows: list[tuple[str, ...]], *, widths: list[int]) -> None:
    if any(header):
        _header(sheet, header)
    for row in rows:
        cells = [WriteCell(sheet, value=value) for value in row]
        for cell in cells:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.append(cells)
    _widths(sheet, widths)


def _widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
