"""Thin callbacks: unpack the inputs, call the pure builders, return."""

from __future__ import annotations

from collections.abc import Callable

from dash import ALL, Dash, Input, Output, Patch, State, ctx, html, no_update

from dashboard import analysis, components
from dashboard.context import Context
from dashboard.figures import maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure, undated, year_marks
from dashboard.ids import Commune, Ctl, Region, Shell
from dashboard.mapgeo import neighbourhood
from dashboard.pages import commune as commune_page
from dashboard.pages import region as region_page
from dashboard.schema import Geo, Op
from dashboard.state import View, view_query

FILTERS = (Ctl.DEPARTEMENT, Ctl.COMMUNE, Ctl.PROGRAMME, Ctl.STATUS, Ctl.CODE)
CONTROL_INPUTS = [Input(Ctl.YEAR, "value"), *(Input(f, "value") for f in FILTERS)]
COMMUNE_PREFIX = "/commune/"


def view_of(year, departements, communes, programmes, statuses, codes, presentation=False) -> View:
    return View(year=int(year), departements=tuple(departements or ()), communes=tuple(communes or ()),
                programmes=tuple(programmes or ()), statuses=tuple(statuses or ()), codes=tuple(codes or ()),
                presentation=presentation)


def route(pathname: str | None, context: Context) -> tuple[str, str | None]:
    """``("region", None)``, ``("commune", code)``, ``("unknown-commune", code)`` or ``("unknown", None)``."""
    path = pathname or "/"
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
        shown = (year, *filters)
        if trigger == Ctl.RESET:
            view = View(year=context.default_year, presentation=current.presentation)
        else:
            first, last = context.years
            step = {Ctl.YEAR_PREV: -1, Ctl.YEAR_NEXT: 1}.get(trigger, 0)
            year = min(max(int(year or context.default_year) + step, first), last)
            view = view_of(year, *filters, presentation=current.presentation)
        outputs = only_changes((view.year, *(list(v) for v in (view.departements, view.communes, view.programmes,
                                                               view.statuses, view.codes))), shown)
        return view_query(view, default_year=context.default_year), *outputs, None

    @app.callback(Output(Shell.CONTENT, "children"), Input(Shell.URL, "pathname"), State(Shell.URL, "search"))
    def render_page(pathname, search):
        context = get_context()
        kind, code = route(pathname, context)
        back = "/" + (search or "")
        view = context.parse(search)
        if kind == "region":
            frame = context.operations_in(view)
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
        view = view_of(year or context.default_year, *filters)
        frame = context.operations_in(view)
        figures = analysis.key_figures(frame)
        if only_the_year_changed(view):  # same operations, other statuses: only markers and figures move
            markers = maps.region_marker_data(frame, largest_op=context.largest_op,
                                              largest_commune=context.largest_commune)
            return (components.key_figures(figures, view.year), map_patch(markers), no_update,
                    timeline_year_patch(context, frame, view.year), no_update, no_update)
        trace_data = maps.region_trace_data(frame, context.acv_names, largest_op=context.largest_op,
                                            largest_commune=context.largest_commune)
        return (
            components.key_figures(figures, view.year),
            map_patch(trace_data),
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
        view = view_of(year or context.default_year, *filters)
        frame = context.operations_in(view)
        if only_the_year_changed(view) and (sort or {}).get("column") != analysis.STATUS and len(frame):
            return components.table_year_patch(frame, search=search or "", sort=sort or {})  # same rows, same order
        return components.operations_table(frame, search=search or "", sort=sort or {}, sort_button_type=Region.SORT_BUTTON)

    @app.callback(
        Output(Region.SORT, "data"),
        Input({"type": Region.SORT_BUTTON, "column": ALL}, "n_clicks"), State(Region.SORT, "data"),
        prevent_initial_call=True,
    )
    def sort_table(clicks, sort):
        if not ctx.triggered_id or not any(clicks):
            return no_update
        column = ctx.triggered_id["column"]
        descending = not sort.get("descending", False) if sort.get("column") == column else False
        return {"column": column, "descending": descending}

    @app.callback(
        Output(Commune.FIGURES, "children"), Output(Commune.MAP, "figure"), Output(Commune.MIX, "figure"),
        Output(Commune.TIMELINE, "figure"), Output(Commune.UNDATED, "children"), Output(Commune.OPERATIONS, "children"),
        Input(Commune.READY, "data"), *CONTROL_INPUTS,
    )
    def update_commune(code, year, *filters):
        context = get_context()
        if code not in context.dataset.communes.index:
            return (no_update,) * 6
        view = view_of(year or context.default_year, *filters)
        every = context.operations_in(view, ignore_place=True)
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
    if not click or not click.get("points"):
        return no_update
    custom = click["points"][0].get("customdata")
    code = custom[0] if isinstance(custom, list) else custom
    if not isinstance(code, str) or not code:
        return no_update
    return COMMUNE_PREFIX + code


def get_report_url(app: Dash) -> str:
    return app.server.config["COEUR_REPORT_URL"]


def commune_layout(context: Context, code: str, back: str, view: View):
    communes = context.dataset.communes
    departement = context.departement_names.get(code[:2], code[:2])
    every = context.operations_in(view, ignore_place=True)
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


def only_changes(values: tuple, shown: tuple) -> tuple:
    """``no_update`` for each control that already shows its value, so that the callbacks listening to
    the controls learn which one really changed (the year alone, say) and send only what it changes."""
    return tuple(no_update if value == old or (value == [] and old is None) else value
                 for value, old in zip(values, shown, strict=True))


def only_the_year_changed(view: View) -> bool:
    """The year moved and nothing else did: with no status filter, the operations shown are the same."""
    return set(ctx.triggered_prop_ids) == {f"{Ctl.YEAR}.value"} and not view.statuses


def timeline_year_patch(context: Context, frame, year: int):
    """A year change moves the timeline's end-of-year line only (when the timeline draws any date)."""
    if not context.milestones[analysis.Years.DATED].reindex(frame.index).any():
        return no_update
    patch = Patch()
    for key, value in year_marks(year).items():
        patch["layout"][key] = value
    return patch


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
