"""Thin callbacks: unpack the inputs, call the pure builders, return."""

from __future__ import annotations

from collections.abc import Callable

from dash import ALL, Dash, Input, Output, Patch, State, ctx, html, no_update

from dashboard import analysis, components, inputs
from dashboard.context import Context
from dashboard.figures import maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure, undated
from dashboard.ids import Commune, Ctl, Region, Shell
from dashboard.mapgeo import neighbourhood
from dashboard.pages import commune as commune_page
from dashboard.pages import region as region_page
from dashboard.schema import Geo, Op
from dashboard.state import View, view_query

FILTERS = (Ctl.DEPARTEMENT, Ctl.COMMUNE, Ctl.PROGRAMME, Ctl.STATUS, Ctl.CODE)
CONTROL_INPUTS = [Input(Ctl.YEAR, "value"), *(Input(f, "value") for f in FILTERS)]
COMMUNE_PREFIX = "/commune/"


def view_of(year, departements, communes, programmes, statuses, codes, presentation=False, *,
            context: Context | None = None) -> View:
    """The view the controls show. Their values come from the browser and may be forged: any type is taken
    (dashboard.inputs); with ``context`` the year is clamped to the data's period and filters keep known codes."""
    vocabularies = {} if context is None else {
        "years": context.years, "departement_codes": context.departement_names,
        "commune_codes": context.dataset.communes.index,
    }
    return inputs.controls_view(year, departements, communes, programmes, statuses, codes,
                                presentation=presentation, **vocabularies)


def route(pathname: str | None, context: Context) -> tuple[str, str | None]:
    """``("region", None)``, ``("commune", code)``, ``("unknown-commune", code)`` or ``("unknown", None)``."""
    path = pathname or "/"
    if not isinstance(path, str):
        return "unknown", None
    if path in ("/", ""):
        return "region", None
    if path.startswith(COMMUNE_PREFIX):
        code = path[len(COMMUNE_PREFIX):].strip("/")
        return ("commune" if code in context.dataset.communes.index else "unknown-commune"), code
    return "unknown", None


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    """Attach every callback; ``get_context`` gives the current data (it may be reloaded)."""

    @app.callback(
        Output(Shell.URL, "search"), Output(Ctl.YEAR, "value"), *(Output(f, "value") for f in FILTERS),
        Output(Shell.NOTICE, "children"),
        Input(Shell.URL, "search"), Input(Ctl.YEAR_PREV, "n_clicks"), Input(Ctl.YEAR_NEXT, "n_clicks"),
        Input(Ctl.RESET, "n_clicks"), *CONTROL_INPUTS,
    )
    def sync_url_and_controls(search, _prev, _next, _reset, year, *filters):
        """The query string is the state: it sets the controls, and the controls rewrite it."""
        context = get_context()
        trigger = ctx.triggered_id
        if trigger in (None, Shell.URL):
            view = context.parse(search)
            notice = html.Ul([html.Li(n) for n in view.notices]) if view.notices else None
            return (no_update, view.year, *(list(v) for v in (view.departements, view.communes, view.programmes,
                                                                view.statuses, view.codes)), notice)
        current = context.parse(search)
        if trigger == Ctl.RESET:
            view = View(year=context.default_year, presentation=current.presentation)
        else:
            first, last = context.years
            step = {Ctl.YEAR_PREV: -1, Ctl.YEAR_NEXT: 1}.get(trigger, 0)
            year = min(max(inputs.as_year(year, default=context.default_year) + step, first), last)
            view = view_of(year, *filters, presentation=current.presentation, context=context)
        outputs = (view.year, *(list(v) for v in (view.departements, view.communes, view.programmes,
                                                  view.statuses, view.codes)))
        return view_query(view, default_year=context.default_year), *outputs, None

    @app.callback(Output(Shell.CONTENT, "children"), Input(Shell.URL, "pathname"), State(Shell.URL, "search"))
    def render_page(pathname, search):
        context = get_context()
        kind, code = route(pathname, context)
        back = "/" + inputs.as_search(search)
        view = context.parse(search)
        if kind == "region":
            frame = analysis.filter_operations(context.dataset.operations, context.dataset.mix, view)
            return region_page.layout(region_map(context, frame, view))
        if kind == "commune":
            return commune_layout(context, code, back, view)
        if kind == "unknown-commune":
            return commune_page.not_found(code, back)
        return commune_page.page_not_found(back)

    @app.callback(
        Output(Region.FIGURES, "children"), Output(Region.MAP, "figure"), Output(Region.MIX, "figure"),
        Output(Region.TIMELINE, "figure"), Output(Region.UNDATED, "children"), Output(Region.TOTALS, "children"),
        Input(Region.READY, "data"), *CONTROL_INPUTS,
    )
    def update_region(_ready, year, *filters):
        context = get_context()
        view = view_of(year, *filters, context=context)
        frame = analysis.filter_operations(context.dataset.operations, context.dataset.mix, view)
        figures = analysis.key_figures(frame)
        return (
            components.key_figures(figures, view.year),
            map_patch(maps.region_trace_data(frame, context.acv_names, largest_op=context.largest_op)),
            mix_figure(analysis.mix_summary(frame, context.dataset.mix)),
            timeline_figure(frame, year=view.year),
            components.undated_list(undated(frame)),
            components.published_totals(context.dataset.totals, figures, context.source_titles),
        )

    @app.callback(
        Output(Region.TABLE, "children"),
        Input(Region.READY, "data"), Input(Region.SORT, "data"), *CONTROL_INPUTS, State(Shell.URL, "search"),
    )
    def update_table(_ready, sort, year, *rest):
        *filters, search = rest
        context = get_context()
        view = view_of(year, *filters, context=context)
        frame = analysis.filter_operations(context.dataset.operations, context.dataset.mix, view)
        return components.operations_table(frame, search=inputs.as_search(search),
                                           sort=inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE),
                                           sort_button_type=Region.SORT_BUTTON)

    @app.callback(
        Output(Region.SORT, "data"),
        Input({"type": Region.SORT_BUTTON, "column": ALL}, "n_clicks"), State(Region.SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(clicks, sort):
        column = ctx.triggered_id.get("column") if isinstance(ctx.triggered_id, dict) else None
        if column not in components.SORTABLE or not any(clicks or ()):
            return no_update
        sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
        descending = not sort["descending"] if sort["column"] == column else False
        return {"column": column, "descending": descending}

    @app.callback(
        Output(Commune.FIGURES, "children"), Output(Commune.MAP, "figure"), Output(Commune.MIX, "figure"),
        Output(Commune.TIMELINE, "figure"), Output(Commune.UNDATED, "children"), Output(Commune.OPERATIONS, "children"),
        Input(Commune.READY, "data"), *CONTROL_INPUTS,
    )
    def update_commune(code, year, *filters):
        context = get_context()
        if not isinstance(code, str) or code not in context.dataset.communes.index:
            return (no_update,) * 6
        view = view_of(year, *filters, context=context)
        every = analysis.filter_operations(context.dataset.operations, context.dataset.mix, view, ignore_place=True)
        frame = every[every[Op.CODE_INSEE] == code]
        figures = analysis.key_figures(frame)
        sheets = [components.operation_sheet(row, sources=context.source_titles, report_url=get_report_url(app))
                  for _, row in frame.sort_values(Op.ID).iterrows()]
        if not sheets:
            sheets = [html.P("Aucune opération publiée dans cette commune pour la vue choisie.", className="empty")]
        return (
            components.key_figures(figures, view.year),
            map_patch(maps.commune_marker_data(frame, context.largest_op)),
            mix_figure(analysis.mix_summary(frame, context.dataset.mix)),
            timeline_figure(frame, year=view.year),
            components.undated_list(undated(frame)),
            sheets,
        )

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Region.MAP, "clickData"), prevent_initial_call=True,
    )
    def open_commune_from_map(click):
        return commune_path(click)

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Commune.MAP, "clickData"), prevent_initial_call=True,
    )
    def open_neighbour_from_map(click):
        return commune_path(click)


