"""Open pages follow the data: a banner while a new version of the files is refused, a reload once one is
accepted; and ``/healthz`` for the process supervisor."""

from __future__ import annotations

from collections.abc import Callable

import flask
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard.data.wording import plural
from dashboard.endpoints.serving import NO_STORE
from dashboard.versions.live import Failure, LiveContext, failure_summary
from dashboard.web import shown
from dashboard.web.context import Context
from dashboard.web.ids import Live
from dashboard.web.shown import Shown

POLL_SECONDS = 10.0  # every open tab asks this often; the answer is empty while nothing changed
SHOWN_ERRORS = 3
MAX_ERROR_CHARS = 300
HEALTH_PATH = "/healthz"

# Reloading the page is what refreshes everything the data shapes at once (year range, commune list,
# map geometry, footer); the view itself lives in the URL, so it survives. Only for a version accepted
# after the page's own: a worker or an instance still serving an older one must not send the page back.
RELOAD_WHEN_STALE = """
function (latest, built) {
    var page = window.coeurDataAt;
    if (page === undefined) {  // the page's own answer, written into it: when its version was accepted
        window.coeurDataAt = (latest && latest.at) || 0;
        window.coeurView = (latest && latest.view) || "";
        return window.dash_clientside.no_update;
    }
    // Another view (a staff member entering or leaving a draft): reload whatever the dates say.
    var moved = latest && ((latest.view || "") !== window.coeurView || latest.at > page);
    if (latest && built && latest.version && latest.version !== built && moved) {
        window.location.reload();
    }
    return window.dash_clientside.no_update;
}
"""


def parts(
    version: str,
    poll_seconds: float = POLL_SECONDS,
    failure: Failure | None = None,
    at: float = 0.0,
    chosen: Shown | None = None,
) -> list:
    """The poll, and what its first answer would say, written into the page: no request at load; and the
    banner of a draft or an earlier version shown to a staff member (``chosen``)."""
    return [
        dcc.Interval(id=Live.POLL, interval=int(poll_seconds * 1000)),
        dcc.Store(id=Live.BUILT, data=version),
        dcc.Store(id=Live.LATEST, data=latest(version, failure, at, view=chosen.view if chosen else "")),
        html.Div(banner(failure), id=Live.BANNER, role="alert", className="notice data-banner"),
        shown.banner(chosen),
    ]


def latest(version: str, failure: Failure | None, at: float = 0.0, *, view: str = "") -> dict:
    """The version served, when it was accepted, and the one refused if any; ``view``: the draft or earlier
    version a staff member sees instead (dashboard.web.shown), said only then."""
    answer = {"version": version, "refused": failure.version if failure else None, "at": at}
    return answer | {"view": view} if view else answer


def now_shown(holder: LiveContext) -> tuple[Context, Failure | None, float, Shown | None]:
    """What this request shows: the version served, its refused version and when it was accepted; or the
    version a staff member chose (no refusal to tell, and no date: it never replaces itself)."""
    chosen = shown.current()
    if chosen is not None:
        return chosen.context, None, 0.0, chosen
    return holder.get(), holder.failure, holder.accepted_at, None


def live_layout(
    shell: Callable[[Context], html.Div], holder: LiveContext, *, poll_seconds: float = POLL_SECONDS
) -> Callable[[], html.Div]:
    """A layout function: each page load gets the shell of the data served at that moment."""

    def page() -> html.Div:
        context, failure, at, chosen = now_shown(holder)
        return html.Div([*parts(context.version, poll_seconds, failure, at, chosen), shell(context)])

    return page


def banner(failure: Failure | None) -> list | None:
    """``operations.csv n'a pas été rechargé : 2 erreurs.`` and the first errors
    (``file:line: column: …``)."""
    if failure is None:
        return None
    errors = failure.errors
    items = [html.Li(str(issue)[:MAX_ERROR_CHARS]) for issue in errors[:SHOWN_ERRORS]]
    if len(errors) > SHOWN_ERRORS:
        items.append(html.Li(f"… et {plural(len(errors) - SHOWN_ERRORS, 'autre erreur', 'autres erreurs')}"))
    return [
        html.P(
            [
                html.Strong(failure_summary(failure)),
                " Le tableau de bord montre toujours la version précédente des données."
                if failure.held
                else " Le tableau de bord montre toujours la dernière version valide des données.",
            ]
        ),
        html.Ul(items),
    ]


def register(app: Dash, holder: LiveContext) -> None:
    @app.callback(
        Output(Live.BANNER, "children"),
        Output(Live.LATEST, "data"),
        Input(Live.POLL, "n_intervals"),
        State(Live.LATEST, "data"),
        prevent_initial_call=True,  # the page is written with its answer (parts)
    )
    def poll(_n, seen):
        context, failure, at, chosen = now_shown(holder)
        now = latest(context.version, failure, at, view=chosen.view if chosen else "")
        if now == seen:
            return no_update, no_update
        return banner(failure), now

    app.clientside_callback(
        RELOAD_WHEN_STALE, Output(Live.BUILT, "data"), Input(Live.LATEST, "data"), State(Live.BUILT, "data")
    )

    @app.server.route(HEALTH_PATH)
    def healthz():
        response = flask.jsonify(holder.status())
        response.headers["Cache-Control"] = NO_STORE
        return response
