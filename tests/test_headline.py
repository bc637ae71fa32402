"""What the pages lead with: perimeter in the title, published totals beside the detail, ranges."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data import wording
from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import PROGRAMME_ACV, Certainty, Status
from dashboard.model import analysis
from dashboard.model.analysis import Range
from dashboard.model.state import View
from dashboard.web import headline
from dashboard.web.filters import FILTERS
from tests.conftest import REAL_DATA, in_states


def text_of(component) -> str:
    """Every string of a component tree, in order."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Range(344, 407), "344 à 407"),
        (Range(74, None), "au moins 74"),
        (Range(46, 46), "46"),
        (Range(1841, 1841), "1\u202f841"),
    ],
)
def test_a_range_reads_as_one_figure_or_two(value, text):
    assert headline.range_text(value) == text


@pytest.mark.parametrize(
    ("place", "programmes", "title"),
    [
        (
            "Hauts-de-France",
            (PROGRAMME_ACV,),
            "Opérations du programme Action Cœur de Ville de Clésence — Hauts-de-France",
        ),
        (
            "Oise",
            (),
            "Opérations publiées, Action Cœur de Ville ou non, de Clésence — Oise",
        ),
        ("Somme", ("hors ACV",), "Opérations (hors programme) de Clésence — Somme"),
    ],
)
def test_every_title_states_its_perimeter(place, programmes, title):
    assert headline.Perimeter(place, programmes).title() == title


def test_places_are_listed_in_french():
    assert wording.and_list(["Aisne", "Nord", "Oise"], "Hauts-de-France") == "Aisne, Nord et Oise"
    assert wording.and_list([], "Hauts-de-France") == "Hauts-de-France"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(REAL_DATA, Report())


def acv_figures(dataset, year):
    view = View(year=year, selected={"programmes": (PROGRAMME_ACV,)})
    return analysis.key_figures(
        analysis.filter_operations(dataset.operations, dataset.mix, view, filters=FILTERS)
    )


def test_the_lead_puts_the_published_totals_beside_the_detail_published(dataset):
    lead = text_of(
        headline.published_lead(
            dataset.totals,
            acv_figures(dataset, 2022),
            source_label="2022",
            perimeter=headline.Perimeter("Hauts-de-France", ()),
        )
    )
    for fragment in (
        "27 (2022) · 33 (2021)",
        "882 (2022) · 864 (2021)",
        "15,0\u00a0M€ ⚠",
        "Totaux publiés par Clésence : 27 programmes et 882 logements (2022) ; 33 opérations et 864 "
        "logements (2021). Détail publié par les sources : 12 opérations Action Cœur de Ville, 431 à 449 "
        "logements. Aucune source ne dit quelles opérations ces totaux comprennent.",
        "9,2 M€",
    ):
        assert fragment in lead


def test_key_figures_show_the_range_and_keep_facts_apart_from_forecasts(dataset):
    text = text_of(headline.key_figures(acv_figures(dataset, 2022), year=2022, sources_year=2022))
    assert "431 à 449 ⚠" in text
    assert "2 opérations à deux lectures" in text
    assert "55 à 71" in text and "logements livrés, constatés" in text  # Square Acary, the Croix d'Or
    # Capucins 11, Sous-Préfecture 5, Beauvais 18 (the 2020 list's 2022), Ordener 109 (its 2022 forecast:
    # « d'ici 2025 » is on a page surely out only by 2025)
    assert "fin 2022 · livraisons prévues (non constatées) : 143" in text
    assert "2 livrées (constaté) · 4 livraisons prévues" in text


def test_a_year_after_the_latest_source_is_called_a_projection(dataset):
    text = text_of(headline.key_figures(acv_figures(dataset, 2026), year=2026, sources_year=2022))
    assert "fin 2026 (projection)" in text


def test_the_financing_note_names_each_gap(dataset):
    shown = analysis.filter_operations(
        dataset.operations,
        dataset.mix,
        View(year=2022, selected={"programmes": (PROGRAMME_ACV,)}),
        filters=FILTERS,
    )
    figures = analysis.key_figures(shown)
    mix_total = int(dataset.mix[dataset.mix["id"].isin(shown.index)]["logements"].sum())
    note = text_of(
        headline.mix_note(analysis.mix_gaps(shown, dataset.mix), mix_total, figures.dwellings_range)
    )
    # 89 + 11 + 18 + 11 + 50 + 109 + 32 + 55 + 16 + 42 financed (Sellen and the Sous-Préfecture publish none)
    assert "Les barres totalisent 433 logements financés, pour 431 à 449 logements" in note
    assert "Compiègne, Résidence Square Acary : 55 financés pour 39 à 55" in note


