"""A version of the data other than the one served — a staff draft, or an earlier published version — shown
to one logged-in staff member in the public pages, with a banner saying so on every page. Chosen per request
by the staff area (dashboard.endpoints.staff), never from anything a visitor sends without a session."""

from __future__ import annotations

from dataclasses import dataclass

import flask
from dash import dcc, html

from dashboard.web.context import Context
from dashboard.web.ids import Live

G_KEY = "coeur_shown"  # flask.g: the Shown of this request, if any
# WSGI environ: the version a request was answered with when it is not the one served (read by
# dashboard.endpoints.versioncache: such an answer is never kept nor tagged as the served version's).
ENVIRON_KEY = "coeur.shown_version"
BANNER_CLASS = "notice staff-view"


@dataclass(frozen=True)
class Shown:
    """What this request shows instead of the version served."""

    context: Context  # its version names it (« brouillon-12 », « version-5 »): pages, caches, poll
    title: str  # « Brouillon n° 12, non publié »
    detail: str  # who made it, when
    back_url: str  # the staff page it was opened from
    leave_url: str  # POST here (with ``csrf``) to see the version served again
    csrf: str

    @property
    def view(self) -> str:
        return self.context.version


def show(shown: Shown) -> None:
    """This request is answered with ``shown`` (the staff area's guard calls this, session checked)."""
    flask.g.setdefault(G_KEY, shown)
    flask.request.environ[ENVIRON_KEY] = shown.context.version


def current() -> Shown | None:
    if not flask.has_request_context():
        return None
    found = flask.g.get(G_KEY)
    return found if isinstance(found, Shown) else None


def banner(shown: Shown | None) -> html.Div | None:
    """« Brouillon n° 12, non publié — visible seulement par l'équipe connectée », and the ways out."""
    if shown is None:
        return None
    return html.Div(
        [
            html.P(
                [
                    html.Strong(shown.title),
                    " — visible seulement par l'équipe connectée ; le public voit la version publiée. ",
                    shown.detail,
                ]
            ),
            html.Form(
                [
                    html.A("Revenir à la gestion", href=shown.back_url, className="staff-view-back"),
                    dcc.Input(type="hidden", name="csrf", value=shown.csrf),
                    html.Button("Voir la version publiée", type="submit", className="staff-view-leave"),
                ],
                action=shown.leave_url,
                method="POST",
                className="staff-view-actions",
            ),
        ],
        id=Live.SHOWN,
        role="status",
        className=BANNER_CLASS,
    )
