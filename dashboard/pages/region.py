"""The regional page (``/``): map, key figures, tenure mix, timeline, operations table."""

from __future__ import annotations

from dash import dcc, html

from dashboard.components import graph
from dashboard.ids import Region, Shell


def layout(map_figure=None) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=Region.READY, data=True),
            dcc.Store(id=Region.SORT, data={"column": "commune", "descending": False}),
            html.H1("Opérations Action Cœur de Ville de Clésence en Hauts-de-France", className="page-title"),
            html.Div(id=Region.FIGURES, className="figures", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Section(
                        [
                            html.H2("Carte des opérations"),
                            graph(
                                Region.MAP,
                                map_figure,
                                label="Carte des Hauts-de-France : communes et opérations",
                                what="carte",
                                png_button_type=Shell.PNG_BUTTON,
                            ),
                            html.Div(id=Region.MAP_TABLE),
                            html.P(
                                "Cliquer une commune ou un rond ouvre la page de la commune. Les opérations sont placées "
                                "au centre de leur commune (adresse exacte non publiée), sauf mention.",
                                className="note",
                            ),
                        ],
                        className="panel map-panel",
                    ),
                    html.Section(
                        [
                            html.H2("Financements"),
                            graph(
                                Region.MIX,
                                label="Logements par financement",
                                what="financements",
                                png_button_type=Shell.PNG_BUTTON,
                            ),
                            html.P(
                                "Du plus au moins social. Les codes joints (LLI/PLS) sont publiés sans répartition : "
                                "ils restent groupés, hachurés.",
                                className="note",
                            ),
                            html.Div(id=Region.TOTALS),
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
                        Region.TIMELINE,
                        label="Calendrier des opérations",
                        what="calendrier",
                        png_button_type=Shell.PNG_BUTTON,
                    ),
                    html.Div(id=Region.UNDATED),
                ],
                className="panel",
            ),
            html.Section([html.H2("Opérations"), html.Div(id=Region.TABLE)], className="panel"),
        ],
        className="page region-page",
        **{"data-export-name": "coeur-de-ville_hauts-de-france"},
    )
