"""The commune page (``/commune/<code_insee>``): a sheet a mayor can bookmark, share and print; its
title and description name the commune and its figures, so a shared link shows them."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Dash, Input, Output, dcc, html, no_update
from dash.development.base_component import Component

from dashboard import analysis, components
from dashboard.context import Context
from dashboard.export import file_name
from dashboard.figures import maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure, undated
from dashboard.formatting import plural
from dashboard.ids import Commune, Shell
from dashboard.mapgeo import neighbourhood
from dashboard.schema import Geo, Op
from dashboard.state import View
from dashboard.views import (
    CONTROL_INPUTS,
    back_link,
    commune_path,
    current_context,
    map_patch,
    report_url,
    route,
    routed_location,
    shown_operations,
    view_of,
)

PATH_TEMPLATE = "/commune/<code>"
SITE = "Cœur de Ville"


def _known(code: Any) -> tuple[Context, str] | None:
    context = current_context()
    return (context, code) if isinstance(code, str) and code in context.dataset.communes.index else None


def title(code: Any = None) -> str:
    """``Amiens : 1 opération, 46 logements — Cœur de Ville``."""
    known = _known(code)
    if known is None:
        return f"Commune introuvable — {SITE}"
    context, code = known
    return f"{context.dataset.communes.at[code, Geo.NOM]} : {_figures_text(context, code)} — {SITE}"


def description(code: Any = None) -> str:
    """``Amiens (80021), Somme : 1 opération, 46 logements (Action Cœur de Ville, Clésence, fin 2026).``"""
    known = _known(code)
    if known is None:
        return "Aucune commune des Hauts-de-France n'a ce code."
    context, code = known
    name = context.dataset.communes.at[code, Geo.NOM]
    departement = context.departement_names.get(code[:2], code[:2])
    return (
        f"{name} ({code}), {departement} : {_figures_text(context, code)} "
        f"(Action Cœur de Ville, Clésence, fin {context.default_year})."
    )


def _figures_text(context: Context, code: str) -> str:
    """The commune's figures in the default view (every operation, the data's last year)."""
    operations, dwellings = context.headline(code)
    return f"{plural(operations, 'opération')}, {plural(dwellings, 'logement')}"


def layout(**_query: Any) -> html.Div:
    """Drawn by Dash Pages' router. The code is read from the path itself: Dash would let a query key
    ``code`` replace the path's."""
    location = routed_location()
    if location is None:
        return page(code="00000", name="", departement="", is_acv=False, back_href="/")
    pathname, search = location
    context = current_context()
    kind, code = route(pathname, context)
    if kind != "commune" or code is None:
        return not_found(code or "", back_link(search))
    return commune_layout(context, code, back_link(search), context.parse(search))


def commune_layout(context: Context, code: str, back: str, view: View) -> html.Div:
    communes = context.dataset.communes
    every = context.operations_in(view, ignore_place=True)
    figure = maps.commune_map(
        every[every[Op.CODE_INSEE] == code],
        neighbourhood(communes, code),
        code,
        largest_op=context.largest_op,
    )
    return page(
        code=code,
        name=communes.at[code, Geo.NOM],
        departement=context.departement_names.get(code[:2], code[:2]),
        is_acv=code in context.dataset.acv.index,
        back_href=back,
        map_figure=figure,
    )


def page(
    *, code: str, name: str, departement: str, is_acv: bool, back_href: str, map_figure: Any = None
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
                    _panel(
                        "Situation",
                        Commune.MAP,
                        f"Carte de {name} et des communes voisines",
                        "carte",
                        map_figure,
                    ),
                    _panel(
                        "Financements", Commune.MIX, f"Logements par financement à {name}", "financements"
                    ),
                ],
                className="grid",
            ),
            html.Section(
                [
                    html.H2("Calendrier"),
                    components.graph(
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


def _panel(heading: str, graph_id: str, label: str, what: str, figure: Any = None) -> html.Section:
    kind = "map-panel" if graph_id == Commune.MAP else "side-panel"
    return html.Section(
        [
            html.H2(heading),
            components.graph(graph_id, figure, label=label, what=what, png_button_type=Shell.PNG_BUTTON),
        ],
        className=f"panel {kind}",
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


def register(app: Dash) -> None:
    """The page in Dash Pages' registry, and its callbacks on ``app``."""
    dash.register_page(
        __name__,
        path_template=PATH_TEMPLATE,
        name="Commune",
        title=title,
        description=description,
        layout=layout,
    )

    @app.callback(
        Output(Commune.FIGURES, "children"),
        Output(Commune.MAP, "figure"),
        Output(Commune.MIX, "figure"),
        Output(Commune.TIMELINE, "figure"),
        Output(Commune.UNDATED, "children"),
        Output(Commune.OPERATIONS, "children"),
        Input(Commune.READY, "data"),
        Input(Shell.PRESENTING, "data"),
        *CONTROL_INPUTS,
    )
    def update_commune(code: Any, presenting: Any, year: Any, *filters: Any) -> tuple:
        known = _known(code)
        if known is None:
            return (no_update,) * 6
        context, code = known
        view = view_of(year, filters, presentation=bool(presenting), context=context)
        frame, _ = shown_operations(context, view, code)
        return panels(context, frame, view)

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Commune.MAP, "clickData"),
        prevent_initial_call=True,
    )
    def open_neighbour_from_map(click: Any) -> Any:
        return commune_path(click)


def panels(context: Context, frame: pd.DataFrame, view: View) -> tuple:
    sheets: list[Component] = [
        components.operation_sheet(row, sources=context.source_titles, report_url=report_url())
        for _, row in frame.sort_values(Op.ID).iterrows()
    ] or [html.P("Aucune opération publiée dans cette commune pour la vue choisie.", className="empty")]
    return (
        components.key_figures(analysis.key_figures(frame), view.year),
        map_patch(maps.commune_marker_data(frame, context.largest_op)),
        mix_figure(analysis.mix_summary(frame, context.dataset.mix), presentation=view.presentation),
        timeline_figure(frame, year=view.year, presentation=view.presentation),
        components.undated_list(undated(frame)),
        sheets,
    )
