"""The application factory: ``create_app(settings)`` builds everything; importing does nothing."""

from __future__ import annotations

import flask
from dash import Dash, html

from dashboard import callbacks, layout
from dashboard.context import Context, build_context
from dashboard.dataset import load_dataset
from dashboard.pages import commune as commune_page
from dashboard.pages import region as region_page
from dashboard.report import Report
from dashboard.serving import LONG_LIVED, configure_serving
from dashboard.settings import ASSETS_DIR, Settings

INDEX = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


class DataError(RuntimeError):
    """The data folder cannot be loaded; the message is the full report."""


def load_context(settings: Settings) -> Context:
    report = Report()
    dataset = load_dataset(settings.data_dir, report)
    if dataset is None:
        raise DataError(report.render())
    return build_context(dataset)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings()
    context = load_context(settings)
    app = Dash(
        __name__,
        assets_folder=str(ASSETS_DIR),
        title="Cœur de Ville — Clésence en Hauts-de-France",
        update_title=None,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description", "content": "Opérations Action Cœur de Ville de Clésence en Hauts-de-France"}],
    )
    app.index_string = INDEX
    configure_serving(app)
    app.server.config["COEUR_REPORT_URL"] = settings.report_url
    app.layout = layout.shell(context)
    app.validation_layout = html.Div([
        layout.shell(context), region_page.layout(),
        commune_page.layout(code="00000", name="", departement="", is_acv=False, back_href="/"),
    ])
    callbacks.register(app, lambda: context)
    _geo_routes(app, lambda: context)
    _not_found_status(app, lambda: context)
    return app


def _geo_routes(app: Dash, get_context) -> None:
    @app.server.route("/geo/<name>")
    def geo_asset(name: str):
        asset = get_context().geo_assets().get(name)
        if asset is None:
            flask.abort(404)
        response = flask.Response(asset.body, mimetype="application/geo+json")
        response.headers["Cache-Control"] = LONG_LIVED  # the name holds a hash of the content
        return response


def _not_found_status(app: Dash, get_context) -> None:
    """Dash answers every path with its page; give the pages that do not exist a real 404."""
    @app.server.after_request
    def status(response: flask.Response) -> flask.Response:
        path = flask.request.path
        if response.status_code != 200 or not response.mimetype == "text/html":
            return response
        kind, _ = callbacks.route(path, get_context())
        if kind in ("unknown", "unknown-commune"):
            response.status_code = 404
        return response
