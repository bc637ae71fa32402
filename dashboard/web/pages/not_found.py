"""The page of an address that is no page of the dashboard (served with a real 404 status: dashboard.app)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.web.views import back_link, routed_location

# Dash Pages draws the page registered under a module named ``not_found_404`` for unknown paths.
MODULE = "not_found_404"
TITLE = "Page introuvable — Cœur de Ville"


def layout(**_query: Any) -> html.Div:
    location = routed_location()
    return page(back_link(location[1] if location else ""))


def page(back_href: str) -> html.Div:
    return html.Div(
        [
            html.H1("Page introuvable", className="page-title"),
            html.P("Cette adresse ne correspond à aucune page du tableau de bord."),
            dcc.Link("← Retour à la carte", href=back_href, className="back-link"),
        ],
        className="page not-found",
        role="alert",
    )


def register() -> None:
    dash.register_page(
        MODULE, path="/404", name="Page introuvable", title=TITLE, description="", layout=layout
    )
