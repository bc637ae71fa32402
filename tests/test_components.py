"""Tables and lists stay readable (and cheap to send) however many operations the view holds."""

from __future__ import annotations

import json

import pandas as pd
import plotly
import pytest
from dash import html

from dashboard.app import load_context
from dashboard.figures import timeline
from dashboard.model import analysis
from dashboard.model.search import Kind, Match
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web import components, milestones
from dashboard.web.ids import Region
from tests.synthetic import write_data_dir

ROWS = 1_500


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A synthetic view of 1,500 valid operations over as many communes (tests/synthetic.py)."""
    context = load_context(
        Settings(data_dir=write_data_dir(tmp_path_factory.mktemp("crowded") / "data", ROWS))
    )
    return context.operations_in(View(year=2022))


@pytest.mark.parametrize("column", sorted(components.SORTABLE))
@pytest.mark.parametrize("descending", [False, True])
def test_the_first_rows_are_those_of_the_full_sort(crowded, column, descending):
    first = components.sort_frame(crowded, column, descending, limit=50)
    every = components.sort_frame(crowded, column, descending)
    assert list(first.index) == list(every.index[:50])


@pytest.mark.parametrize("descending", [False, True])
def test_unknown_values_sort_last_whatever_the_direction(descending):
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "livraison": pd.Categorical(["2021", "", "2019-09", "", "2023"]),
            "surface_m2": [120.0, None, 80.0, 300.0, None],
        }
    )
    frame.index = pd.Index(frame["id"].tolist())
    for column in ("livraison", "surface_m2"):
        ordered = components.sort_frame(frame, column, descending)
        known = [bool(str(value).strip()) and not pd.isna(value) for value in ordered[column]]
        assert known == sorted(known, reverse=True), (column, list(ordered[column]))
        first = components.sort_frame(frame, column, descending, limit=3)
        assert list(first.index) == list(ordered.index[:3])


def caption_text(table: html.Div, *, printed: bool = False) -> str:
    """The operations table's caption as read on screen, or on paper (without its ``no-print`` parts)."""
    parts = table.children.children[0].children
    return "".join(
        part if isinstance(part, str) else "" if printed and "no-print" in part.className else part.children
        for part in parts
    )


def test_a_crowded_table_draws_its_first_rows_and_says_how_many_there_are(crowded):
    table = components.operations_table(
        crowded, search="", sort={"column": "livraison", "descending": True}, sort_button_type="sort"
    )
    body = table.children.children[2]
    caption = caption_text(table)
    assert len(body.children) == components.MAX_TABLE_ROWS
    assert caption.startswith(
        f"{components.MAX_TABLE_ROWS} premières opérations sur 1\u202f500, par livraison"
    )
    first_id = components.sort_frame(crowded, "livraison", True).index[0]
    assert body.children[0].id == f"op-row-{first_id}"


@pytest.mark.parametrize("column", components.SORTABLE)
def test_a_crowded_table_drawn_from_its_first_rows_is_the_table_of_all_of_them(crowded, column):
    sort = {"column": column, "descending": True}
    first = components.sort_frame(crowded, column, True, limit=components.MAX_TABLE_ROWS)
    whole = components.operations_table(crowded, search="", sort=sort, sort_button_type="sort")
    drawn = components.operations_table(
        first, search="", sort=sort, sort_button_type="sort", total=len(crowded)
    )
    encoder = plotly.utils.PlotlyJSONEncoder
    assert json.dumps(drawn, cls=encoder) == json.dumps(whole, cls=encoder)
    assert "premières opérations sur 1\u202f500" in caption_text(drawn)


def test_a_short_table_is_drawn_whole(crowded):
    table = components.operations_table(crowded.head(12), search="", sort={}, sort_button_type="sort")
    assert len(table.children.children[2].children) == 12
    assert caption_text(table).startswith("12 opérations")


