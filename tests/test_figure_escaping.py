"""Every data string reaches a figure as text: markup in a name, an address or a commune is drawn as
written, never as a link or a style (Plotly renders a subset of HTML in any text it draws)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.app import load_context
from dashboard.data.mapgeo import neighbourhood
from dashboard.data.schema import Geo, Op
from dashboard.figures import maps
from dashboard.figures.common import plotly_text
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.model.state import View
from dashboard.settings import Settings
from tests.conftest import REAL_DATA

HOSTILE = [
    '<a href="https://evil.example/phish">Cliquez ici</a>',
    '<b style="font-size:90px">ÉNORME</b>',
    '<span style="color:red">rouge</span>',
    "<br><i>fausse ligne</i>",
    "Rue A & B <sub>bas</sub>",
]
COMMUNE = "60159"
# What a data string must never bring into a figure, whatever else the builders themselves write.
FORBIDDEN = ("<a", "<span", "<b style", "<sub", "<i>fausse")


@pytest.fixture(scope="module")
def context():
    return load_context(Settings(data_dir=REAL_DATA))


def strings(value):
    """Every string of a figure's JSON, keys and values, however deep; a GeoJSON's feature properties
    excepted: Plotly draws none of them (no template here refers to them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            if key != "properties":
                yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)
    elif hasattr(value, "tolist"):
        yield from strings(value.tolist())


def hostile_frame(context, text: str) -> pd.DataFrame:
    frame = context.operations_in(View(year=2030)).copy()
    for column in (Op.NOM, Op.ADRESSE, Op.COMMUNE):
        names = [f"{text} {i}" for i in range(len(frame))]
        frame[column] = pd.Series(names, index=frame.index, dtype="string")
    return frame


def built(context, text: str, crowded: bool) -> dict[str, go.Figure]:
    frame = hostile_frame(context, text)
    communes = context.dataset.communes.copy()
    communes[Geo.NOM] = [f"{text} {i}" for i in range(len(communes))]
    summary = pd.DataFrame({"code": [text, "PLAI"], "logements": [12, 3], "operations": [1, 1]})
    return {
        "mix": mix_figure(summary),
        "timeline": timeline_figure(frame, year=2021),
        "region": maps.region_map(
            frame,
            acv_names={code: f"{text} acv" for code in context.lookups.acv_names},
            communes_url="/geo/c.geojson",
            departements_url="/geo/d.geojson",
            departement_codes=sorted(context.lookups.departement_names),
            view_bounds=context.lookups.region_bounds,
            largest_commune=context.lookups.largest_commune,
        ),
        "commune": maps.commune_map(
            frame[frame[Op.CODE_INSEE] == COMMUNE],
            neighbourhood(communes, COMMUNE),
            COMMUNE,
            largest_op=context.lookups.largest_op,
        ),
    }


@pytest.mark.parametrize("crowded", [False, True], ids=["markers", "grouped-markers"])
@pytest.mark.parametrize("text", HOSTILE)
def test_markup_in_data_reaches_every_figure_escaped(context, text, crowded, monkeypatch):
    if crowded:
        monkeypatch.setattr(maps, "MAX_HOVER_OPERATIONS", 2)
    for name, figure in built(context, text, crowded).items():
        every = list(strings(figure.to_plotly_json()))
        leaked = [s for s in every if any(bad in s for bad in FORBIDDEN)]
        assert leaked == [], f"{name}: {leaked[:3]}"
        assert any(plotly_text(text) in s for s in every), f"{name}: the data never reached the figure"


def test_plotly_text_escapes_the_three_characters_plotly_reads_as_markup():
    assert plotly_text('<a href="x">A & B</a>') == '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;'
    assert plotly_text(12) == "12"