def test_a_partner_commune_quotes_its_sources_and_shows_no_zero(dataset):
    partners = dataset.partners[dataset.partners["code_insee"] == "02168"]
    titles = dict(zip(dataset.sources["source"], dataset.sources["titre"], strict=True))
    text = text_of(headline.partner_notice(partners, titles, dataset.source_dates, "Château-Thierry"))
    assert "Clésence intervient à Château-Thierry" in text
    assert "le détail des opérations n'y a pas été publié" in text
    assert "onze centres-villes" in text and "8 d'entre elles" in text
    assert " 0 " not in f" {text} "


def test_counts_of_operations_by_state_are_written_the_french_way() -> None:
    figures = analysis.KeyFigures(
        operations=13_005, dwellings=0, dwellings_computed=0, dwellings_unknown=0, dwellings_delivered=0,
        dwellings_under_way=0, surface_m2=0, surface_unknown=0, shops=0, shops_known=0, cost_eur=0.0,
        cost_known=0, delivered=12_234, under_way=0, announced=771,
        by_state={
            (Status.DELIVERED, Certainty.REPORTED): (12_234, Range(0, 0)),
            (Status.ANNOUNCED, Certainty.REPORTED): (1, Range(0, 0)),
        },
    )  # fmt: skip
    assert headline.states_line(figures) == "12\u202f234 livrées (constaté) · 1 annoncée"


def test_the_last_search_of_the_public_record_is_said_in_french():
    assert headline.search_line({"derniere_recherche": "2026-12"}) == (
        "Dernière recherche de sources publiques : décembre 2026"
    )
    assert headline.search_line({}) == "" and headline.search_line({"derniere_recherche": "hier"}) == ""


def cards(row) -> dict[str, tuple[str, str, str]]:
    """Each key figure's card by its label: (value, the mark on it, detail)."""
    found = {}
    for card in row.children:
        value, label, detail = card.children
        shown, mark = value.children, ""
        if isinstance(shown, list):  # « 46 », « + 1 sans nombre » in its own span
            shown, _, span = shown
            mark = span.children
            assert span.className == "kf-uncounted"
            assert span.title.endswith(("sans nombre publié", "sans surface publiée", "sans coût publié"))
        found[label.children] = (shown, mark, detail.children if detail is not None else "")
    return found


D, F, R = Status.DELIVERED, Certainty.FORECAST, Certainty.REPORTED


@pytest.mark.parametrize(
    ("rows", "value", "mark", "detail"),
    [
        # the only delivery has no published number: unknown, never « 0 », and the detail says why
        ([(D, R, None, None), (D, F, 5, 5)], "non publié", "", "1 opération livrée sans nombre publié"),
        # the known sum, and what it leaves out on the value itself (the region's slide shows no detail)
        ([(D, R, None, None), (D, R, 46, 46)], "46", "+ 1 sans nombre", "fin 2025"),
        ([(D, R, None, None), (D, R, None, None), (D, R, 39, 55)], "39 à 55", "+ 2 sans nombre", "fin 2025"),
        ([(D, R, 39, 55), (D, R, 16, 16)], "55 à 71", "", "fin 2025"),  # every number published
        ([(D, F, 5, 5)], "0", "", "fin 2025"),  # no delivery reported: a true zero
    ],
)
def test_the_delivered_card_never_shows_0_for_an_unknown_count(rows, value, mark, detail):
    figures = analysis.key_figures(in_states(*rows))
    shown, marked, said = cards(headline.key_figures(figures, year=2025, sources_year=2025))[
        "logements livrés, constatés"
    ]
    assert (shown, marked) == (value, mark) and detail in said
    if mark:  # said once, on the value
        assert "sans nombre publié" not in said


