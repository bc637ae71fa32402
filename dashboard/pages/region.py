"""The regional page (``/``): map, key figures, tenure mix, timeline, operations table; its callbacks."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import analysis, components, inputs
from dashboard.context import Context
from dashboard.figures import maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure, undated
from dashboard.formatting import plural
from dashboard.ids import Region, Shell
from dashboard.schema import Op
from dashboard.state import View
from dashboard.views import (
    CONTROL_INPUTS,
    commune_path,
    current_context,
    map_patch,
    only_the_year_changed,
    routed_location,
    shown_operations,
    timeline_year_patch,
    view_of,
)

TITLE = "Cœur de Ville — Clésence en Hauts-de-France"


def title() -> str:
    return TITLE


def description() -> str:
    operations, dwellings = current_context().headline()
    return (
        f"Opérations Action Cœur de Ville de Clésence en Hauts-de-France : "
        f"{plural(operations, 'opération')}, {plural(dwellings, 'logement')}."
    )


def layout(**_query: Any) -> html.Div:
    """Drawn by Dash Pages' router with the view of the URL (the query arrives as keyword arguments, but
    unchecked: the view is read from the URL by ``Context.parse``)."""
    location = routed_location()
    if location is None:
        return page()
    context = current_context()
    view = context.parse(location[1])
    return page(region_map(context, context.operations_in(view), view))


def region_map(context: Context, frame: pd.DataFrame, view: View) -> Any:
    return maps.region_map(
        frame,
        acv_names=context.acv_names,
        communes_url=f"/geo/{context.communes_asset.filename}",
        departements_url=f"/geo/{context.departements_asset.filename}",
        departement_codes=sorted(context.departement_names),
        view_bounds=context.region_bounds,
        largest_op=context.largest_op,
        largest_commune=context.largest_commune,
        presentation=view.presentation,
    )


def page(map_figure: Any = None) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=Region.READY, data=True),
            dcc.Store(id=Region.SORT, data={"column": "commune", "descending": False}),
            html.H1("Opérations Action Cœur de Ville de Clésence en Hauts-de-France", className="page-title"),
            html.Div(id=Region.FIGURES, className="figures", **{"aria-live": "polite"}),
            html.Div([_map_panel(map_figure), _mix_panel()], className="grid"),
            html.Section(
                [
                    html.H2("Calendrier"),
                    components.graph(
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


def _map_panel(map_figure: Any) -> html.Section:
    return html.Section(
        [
            html.H2("Carte des opérations"),
            components.graph(
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
    )


def _mix_panel() -> html.Section:
    return html.Section(
        [
            html.H2("Financements"),
            components.graph(
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
    )


def register(app: Dash) -> None:
    """The page in Dash Pages' registry, and its callbacks on ``app``."""
    dash.register_page(__name__, path="/", name="Région", title=title, description=description, layout=layout)
    _register_panels(app)
    _register_tables(app)

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Region.MAP, "clickData"),
        prevent_initial_call=True,
    )
    def open_commune_from_map(click: Any) -> Any:
        return commune_path(click)


def _register_panels(app: Dash) -> None:
    @app.callback(
        Output(Region.FIGURES, "children"),
        Output(Region.MAP, "figure"),
        Output(Region.MIX, "figure"),
        Output(Region.TIMELINE, "figure"),
        Output(Region.UNDATED, "children"),
        Output(Region.TOTALS, "children"),
        Input(Region.READY, "data"),
        Input(Shell.PRESENTING, "data"),
        *CONTROL_INPUTS,
    )
    def update_region(_ready: Any, presenting: Any, year: Any, *filters: Any) -> tuple:
        context = current_context()
        view = view_of(year, filters, presentation=bool(presenting), context=context)
        frame, _ = shown_operations(context, view, None)
        if only_the_year_changed(view):  # same operations, other statuses: only markers and figures move
            return year_panels(context, frame, view)
        return panels(context, frame, view)


def year_panels(context: Context, frame: pd.DataFrame, view: View) -> tuple:
    """What a year step changes: the key figures, the markers' colours, the timeline's year line."""
    markers = maps.region_marker_data(
        frame, largest_op=context.largest_op, largest_commune=context.largest_commune
    )
    return (
        components.key_figures(analysis.key_figures(frame), view.year),
        map_patch(markers),
        no_update,
        timeline_year_patch(context, frame, view.year),
        no_update,
        no_update,
    )


def panels(context: Context, frame: pd.DataFrame, view: View) -> tuple:
    figures = analysis.key_figures(frame)
    patch = map_patch(
        maps.region_trace_data(
            frame, context.acv_names, largest_op=context.largest_op, largest_commune=context.largest_commune
        )
    )
    patch["layout"]["font"]["size"] = maps.font_size(view.presentation)
    return (
        components.key_figures(figures, view.year),
        patch,
        mix_figure(analysis.mix_summary(frame, context.dataset.mix), presentation=view.presentation),
        timeline_figure(frame, year=view.year, presentation=view.presentation),
        components.undated_list(undated(frame)),
        components.published_totals(context.dataset.totals, figures, context.source_titles),
    )


def _register_tables(app: Dash) -> None:
    @app.callback(
        Output(Region.TABLE, "children"),
        Output(Region.MAP_TABLE, "children"),
        Input(Region.READY, "data"),
        Input(Region.SORT, "data"),
        *CONTROL_INPUTS,
        State(Shell.URL, "search"),
    )
    def update_tables(_ready: Any, sort: Any, year: Any, *rest: Any) -> tuple:
        *filters, search = rest
        context = current_context()
        view = view_of(year, filters, context=context)
        frame, _ = shown_operations(context, view, None)
        sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
        return tables(context, frame, view, search=inputs.as_search(search), sort=sort)

    @app.callback(
        Output(Region.SORT, "data"),
        Input({"type": Region.SORT_BUTTON, "column": ALL}, "n_clicks"),
        State(Region.SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(clicks: Any, sort: Any) -> Any:
        column = ctx.triggered_id.get("column") if isinstance(ctx.triggered_id, dict) else None
        if column not in components.SORTABLE or not any(clicks or ()):
            return no_update
        sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
        descending = not sort["descending"] if sort["column"] == column else False
        return {"column": column, "descending": descending}


def tables(
    context: Context, frame: pd.DataFrame, view: View, *, search: str, sort: dict[str, Any]
) -> tuple[Any, Any]:
    """The operations table and the map's table; after a year step, only the cells a year changes."""
    map_table: Any
    if only_the_year_changed(view) and len(frame):  # same operations: only statuses and links move
        map_table = components.map_table_year_patch(frame, context.acv_names, search)
        if sort["column"] != analysis.STATUS:
            return components.table_year_patch(frame, search=search, sort=sort), map_table  # same order
    else:
        map_table = components.map_table(frame, context.acv_names, context.departement_names, search)
    table = components.operations_table(
        frame, search=search, sort=sort, sort_button_type=Region.SORT_BUTTON, sources=context.source_titles
    )
    return table, map_table
