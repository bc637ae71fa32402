"""Status at a year, from dates parsed once per dataset: the same answer as parsing each row."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import analysis
from dashboard.analysis import STATUS, VARIANT_STATUS, Years
from dashboard.dataset import load_dataset
from dashboard.filters import FILTERS
from dashboard.report import Report
from dashboard.schema import Op
from dashboard.state import View
from tests.conftest import REAL_DATA

DELIVERED, UNDER_WAY, ANNOUNCED = "livrée", "en travaux", "annoncée"


def frame(*rows: tuple[str, str, str]) -> pd.DataFrame:
    ids = [f"op-{n}" for n in range(len(rows))]
    columns = {
        Op.DEBUT_TRAVAUX: [r[0] for r in rows],
        Op.LIVRAISON: [r[1] for r in rows],
        Op.VARIANTES: [r[2] for r in rows],
    }
    return pd.DataFrame(columns, index=ids, dtype="string")


@pytest.mark.parametrize(
    ("start", "delivery", "variants", "status", "other"),
    [
        ("", "", "", ANNOUNCED, None),
        ("2019", "", "", UNDER_WAY, None),
        ("2020-12-31", "", "", UNDER_WAY, None),
        ("2019", "2020-06", "", DELIVERED, None),
        ("2019", "2021", "", UNDER_WAY, None),
        ("2019", "2021", "livraison=2020", UNDER_WAY, DELIVERED),
        ("2019", "2020", "livraison=2020-05", DELIVERED, None),  # same status: nothing to flag
        ("", "2022", "debut_travaux=2020", ANNOUNCED, UNDER_WAY),
        ("2019", "2021", "logements=12", UNDER_WAY, None),  # not a date
        ("2020", "", "debut_travaux=2022-13", UNDER_WAY, ANNOUNCED),  # an unreadable date is no date
        ("2019", "2021", "livraison=", UNDER_WAY, None),  # unreadable variants are ignored
    ],
)
def test_status_at_the_end_of_2020(start, delivery, variants, status, other):
    operations = frame((start, delivery, variants))
    shown = analysis.with_status(operations, 2020)
    assert shown[STATUS].iloc[0] == status
    assert (pd.isna(shown[VARIANT_STATUS].iloc[0]) and other is None) or shown[VARIANT_STATUS].iloc[
        0
    ] == other


def test_years_of_the_whole_dataset_serve_any_subset_of_it():
    operations = frame(("2019", "2021", ""), ("", "", ""), ("2018", "2020", "livraison=2022"))
    years = analysis.milestone_years(operations)
    subset = operations.iloc[[2, 0]]
    assert list(analysis.status_at(subset, 2020, years=years)) == [DELIVERED, UNDER_WAY]
    assert [None if pd.isna(v) else v for v in analysis.variant_status_at(subset, 2020, years=years)] == [
        UNDER_WAY,
        None,
    ]
    assert list(years[Years.DATED]) == [True, False, True]


def reference_status(text_start: str, text_delivery: str, year: int) -> str:
    """The rule of the README, one row at a time."""
    start, delivery = analysis.year_of(text_start), analysis.year_of(text_delivery)
    if delivery is not None and delivery <= year:
        return DELIVERED
    if start is not None and start <= year:
        return UNDER_WAY
    return ANNOUNCED


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(REAL_DATA, Report())


@pytest.mark.parametrize("year", range(2017, 2028))
def test_the_shipped_operations_get_the_status_of_the_rule(dataset, year):
    years = analysis.milestone_years(dataset.operations)
    shown = analysis.filter_operations(
        dataset.operations, dataset.mix, View(year=year), filters=FILTERS, years=years
    )
    expected = [
        reference_status(s, d, year)
        for s, d in zip(dataset.operations[Op.DEBUT_TRAVAUX], dataset.operations[Op.LIVRAISON], strict=True)
    ]
    assert list(shown[STATUS]) == expected
