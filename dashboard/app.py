"""The application factory: ``create_app(settings)`` builds everything; importing does nothing."""

from __future__ import annotations

import datetime
import functools
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any, NamedTuple

import flask
import pyarrow
from dash import Dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.data import vetting
from dashboard.data.dataset import Dataset
from dashboard.data.mapgeo import GeoAsset
from dashboard.data.report import Report
from dashboard.endpoints import (
    embed,
    freshness,
    guard,
    imagecaption,
    opendata,
    prerender,
    redirects,
    security,
    sharing,
    staff,
    versioncache,
    versionorder,
)
from dashboard.endpoints.serving import LONG_LIVED, configure_serving
from dashboard.model.recent import Recent
from dashboard.settings import ASSETS_DIR, Settings
from dashboard.versions.live import DataError, LiveContext  # noqa: F401 - DataError: what create_app raises
from dashboard.web import callbacks, components, dashinternals, inputs, layout, pages, views
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Ctl, Shell
from dashboard.web.routes import route

# dcc's components that Dash loads only once a layout names them (each a script it inserts then): run with
# the page's scripts instead, on the pages that draw them at once (``CoeurDash.lazy_chunks``).
LAZY_CHUNKS = ("async-graph.js", "async-dropdown.js", "async-slider.js")
FIRST_PAGES_KEPT = 64  # pages written into the HTML, kept for the next visits of the same address
# ... and what they may weigh in each worker: 64 of the shipped data's pages, ~14–30 of 100,000 operations'
# (~0.3–0.6 MB each; 64 of them took ~25 MiB per worker, README « Where the memory goes »).
FIRST_PAGES_BYTES = 8 * 1024 * 1024
TITLE = "Cœur de Ville — Clésence"  # each page says its own (pages.PAGES)
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
    return LiveContext(settings.data_dir, loader=loader_of(settings)).get()


def loader_of(settings: Settings) -> Callable[[Path, Report], Dataset | None]:
    """How a version of the data is read and checked: over the perimeter of the settings, if any."""
    return functools.partial(vetting.load_checked, perimeter=settings.perimeter)


# Dash's start of the renderer (an inline script, allowed by its hash), once the deferred scripts have run;
# the page written into the HTML as a layout goes into the shell the renderer receives (its documented
# ``layout_post`` hook; assets/firstscreen.js), so Dash Pages' router has no round trip to make at load.
START_WHEN_PARSED = (
    'document.addEventListener("DOMContentLoaded", function () { window.renderer = new DashRenderer('
    f"{{{dashinternals.LAYOUT_HOOK}: window.coeurFirstPage || null}}); }});"
)


class FirstPage(NamedTuple):
    """What the HTML carries of its page (``CoeurDash.first_page``); empty for a page drawn live only."""

    screen: str = ""  # the page, written (endpoints/prerender.py), shown until the live page replaces it
    layout: str = ""  # the page's layout, drawn by the renderer with the shell (assets/firstscreen.js)


