"""What the commune page offers to share it elsewhere: the ``<iframe>`` a town hall pastes into its site
(the card itself is served by dashboard.endpoints.embed)."""

from __future__ import annotations

from html import escape

import flask
from dash import html

from dashboard.web.views import public_root

PREFIX = "/integration/commune/"  # the embeddable card's address, before the commune's code


def snippet(origin: str, code: str, name: str) -> str:
    """The ``<iframe>`` a town hall pastes into its site."""
    url = f"{origin.rstrip('/')}{PREFIX}{code}"
    return (
        f'<iframe src="{escape(url)}" width="600" height="400" style="border:0" loading="lazy" '
        f'title="{escape(name)} — opérations Cœur de Ville de Clésence"></iframe>'
    )


def snippet_here(code: str, name: str) -> str:
    """The snippet for the server that answers this request; none outside a request."""
    return snippet(public_root(), code, name) if flask.has_request_context() else ""


def share_box(snippet_html: str) -> html.Details:
    """The commune page's "Intégrer" box: the snippet to copy."""
    return html.Details(
        [
            html.Summary("Intégrer", className="action-button"),
            html.P("Pour afficher la fiche de la commune sur un autre site, copiez ce code dans sa page :"),
            html.Textarea(
                snippet_html, readOnly=True, rows=3, className="embed-code", **{"aria-label": "Code"}
            ),
            html.P(
                "Le site doit être autorisé par l'hébergeur du tableau de bord (voir le README).",
                className="note",
            ),
        ],
        className="embed-box no-print",
    )
