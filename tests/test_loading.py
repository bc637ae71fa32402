"""Reading, validating and joining: spreadsheet variants, every problem with its line and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS, Op
from dashboard.data.validate import _check_schema
from tests.conftest import HEADER, REAL_DATA, ROWS, write_world


def load(folder: Path) -> tuple[object, Report]:
    report = Report()
    return load_dataset(folder, report), report


def test_a_spreadsheet_save_gives_the_same_dataset(real_data_copy):
    original, _ = load(REAL_DATA)
    text = (REAL_DATA / "operations.csv").read_text(encoding="utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        [
            [cell.replace(".", ",") if cell.replace(".", "").isdigit() else cell for cell in row]
            for row in rows
        ]
    )
    (real_data_copy / "operations.csv").write_bytes(out.getvalue().encode("cp1252"))
    variant, report = load(real_data_copy)
    assert report.ok, report.render()
    assert variant.operations.equals(original.operations)
    assert variant.mix.equals(original.mix)


def test_a_utf8_file_with_bom_is_read(world):
    path = world / "operations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    dataset, report = load(world)
    assert report.ok, report.render()
    assert list(dataset.operations[Op.ID]) == ["sq-un", "co-deux", "am-trois"]


def test_unknown_insee_code_is_reported_with_its_line(tmp_path):
    folder = write_world(tmp_path, [ROWS[0], ROWS[1].replace("60159", "60999")])
    _, report = load(folder)
    assert [str(issue) for issue in report.errors] == [
        "operations.csv:3: code_insee: « 60999 » : code INSEE inconnu parmi les communes du périmètre "
        "(départements 02, 60, 80)"
    ]


def test_a_code_that_lost_its_leading_zero_gets_a_hint(tmp_path):
    folder = write_world(tmp_path, [ROWS[0].replace(",02691,", ",2691,")])
    _, report = load(folder)
    assert [str(issue) for issue in report.errors] == [
        "operations.csv:2: code_insee: « 2691 » : code INSEE sur 4 chiffres, zéro initial perdu ?"
        " attendu « 02691 »"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    rows = [
        ROWS[0].replace(",11,11 PLI,", ",-3,11 PLX,"),
        ROWS[1].replace("co-deux", "sq-un").replace(",2020,", ",2020-13,"),
        ROWS[2].replace("hors ACV", "ANRU"),
    ]
    _, report = load(write_world(tmp_path, rows))
    places = {(issue.line, issue.column) for issue in report.errors}
    assert places >= {
        (2, "logements"),
        (2, "financements"),
        (3, "id"),
        (3, "debut_travaux"),
        (4, "programme"),
    }


def test_a_point_outside_its_commune_is_an_error(tmp_path):
    _, report = load(write_world(tmp_path, [ROWS[2].replace(",2.5,0.5,", ",0.5,0.5,")]))
    assert [str(i) for i in report.errors] == [
        "operations.csv:2: longitude: le point (0.5, 0.5) n'est pas dans la commune 80021"
    ]


def test_a_commune_name_that_does_not_match_its_code_is_an_error(tmp_path):
    _, report = load(write_world(tmp_path, [ROWS[0].replace("Saint-Quentin", "Soissons")]))
    assert "ne correspond pas au code 02691, qui est « Saint-Quentin »" in report.errors[0].message


def test_names_match_regardless_of_case_and_accents(tmp_path):
    _, report = load(write_world(tmp_path, [ROWS[1].replace("Compiègne", "COMPIEGNE")]))
    assert report.ok


def test_missing_positions_are_placed_inside_the_commune(world):
    dataset, _ = load(world)
    row = dataset.operations.loc["sq-un"]
    assert 0 < row[Op.LONGITUDE] < 1 and 0 < row[Op.LATITUDE] < 1
    assert row[Op.PRECISION_GEO] == "commune"


def test_a_missing_column_is_named(tmp_path):
    folder = write_world(tmp_path)
    path = folder / "operations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("code_insee", "insee"), encoding="utf-8")
    _, report = load(folder)
    assert "operations.csv:1: code_insee: colonne obligatoire absente de l'en-tête" in [
        str(i) for i in report.errors
    ]


def test_check_exits_0_on_the_shipped_file_and_lists_conflicts(capsys):
    assert main(["check", str(REAL_DATA / "operations.csv")]) == 0
    out = capsys.readouterr().out
    assert "0 erreur(s)" in out and "avertissement" in out and "compiegne-rue-d-amiens" in out


def test_check_exits_1_on_a_damaged_copy_and_never_writes_it(real_data_copy, capsys):
    path = real_data_copy / "operations.csv"
    text = path.read_text(encoding="utf-8").replace(",89,,89 PLAI,", ",quatre-vingt-neuf,,89 PLAI,")
    path.write_text(text.replace("2022-", "2022-"), encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["check", str(path), "--data-dir", str(real_data_copy)]) == 1
    out = capsys.readouterr().out
    assert "operations.csv:2: logements: « quatre-vingt-neuf » n'est pas un nombre entier" in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_an_empty_file_says_so(world):
    (world / "operations.csv").write_text("", encoding="utf-8")
    _, report = load(world)
    assert "fichier vide" in str(report.errors[0])


@pytest.mark.parametrize("separator", [",", ";"])
def test_header_only_loads_an_empty_dataset(world, separator):
    (world / "operations.csv").write_text(HEADER.replace(",", separator) + "\n", encoding="utf-8")
    dataset, report = load(world)
    assert report.ok and dataset.operations.empty


def _schema_issues(logements) -> list[str]:
    lines = pd.Index([2, 3], name="ligne")
    frame = pd.DataFrame(
        {column: pd.Series(["", ""], dtype="string", index=lines) for column in OPERATION_COLUMNS}
    )
    frame[[Op.ID, Op.PROGRAMME, Op.COMMUNE, Op.CODE_INSEE, Op.SOURCE]] = ["a", "ACV", "Amiens", "80021", "s1"]
    frame[Op.LOGEMENTS] = logements
    report = Report()
    _check_schema(frame, "operations.csv", report)
    return [str(issue) for issue in report.issues]


def test_a_column_wide_schema_failure_names_no_line():
    text_of_another_storage = pd.Series(["1", ""], dtype="string[python]", index=pd.Index([2, 3]))
    assert _schema_issues(text_of_another_storage) == [
        "operations.csv: logements: type de colonne « string » inattendu : attendu du texte"
    ]


def test_a_cell_that_is_not_text_is_named_with_its_line():
    assert _schema_issues([1.0, float("nan")]) == ["operations.csv:2: logements: « 1.0 » : attendu du texte"]