@pytest.mark.parametrize(
    ("rows", "planned"),
    [
        ([(D, F, None, None)], "livraisons prévues (non constatées) : 1 opération sans nombre publié"),
        ([(D, F, None, None), (D, F, 79, 79)], "livraisons prévues (non constatées) : 79 + 1 opération sans"),
        ([(D, F, 39, 55)], "livraisons prévues (non constatées) : 39 à 55"),
    ],
)
def test_planned_deliveries_are_said_even_when_no_number_is_published(rows, planned):
    figures = analysis.key_figures(in_states(*rows))
    _, _, said = cards(headline.key_figures(figures, year=2025, sources_year=2025))[
        "logements livrés, constatés"
    ]
    assert planned in said


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ([(D, R, 39, 55), (D, F, 16, 16)], "55 à 71 logements"),
        ([(D, R, 1, 1)], "1 logement"),
        ([(D, R, None, None), (D, F, 90, 90)], "90 logements, hors 1 opération sans nombre publié"),
        (
            [(D, R, None, None), (D, F, None, None), (D, F, 1, 1)],
            "1 logement, hors 2 opérations sans nombre publié",
        ),
        ([(D, R, None, None)], "nombre de logements non publié"),
    ],
)
def test_a_one_line_summary_says_what_its_sum_leaves_out(rows, said):
    """A page's title and link preview: « 5 opérations, 90 logements » must not read as the five's sum."""
    assert headline.DwellingSum.of_all(analysis.key_figures(in_states(*rows))).with_unit() == said


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ([(D, R, 39, 55), (D, F, 16, 16)], "55 à 71 logements"),
        ([(D, R, None, None), (D, F, 90, 90)], "90 logements + 1 sans nombre"),
        ([(D, R, None, None), (D, F, None, None), (D, F, 1, 1)], "1 logement + 2 sans nombre"),
        ([(D, R, None, None)], "nombre de logements non publié"),
    ],
)
def test_a_title_says_what_its_sum_leaves_out_with_the_value_s_mark(rows, said):
    """A browser tab or a preview's headline: short, and still never a partial sum read as the whole."""
    assert headline.DwellingSum.of_all(analysis.key_figures(in_states(*rows))).titled() == said


def test_the_dwellings_card_is_unknown_when_no_operation_publishes_a_number():
    figures = analysis.key_figures(in_states((D, R, None, None), (D, F, None, None)))
    found = cards(headline.key_figures(figures, year=2025, sources_year=2025))
    assert found["logements"] == ("non publié", "", "2 opérations sans nombre publié")
    assert headline.DwellingSum.of_all(figures).with_unit() == "nombre de logements non publié"


def test_saint_quentin_s_delivered_residence_reads_as_unknown_not_0(dataset):
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2025), filters=FILTERS)
    figures = analysis.key_figures(shown[shown["code_insee"] == "02691"])
    found = cards(headline.key_figures(figures, year=2025, sources_year=2025))
    assert found["logements livrés, constatés"] == (
        "non publié",
        "",
        "fin 2025 · 1 opération livrée sans nombre publié · livraisons prévues (non constatées) : 79",
    )
    assert found["logements"] == ("90", "+ 1 sans nombre", "")
    # 2 of 5 operations publish a surface, none a cost
    assert found["surface publiée"] == ("632\u00a0m²", "+ 3 sans surface", "")
    assert found["coût publié"] == ("non publié", "", "5 opérations sans coût publié")


def with_published(surfaces: list[float | None], costs: list[float | None]):
    """Delivered operations with a published number of dwellings, a surface and a cost where given."""
    frame = in_states(*[(D, R, 10, 10)] * len(surfaces))
    frame["surface_m2"] = pd.array(surfaces, dtype="Float64")
    frame["budget_eur"] = pd.array(costs, dtype="Float64")
    return analysis.key_figures(frame)


@pytest.mark.parametrize(
    ("surfaces", "costs", "surface", "cost"),
    [
        # partial sums: the value carries what it leaves out (the region's slide shows no detail line)
        (
            [100, None, None],
            [1_000_000, None, 2_000_000],
            ("100\u00a0m²", "+ 2 sans surface", ""),
            ("3,0\u00a0M€", "+ 1 sans coût", ""),
        ),
        # every operation publishes it: no mark
        ([100, 50], [1_000_000, 1_000_000], ("150\u00a0m²", "", ""), ("2,0\u00a0M€", "", "")),
        # none does: « non publié », never « 0 », the detail says why, no mark
        (
            [None, None],
            [None, None],
            ("non publié", "", "2 opérations sans surface publiée"),
            ("non publié", "", "2 opérations sans coût publié"),
        ),
    ],
)
def test_a_partial_sum_of_surface_or_cost_says_so_on_its_value(surfaces, costs, surface, cost):
    found = cards(headline.key_figures(with_published(surfaces, costs), year=2025, sources_year=2025))
    assert found["surface publiée"] == surface and found["coût publié"] == cost
