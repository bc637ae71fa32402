"""The application factory: ``create_app(settings)`` builds everything; importing does nothing."""

from __future__ import annotations

import flask
from dash import Dash, html

from dashboard import callbacks, freshness, guard, layout, security
from dashboard.context import Context
from dashboard.live import DataError, LiveContext  # noqa: F401 - DataError: what create_app raises
from dashboard.pages import commune as commune_page
from dashboard.pages import region as region_page
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


def load_context(settings: Settings) -> Context:
    """The data of ``settings.data_dir``, prepared for display (raises ``DataError`` with the report)."""
    return LiveContext(settings.data_dir).get()


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings()
    holder = LiveContext(
        settings.data_dir,
        check_every=settings.reload_check_seconds,
        settle=settings.reload_settle_seconds,
        state_dir=settings.state_dir,
        allow_shrink=settings.allow_shrink,
    )
    context = holder.get()
    app = Dash(
        __name__,
        assets_folder=str(ASSETS_DIR),
        title="Cœur de Ville — Clésence en Hauts-de-France",
        update_title=None,
        serve_locally=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {
                "name": "description",
                "content": "Opérations Action Cœur de Ville de Clésence en Hauts-de-France",
            },
        ],
    )
    app.index_string = INDEX
    configure_serving(app)
    app.server.extensions["coeur_live"] = holder  # for gunicorn's post_fork hook (gunicorn.conf.py)
    app.server.config["COEUR_REPORT_URL"] = settings.report_url
    app.layout = freshness.live_layout(layout.shell, holder, poll_seconds=settings.poll_seconds)
    app.validation_layout = html.Div(
        [
            *freshness.parts(context.version),
            layout.shell(context),
            region_page.layout(),
            commune_page.layout(code="00000", name="", departement="", is_acv=False, back_href="/"),
        ]
    )
    callbacks.register(app, holder.get)
    freshness.register(app, holder)
    _geo_routes(app, holder.geo_asset)
    _not_found_status(app, holder.get)
    security.configure_security(app, settings)
    guard.configure_guard(app)
    return app


def _geo_routes(app: Dash, find_asset) -> None:
    @app.server.route("/geo/<name>")
    def geo_asset(name: str):
        asset = find_asset(name)  # the current data's, or a recent version's (pages drawn before a reload)
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
