"""Thin callbacks: unpack the inputs, call the pure builders, return."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dash import ALL, ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update

from dashboard import analysis, components, inputs
from dashboard.context import Context
from dashboard.export import file_name, operations_csv
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


def view_of(
    year,
    departements,
    communes,
    programmes,
    statuses,
    codes,
    presentation=False,
    *,
    context: Context | None = None,
) -> View:
    """The view the controls show. Their values come from the browser and may be forged: any type is taken
    (dashboard.inputs); with ``context`` the year is clamped to the data's period and filters keep known codes."""
    vocabularies = (
        {}
        if context is None
        else {
            "years": context.years,
            "departement_codes": context.departement_names,
            "commune_codes": context.dataset.communes.index,
        }
    )
    return inputs.controls_view(
        year, departements, communes, programmes, statuses, codes, presentation=presentation, **vocabularies
    )


def route(pathname: str | None, context: Context) -> tuple[str, str | None]:
    """``("region", None)``, ``("commune", code)``, ``("unknown-commune", code)`` or ``("unknown", None)``."""
    path = pathname or "/"
    if not isinstance(path, str):
        return "unknown", None
    if path in ("/", ""):
        return "region", None
    if path.startswith(COMMUNE_PREFIX):
        code = path[len(COMMUNE_PREFIX) :].strip("/")
        return ("commune" if code in context.dataset.communes.index else "unknown-commune"), code
    return "unknown", None


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    """Attach every callback; ``get_context`` gives the current data (it may be reloaded)."""

    @app.callback(
        Output(Shell.URL, "search"),
        Output(Ctl.YEAR, "value"),
        *(Output(f, "value") for f in FILTERS),
        Output(Shell.NOTICE, "children"),
        Input(Shell.URL, "search"),
        Input(Shell.PRESENT, "n_clicks"),
        Input(Shell.EXIT_PRESENT, "n_clicks"),
        Input(Ctl.RESET, "n_clicks"),
        *CONTROL_INPUTS,
    )
    def sync_url_and_controls(search, _present, _exit, _reset, year, *filters):
        """The query string is the state: it sets the controls, and the controls rewrite it."""
        context = get_context()
        trigger = ctx.triggered_id
        if trigger in (None, Shell.URL):
            view = context.parse(inputs.as_text(search))
            notice = html.Ul([html.Li(n) for n in view.notices]) if view.notices else None
            return (
                no_update,
                view.year,
                *(
                    list(v)
                    for v in (view.departements, view.communes, view.programmes, view.statuses, view.codes)
                ),
                notice,
            )
        view = next_view(context, context.parse(inputs.as_text(search)), trigger, year, filters)
        outputs = only_changes(
            (
                view.year,
                *(
                    list(v)
                    for v in (view.departements, view.communes, view.programmes, view.statuses, view.codes)
                ),
            ),
            (year, *filters),
        )
        return view_query(view, default_year=context.default_year), *outputs, None

    # In the browser: the mode follows the URL with no request, and changes the panels only when it changes.
    app.clientside_callback(
        ClientsideFunction(namespace="coeur", function_name="presentationMode"),
        Output(Shell.ROOT, "className"),
        Output(Shell.PRESENTING, "data"),
        Output(Shell.YEAR_TITLE, "children"),
        Input(Shell.URL, "search"),
        Input(Ctl.YEAR, "value"),
        State(Shell.PRESENTING, "data"),
    )

    @app.callback(
        Output(Ctl.PLAY_TIMER, "disabled"),
        Output(Ctl.PLAY, "children"),
        Output(Ctl.PLAY, "aria-pressed"),
        Input(Ctl.PLAY, "n_clicks"),
        State(Ctl.PLAY_TIMER, "disabled"),
        prevent_initial_call=True,
    )
    def play_or_pause(_clicks, disabled):
        playing = bool(disabled)
        return (not playing), ("■ Pause" if playing else "▶ Lecture"), ("true" if playing else "false")

    @app.callback(
        Output(Shell.SEARCH_RESULTS, "children"), Input(Shell.SEARCH, "value"), State(Shell.URL, "search")
    )
    def search_communes(query, search):
        query = inputs.as_text(query)
        return components.search_results(
            get_context().commune_index.search(query), query, inputs.as_search(search)
        )

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Output(Shell.SEARCH, "value"),
        Input(Shell.SEARCH, "n_submit"),
        State(Shell.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def open_first_match(_submit, query):
        matches = get_context().commune_index.search(inputs.as_text(query), limit=1)
        return (COMMUNE_PREFIX + matches[0].code, "") if matches else (no_update, no_update)

    @app.callback(
        Output(Shell.DOWNLOAD, "data"),
        Input(Shell.EXPORT_CSV, "n_clicks"),
        State(Shell.URL, "pathname"),
        State(Shell.URL, "search"),
        prevent_initial_call=True,
    )
    def export_csv(_clicks, pathname, search):
        context = get_context()
        kind, code = route(pathname, context)
        view = context.parse(inputs.as_text(search))
        frame, place = shown_operations(context, view, code if kind == "commune" else None)
        lines = export_header(context, view, place)
        name = file_name(place or "hauts-de-france", str(view.year)) + ".csv"
        return dcc.send_bytes(operations_csv(frame, header_lines=lines), name)

    @app.callback(Output(Shell.CONTENT, "children"), Input(Shell.URL, "pathname"), State(Shell.URL, "search"))
    def render_page(pathname, search):
        context = get_context()
        kind, code = route(pathname, context)
        back = "/" + inputs.as_search(search)
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
    def update_region(_ready, presenting, year, *filters):
        context = get_context()
        view = view_of(year, *filters, presentation=bool(presenting), context=context)
        frame, _ = shown_operations(context, view, None)
        figures = analysis.key_figures(frame)
        if only_the_year_changed(view):  # same operations, other statuses: only markers and figures move
            markers = maps.region_marker_data(
                frame, largest_op=context.largest_op, largest_commune=context.largest_commune
            )
            return (
                components.key_figures(figures, view.year),
                map_patch(markers),
                no_update,
                timeline_year_patch(context, frame, view.year),
                no_update,
                no_update,
            )
        patch = map_patch(
            maps.region_trace_data(
                frame,
                context.acv_names,
                largest_op=context.largest_op,
                largest_commune=context.largest_commune,
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

    @app.callback(
        Output(Region.TABLE, "children"),
        Output(Region.MAP_TABLE, "children"),
        Input(Region.READY, "data"),
        Input(Region.SORT, "data"),
        *CONTROL_INPUTS,
        State(Shell.URL, "search"),
    )
    def update_tables(_ready, sort, year, *rest):
        *filters, search = rest
        context = get_context()
        view = view_of(year, *filters, context=context)
        frame, _ = shown_operations(context, view, None)
        search = inputs.as_search(search)
        sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
        if only_the_year_changed(view) and len(frame):  # same operations: only statuses and links move
            map_table = components.map_table_year_patch(frame, context.acv_names, search)
            if sort["column"] != analysis.STATUS:
                return components.table_year_patch(frame, search=search, sort=sort), map_table  # same order
        else:
            map_table = components.map_table(frame, context.acv_names, context.departement_names, search)
        return (
            components.operations_table(
                frame,
                search=search,
                sort=sort,
                sort_button_type=Region.SORT_BUTTON,
                sources=context.source_titles,
            ),
            map_table,
        )

    @app.callback(
        Output(Region.SORT, "data"),
        Input({"type": Region.SORT_BUTTON, "column": ALL}, "n_clicks"),
        State(Region.SORT, "data"),
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
    def update_commune(code, presenting, year, *filters):
        context = get_context()
        if not isinstance(code, str) or code not in context.dataset.communes.index:
            return (no_update,) * 6
        view = view_of(year, *filters, presentation=bool(presenting), context=context)
        frame, _ = shown_operations(context, view, code)
        figures = analysis.key_figures(frame)
        sheets = [
            components.operation_sheet(row, sources=context.source_titles, report_url=get_report_url(app))
            for _, row in frame.sort_values(Op.ID).iterrows()
        ]
        if not sheets:
            sheets = [
                html.P("Aucune opération publiée dans cette commune pour la vue choisie.", className="empty")
            ]
        return (
            components.key_figures(figures, view.year),
            map_patch(maps.commune_marker_data(frame, context.largest_op)),
            mix_figure(analysis.mix_summary(frame, context.dataset.mix), presentation=view.presentation),
            timeline_figure(frame, year=view.year, presentation=view.presentation),
            components.undated_list(undated(frame)),
            sheets,
        )

    # Steps are taken in the browser: quick key presses each count, with no round trip.
    app.clientside_callback(
        ClientsideFunction(namespace="coeur", function_name="stepYear"),
        Output(Ctl.YEAR, "value", allow_duplicate=True),
        Input(Ctl.YEAR_PREV, "n_clicks"),
        Input(Ctl.YEAR_NEXT, "n_clicks"),
        Input(Ctl.PLAY_TIMER, "n_intervals"),
        State(Ctl.YEAR, "value"),
        State(Ctl.YEAR, "min"),
        State(Ctl.YEAR, "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(year) { return String(year); }",
        Output(Ctl.YEAR_VALUE, "children"),
        Input(Ctl.YEAR, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="coeur", function_name="downloadPng"),
        Output(Shell.PNG_DONE, "data"),
        Input({"type": Shell.PNG_BUTTON, "graph": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Region.MAP, "clickData"),
        prevent_initial_call=True,
    )
    def open_commune_from_map(click):
        return commune_path(click)

    @app.callback(
        Output(Shell.URL, "pathname", allow_duplicate=True),
        Input(Commune.MAP, "clickData"),
        prevent_initial_call=True,
    )
    def open_neighbour_from_map(click):
        return commune_path(click)


def next_view(context: Context, current: View, trigger, year, filters) -> View:
    """The view after a control changed: the year, a filter, the mode, a reset."""
    if trigger == Ctl.RESET:
        return View(year=context.default_year, presentation=current.presentation)
    if trigger in (Shell.PRESENT, Shell.EXIT_PRESENT):
        return replace(current, presentation=trigger == Shell.PRESENT)
    return view_of(year, *filters, presentation=current.presentation, context=context)


def shown_operations(context: Context, view: View, code: str | None):
    """The operations a page shows: the region's, or one commune's (place filters ignored)."""
    if code is None:
        return context.operations_in(view), None
    every = context.operations_in(view, ignore_place=True)
    return every[every[Op.CODE_INSEE] == code], context.dataset.communes.at[code, Geo.NOM]


def export_header(context: Context, view: View, place: str | None) -> list[str]:
    names = context.departement_names
    communes = context.dataset.communes[Geo.NOM]
    active = [
        ("Départements", [names.get(c, c) for c in view.departements]),
        ("Communes", [communes.get(c, c) for c in view.communes]),
        ("Programmes", view.programmes),
        ("Statuts", view.statuses),
        ("Financements", view.codes),
    ]
    filters = "; ".join(
        f"{label} : {', '.join(sorted(values))}" for label, values in active if values and not place
    )
    return [
        "Cœur de Ville — opérations Action Cœur de Ville de Clésence en Hauts-de-France",
        f"Périmètre : {place or 'Hauts-de-France'}",
        f"Filtres : {filters or 'aucun'}",
        f"Situation à la fin de {view.year}",
        f"Données du {context.dataset.metadata.get('date_donnees', 'date inconnue')}",
        "Sources : " + " ; ".join(context.source_titles.values()),
    ]


def commune_path(click: dict | None) -> str:
    """``/commune/<code>`` for a click on a commune or a marker; the code travels in customdata."""
    code = inputs.clicked_code(click)
    return COMMUNE_PREFIX + code if code else no_update


def get_report_url(app: Dash) -> str:
    return app.server.config["COEUR_REPORT_URL"]


def commune_layout(context: Context, code: str, back: str, view: View):
    communes = context.dataset.communes
    departement = context.departement_names.get(code[:2], code[:2])
    every = context.operations_in(view, ignore_place=True)
    figure = maps.commune_map(
        every[every[Op.CODE_INSEE] == code],
        neighbourhood(communes, code),
        code,
        largest_op=context.largest_op,
    )
    return commune_page.layout(
        code=code,
        name=communes.at[code, Geo.NOM],
        departement=departement,
        is_acv=code in context.dataset.acv.index,
        back_href=back,
        map_figure=figure,
    )


def region_map(context: Context, frame, view: View):
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


def only_changes(values: tuple, shown: tuple) -> tuple:
    """``no_update`` for each control that already shows its value, so that the callbacks listening to
    the controls learn which one really changed (the year alone, say) and send only what it changes."""
    return tuple(
        no_update if value == old or (value == [] and old is None) else value
        for value, old in zip(values, shown, strict=True)
    )


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
