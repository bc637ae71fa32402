"""A tiny Dash page drawing every trace type the dashboard uses (choropleth and scattergeo on a geo
subplot, bar, scatter), served like the real app; shared by the browser test and the load benchmark."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dash
import plotly.graph_objects as go
from dash import dcc, html
from flask import Response
from werkzeug.serving import make_server

from dashboard.endpoints.serving import configure_serving

REPO = Path(__file__).resolve().parent.parent
ASSETS = REPO / "assets"
CUSTOM_BUNDLE = "vendor/plotly-custom.min.js"
COMMUNES = REPO / "data" / "communes.geojson"

# Communes around Saint-Quentin: a small, contiguous patch of the real outlines.
SAMPLE_BOX = (3.16, 49.76, 3.40, 49.94)
GEOJSON_URL = "/test-data/communes.geojson"
TOPOJSON_DIR = "/test-data/topojson/"
# plotly.js fetches <topojsonURL>world_110m.json even for a geo subplot drawn from a custom GeoJSON
# with geo.visible=False (plotly.js issue 6767); an empty topology keeps it off the network.
EMPTY_TOPOLOGY = {"type": "Topology", "objects": {}, "arcs": []}
GRAPH_CONFIG = {
    "topojsonURL": TOPOJSON_DIR,
    "locale": "fr",
    "showSendToCloud": False,
    "displaylogo": False,
}


def sample_communes() -> dict:
    """The communes whose outline starts inside SAMPLE_BOX, as a FeatureCollection."""
    west, south, east, north = SAMPLE_BOX
    features = []
    for feature in json.loads(COMMUNES.read_text(encoding="utf-8"))["features"]:
        geometry = feature["geometry"]
        ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
        lon, lat = ring[0]
        if west <= lon <= east and south <= lat <= north:
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def _centre(feature: dict) -> tuple[float, float]:
    geometry = feature["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    lons, lats = zip(*ring, strict=True)
    return sum(lons) / len(lons), sum(lats) / len(lats)


def _figures(communes: dict) -> tuple[go.Figure, go.Figure, go.Figure]:
    codes = [f["properties"]["code"] for f in communes["features"]]
    names = [f["properties"]["nom"] for f in communes["features"]]
    centres = [_centre(f) for f in communes["features"][:5]]
    geo = go.Figure(
        [
            go.Choropleth(
                geojson=GEOJSON_URL,  # fetched once by the browser, not inlined in the figure
                featureidkey="properties.code",
                locations=codes,
                z=list(range(len(codes))),
                text=names,
                colorscale="Blues",
            ),
            go.Scattergeo(lon=[lon for lon, _ in centres], lat=[lat for _, lat in centres], mode="markers"),
        ],
        layout={"geo": {"fitbounds": "locations", "visible": False}, "separators": ",\u202f"},
    )
    bar = go.Figure(go.Bar(x=["2019", "2020", "2021"], y=[11, 30, 46]))
    scatter = go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[509, 1841, 700, 1200], mode="lines+markers"))
    return geo, bar, scatter


def build_app(*, custom_bundle: bool = True, serving: bool = True) -> tuple[dash.Dash, int]:
    """The page, and the number of communes its map draws.

    ``custom_bundle=False`` hides our bundle from Dash (assets_ignore), so dcc.Graph falls back to
    the stock plotly.min.js; ``serving=False`` leaves out configure_serving (Dash's defaults).
    """
    app = dash.Dash(
        __name__,
        assets_folder=str(ASSETS),
        assets_ignore="" if custom_bundle else r"^plotly-custom\.min\.js$",
    )
    communes = sample_communes()
    geo, bar, scatter = _figures(communes)
    app.layout = html.Div(
        [
            dcc.Graph(id="map", figure=geo, config=GRAPH_CONFIG),
            dcc.Graph(id="bar", figure=bar, config=GRAPH_CONFIG),
            dcc.Graph(id="scatter", figure=scatter, config=GRAPH_CONFIG),
        ]
    )
    geojson = json.dumps(communes)
    topology = json.dumps(EMPTY_TOPOLOGY)

    @app.server.route(GEOJSON_URL)
    def communes_geojson() -> Response:
        return Response(geojson, mimetype="application/geo+json")

    @app.server.route(f"{TOPOJSON_DIR}world_110m.json")
    def world_topology() -> Response:
        return Response(topology, mimetype="application/json")

    if serving:
        configure_serving(app)
    return app, len(communes["features"])


@contextmanager
def running(app: dash.Dash) -> Iterator[str]:
    """Serve the app on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
