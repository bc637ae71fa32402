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
from tests.conftest import REAL_DATA, in_states

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
# Every shipped operation, 2018 to 2027: what the sources (2016 to 2025, data/jalons.csv) let us say.
SHIPPED = {
    #                           2018    2019    2020    2021    2022    2023    2024    2025    2026…2027
    "arras-rue-diderot": [(X, N), (X, N), (A, R), (A, F), (A, F), (D, F)],
    "cambrai-rue-neuve-des-capucins": [(X, N), (X, N), (A, R), (A, F), (D, F)],
    "cambrai-rue-de-sellen": [(X, N), (X, N), (A, R), (A, N)],
    # a 2019 page (the town buys the old restaurant, attached by inference: no plan of works, nothing newer
    # at the end of 2019); the 2020 list's « Livraison : 2022 », due at the end of 2022; a March 2023 page
    # plans works from March 2023 and the delivery for the end of 2024 (from 2023: its page is out)
    "beauvais-rue-carnot": [(X, N), (A, N), (A, F), (A, F), (D, F), (U, F), (D, F)],
    "saint-quentin-rue-de-la-sous-prefecture": [(X, N), (X, N), (D, F)],
    "saint-quentin-rue-du-mail": [(X, N), (X, N), (A, R), (A, N)],
    "senlis-avenue-de-bismont": [(X, N), (X, N), (A, R), (U, F), (U, N)],
    # delivery announced for 2021 (2020), then 2022 (a page surely out by the end of 2022), then « d'ici
    # 2025 » (a page surely out only by the end of 2025): each year follows the forecast published by then
    "senlis-quartier-ordener": [(X, N), (X, N), (A, F), (D, F)],
    # first stone on 7 October 2022 (year inferred; a fact, whenever reported), opening announced for 2024
    # on a page surely out only by October 2024: in 2022 and 2023 no delivery plan was known yet
    "compiegne-quai-des-roses": [(X, N), (X, N), (A, R), (A, R), (U, N), (U, N), (D, F)],
    # works from September 2019; 39 households in on 1 December (2021 inferred): delivered, reported
    "compiegne-rue-d-amiens": [(X, N), (U, R), (U, R), (D, R)],
    # the town's 2016 page announces it; works from February 2020; inaugurated on 6 September 2022
    "soissons-rue-saint-christophe": [(A, R), (A, R), (U, R), (U, R), (D, R)],
    "amiens-zac-gare-la-vallee": [(X, N), (X, N), (X, N), (D, R)],
    # its sources are surely published only by the end of 2025 (both undated)
    "creil-bords-de-l-oise": [(X, N), (X, N), (X, N), (X, N), (X, N), (X, N), (X, N), (D, F)],
    "saint-quentin-marechal-juin-logements-collectifs": [(X, N)] * 4 + [(U, R), (U, R), (D, F)],
    "saint-quentin-marechal-juin-maisons-de-marianne": [(X, N)] * 4 + [(U, R), (U, R), (D, F)],
    # first stone (again) and works on 2 July 2024; students in from September 2025 (year inferred)
    "saint-quentin-marechal-juin-residence-etudiante": [(X, N)] * 4 + [(A, R), (A, R), (U, R), (D, R)],
    "senlis-allees-de-beauval": [(X, N)] * 7 + [(A, N)],
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
    # 89 + 11 + 11 + 18 + 5 + 11 + 50 + 109 + (30 à 32) + (39 à 55) + 16 + 42 (Creil)
    figures = acv(dataset, 2022)
    assert figures.operations == 12
    assert figures.dwellings_range == Range(431, 449)
    assert figures.dwellings_ambiguous == 2


@pytest.mark.parametrize(
    ("year", "state", "operations", "dwellings"),
    [
        (2019, (U, R), 1, Range(39, 55)),  # Square Acary, started September 2019
        (2019, (A, R), 1, Range(16, 16)),  # the Croix d'Or, announced by the town in 2016
        (2020, (A, R), 6, Range(202, 204)),  # Arras 89 + 11 + 11 + 11 + Bismont 50 + Quai des Roses 30 à 32
        (2020, (D, F), 1, Range(5, 5)),  # Sous-Préfecture: the only delivery planned for 2020
        (2020, (U, R), 2, Range(55, 71)),  # Square Acary 39 à 55, Croix d'Or 16 (February 2020)
        # Capucins 11 + Sous-Préfecture 5 + Beauvais 18 (2020 list: 2022) + Ordener 109 (its 2022 forecast)
        (2022, (D, F), 4, Range(143, 143)),
        (2022, (D, R), 2, Range(55, 71)),  # Square Acary (December 2021) 39 à 55 + Croix d'Or 16
        (2022, (A, R), 0, Range(0, 0)),  # Ordener's « d'ici 2025 » is not yet known at the end of 2022
        (2022, (U, N), 2, Range(80, 82)),  # Bismont 50 + Quai des Roses 30 à 32 (its 2024 plan not yet out)
        # Arras 89, Capucins 11, Beauvais 18, 5, Quai des Roses 30 à 32, Ordener 109 (its 2022 forecast)
        (2024, (D, F), 6, Range(262, 264)),
        (2024, (D, R), 2, Range(55, 71)),
        (2024, (U, N), 1, Range(50, 50)),  # Bismont: start planned for 2021, nothing since
        (2026, (D, F), 7, Range(304, 306)),  # 2024's five + Ordener 109 + Creil 42
        (2026, (D, R), 2, Range(55, 71)),
        (2026, (U, N), 1, Range(50, 50)),
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
    # ACV 431 à 449, Amiens 46, Maréchal Juin 44 + 30, les Allées de Beauval 46; the student residence has
    # no published number of dwellings (five capacities, no total): unknown, never « au moins »
    assert figures.dwellings_range == Range(431 + 46 + 44 + 30 + 46, 449 + 46 + 44 + 30 + 46)
    assert figures.dwellings_unknown == 1


def test_the_financing_chart_s_gaps_name_their_operations(dataset):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2022), filters=FILTERS)
    gaps = {gap.operation: (gap.mix_total, gap.dwellings) for gap in analysis.mix_gaps(shown, dataset.mix)}
    assert gaps == {
        "compiegne-quai-des-roses": (32, Range(30, 32)),
        "compiegne-rue-d-amiens": (55, Range(39, 55)),
    }


@pytest.mark.parametrize(
    ("op_id", "year", "words"),
    [
        ("arras-rue-diderot", 2026, "livraison prévue en 2023 (annoncée en 2020)"),
        ("soissons-rue-saint-christophe", 2026, "livrée le 6 septembre 2022 (inauguration)"),
        ("soissons-rue-saint-christophe", 2021, "en travaux depuis février 2020"),
        ("compiegne-rue-d-amiens", 2022, "livrée le 1er décembre 2021 (emménagement, date déduite)"),
        ("senlis-quartier-ordener", 2026, "livraison prévue en 2025 (annoncée en 2022–2025)"),
        (
            "compiegne-quai-des-roses",
            2022,
            "travaux démarrés le 7 octobre 2022 — pas d'information plus récente",
        ),
        ("compiegne-quai-des-roses", 2024, "livraison prévue en 2024 (annoncée en 2020–2024)"),
        # each past year says the forecast published by then, never a later one
        ("senlis-quartier-ordener", 2020, "annoncée en 2020, livraison prévue en 2021"),
        ("senlis-quartier-ordener", 2023, "livraison prévue en 2022 (annoncée en 2019–2022)"),
        ("beauvais-rue-carnot", 2019, "annoncée en 2019 — pas d'information plus récente"),
        ("beauvais-rue-carnot", 2021, "annoncée en 2019, livraison prévue en 2022"),
        ("amiens-zac-gare-la-vallee", 2022, "livrée en novembre 2021"),
        ("compiegne-rue-d-amiens", 2019, "en travaux depuis septembre 2019"),
        (
            "saint-quentin-marechal-juin-residence-etudiante",
            2020,
            "pas encore publiée à cette date (source : 16 septembre 2022)",
        ),
        (
            "saint-quentin-marechal-juin-maisons-de-marianne",
            2026,
            "livraison prévue à l'été 2024 (annoncée en 2023–2024)",
        ),
        ("cambrai-rue-de-sellen", 2024, "annoncée en 2020 — pas d'information plus récente"),
    ],
)
def test_each_state_is_said_in_words_that_say_how_it_is_known(dataset, op_id, year, words):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=year), filters=FILTERS)
    assert analysis.phrases(shown)[op_id] == words