@pytest.mark.parametrize("rows", [12, 1_500])
def test_the_table_s_caption_says_to_click_a_header_on_screen_and_not_on_paper(crowded, rows):
    table = components.operations_table(crowded.head(rows), search="", sort={}, sort_button_type="sort")
    assert "— cliquer un en-tête pour trier" in caption_text(table)
    printed = caption_text(table, printed=True)
    assert "cliquer" not in printed and "filtrer" not in printed
    assert printed.startswith(
        ("12 opérations. « Livraison » :", "50 premières opérations sur 1\u202f500, par commune. ")
    )


def test_the_undated_list_names_its_first_operations_and_counts_the_others(crowded):
    undated = timeline.undated(crowded)
    assert len(undated) > components.MAX_UNDATED
    items = components.undated_list(undated).children[1].children
    assert len(items) == components.MAX_UNDATED + 1
    assert items[-1].children.startswith(f"… et {len(undated) - components.MAX_UNDATED} autres opérations")


def test_a_crowded_timeline_draws_the_first_operations_by_date_and_says_so(crowded):
    figure = timeline.timeline_figure(crowded, year=2022)
    drawn = {op_id for trace in figure.data for op_id in trace.customdata}
    assert len(drawn) == timeline.MAX_OPERATIONS
    assert figure.layout.title.text.startswith(f"Les {timeline.MAX_OPERATIONS} premières opérations par date")
    firsts = {
        op_id: start or delivery
        for op_id, start, delivery in zip(
            crowded.index, crowded["debut_travaux"], crowded["livraison"], strict=True
        )
        if start or delivery
    }
    assert sorted(firsts[op_id] for op_id in drawn) == sorted(firsts.values())[: timeline.MAX_OPERATIONS]


def test_the_map_table_counts_each_commune_s_operations_by_status():
    from dashboard.app import load_context as load
    from dashboard.model.state import View
    from tests.conftest import REAL_DATA as real

    context = load(Settings(data_dir=real))
    frame = context.operations_in(View(year=2021))
    table = components.map_table(
        frame, context.lookups.acv_names, context.lookups.departement_names, "?annee=2021"
    )
    as_sent = json.dumps(table, cls=plotly.utils.PlotlyJSONEncoder)
    # Compiègne: Square Acary moved in (December 2021), Quai des Roses announced (JSON escapes the accents)
    assert "1 annonc\\u00e9e, 1 livraison constat\\u00e9e" in as_sent
    assert "69 \\u00e0 87" in as_sent  # its dwellings as a range, as the map's hover says them


def test_the_year_patches_address_the_tables_bodies_by_id():
    for table, path, body in [
        (components._operations_table_frame("", [], []), components.TABLE_ROWS_PATH, Region.TABLE_BODY),
        (components._map_table_frame("", []), components.MAP_ROWS_PATH, Region.MAP_TABLE_BODY),
    ]:
        tree = json.loads(json.dumps(table, cls=plotly.utils.PlotlyJSONEncoder))
        *to_body, _, _ = path
        for step in to_body:
            tree = tree[step]
        assert tree["props"]["id"] == body
    assert components.STATUS_CELL == [c for c, _ in components.TABLE_COLUMNS].index(components.STATUS)
    assert components.MAP_COLUMNS[components.MAP_STATUS_CELL] == "Statuts"


def test_the_phone_calendar_lists_the_first_milestones_by_year_and_says_how_many_are_left(crowded):
    listing = milestones.milestone_list(crowded)
    years = listing.children[0].children
    headings = [int(year.children[0].children) for year in years]
    assert headings == sorted(headings) and len(set(headings)) == len(headings)
    operations = {text.children.split(" — ")[0] for year in years for text in year.children[1].children}
    assert 0 < len(operations) <= timeline.MAX_OPERATIONS
    assert "premières opérations par date" in listing.children[1].children


def test_the_phone_calendar_of_a_view_without_dates_is_empty(crowded):
    assert milestones.milestone_list(crowded.head(0)).children is None


