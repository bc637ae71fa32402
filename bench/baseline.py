"""The textbook way, for comparison: one ``dcc.Graph`` whose figure embeds the full commune GeoJSON
(3,782 communes), rebuilt from scratch by a slider callback on every year change.

As the Plotly gallery writes it: ``Dash(__name__)`` with its defaults (no compression, dcc's stock
plotly.min.js), ``go.Choropleth(geojson=<dict>, featureidkey="properties.code")``. Same data and
analysis as the dashboard. Offline like it: the graph takes its world topojson from our assets.

    COEUR_DATA_DIR=data gunicorn -c gunicorn.conf.py 'bench.baseline:make_server()'
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from dashboard.data.dataset import COMMUNES_FILE, load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import Derived, Op, Status
from dashboard.model import analysis
from dashboard.model.state import View, year_range
from dashboard.settings import ASSETS_DIR, Settings
from dashboard.web.filters import FILTERS

MAP_ID = "region-map"
YEAR_ID = "ctl-year"


def create_app(data_dir: Path) -> Dash:
    report = Report()
    dataset = load_dataset(data_dir, report)
    if dataset is None:
        raise RuntimeError(report.render())
    with (data_dir / COMMUNES_FILE).open(encoding="utf-8") as file:
        geojson = json.load(file)
    codes = [feature["properties"]["code"] for feature in geojson["features"]]
    dated = [
        int(text[:4])
        for column in (Op.DEBUT_TRAVAUX, Op.LIVRAISON)
        for text in dataset.operations[column]
        if text
    ]
    first, last = year_range([year for year in dated if year])

    # Only the scripts and styles are ignored: the dashboard's partial plotly.js bundle is not textbook.
    app = Dash(__name__, assets_folder=str(ASSETS_DIR), assets_ignore=r".*\.(js|css)$")
    app.layout = html.Div(
        [
            html.H1("Opérations Action Cœur de Ville de Clésence en Hauts-de-France"),
            dcc.Graph(id=MAP_ID, config={"topojsonURL": "/assets/topojson/"}, style={"height": "680px"}),
            dcc.Slider(
                id=YEAR_ID,
                min=first,
                max=last,
                step=1,
                value=last,
                marks={year: str(year) for year in range(first, last + 1)},
            ),
        ]
    )

    @app.callback(Output(MAP_ID, "figure"), Input(YEAR_ID, "value"))
    def update_map(year):
        frame = analysis.filter_operations(
            dataset.operations, dataset.mix, View(year=int(year)), filters=FILTERS
        )
        delivered = frame[frame[analysis.STATUS] == Status.DELIVERED]
        per_commune = delivered.groupby(Op.CODE_INSEE)[Derived.LOGEMENTS_RETENUS].sum()
        figure = go.Figure(
            go.Choropleth(
                geojson=geojson,
                featureidkey="properties.code",
                locations=codes,
                z=[int(per_commune.get(code, 0)) for code in codes],
                colorscale="Reds",
                marker_line_width=0.3,
                colorbar_title="Logements livrés",
            )
        )
        figure.update_geos(fitbounds="locations", visible=False)
        figure.update_layout(height=680, margin={"l": 0, "r": 0, "t": 0, "b": 0})
        return figure

    return app


def make_server():
    """The WSGI server of the baseline, for gunicorn (data folder from ``COEUR_DATA_DIR``)."""
    return create_app(Settings.from_env().data_dir).server


if __name__ == "__main__":
    create_app(Settings().data_dir).run(port=8051)