def test_a_state_s_operations_without_a_published_number_are_counted_apart():
    figures = analysis.key_figures(
        in_states(
            (DELIVERED, REPORTED, None, None),  # a student residence: five capacities, no total
            (DELIVERED, REPORTED, 39, 55),
            (DELIVERED, FORECAST, None, None),
            (UNDER_WAY, REPORTED, 11, 11),
        )
    )
    assert figures.operations_in(DELIVERED, REPORTED) == 2
    assert figures.dwellings_in(DELIVERED, REPORTED) == Range(39, 55)  # the sum of the published numbers
    assert figures.dwellings_unknown_in(DELIVERED, REPORTED) == 1  # ...which leaves one operation out
    assert figures.dwellings_in(DELIVERED, FORECAST) == Range(0, 0)
    assert figures.dwellings_unknown_in(DELIVERED, FORECAST) == 1  # its only operation: unknown, not 0
    assert figures.dwellings_unknown_in(UNDER_WAY, REPORTED) == 0
    assert figures.dwellings_unknown_in(ANNOUNCED, REPORTED) == 0  # no operation in that state
    assert figures.dwellings_unknown == 2


def test_the_shipped_saint_quentin_residence_is_a_delivery_of_unknown_size(dataset):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2025), filters=FILTERS)
    figures = analysis.key_figures(shown[shown[Op.CODE_INSEE] == "02691"])
    # the student residence: moved in from September 2025, no published number of dwellings
    assert figures.operations_in(DELIVERED, REPORTED) == 1
    assert figures.dwellings_unknown_in(DELIVERED, REPORTED) == 1
    # the Sous-Préfecture 5 and the Maréchal Juin's 44 and 30: planned, never reported
    assert figures.dwellings_in(DELIVERED, FORECAST) == Range(79, 79)
    assert figures.dwellings_unknown_in(DELIVERED, FORECAST) == 0


def test_the_totals_kept_from_another_year_give_the_same_key_figures(dataset):
    kept = analysis.totals_of(analysis.with_status(dataset.operations, 2018))
    for year in (2018, 2021, 2024, 2028):
        shown = analysis.with_status(dataset.operations, year)
        assert analysis.key_figures(shown, kept) == analysis.key_figures(shown)
    assert (
        analysis.key_figures(shown).delivered
        != analysis.key_figures(analysis.with_status(dataset.operations, 2018)).delivered
    )  # the states did move: only the year's own figures are computed again


def test_a_state_is_read_from_its_category_s_code_or_factorised():
    categorical = pd.DataFrame(
        {
            STATUS: pd.Categorical(["livrée", "annoncée", "livrée"], categories=["annoncée", "livrée", "x"]),
            CERTAINTY: pd.Categorical(["constaté", "prévu", "constaté"]),
        }
    )
    texts = categorical.astype(object)
    for frame_ in (categorical, texts, texts.assign(**{CERTAINTY: [None, "prévu", None]})):
        pairs, keys = analysis.state_pairs(frame_)
        assert [keys[pair] for pair in pairs] == list(zip(frame_[STATUS], frame_[CERTAINTY], strict=True))
