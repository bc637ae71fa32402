"""CSV export of the operations shown, for a French spreadsheet: UTF-8 with BOM, ``;``, decimal comma,
the view written at the top, and no cell that a spreadsheet could run as a formula."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from dashboard.analysis import STATUS, VARIANT_STATUS
from dashboard.formatting import is_missing
from dashboard.places import normalise
from dashboard.schema import OPERATION_COLUMNS, Derived

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMERIC = re.compile(r"-?\d+(?:[.,]\d+)?")
EXPORT_COLUMNS = (
    *OPERATION_COLUMNS,
    STATUS,
    VARIANT_STATUS,
    Derived.LOGEMENTS_RETENUS,
    Derived.LOGEMENTS_ORIGINE,
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
    columns = [column for column in EXPORT_COLUMNS if column in frame.columns]
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False):
        writer.writerow([neutralise(value) for value in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def file_name(*parts: str) -> str:
    """``coeur-de-ville_compiegne_2021``: lower case, no accents, safe on every system."""
    cleaned = [normalise(part).replace(" ", "-") for part in parts if part]
    return "_".join(["coeur-de-ville", *[c for c in cleaned if c]])
