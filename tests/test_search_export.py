"""Commune search and CSV export, as pure functions."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.places import normalise
from dashboard.data.report import Report
from dashboard.data.schema import Op
from dashboard.export.tables import file_name, neutralise, operations_csv
from dashboard.model import analysis
from dashboard.model.search import CommuneIndex
from dashboard.model.state import View
from dashboard.web.filters import FILTERS
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(REAL_DATA, Report())


@pytest.fixture(scope="module")
def index(dataset):
    counts = dataset.operations[Op.CODE_INSEE].value_counts()
    return CommuneIndex(dataset.communes, {"02": "Aisne", "60": "Oise"}, counts)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("chateau thierry", "02168"),
        ("Château-Thierry", "02168"),
        ("CHATEAU-THIERRY", "02168"),
        ("02168", "02168"),
        ("compiegne", "60159"),
        ("saint quentin", "02691"),
        ("Saint-Quentin", "02691"),
        ("senlis", "60612"),  # the Oise one, which has operations, before the Pas-de-Calais one
        ("60612", "60612"),
        ("liévin", "62510"),
    ],
)
def test_search_finds_communes_whatever_the_accents_case_and_hyphens(index, query, code):
    assert index.search(query)[0].code == code


def test_search_returns_nothing_for_nothing(index):
    assert index.search("") == [] and index.search("   ") == [] and index.search("zzzzqx") == []


def test_search_is_bounded(index):
    assert len(index.search("a")) == 8


def test_normalise_folds_accents_and_punctuation():
    assert normalise("  L'Île-d’Yeu ") == "l ile d yeu"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Rue Carnot", "Rue Carnot"),
        ("-3", "-3"),
        (2.5, "2,5"),
        (None, ""),
        (pd.NA, ""),
    ],
)
def test_cells_that_could_run_as_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_the_csv_opens_in_a_french_spreadsheet_with_the_view_on_top(dataset):
    frame = analysis.filter_operations(
        dataset.operations, dataset.mix, View(2021, {"departements": ("60",)}), filters=FILTERS
    )
    data = operations_csv(frame, header_lines=["Filtres : département Oise", "Situation fin 2021"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    assert rows[0] == ["Filtres : département Oise"] and rows[1] == ["Situation fin 2021"] and rows[2] == []
    header = rows[3]
    assert header[:3] == ["id", "programme", "commune"]
    ids = {row[0] for row in rows[4:]}
    assert ids == set(frame.index)
    beauvais = next(row for row in rows[4:] if row[0] == "beauvais-rue-carnot")
    assert beauvais[header.index("longitude")] == "2,084133"


def test_file_names_say_what_they_show():
    assert file_name("Compiègne", "2021") == "coeur-de-ville_compiegne_2021"
    assert file_name("carte", "Château-Thierry", "2020") == "coeur-de-ville_carte_chateau-thierry_2020"
