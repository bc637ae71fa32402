"""The commune page (``/commune/<code_insee>``): a sheet a mayor can bookmark, share and print."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components import graph
from dashboard.export import file_name
from dashboard.ids import Commune, Shell


def layout(
    *, code: str, name: str, departement: str, is_acv: bool, back_href: str, map_figure=None
) -> html.Div:
    acv = (
        "Ville du programme Action Cœur de Ville"
        if is_acv
        else "Hors programme Action Cœur de Ville (liste ANCT)"
    )
    return html.Div(
        [
            dcc.Store(id=Commune.READY, data=code),
            dcc.Link("← Retour à la région", href=back_href, className="back-link no-print"),
            html.H1(name, className="page-title"),
            html.P(f"{departement} · code INSEE {code} · {acv}", className="subtitle"),
            html.Div(id=Commune.FIGURES, className="figures", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2("Situation"),
                            graph(
                                Commune.MAP,
                                map_figure,
                                label=f"Carte de {name} et des communes voisines",
                                what="carte",
                                png_button_type=Shell.PNG_BUTTON,
                            ),
                        ],
                        className="panel map-panel",
                    ),
                    html.Section(
                        [
                            html.H2("Financements"),
                            graph(
                                Commune.MIX,
                                label=f"Logements par financement à {name}",
                                what="financements",
                                png_button_type=Shell.PNG_BUTTON,
                            ),
                        ],
                        className="panel side-panel",
                    ),
                ],
                className="grid",
            ),
            html.Section(
                [
                    html.H2("Calendrier"),
                    graph(
                        Commune.TIMELINE,
                        label=f"Calendrier des opérations à {name}",
                        what="calendrier",
                        png_button_type=Shell.PNG_BUTTON,
                    ),
                    html.Div(id=Commune.UNDATED),
                ],
                className="panel",
            ),
            html.Section([html.H2("Opérations"), html.Div(id=Commune.OPERATIONS)], className="panel"),
        ],
        className="page commune-page",
        **{"data-export-name": file_name(name)},
    )


def not_found(code: str, back_href: str) -> html.Div:
    return html.Div(
        [
            html.H1("Commune introuvable", className="page-title"),
            html.P(["Aucune commune des Hauts-de-France n'a le code « ", code[:40], " »."]),
            dcc.Link("← Retour à la région", href=back_href, className="back-link"),
        ],
        className="page not-found",
        role="alert",
    )


def page_not_found(back_href: str) -> html.Div:
    return html.Div(
        [
            html.H1("Page introuvable", className="page-title"),
            html.P("Cette adresse ne correspond à aucune page du tableau de bord."),
            dcc.Link("← Retour à la région", href=back_href, className="back-link"),
        ],
        className="page not-found",
        role="alert",
    )