class CoeurDash(Dash):
    """Dash with each page's own title in the HTML (Dash Pages would set it in the browser only), and the
    page itself (``first_page``)."""

    first_pages: Recent
    version_meta: Callable[[], str]  # the page's version, for assets/version.js (endpoints/versionorder.py)

    def interpolate_index(self, **kwargs: Any) -> str:  # type: ignore[override]  # Dash lists the keywords
        route, page = pages.at(flask.request.path)
        kwargs["title"] = escape(page.title(route))
        kwargs["metas"] = sharing.with_preview(kwargs["metas"], views.current_context(), flask.request)
        kwargs["metas"] += self.version_meta()
        kwargs["metas"] += self.preloads(flask.request.path, flask.request.query_string.decode())
        written = self.first_page(flask.request.path, flask.request.query_string.decode())
        kwargs["app_entry"] += written.screen
        kwargs["metas"] += prerender.RENDER_WHEN_WHOLE if written.screen else ""
        # After the scripts: they are asked for before the page's layout has arrived.
        scripts = dashinternals.page_scripts(kwargs["scripts"]) + self.lazy_chunks(flask.request.path)
        kwargs["scripts"] = scripts + written.layout
        return str(super().interpolate_index(**kwargs))

    def preloads(self, path: str, query: str) -> str:
        """What a page's first drawing waits for, asked for with the page instead of one after the other
        once the scripts run: the map's outlines and plotly.js's empty world (fetched by plotly.js before
        it draws a map), the layout and the callbacks."""
        _, page = pages.at(path)
        if not page.graphs:
            return ""
        urls = page.geometry_urls(inputs.as_search(f"?{query}" if query else ""))
        prefix = self.config.requests_pathname_prefix
        # The renderer asks for its layout and callbacks only once its scripts have run (~0.6 s in).
        fetched = [
            *urls,
            f"{components.TOPOJSON_URL}world_110m.json",
            f"{prefix}_dash-layout",
            f"{prefix}_dash-dependencies",
        ]
        links = [f'<link rel="preload" href="{escape(url)}" as="fetch" crossorigin>' for url in fetched]
        return "".join(f"\n{link}" for link in links)

    def lazy_chunks(self, path: str) -> str:
        """dcc's lazy components the page draws at once (the graph, the dropdowns, the slider), run with
        the other scripts: when the renderer draws the layout they are there, where it would otherwise
        insert each one's script then and draw the component only once it has run (the map asked
        plotly.js to draw 100–200 ms after the page was drawn)."""
        _, page = pages.at(path)
        if not page.graphs:
            return ""
        prefix = self.config.requests_pathname_prefix
        urls = [f"{prefix}_dash-component-suites/dash/dcc/{chunk}" for chunk in LAZY_CHUNKS]
        return "".join(f'\n<script defer src="{escape(url)}"></script>' for url in urls)

    def first_page(self, path: str, query: str) -> FirstPage:
        """The page as the live page draws it, in the HTML itself: shown at once, before any script, and
        its layout for the renderer. Kept for the next visits of the same address (about 45 ms to draw;
        ``recent.Recent``)."""
        context = views.current_context()
        key = (context.version, views.public_root(), path, query, datetime.date.today())
        return self.first_pages.get(key, lambda: self._draw_first_page(context, path, query))

    def _draw_first_page(self, context: Context, path: str, query: str) -> FirstPage:
        search = inputs.as_search(f"?{query}" if query else "")
        view = context.url.parse(search)
        route, shown = pages.at(path)
        page = None if view.presentation else shown.drawn(route, search)  # the slide: drawn live only
        if page is None or not callable(self.layout):
            return FirstPage()  # Dash Pages' router draws it, once the renderer has the shell
        shell = self.layout()
        values = {Ctl.YEAR: view.year} | {f.control: list(view.of(f.key)) for f in FILTERS}
        prerender.set_values(shell, values)
        # What the controls' own callbacks would write at load had the controls had to change.
        labels = {Ctl.YEAR_VALUE: str(view.year)}
        screen = prerender.first_screen(shell, fill={Shell.PAGE: page, **labels})
        return FirstPage(screen, prerender.page_layout(page, values, labels))


