"""Status at a year as the sources support it: reported, forecast or unknown; ranges of dwellings."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.parsing import parse_date
from dashboard.data.report import Report
from dashboard.data.schema import PROGRAMME_ACV, Derived, Op
from dashboard.model import analysis
from dashboard.model.analysis import CERTAINTY, STATUS, VARIANT_CERTAINTY, VARIANT_STATUS, Range
from dashboard.model.chronology import Chrono, chronology
from dashboard.model.state import View
from dashboard.web.filters import FILTERS
from tests.conftest import REAL_DATA

DELIVERED, UNDER_WAY, ANNOUNCED, UNKNOWN = "livrée", "en travaux", "annoncée", "inconnue"
REPORTED, FORECAST, NOT_KNOWN = "constaté", "prévu", "inconnu"
PUBLISHED_2020 = datetime.date(2020, 5, 4)


def frame(*rows: tuple[str, str, dict], published: datetime.date = PUBLISHED_2020) -> pd.DataFrame:
    """Operations with the dataset's parsed columns: start, delivery, other passage's dates, source date."""
    ids = [f"op-{n}" for n in range(len(rows))]

    def date(text: str):
        return parse_date(text) if text else None

    columns = {
        Derived.DEBUT: [date(r[0]) for r in rows],
        Derived.FIN: [date(r[1]) for r in rows],
        Derived.VARIANTES: [{k: parse_date(v) for k, v in r[2].items()} for r in rows],
        Derived.SOURCE_DATE: [published] * len(rows),
        Derived.SOURCE_LABEL: [str(published.year)] * len(rows),
    }
    return pd.DataFrame(columns, index=ids)


# (start, delivery, other passage, year) → (status, certainty), for a source published on 4 May 2020.
@pytest.mark.parametrize(
    ("start", "delivery", "variants", "year", "state"),
    [
        ("", "", {}, 2019, (UNKNOWN, NOT_KNOWN)),  # before the source: nothing is known
        ("", "", {}, 2020, (ANNOUNCED, REPORTED)),  # announced by the source of that year
        ("", "", {}, 2021, (ANNOUNCED, NOT_KNOWN)),  # « pas d'information plus récente »
        ("2019-09", "", {}, 2019, (UNDER_WAY, REPORTED)),  # said later by the source
        ("2019-09", "", {}, 2018, (UNKNOWN, NOT_KNOWN)),
        ("2020-02", "", {}, 2020, (UNDER_WAY, REPORTED)),
        ("2020-02", "", {}, 2026, (UNDER_WAY, NOT_KNOWN)),  # not « en travaux » as a fact in 2026
        ("2020", "", {}, 2020, (UNDER_WAY, FORECAST)),  # « Démarrage travaux : 2020 » in a May 2020 list
        ("2021", "", {}, 2021, (UNDER_WAY, FORECAST)),
        ("2021", "", {}, 2022, (UNDER_WAY, NOT_KNOWN)),  # a planned start long past, nothing after it
        ("2021", "", {}, 2020, (ANNOUNCED, REPORTED)),
        ("", "2023", {}, 2022, (ANNOUNCED, FORECAST)),  # announced, delivery planned later
        ("", "2023", {}, 2023, (DELIVERED, FORECAST)),  # never « livrée » as a fact
        ("", "2023", {}, 2027, (DELIVERED, FORECAST)),
        ("", "2020", {}, 2020, (DELIVERED, FORECAST)),
        ("2019-09", "2021", {}, 2020, (UNDER_WAY, REPORTED)),  # the source's own year: as it says
        ("2019-09", "2022", {}, 2021, (UNDER_WAY, FORECAST)),  # started, delivery planned later
        ("2019-09", "2020", {}, 2020, (DELIVERED, FORECAST)),
        ("2019", "2020-03", {}, 2020, (DELIVERED, REPORTED)),  # delivered before the source was published
        ("2019", "2020-03", {}, 2019, (UNDER_WAY, REPORTED)),
    ],
)
def test_state_at_the_end_of_a_year(start, delivery, variants, year, state):
    shown = analysis.with_status(frame((start, delivery, variants)), year)
    assert (shown[STATUS].iloc[0], shown[CERTAINTY].iloc[0]) == state


@pytest.mark.parametrize(
    ("start", "delivery", "variants", "year", "other"),
    [
        ("2019-09", "2020", {Op.LIVRAISON: "2021"}, 2020, (UNDER_WAY, REPORTED)),
        ("2019-09", "2020", {Op.LIVRAISON: "2021"}, 2021, None),  # both delivered (forecast) by then
        ("", "2022", {Op.DEBUT_TRAVAUX: "2020"}, 2020, (UNDER_WAY, FORECAST)),
        ("2019", "2021", {}, 2020, None),
    ],
)
def test_another_passage_s_date_gives_its_own_state_where_it_differs(start, delivery, variants, year, other):
    shown = analysis.with_status(frame((start, delivery, variants)), year)
    found = (shown[VARIANT_STATUS].iloc[0], shown[VARIANT_CERTAINTY].iloc[0])
    assert (None if pd.isna(found[0]) else found) == other


def test_a_later_source_turns_a_plan_into_a_fact():
    """Staff entering dates from a 2026 source: the same code shows them as reported."""
    planned = analysis.with_status(frame(("", "2023", {})), 2024)
    confirmed = analysis.with_status(frame(("", "2023", {}), published=datetime.date(2026, 3, 1)), 2024)
    assert planned[CERTAINTY].iloc[0] == FORECAST
    assert (confirmed[STATUS].iloc[0], confirmed[CERTAINTY].iloc[0]) == (DELIVERED, REPORTED)


def test_the_chronology_of_the_whole_dataset_serves_any_subset_of_it():
    operations = frame(("2019", "2021", {}), ("", "", {}), ("2018", "2020", {Op.LIVRAISON: "2022"}))
    years = chronology(operations)
    subset = operations.iloc[[2, 0]]
    assert list(analysis.status_at(subset, 2020, years=years)) == [DELIVERED, UNDER_WAY]
    assert list(years[Chrono.DATED]) == [True, False, True]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(REAL_DATA, Report())


A, U, D, X = ANNOUNCED, UNDER_WAY, DELIVERED, UNKNOWN
R, F, N = REPORTED, FORECAST, NOT_KNOWN
# Every shipped operation, 2018 to 2027: what the two articles (2020 and 2022) let us say.
SHIPPED = {
    #                                           2018    2019    2020    2021    2022    2023    2024…2027
    "arras-rue-diderot": [(X, N), (X, N), (A, R), (A, F), (A, F), (D, F), (D, F)],
    "cambrai-rue-neuve-des-capucins": [(X, N), (X, N), (A, R), (A, F), (D, F), (D, F), (D, F)],
    "cambrai-rue-de-sellen": [(X, N), (X, N), (A, R), (A, N), (A, N), (A, N), (A, N)],
    "beauvais-rue-carnot": [(X, N), (X, N), (A, R), (A, F), (D, F), (D, F), (D, F)],
    "saint-quentin-rue-de-la-sous-prefecture": [(X, N), (X, N), (D, F), (D, F), (D, F), (D, F), (D, F)],
    "saint-quentin-rue-du-mail": [(X, N), (X, N), (A, R), (A, N), (A, N), (A, N), (A, N)],
    "senlis-avenue-de-bismont": [(X, N), (X, N), (A, R), (U, F), (U, N), (U, N), (U, N)],
    "senlis-quartier-ordener": [(X, N), (X, N), (A, R), (D, F), (D, F), (D, F), (D, F)],
    "compiegne-quai-des-roses": [(X, N), (X, N), (U, F), (U, N), (U, N), (U, N), (U, N)],
    "compiegne-rue-d-amiens": [(X, N), (U, R), (D, F), (D, F), (D, F), (D, F), (D, F)],
    "soissons-rue-saint-christophe": [(X, N), (X, N), (U, R), (U, N), (U, N), (U, N), (U, N)],
    "saint-quentin-friche-marechal-juin": [(X, N), (X, N), (X, N), (X, N), (A, R), (A, N), (A, N)],
    "amiens-zac-gare-la-vallee": [(X, N), (X, N), (X, N), (D, R), (D, R), (D, R), (D, R)],
}
YEARS = range(2018, 2028)


def expected(op_id: str, year: int) -> tuple[str, str]:
    states = SHIPPED[op_id]
    return states[min(year - 2018, len(states) - 1)]


@pytest.mark.parametrize("year", YEARS)
def test_each_shipped_operation_says_only_what_the_sources_support(dataset, year):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=year), filters=FILTERS)
    found = {op_id: (s, c) for op_id, s, c in zip(shown.index, shown[STATUS], shown[CERTAINTY], strict=True)}
    assert found == {op_id: expected(op_id, year) for op_id in SHIPPED}


def acv(dataset, year: int) -> analysis.KeyFigures:
    view = View(year=year, selected={"programmes": (PROGRAMME_ACV,)})
    return analysis.key_figures(
        analysis.filter_operations(dataset.operations, dataset.mix, view, filters=FILTERS)
    )


def test_the_programme_s_dwellings_are_a_range_computed_by_hand(dataset):
    # 89 + 11 + 11 + 18 + 5 + 11 + 50 + (64 à 109) + (30 à 32) + (39 à 55) + 16
    figures = acv(dataset, 2022)
    assert figures.operations == 11
    assert figures.dwellings_range == Range(344, 407)
    assert figures.dwellings_ambiguous == 3


@pytest.mark.parametrize(
    ("year", "state", "operations", "dwellings"),
    [
        (2019, (U, R), 1, Range(39, 55)),  # Square Acary, started September 2019
        (2020, (A, R), 7, Range(254, 299)),  # 89 + 11 + 11 + 18 + 11 + 50 + (64 à 109)
        (2020, (D, F), 2, Range(44, 60)),  # Sous-Préfecture 5 + Square Acary 39 à 55
        (2022, (D, F), 5, Range(137, 198)),  # 11 + 18 + 5 + (64 à 109) + (39 à 55)
        (2022, (D, R), 0, Range(0, 0)),  # no delivery of the programme is reported by any source
        (2026, (U, N), 3, Range(96, 98)),  # Bismont 50, Quai des Roses 30 à 32, Croix d'Or 16
    ],
)
def test_key_figures_by_state_match_hand_computed_ranges(dataset, year, state, operations, dwellings):
    figures = acv(dataset, year)
    assert figures.operations_in(*state) == operations
    assert figures.dwellings_in(*state) == dwellings


def test_an_open_ended_reading_makes_the_total_open_ended(dataset):
    view = View(year=2022)
    figures = analysis.key_figures(
        analysis.filter_operations(dataset.operations, dataset.mix, view, filters=FILTERS)
    )
    assert figures.dwellings_range.high is None  # the Friche: at least 74 dwellings
    assert figures.dwellings_range.low == 344 + 74 + 46


def test_the_financing_chart_s_gaps_name_their_operations(dataset):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2022), filters=FILTERS)
    gaps = {gap.operation: (gap.mix_total, gap.dwellings) for gap in analysis.mix_gaps(shown, dataset.mix)}
    assert gaps == {
        "compiegne-quai-des-roses": (32, Range(30, 32)),
        "compiegne-rue-d-amiens": (55, Range(39, 55)),
        "senlis-quartier-ordener": (109, Range(64, 109)),
    }


@pytest.mark.parametrize(
    ("op_id", "year", "words"),
    [
        ("arras-rue-diderot", 2026, "livraison prévue en 2023 (annoncée en 2020)"),
        (
            "soissons-rue-saint-christophe",
            2026,
            "travaux démarrés en février 2020 — pas d'information plus récente",
        ),
        ("amiens-zac-gare-la-vallee", 2022, "livrée en novembre 2021"),
        ("compiegne-rue-d-amiens", 2019, "en travaux depuis septembre 2019"),
        ("saint-quentin-friche-marechal-juin", 2020, "pas encore publiée à cette date (source : 2022)"),
        ("cambrai-rue-de-sellen", 2024, "annoncée en 2020 — pas d'information plus récente"),
    ],
)
def test_each_state_is_said_in_words_that_say_how_it_is_known(dataset, op_id, year, words):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=year), filters=FILTERS)
    assert analysis.phrases(shown)[op_id] == words
