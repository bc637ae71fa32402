"""Figure builders: what they return is a valid Plotly figure (they build it without checking), their
numbers read as babel writes them, and a crowded view gets one marker per commune and status."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard.app import load_context
from dashboard.data import wording
from dashboard.data.mapgeo import neighbourhood
from dashboard.data.schema import Op
from dashboard.figures import common, maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.model import analysis, formatting
from dashboard.model.state import View
from dashboard.settings import Settings
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def context():
    return load_context(Settings(data_dir=REAL_DATA))


def views():
    return [
        View(year=2021),
        View(year=2019, selected={"departements": ("60",)}),
        View(year=2018, selected={"statuses": ("livrée",)}),
    ]


def builders(context, view):
    frame = context.operations_in(view)
    yield mix_figure(analysis.mix_summary(frame, context.dataset.mix))
    yield timeline_figure(frame, year=view.year)
    yield maps.region_map(
        frame,
        acv_names=context.lookups.acv_names,
        communes_url="/geo/c.geojson",
        departements_url="/geo/d.geojson",
        departement_codes=sorted(context.lookups.departement_names),
        view_bounds=context.lookups.region_bounds,
        largest_commune=context.lookups.largest_commune,
    )
    yield maps.commune_map(
        frame[frame[Op.CODE_INSEE] == "60159"],
        neighbourhood(context.dataset.communes, "60159"),
        "60159",
        largest_op=context.lookups.largest_op,
    )
    yield common.empty_figure("Rien")


@pytest.mark.parametrize("crowded", [False, True], ids=["listed-hovers", "counted-hovers"])
@pytest.mark.parametrize("view", views(), ids=str)
def test_every_figure_passes_plotly_validation(context, view, crowded, monkeypatch):
    if crowded:
        monkeypatch.setattr(maps, "MAX_HOVER_OPERATIONS", 2)
    for built in builders(context, view):
        assert isinstance(built, go.Figure)
        go.Figure(built.to_dict())  # validates every property; raises ValueError on a wrong one


@pytest.mark.parametrize("value", [0, 1, 12, 999, 1000, 1841, 65_536, 1_234_567, None, float("nan")])
def test_integers_read_as_babel_writes_them(value):
    assert common.integer(value) == formatting.number(value)


@pytest.mark.parametrize("count", [0, 1, 2, 1841])
def test_counts_read_as_formatting_plural(count):
    assert common.count_of(count, "opération") == wording.plural(count, "opération")


def test_the_region_map_draws_one_symbol_per_commune_in_the_class_of_most_of_its_dwellings(context):
    frame = context.operations_in(View(year=2022))
    data = maps.region_trace_data(
        frame, context.lookups.acv_names, largest_commune=context.lookups.largest_commune
    )
    drawn = {
        custom[0]: maps.CLASSES[rank].name
        for rank, i in enumerate(maps.CLASS_TRACES)
        for custom in data[i]["customdata"]
    }
    assert sorted(drawn) == sorted(set(frame[Op.CODE_INSEE]))  # one symbol per commune
    assert drawn["80021"] == "Livrée (constaté)"  # Amiens, delivered in November 2021 (2022 source)
    # Senlis: Ordener (109, its delivery forecast for 2022 on a page out by then) outweighs Bismont (50)
    assert drawn["60612"] == "Livraison prévue"
    assert drawn["02722"] == "Livrée (constaté)"  # Soissons: the Croix d'Or, inaugurated in September 2022
    assert drawn["60175"] == "Pas encore publiée"  # Creil: its pages are surely out only by the end of 2025


def test_a_commune_s_hover_lists_each_operation_with_its_state_and_range(context):
    frame = context.operations_in(View(year=2026))
    data = maps.region_trace_data(
        frame, context.lookups.acv_names, largest_commune=context.lookups.largest_commune
    )
    hovers = {
        custom[0]: text
        for i in maps.CLASS_TRACES
        for custom, text in zip(data[i]["customdata"], data[i]["hovertext"], strict=True)
    }
    assert "3 opérations · 205 logements" in hovers["60612"]  # Bismont 50, Ordener 109, les Allées 46
    assert (
        "Quartier Ordener : 109 logements — livraison prévue en 2025 (annoncée en 2022–2025)"
        in hovers["60612"]
    )
    assert "livrée le 6 septembre 2022 (inauguration)" in hovers["02722"]
    assert "Quai des Roses : 30 à 32 ⚠ (deux lectures des sources) logements" in hovers["60159"]


def test_the_legend_is_the_same_every_year(context):
    names = {
        year: [
            trace.name
            for trace in maps.region_map(
                context.operations_in(View(year=year)),
                acv_names=context.lookups.acv_names,
                communes_url="/c",
                departements_url="/d",
                departement_codes=["60"],
                view_bounds=context.lookups.region_bounds,
                largest_commune=context.lookups.largest_commune,
            ).data
            if trace.showlegend is not False
        ]
        for year in (2018, 2020, 2022, 2026)
    }
    assert len({tuple(v) for v in names.values()}) == 1
    assert (
        "Livraison prévue" in names[2018]
        and "Centre-ville cité par les sources, sans détail publié" in names[2018]
    )


def test_a_small_view_keeps_one_marker_per_operation_on_the_commune_map(context):
    frame = context.operations_in(View(year=2021))
    compiegne = frame[frame[Op.CODE_INSEE] == "60159"]
    data = maps.commune_marker_data(compiegne, context.lookups.largest_op)
    assert sorted(i for index in maps.COMMUNE_CLASS_TRACES for _, i in data[index]["customdata"]) == sorted(
        compiegne[Op.ID]
    )
    points = {
        (lon, lat)
        for index in maps.COMMUNE_CLASS_TRACES
        for lon, lat in zip(data[index]["lon"], data[index]["lat"], strict=True)
    }
    assert len(points) == 2  # co-located operations are spread apart


def test_the_slide_s_financing_chart_names_every_code_and_writes_values_not_a_scale(context) -> None:
    summary = analysis.mix_summary(context.operations_in(View(year=2022)), context.dataset.mix)
    slide = mix_figure(summary, presentation=True)
    named = list(slide.layout.yaxis.tickvals)
    assert named == list(slide.layout.yaxis.categoryarray) == list(summary["code"])
    assert slide.layout.xaxis.showticklabels is False  # each bar writes its value
    assert all(bar.texttemplate or bar.text is not None for bar in slide.data)
    page = mix_figure(summary)
    assert page.layout.xaxis.showticklabels is True


def test_a_partner_outside_the_chosen_departement_is_left_out_and_one_across_its_edge_named_inside(context):
    lookups = context.lookups
    everywhere = lookups.partner_points_in(lookups.region_bounds)
    assert everywhere == lookups.partner_points  # the region's frame holds them all
    oise = lookups.view_bounds(View(year=2022, selected={"departements": ("60",)}))
    assert "02168" not in lookups.partner_points_in(oise)  # Château-Thierry, in the Aisne: its name was cut
    # a frame whose edge crosses Château-Thierry: named at a point of its part inside the frame
    _, lon, lat = lookups.partner_points["02168"]
    cut = (lon - 0.5, lat - 0.5, lon - 0.01, lat + 0.5)
    name, inside_lon, inside_lat = lookups.partner_points_in(cut)["02168"]
    assert name == "Château-Thierry" and cut[0] <= inside_lon <= cut[2] and cut[1] <= inside_lat <= cut[3]


def test_a_commune_whose_operations_publish_no_number_is_not_said_to_have_0_dwellings(tmp_path):
    from tests.conftest import ROWS_AMIENS_UNKNOWN, write_world

    context = load_context(Settings(data_dir=write_world(tmp_path / "data", ROWS_AMIENS_UNKNOWN)))
    hovers = maps.per_commune(context.operations_in(View(year=2022)))["hover"]
    assert "1 opération · nombre de logements non publié" in hovers["80021"]
    assert "Rue C : nombre de logements non publié — livrée en novembre 2021" in hovers["80021"]
    assert "1 opération · 30 à 32 ⚠ logements" in hovers["60159"]


@pytest.mark.parametrize("code", ["59122", "62041"])  # Cambrai, Arras: one planned delivery each
def test_a_calendar_of_one_kind_of_bar_keeps_its_key(context, code):
    """plotly.js draws no key for a lone trace: the hatching of a planned delivery went unexplained."""
    frame = context.operations_in(View(year=2022))
    figure = timeline_figure(frame[frame[Op.CODE_INSEE] == code], year=2022)
    assert [trace.name for trace in figure.data] == ["Livraison prévue"]
    assert figure.layout.showlegend is True
