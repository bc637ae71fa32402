"""Figure builders: what they return is a valid Plotly figure (they build it without checking), their
numbers read as babel writes them, and a crowded view gets one marker per commune and status."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import analysis, formatting
from dashboard.app import load_context
from dashboard.figures import common, maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.mapgeo import neighbourhood
from dashboard.schema import STATUSES, Op
from dashboard.settings import Settings
from dashboard.state import View
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
        acv_names=context.acv_names,
        communes_url="/geo/c.geojson",
        departements_url="/geo/d.geojson",
        departement_codes=sorted(context.departement_names),
        view_bounds=context.region_bounds,
        largest_op=context.largest_op,
        largest_commune=context.largest_commune,
    )
    yield maps.commune_map(
        frame[frame[Op.CODE_INSEE] == "60159"],
        neighbourhood(context.dataset.communes, "60159"),
        "60159",
        largest_op=context.largest_op,
    )
    yield common.empty_figure("Rien")


@pytest.mark.parametrize("crowded", [False, True], ids=["markers", "grouped-markers"])
@pytest.mark.parametrize("view", views(), ids=str)
def test_every_figure_passes_plotly_validation(context, view, crowded, monkeypatch):
    if crowded:
        monkeypatch.setattr(maps, "MAX_OPERATION_MARKERS", 2)
    for built in builders(context, view):
        assert isinstance(built, go.Figure)
        go.Figure(built.to_dict())  # validates every property; raises ValueError on a wrong one


@pytest.mark.parametrize("value", [0, 1, 12, 999, 1000, 1841, 65_536, 1_234_567, None, float("nan")])
def test_integers_read_as_babel_writes_them(value):
    assert common.integer(value) == formatting.number(value)


@pytest.mark.parametrize("count", [0, 1, 2, 1841])
def test_counts_read_as_formatting_plural(count):
    assert common.count_of(count, "opération") == formatting.plural(count, "opération")


def test_a_crowded_view_gets_one_marker_per_commune_and_status(context, monkeypatch):
    monkeypatch.setattr(maps, "MAX_OPERATION_MARKERS", 5)
    monkeypatch.setattr(maps, "MAX_NAMES", 3)
    frame = context.operations_in(View(year=2021))
    data = maps.region_trace_data(
        frame, context.acv_names, largest_op=context.largest_op, largest_commune=context.largest_commune
    )
    markers = [data[index] for index in maps.STATUS_TRACES]
    expected = frame.groupby([analysis.STATUS, Op.CODE_INSEE]).size()
    assert sum(len(m["lon"]) for m in markers) == len(expected)
    for status, trace in zip(STATUSES, markers, strict=True):
        assert "un rond par commune" in trace["name"]
        codes = [custom[0] for custom in trace["customdata"]]
        assert codes == sorted(expected[status].index) if status in expected else codes == []
        assert trace["hovertemplate"].startswith("<b>%{customdata[1]}</b><br>Opérations ")
    assert sum(custom[2] for m in markers for custom in m["customdata"]) == len(frame)
    assert sum(custom[3] for m in markers for custom in m["customdata"]) == frame["logements_retenus"].sum()
    for status, trace in zip(STATUSES, markers, strict=True):
        for code, name, count, dwellings in trace["customdata"]:
            here = frame[(frame["code_insee"] == code) & (frame["statut"] == status)]
            assert (name, count, dwellings) == (
                here["commune"].iloc[0],
                len(here),
                here["logements_retenus"].sum(),
            )
    assert data[maps.LABELS]["text"] == []  # too many communes to write their names


def test_a_small_view_keeps_one_marker_per_operation(context):
    frame = context.operations_in(View(year=2021))
    data = maps.region_trace_data(frame, context.acv_names, largest_op=context.largest_op)
    assert sum(len(data[index]["lon"]) for index in maps.STATUS_TRACES) == len(frame)
    assert sorted(i for index in maps.STATUS_TRACES for _, i in data[index]["customdata"]) == sorted(
        frame[Op.ID]
    )