def test_the_map_table_counts_statuses_with_their_plural(crowded):
    code = str(crowded["code_insee"].iloc[0])
    several = crowded.assign(code_insee=code).iloc[:40]  # forty operations in one commune
    words = components.map_statuses(several, [code])[code]
    labels = [
        analysis.state_label(s, c) for s, c in zip(several["statut"], several["certitude"], strict=True)
    ]
    counts = pd.Series(labels).value_counts()
    plurals = {"livraison constatée": "livraisons constatées", "livraison prévue": "livraisons prévues"}
    plurals |= {"annoncée": "annoncées", "inconnue": "inconnues"}
    for label, count in counts[counts > 1].items():
        assert f"{count} {plurals.get(label, label)}" in words
    assert "livrée" not in words
    assert (counts > 1).any()


def test_a_search_that_finds_nothing_says_neither_a_commune_nor_an_operation_matches():
    found = components.search_results([], "xyz", "")
    assert isinstance(found, html.P)
    assert found.children == "Ni commune ni opération ne correspond à « xyz »."


def test_a_search_result_for_an_operation_opens_its_page_keeping_the_view():
    operation = Match(
        "60159",
        "Compiègne",
        "Oise",
        1,
        Kind.OPERATION,
        "Résidence Square Acary",
        "Rue d'Amiens",
        "compiegne-rue-d-amiens",
    )
    commune = Match("60159", "Compiègne", "Oise", 1)
    found = components.search_results([operation, commune], "acary", "?annee=2021")
    links = [item.children for item in found.children]
    assert [link.href for link in links] == [
        "/operation/compiegne-rue-d-amiens?annee=2021",
        "/commune/60159?annee=2021",
    ]
    assert "opération · Compiègne · Rue d'Amiens" in str(links[0].children[1].children)


def test_the_map_table_links_each_operation_s_name_to_its_page():
    from dashboard.model.state import View
    from tests.conftest import REAL_DATA as real

    context = load_context(Settings(data_dir=real))
    table = components.map_table(
        context.operations_in(View(year=2025)), context.lookups.acv_names, {}, "?annee=2025"
    )
    senlis = next(row for row in table.children[2].children if row.children[0].children.children == "Senlis")
    cell = senlis.children[3].children
    links = [
        (part.children, part.href) for part in cell if isinstance(part, type(senlis.children[0].children))
    ]
    assert cell[0] == "3"
    assert links == [
        ("Avenue de Bismont", "/operation/senlis-avenue-de-bismont"),
        ("Les Allées de Beauval", "/operation/senlis-allees-de-beauval"),
        ("Quartier Ordener", "/operation/senlis-quartier-ordener"),
    ]


def test_past_five_operations_a_map_table_row_says_how_many_others():
    frame = pd.DataFrame(
        {"code_insee": ["60159"] * 7, "nom": [f"Résidence {n}" for n in "GFEDCBA"], "adresse": [""] * 7},
        index=pd.Index([f"op-{n}" for n in range(7)], name="id"),
    )
    named = components.operation_links(frame, ["60159"])["60159"]
    assert [name for _, name in named] == [f"Résidence {n}" for n in "ABCDE"]  # by name, the first five
    cell = components._operations_cell(7, named)
    assert cell[-1] == " · et 2 autres" and cell[2].href == "/operation/op-6"


def test_a_place_whose_operations_publish_no_number_reads_unknown_in_the_map_tables(tmp_path):
    from dashboard.web import maptable
    from tests.conftest import ROWS_AMIENS_UNKNOWN, write_world

    context = load_context(Settings(data_dir=write_world(tmp_path / "data", ROWS_AMIENS_UNKNOWN)))
    frame = context.operations_in(View(year=2022))
    communes = components.map_table(frame, context.lookups.acv_names, {}, "")
    cells = {
        row.children[0].children.children: row.children[4].children for row in communes.children[2].children
    }
    assert cells["Amiens"] == "non publié" and cells["Compiègne"] == "30 à 32"  # not « 0 »
    rows = maptable.departement_rows(frame, {})
    departements = maptable.departement_table(frame, rows, {code: "" for code in rows.index})
    cells = {
        row.children[0].children.children: row.children[2].children
        for row in departements.children[2].children
    }
    assert cells["80"] == "non publié" and cells["60"] == "30"