def arrow_allocates_with_malloc() -> None:
    """Arrow's buffers (pandas' text columns, and what their selections build) taken from the C library's
    allocator instead of Arrow's own (mimalloc): mimalloc keeps what a request freed, where gunicorn's heap
    trim (``malloc_trim``) gives the C library's back, ~20 MiB a worker after a visitor mix at 100,000
    operations (issue 24)."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def first_page_bytes(page: FirstPage) -> int:
    """What a written page kept weighs: its two texts (a text with any character beyond Latin-1, as the
    French typography's apostrophe, takes two bytes a character)."""
    return sys.getsizeof(page.screen) + sys.getsizeof(page.layout)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings()
    arrow_allocates_with_malloc()
    area = staff.prepare(settings) if settings.staff is not None else None
    served_dir = area.served_dir if area is not None else settings.data_dir  # staff: the published version
    holder = LiveContext(
        served_dir,
        loader=loader_of(settings),
        check_every=settings.reload_check_seconds,
        settle=settings.reload_settle_seconds,
        state_dir=staff.live_state_dir(settings) if area is not None else settings.state_dir,
        allow_shrink=settings.allow_shrink,
        background=True,  # no request waits for a reload
    )
    app = CoeurDash(
        __name__,
        assets_folder=str(ASSETS_DIR),
        use_pages=True,
        pages_folder="",  # the pages register themselves (dashboard.web.pages.register)
        title=TITLE,
        update_title=None,  # type: ignore[arg-type]  # documented: None keeps the tab's title as it is
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX
    app.first_pages = Recent(FIRST_PAGES_KEPT, max_bytes=FIRST_PAGES_BYTES, sizeof=first_page_bytes)
    app.version_meta = functools.partial(versionorder.meta, holder)
    app.renderer = START_WHEN_PARSED
    configure_serving(app)
    app.server.extensions["coeur_live"] = holder  # for gunicorn's post_fork hook (gunicorn.conf.py)
    app.server.config[views.REPORT_URL_KEY] = settings.report_url
    app.server.config[views.PUBLIC_URL_KEY] = settings.public_url
    if settings.trusted_proxies:  # the scheme and the client's address as the proxy saw them, from it only
        count = settings.trusted_proxies
        app.server.wsgi_app = ProxyFix(app.server.wsgi_app, x_for=count, x_proto=count)
    app.server.config[views.CONTEXT_KEY] = holder.get
    app.layout = freshness.live_layout(layout.shell, holder, poll_seconds=settings.poll_seconds)
    pages.register(app)
    dashinternals.lean_validation_layout(app)
    callbacks.register(app)
    freshness.register(app, holder)
    _geo_routes(app, holder.geo_asset)
    # What follows reads the data through views.current_context: the version served, or for a logged-in
    # staff member the draft or earlier version they chose to see (web/shown.py). Open data stays the
    # version published: files people download and pass on never hold a draft.
    opendata.register(app, holder.get, served_dir)
    embed.register(app, views.current_context)
    imagecaption.register(app, views.current_context)
    sharing.register(app, views.current_context)
    _not_found_status(app, views.current_context)
    redirects.register(app, views.current_context)  # /commune/<former code or name>, before Dash answers
    security.configure_security(app, settings)
    guard.configure_guard(app)
    versioncache.configure_version_cache(app, holder)
    versionorder.configure_version_order(app, holder)  # outermost: a process behind answers nothing
    if area is not None:
        staff.register(app, area, holder.get)
    return app


def _geo_routes(app: Dash, find_asset: Callable[[str], GeoAsset | None]) -> None:
    @app.server.route("/geo/<name>")
    def geo_asset(name: str) -> flask.Response:
        # The version this request shows (a staff member's draft), else the current data's, or a recent
        # version's (pages drawn before a reload). Named by a hash of the content: kept a year either way.
        asset = views.current_context().geo.by_name().get(name) or find_asset(name)
        if asset is None:
            flask.abort(404)
        response = flask.Response(asset.body, mimetype="application/geo+json")
        response.headers["Cache-Control"] = LONG_LIVED  # the name holds a hash of the content
        return response


def _not_found_status(app: Dash, get_context: Callable[[], Context]) -> None:
    """Dash answers every path with its page; give the pages that do not exist a real 404."""

    @app.server.after_request
    def status(response: flask.Response) -> flask.Response:
        path = flask.request.path
        if response.status_code != 200 or not response.mimetype == "text/html":
            return response
        if flask.request.endpoint not in ("/", "/<path:path>"):  # pages of our own, not Dash's
            return response
        if not pages.PAGES[route(path, get_context()).kind].exists:
            response.status_code = 404
        return response
