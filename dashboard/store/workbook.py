"""The staff's workbook: the current tables as an XLSX to download (one sheet per table, a sheet explaining
each column, dropdowns from the vocabularies, every cell as text), and an uploaded XLSX or CSV read back into
CSV files, refusing what a spreadsheet should never bring (macros, entities, zip bombs, formulas, merged
cells, dates Excel made up, codes that lost their leading zero).

Cells are read as values, never evaluated. What is wrong is said as a ``Located`` issue: sheet, row, column
letter, value, what was expected.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dashboard.data import dataset as ds
from dashboard.data.schema import DATE_COLUMNS, NATURES, PRECISIONS, PROGRAMMES, Op, Src
from dashboard.export.dictionary import rows as operation_dictionary
from dashboard.store.tables import Cells, Files, cells_of, sheet_name, to_csv

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # also nginx's client_max_body_size for /gestion/
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what the workbook's parts may hold once unzipped, together
MAX_RATIO = 200  # unzipped / zipped of one part: past this on a large part, a zip bomb
MAX_PARTS = 2_000
DICTIONARY_SHEET = "colonnes"
CODE_COLUMNS = frozenset({Op.CODE_INSEE})  # text codes a spreadsheet turns into numbers
DAY_COLUMNS = frozenset({Src.DATE_MIN, Src.DATE_MAX})  # days by contract: a date cell is that day
PARTIAL_DATE_COLUMNS = frozenset(DATE_COLUMNS)  # « 2022 », « 2022-03 » or a day: a date cell invents a day
VOCABULARIES: dict[str, tuple[str, ...]] = {
    Op.PROGRAMME: PROGRAMMES,
    Op.NATURE: NATURES,
    Op.PRECISION_GEO: PRECISIONS,
}
OTHER_COLUMNS = {  # the other tables' columns, in French, for the dictionary sheet
    "source": "identifiant de la source (voir la feuille sources)",
    "titre": "titre de la publication",
    "editeur": "qui l'a publiée",
    "date": "date de publication telle qu'on la dit (« 2020 »)",
    "date_min": "premier jour où elle a pu être publiée (AAAA-MM-JJ)",
    "date_max": "dernier jour où elle a pu être publiée (AAAA-MM-JJ)",
    "base_date": "sur quoi reposent ces dates, en mots",
    "fichier_origine": "fichier d'origine de la source",
    "indicateur": "identifiant stable du chiffre",
    "libelle": "libellé affiché",
    "valeur": "valeur publiée (nombre)",
    "unite": "unité",
    "perimetre": "périmètre du chiffre",
    "citation": "passage de la source qui le dit",
    "remarque": "réserve affichée à côté du chiffre",
    "remarques": "remarques",
    "code_insee": "code INSEE à 5 caractères, en texte (« 02691 »)",
    "commune": "nom officiel de la commune",
}
MACRO_TYPES = (b"macroEnabled", b"vbaProject")
MACROS = "classeur avec macros refusé : l'enregistrer en « Classeur Excel (.xlsx) »"
ENTITIES = "classeur contenant des déclarations XML (entités) refusé : l'enregistrer de nouveau en .xlsx"
BOMB = "refusé (bombe de décompression ?)"
AS_TEXT = "(format de cellule Texte)"


@dataclass(frozen=True)
class Located:
    """One problem, where a person finds it in what they uploaded."""

    sheet: str
    row: int | None
    letter: str | None
    column: str | None
    message: str
    severity: str = "erreur"

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def place(self) -> str:
        parts = [f"feuille « {self.sheet} »"]
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.letter:
            parts.append(f"colonne {self.letter}" + (f" ({self.column})" if self.column else ""))
        elif self.column:
            parts.append(f"colonne {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        prefix = "" if self.severity == "erreur" else "avertissement : "
        return f"{self.place} : {prefix}{self.message}"


@dataclass
class Sheet:
    """A table read from an upload: its CSV, and where each CSV line and column came from."""

    name: str  # the sheet (or file) as the person sees it
    body: bytes
    rows: dict[int, int] = field(default_factory=dict)  # CSV line -> sheet row
    letters: dict[str, str] = field(default_factory=dict)  # column -> letter


@dataclass
class Upload:
    """The tables read from an upload (by CSV file name) and what made it unreadable or suspicious."""

    sheets: dict[str, Sheet] = field(default_factory=dict)
    issues: list[Located] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(issue.severity == "erreur" for issue in self.issues)

    def refuse(self, sheet: str, message: str, row: int | None = None, letter: str | None = None) -> None:
        self.issues.append(Located(sheet, row, letter, None, message))


# Writing


def to_workbook(files: Files, names: tuple[str, ...]) -> bytes:
    """The tables ``names`` of ``files`` as an XLSX, every cell text, with the dictionary sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    described: list[tuple[str, str, str, str]] = []
    for name in names:
        cells = cells_of(files[name], name)
        sheet = book.create_sheet(sheet_name(name))
        _write_table(sheet, cells)
        described += [
            (sheet.title, get_column_letter(i + 1), c, _describe(name, c)) for i, c in enumerate(cells.header)
        ]
    _write_dictionary(book.create_sheet(DICTIONARY_SHEET), described)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_table(sheet: openpyxl.worksheet.worksheet.Worksheet, cells: Cells) -> None:
    """The header in bold, then the rows; every column formatted as text, so that a code typed later stays
    text. A style per cell would cost most of the time (10,000 operations: ~40 s), a style per column none."""
    bold = Font(bold=True)
    sheet.append(cells.header)
    for cell in sheet[1]:
        cell.font = bold
    for row in cells.rows:
        sheet.append(row)
        if any(value.startswith("=") for value in row):
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a text that looks like a formula stays a text
    for position, column in enumerate(cells.header, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = 14 if column not in ("description", "citation") else 40
        values = VOCABULARIES.get(column)
        if values and len(",".join(values)) < 250:  # Excel's limit on a list written in the rule
            rule = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
            rule.error = f"Attendu l'une des valeurs : {' ; '.join(values)}"
            rule.errorTitle = "Valeur hors vocabulaire"
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{max(len(cells.rows) + 500, 1000)}")
    sheet.freeze_panes = "A2"


def _describe(file: str, column: str) -> str:
    if file == ds.OPERATIONS_FILE:
        for name, kind, text in operation_dictionary(derived=False):
            if name == column:
                return f"{text} ({kind})"
    return OTHER_COLUMNS.get(column, "")


def _write_dictionary(sheet: openpyxl.worksheet.worksheet.Worksheet, described: list) -> None:
    sheet.append(["feuille", "colonne", "nom", "explication"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in described:
        sheet.append(list(row))
    sheet.column_dimensions["D"].width = 100


# Reading


def read_upload(filename: str, raw: bytes, expected: tuple[str, ...]) -> Upload:
    """The tables of an uploaded XLSX (sheets named as ``expected`` files) or CSV (named as one of them)."""
    upload = Upload()
    lower = filename.lower()
    if len(raw) > MAX_UPLOAD_BYTES:
        upload.refuse(filename, f"fichier trop gros ({len(raw)} octets) : au plus {MAX_UPLOAD_BYTES} octets")
    elif lower.endswith((".xlsm", ".xltm", ".xlsb")):
        upload.refuse(filename, MACROS)
    elif lower.endswith(".csv"):
        _read_csv(filename, raw, expected, upload)
    elif lower.endswith(".xlsx") or raw.startswith(b"PK\x03\x04"):
        _read_xlsx(filename, raw, expected, upload)
    elif lower.endswith((".xls", ".ods")):
        upload.refuse(
            filename, "format non pris en charge : l'enregistrer en « Classeur Excel (.xlsx) » ou en CSV"
        )
    else:
        upload.refuse(filename, "fichier non reconnu : attendu le classeur .xlsx téléchargé ici, ou un CSV")
    return upload


def _read_csv(filename: str, raw: bytes, expected: tuple[str, ...], upload: Upload) -> None:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if base not in expected:
        wanted = " ; ".join(expected)
        upload.refuse(base, f"fichier CSV inconnu : le nommer comme la table qu'il remplace ({wanted})")
        return
    cells = cells_of(raw, base)
    letters = {column: get_column_letter(i + 1) for i, column in enumerate(cells.header)}
    upload.sheets[base] = Sheet(base, raw, {line: line for line in cells.lines}, letters)


def _zip_refusal(raw: bytes) -> str | None:
    """Why the XLSX's container must not be opened, if it must not."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        return "classeur illisible (archive .xlsx abîmée) : l'enregistrer de nouveau en .xlsx"
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return f"classeur de {len(parts)} parties : au plus {MAX_PARTS}"
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            unpacked = MAX_UNPACKED_BYTES // 1024 // 1024
            return f"classeur qui occuperait plus de {unpacked} Mo une fois décompressé : {BOMB}"
        for part in parts:
            if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                return f"partie « {part.filename[:60]} » compressée plus de {MAX_RATIO} fois : {BOMB}"
        names = [part.filename for part in parts]
        if any("vbaproject" in name.lower() for name in names):
            return MACROS
        try:
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        except (zipfile.BadZipFile, OSError, ValueError):
            return "classeur illisible (archive .xlsx abîmée) : l'enregistrer de nouveau en .xlsx"
        if any(marker in types for marker in MACRO_TYPES):
            return MACROS
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                with archive.open(part) as stream:
                    head = stream.read(4096).upper()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return ENTITIES
    return None


def _read_xlsx(filename: str, raw: bytes, expected: tuple[str, ...], upload: Upload) -> None:
    refusal = _zip_refusal(raw)
    if refusal:
        upload.refuse(filename, refusal)
        return
    try:
        # Read-only: cells streamed from the XML (three times faster at 10,000 rows); merged cells are read
        # from the sheet's XML, which read-only mode does not parse.
        book = openpyxl.load_workbook(
            io.BytesIO(raw), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except DefusedXmlException:
        upload.refuse(filename, ENTITIES)
        return
    except Exception:  # openpyxl raises many kinds on a damaged file; none must reach the person as a trace
        upload.refuse(filename, "classeur illisible : l'ouvrir puis l'enregistrer de nouveau en .xlsx")
        return
    by_sheet = {sheet_name(name): name for name in expected}
    for title in book.sheetnames:
        if title == DICTIONARY_SHEET:
            continue
        if title not in by_sheet:
            upload.issues.append(
                Located(title, None, None, None, "feuille inconnue, ignorée", "avertissement")
            )
            continue
        try:
            _read_sheet(book[title], by_sheet[title], upload)
        except DefusedXmlException:
            upload.refuse(title, ENTITIES)
        except Exception:  # a sheet's XML damaged past its first lines (read-only mode reads it here)
            upload.refuse(
                title, "feuille illisible : ouvrir le classeur puis l'enregistrer de nouveau en .xlsx"
            )
    book.close()
    for title in by_sheet:
        if title not in book.sheetnames:
            message = "feuille absente : cette table reste telle qu'elle est publiée"
            upload.issues.append(Located(title, None, None, None, message, "avertissement"))


MERGED = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged(sheet: Any) -> list[str]:
    """The merged areas of a read-only sheet, from its XML."""
    with sheet.parent._archive.open(sheet._worksheet_path) as stream:  # openpyxl's own handles
        return [ref.decode() for ref in MERGED.findall(stream.read())][:5]


def _read_sheet(sheet: Any, file: str, upload: Upload) -> None:
    title = sheet.title
    merged = _merged(sheet)
    if merged:
        upload.refuse(
            title, f"cellules fusionnées ({', '.join(merged)}) : les défusionner, une valeur par cellule"
        )
        return
    rows = sheet.iter_rows(min_row=1, min_col=1)
    first = next(rows, None)
    if first is None:
        upload.refuse(title, "feuille vide : attendu la ligne d'en-tête puis une ligne par enregistrement")
        return
    header = [_plain(cell.value).strip() for cell in first]
    while header and not header[-1]:
        header.pop()
    letters = {column: get_column_letter(i + 1) for i, column in enumerate(header) if column}
    table: list[list[str]] = []
    sheet_rows: list[int] = []
    for number, cells in enumerate(rows, start=2):
        values = [
            _value(cell, number, get_column_letter(position + 1), header[position], title, upload)
            for position, cell in enumerate(cells[: len(header)])
        ]
        values += [""] * (len(header) - len(values))
        extra = [(i, c) for i, c in enumerate(cells) if i >= len(header) and c.value not in (None, "")]
        if extra:
            position, cell = extra[0]
            message = f"valeur « {_plain(cell.value)[:40]} » dans une colonne sans nom d'en-tête"
            upload.refuse(title, message, number, get_column_letter(position + 1))
        if any(value.strip() for value in values):
            table.append(values)
            sheet_rows.append(number)
    body, lines = to_csv(header, table)
    upload.sheets[file] = Sheet(title, body, dict(zip(lines, sheet_rows, strict=True)), letters)


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _value(cell: Any, row: int, letter: str, column: str, title: str, upload: Upload) -> str:
    """The cell as the CSV's text, or an issue when the spreadsheet changed what was typed."""
    value = cell.value
    here = (title, row, letter, column)
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f":
        upload.issues.append(
            Located(*here, f"formule « {str(value)[:40]} » : les formules ne sont pas lues, saisir la valeur")
        )
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, datetime.datetime | datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if column in DAY_COLUMNS:
            return day.isoformat()
        if column in PARTIAL_DATE_COLUMNS:
            upload.issues.append(
                Located(
                    *here,
                    f"« {day.isoformat()} » : cellule au format date, le tableur a pu compléter le jour ; "
                    f"attendu du texte AAAA, AAAA-MM ou AAAA-MM-JJ à la précision publiée {AS_TEXT}",
                )
            )
            return ""
        return day.isoformat()
    if isinstance(value, int | float):
        text = _plain(value)
        if column in CODE_COLUMNS and len(text) < 5 and text.isdigit():
            upload.issues.append(
                Located(
                    *here,
                    f"« {text} » : code lu comme un nombre, zéro initial perdu ? "
                    f"attendu un code à 5 caractères en texte, par ex. « {text.zfill(5)} » {AS_TEXT}",
                )
            )
            return text
        if (
            column in PARTIAL_DATE_COLUMNS | DAY_COLUMNS
            and isinstance(value, int | float)
            and not 1000 <= value <= 9999
        ):
            try:
                shown = (datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))).isoformat()
            except OverflowError:
                shown = "?"
            upload.issues.append(
                Located(
                    *here,
                    f"« {text} » : numéro de série de date Excel (le {shown} ?) ; "
                    f"attendu du texte AAAA, AAAA-MM ou AAAA-MM-JJ {AS_TEXT}",
                )
            )
            return ""
        return text
    return _plain(value)
