"""What a PNG export writes around its graph (title, perimeter, filters, year, sources, data date), asked by
assets/coeur.js at the click: the same description as the CSV and XLSX exports, from the page's URL. One
paragraph per line; the browser wraps them by their measured width in the image's font."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import flask
from dash import Dash

from dashboard.endpoints.serving import NO_STORE
from dashboard.export.tables import TITLE
from dashboard.web import callbacks, inputs, views
from dashboard.web.context import Context
from dashboard.web.routes import route

ROUTE = "/export/legende"
MAX_LENGTH = 2000  # a path and a query string of the app are far shorter


def caption(context: Context, pathname: str, search: str) -> dict:
    """``{"place": …, "year": …, "lines": […]}``, every text escaped (plotly.js draws a subset of HTML)."""
    view = context.url.parse(inputs.as_text(search))
    _, place = views.shown_operations(context, view, route(pathname, context).commune)
    rows = dict(callbacks.export_view(context, view, place))
    lines = [
        f"Périmètre : {rows['Périmètre']} · Filtres : {rows['Filtres']} · situation à la fin de {view.year}",
        f"Sources : {rows['Sources']}",
        f"{TITLE} · {rows['Date des données']} · {rows['Licence']}",
    ]
    return {
        "place": escape(rows["Périmètre"], quote=False),
        "year": view.year,
        "lines": [escape(line, quote=False) for line in lines],
    }


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    @app.server.route(ROUTE)
    def image_caption():
        pathname = flask.request.args.get("chemin", "/")[:MAX_LENGTH]
        search = flask.request.args.get("vue", "")[:MAX_LENGTH]
        response = flask.jsonify(caption(get_context(), pathname, search))
        response.headers["Cache-Control"] = NO_STORE
        return response
