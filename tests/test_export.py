"""The spreadsheet exports, read back: the workbook with openpyxl, and both CSVs and the workbook as
LibreOffice Calc opens them in French (headless ``soffice``, Debian's libreoffice-calc-nogui)."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS, Op
from dashboard.export import dictionary
from dashboard.export import tables as export
from dashboard.model import analysis
from dashboard.model.state import View
from dashboard.web.filters import FILTERS
from tests.conftest import REAL_DATA, REPO

VIEW = export.describe_view(
    place="Hauts-de-France",
    filters=[("Départements", ["Oise", "Aisne"]), ("Statuts", [])],
    year=2021,
    data_date="2026-11-26",
    sources=["Article un", "Article deux"],
)


@pytest.fixture(scope="module")
def frame():
    dataset = load_dataset(REAL_DATA, Report())
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2021), filters=FILTERS)
    shown = shown.copy()
    shown[Op.ADRESSE] = shown[Op.ADRESSE].astype("string")
    shown.loc["beauvais-rue-carnot", Op.ADRESSE] = '=HYPERLINK("http://evil")'
    return shown


def rows_by_id(sheet) -> tuple[list[str], dict[str, list]]:
    header, *body = [list(row) for row in sheet.iter_rows()]
    names = [cell.value for cell in header]
    return names, {row[0].value: row for row in body if row[0].value}


def test_the_workbook_has_typed_operations_the_view_and_the_dictionary(frame):
    book = openpyxl.load_workbook(io.BytesIO(export.operations_xlsx(frame, view=VIEW)))
    assert book.sheetnames == ["Opérations", "Vue", "Dictionnaire"]
    names, rows = rows_by_id(book["Opérations"])
    assert set(rows) == set(frame.index)
    amiens = rows["compiegne-rue-d-amiens"]
    cell = dict(zip(names, amiens, strict=True))
    assert (cell[Op.CODE_INSEE].value, cell[Op.CODE_INSEE].data_type) == ("60159", "s")
    assert rows["saint-quentin-rue-du-mail"][names.index(Op.CODE_INSEE)].value == "02691"
    assert (cell[Op.SURFACE_M2].value, cell[Op.SURFACE_M2].data_type) == (3395, "n")
    mail = dict(zip(names, rows["saint-quentin-rue-du-mail"], strict=True))
    assert (mail[Op.LOGEMENTS].value, mail[Op.LOGEMENTS].data_type) == (11, "n")
    assert (cell[Op.BUDGET_EUR].value, cell[Op.BUDGET_EUR].data_type) == (5_900_000, "n")
    assert cell[Op.LATITUDE].data_type == "n"
    assert (cell[Op.DEBUT_TRAVAUX].value, cell[Op.DEBUT_TRAVAUX].data_type) == ("2019-09", "s")  # partial
    assert cell[Op.COMMERCES].value is None  # unknown stays empty


def test_no_cell_of_the_workbook_is_a_formula(frame):
    book = openpyxl.load_workbook(io.BytesIO(export.operations_xlsx(frame, view=VIEW)))
    names, rows = rows_by_id(book["Opérations"])
    address = rows["beauvais-rue-carnot"][names.index(Op.ADRESSE)]
    assert (address.value, address.data_type) == ('=HYPERLINK("http://evil")', "s")
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)


def test_the_view_sheet_says_what_the_file_shows(frame):
    book = openpyxl.load_workbook(io.BytesIO(export.operations_xlsx(frame, view=VIEW)))
    view = {row[0]: row[1] for row in book["Vue"].iter_rows(values_only=True)}
    assert view["Périmètre"] == "Hauts-de-France"
    assert view["Filtres"] == "Départements : Aisne, Oise"
    assert view["Année"].startswith("2021") and view["Date des données"] == "2026-11-26"
    assert view["Sources"] == "Article un ; Article deux" and "Licence Ouverte" in view["Licence"]


def test_the_dictionary_sheet_describes_every_column_exported(frame):
    book = openpyxl.load_workbook(io.BytesIO(export.operations_xlsx(frame, view=VIEW)))
    header, *rows = book["Dictionnaire"].iter_rows(values_only=True)
    assert header == ("colonne", "type", "description")
    assert [row[0] for row in rows] == export.export_columns(frame)
    described = {row[0]: row for row in rows}
    assert described[Op.CODE_INSEE][1] == "texte" and "02691" in described[Op.CODE_INSEE][2]
    assert described[Op.LOGEMENTS][1] == "entier" and "`" not in described[Op.FINANCEMENTS][2]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (Op.LIVRAISON, "2021-03-15", datetime.date(2021, 3, 15)),
        (Op.LIVRAISON, "2021-03", "2021-03"),
        (Op.LIVRAISON, "2021", "2021"),
        (Op.LIVRAISON, "", None),
        (Op.CODE_INSEE, "02691", "02691"),
        (Op.BUDGET_EUR, 3.3e6, 3_300_000.0),
        (Op.LOGEMENTS, None, None),
    ],
)
def test_cells_are_typed_at_their_published_precision(column, value, expected):
    assert export.typed(column, value) == expected


def test_a_date_published_to_the_day_is_a_date_cell():
    assert isinstance(export.typed(Op.LIVRAISON, "2021-03-15"), datetime.date)


def test_the_tidy_csv_is_the_table_alone_with_quoted_text(frame):
    data = export.tidy_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith('"id";"programme";"commune";"code_insee"')
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    header = rows[0]
    amiens = next(row for row in rows if row[0] == "compiegne-rue-d-amiens")
    assert amiens[header.index(Op.CODE_INSEE)] == "60159" and amiens[header.index(Op.BUDGET_EUR)] == "5900000"
    line = next(line for line in lines if line.startswith('"compiegne-rue-d-amiens"'))
    assert ';"60159";' in line and ";3395;" in line  # text quoted, numbers bare
    beauvais = next(row for row in rows if row[0] == "beauvais-rue-carnot")
    assert beauvais[header.index(Op.ADRESSE)] == '\'=HYPERLINK("http://evil")'


def test_the_readme_contract_tables_are_the_dictionary():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Contract of `operations.csv`", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == dictionary.readme_rows()


def test_the_dictionary_covers_the_contract():
    assert dictionary.covered() == set(OPERATION_COLUMNS)
    assert [row[0] for row in dictionary.rows(derived=False)] == list(OPERATION_COLUMNS)


# --- LibreOffice Calc, French -------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice")
# CSV import options: separator ;  quote "  UTF-8  from line 1  no column types  French (1036)
FRENCH_CSV = "CSV:59,34,76,1,,1036"
# The same, with "Formater les champs entre guillemets comme texte" ticked.
FRENCH_CSV_QUOTED_AS_TEXT = FRENCH_CSV + ",true"


def calc(path: Path, tmp_path: Path, *, infilter: str | None = None, to: str = "xlsx") -> Path:
    """``path`` opened by LibreOffice Calc and saved as ``to`` (what a person sees after opening it)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice is missing: scripts/setup.sh --test installs libreoffice-calc-nogui")
    out = tmp_path / "calc"
    command = [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile"]
    if infilter:
        command.append(f"--infilter={infilter}")
    subprocess.run([*command, "--convert-to", to, "--outdir", str(out), str(path)], check=True, timeout=120)
    return out / f"{path.stem}.{to}"


def calc_rows(path: Path) -> tuple[list[str], dict[str, list]]:
    """The first sheet's cells as Calc computed them, rows by operation id (preamble lines skipped)."""
    sheet = openpyxl.load_workbook(path, data_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row[0].value == "id")
    names = [cell.value for cell in rows[at]]
    return names, {row[0].value: row for row in rows[at + 1 :] if row[0].value}


def assert_kept(names: list[str], rows: dict[str, list]) -> None:
    code = rows["saint-quentin-rue-du-mail"][names.index(Op.CODE_INSEE)]
    assert (code.value, code.data_type) == ("02691", "s")
    amiens = rows["compiegne-rue-d-amiens"]
    assert amiens[names.index(Op.SURFACE_M2)].value == 3395
    assert amiens[names.index(Op.BUDGET_EUR)].value == 5_900_000
    assert amiens[names.index(Op.LATITUDE)].data_type == "n"
    assert rows["arras-rue-diderot"][names.index(Op.LIVRAISON)].value == "2023"  # a year stays text
    address = rows["beauvais-rue-carnot"][names.index(Op.ADRESSE)]
    assert address.data_type == "s" and "HYPERLINK" in address.value


@pytest.mark.slow  # LibreOffice starts for each
def test_calc_opens_the_csv_with_its_codes_and_numbers(frame, tmp_path):
    source = tmp_path / "vue.csv"
    source.write_bytes(export.operations_csv(frame, header_lines=export.preamble(VIEW)))
    assert_kept(*calc_rows(calc(source, tmp_path, infilter=FRENCH_CSV)))


@pytest.mark.slow  # LibreOffice starts for each
def test_calc_opens_the_tidy_csv_with_its_codes_and_numbers_when_quoted_fields_are_text(frame, tmp_path):
    source = tmp_path / "tableau.csv"
    source.write_bytes(export.tidy_csv(frame))
    names, rows = calc_rows(calc(source, tmp_path, infilter=FRENCH_CSV_QUOTED_AS_TEXT))
    code = rows["saint-quentin-rue-du-mail"][names.index(Op.CODE_INSEE)]
    assert (code.value, code.data_type) == ("02691", "s")
    assert rows["compiegne-rue-d-amiens"][names.index(Op.BUDGET_EUR)].value == 5_900_000


@pytest.mark.slow  # LibreOffice starts for each
def test_calc_keeps_the_workbooks_codes_as_text(frame, tmp_path):
    source = tmp_path / "vue.xlsx"
    source.write_bytes(export.operations_xlsx(frame, view=VIEW))
    saved = calc(calc(source, tmp_path, to="ods"), tmp_path / "again", to="xlsx")  # opened, saved, reopened
    names, rows = calc_rows(saved)
    code = rows["saint-quentin-rue-du-mail"][names.index(Op.CODE_INSEE)]
    assert (code.value, code.data_type) == ("02691", "s")
    assert rows["compiegne-rue-d-amiens"][names.index(Op.SURFACE_M2)].value == 3395


def test_the_exports_carry_the_range_and_how_each_state_is_known(frame):
    body, _ = export.build("tidy", frame, VIEW)
    rows = {row[Op.ID]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")}
    acary = rows["compiegne-rue-d-amiens"]
    assert (acary["logements_retenus"], acary["logements_max"], acary["logements_origine"]) == (
        "39",
        "55",
        "fourchette",
    )
    assert (acary["statut"], acary["certitude"]) == ("livraison constatée", "constaté")
    assert acary["etat_en_mots"] == "livrée le 1er décembre 2021 (emménagement, date déduite)"
    arras = rows["arras-rue-diderot"]
    assert (arras["statut"], arras["certitude"]) == ("annoncée", "prévu")
    assert arras["etat_en_mots"] == "annoncée le 8 janvier 2020, livraison prévue en 2023"
    # no published number of dwellings: empty, never a total computed from room types
    assert rows["saint-quentin-marechal-juin-residence-etudiante"]["logements_retenus"] == ""
    assert rows["amiens-zac-gare-la-vallee"]["certitude"] == "constaté"