def commune_path(click: dict | None) -> str:
    """``/commune/<code>`` for a click on a commune or a marker; the code travels in customdata."""
    code = inputs.clicked_code(click)
    return COMMUNE_PREFIX + code if code else no_update


def get_report_url(app: Dash) -> str:
    return app.server.config["COEUR_REPORT_URL"]


def commune_layout(context: Context, code: str, back: str, view: View):
    communes = context.dataset.communes
    departement = context.departement_names.get(code[:2], code[:2])
    every = analysis.filter_operations(context.dataset.operations, context.dataset.mix, view, ignore_place=True)
    figure = maps.commune_map(every[every[Op.CODE_INSEE] == code], neighbourhood(communes, code), code,
                              largest_op=context.largest_op)
    return commune_page.layout(code=code, name=communes.at[code, Geo.NOM], departement=departement,
                               is_acv=code in context.dataset.acv.index, back_href=back, map_figure=figure)


def region_map(context: Context, frame, view: View):
    return maps.region_map(
        frame, acv_names=context.acv_names,
        communes_url=f"/geo/{context.communes_asset.filename}",
        departements_url=f"/geo/{context.departements_asset.filename}",
        departement_codes=sorted(context.departement_names), view_bounds=context.region_bounds,
        largest_op=context.largest_op, largest_commune=context.largest_commune, presentation=view.presentation,
    )


def map_patch(trace_data: dict[int, dict]) -> Patch:
    """Only the values that changed travel: no geometry, no layout."""
    patch = Patch()
    for index, values in trace_data.items():
        for key, value in values.items():
            if key == "marker.size":
                patch["data"][index]["marker"]["size"] = value
            else:
                patch["data"][index][key] = value
    return patch
