"""The regional page (``/``): map, key figures, tenure mix, timeline, operations table; its callbacks."""

from __future__ import annotations

import dataclasses
from typing import Any

import dash
import pandas as pd
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard.data import wording
from dashboard.data.schema import Derived, Geo, Mix, Op, Total
from dashboard.data.wording import plural
from dashboard.export import tables as export
from dashboard.figures import mapchanges, maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.model import analysis
from dashboard.model.state import View
from dashboard.web import components, glossary, headline, inputs, maptable, milestones, written
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Ctl, Region, Shell
from dashboard.web.legend import map_legend
from dashboard.web.views import (
    CONTROLS,
    answered,
    commune_path,
    current_context,
    figure_patch,
    only_the_year_changed,
    output,
    outputs,
    routed_location,
    shown_operations,
    timeline_year_patch,
    view_of,
)


def title() -> str:
    return f"Cœur de Ville — Clésence — {current_context().lookups.perimeter_name}"


def description() -> str:
    """What the page says first, in one sentence a link preview can show: the programme's published
    totals, the detail the sources publish, and as of when."""
    context = current_context()
    detail = context.acv_detail
    totals = context.dataset.totals
    sources = wording.sources_published(context.dataset.source_dates)
    return (
        f"Action Cœur de Ville — {context.lookups.perimeter_name} : Clésence a publié "
        f"{headline.programme_claims(totals)} ; les sources en détaillent "
        f"{plural(detail.operations, 'opération')} "
        f"({headline.DwellingSum.of_all(detail).with_unit()}). {sources}."
    )


def layout(**_query: Any) -> html.Div:
    """Drawn by Dash Pages' router with the view of the URL (the query arrives as keyword arguments, but
    unchecked: the view is read from the URL by ``UrlCodec.parse``)."""
    location = routed_location()
    if location is None:
        return page()
    return for_location(location[1])


def for_location(search: str) -> html.Div:
    """The page of the view ``search`` says, as the router draws it (and the HTML, prerender.py). The same
    address draws the same page until the data changes: it is kept (all of France: half a second to draw),
    and gunicorn's master draws the first one before it forks its workers (dashboard/endpoints/warmup.py)."""
    context = current_context()
    return context.caches.pages.get(search, lambda: _drawn(context, search))


def _drawn(context: Context, search: str) -> html.Div:
    view = context.url.parse(search)
    frame = context.operations_in(view)
    details = detail_panels(context, frame, view)
    # Every panel is drawn with the page, in one answer: the callbacks then only follow the controls.
    return page(
        region_map(context, frame, view),
        title=title_of(context, view),
        summary=summary(context, frame, view),
        lead=lead(context, view),
        place=context.lookups.perimeter_name,
        by_departement=context.lookups.by_departement,
        filled={
            Region.MIX: details.mix,
            Region.TIMELINE: details.timeline,
            Region.UNDATED: details.undated,
            Region.TOTALS: details.totals,
            Region.TABLE: components.operations_table(
                frame, search=search, sort=DEFAULT_SORT, sort_button_type=Region.SORT_BUTTON
            ),
        },
    )


def region_map(context: Context, frame: pd.DataFrame, view: View) -> Any:
    """The map; on the page (not the slide) as tall as the first screen allows (assets/style.css sizes
    ``#region-map``: the whole region stays in view at 1280×720 as at 1440×900)."""
    figure = _region_map(context, frame, view)
    figure.layout.height = None  # the page's and the slide's CSS size its box; its legend is HTML beside it
    return figure


def geometry_urls(search: str) -> list[str]:
    """The outlines the map of the view ``search`` fetches."""
    context = current_context()
    overview = map_unit(context, context.url.parse(search)) is not None
    return sorted({context.geo.departements_url(overview), context.geo.communes_url(overview)})


def map_unit(context: Context, view: View) -> maps.Unit | None:
    """One symbol per commune, or per département over a wide perimeter until a place is chosen."""
    if not context.lookups.by_departement or view.of("departements") or view.of("communes"):
        return None
    return maps.Unit(
        Derived.DEPARTEMENT, context.lookups.departement_points, context.lookups.largest_departement
    )


def _region_map(context: Context, frame: pd.DataFrame, view: View) -> Any:
    options = map_options(context, view)
    overview = options["unit"] is not None
    return maps.region_map(
        frame,
        acv_names=context.lookups.acv_names,
        communes_url=context.geo.communes_url(overview),
        departements_url=context.geo.departements_url(overview),
        departement_codes=sorted(context.lookups.departement_names),
        **options,
    )


def perimeter(context: Context, view: View) -> headline.Perimeter:
    names = context.dataset.communes[Geo.NOM]
    places = [names.get(c, c) for c in view.of("communes")] or [
        context.lookups.departement_names.get(c, c) for c in view.of("departements")
    ]
    return headline.Perimeter(wording.and_list(places, context.lookups.perimeter_name), view.of("programmes"))


def filters_words(view: View) -> str:
    """The filters a title does not already say (status, financing), in words."""
    said = ("departements", "communes", "programmes")  # the title says them
    parts = [
        f"{spec.label.lower()} {wording.and_list(list(view.of(spec.key)), '')}"
        for spec in FILTERS
        if spec.key not in said and view.of(spec.key)
    ]
    return " ; ".join(parts)


def year_words(context: Context, view: View) -> str:
    """« Situation fin 2022 selon les sources publiées en 2020 (date estimée) et 2022. Dernière recherche
    de sources publiques : décembre 2026. »"""
    sources = wording.according_to_sources(context.dataset.source_dates)
    searched = wording.search_line(getattr(context.dataset, "metadata", {}))
    searched = f" {searched}." if searched else ""
    if context.lookups.sources_year and view.year > context.lookups.sources_year:  # 0: no source dated
        return (
            f"Projection fin {view.year} {sources} : après {context.lookups.sources_year}, date de la "
            f"dernière source, les états sont des prévisions ou inconnus.{searched}"
        )
    return f"Situation fin {view.year} {sources}.{searched}"


def title_of(context: Context, view: View) -> html.H1:
    """The page's title: what it counts, where."""
    return html.H1(perimeter(context, view).title(), className="page-title")


def summary(context: Context, frame: pd.DataFrame, view: View, totals: analysis.Totals | None = None) -> list:
    """The year and as of when, the filters, and the key figures: one output, so that they always
    change together. ``totals``: what they count whatever the year, kept for the view (a year step)."""
    filters = filters_words(view)
    return [
        html.P(
            [year_words(context, view), html.Strong(f" Filtres : {filters}.") if filters else None],
            className="year-line",
        ),
        headline.key_figures(
            analysis.key_figures(frame, totals), year=view.year, sources_year=context.lookups.sources_year
        ),
    ]


def totals_source_label(context: Context) -> str:
    """« source publiée en 2022 (date estimée) »: where the programme's published totals come from."""
    totals = context.dataset.totals
    sources = totals.loc[totals[Total.INDICATEUR] == "acv_programmes", Total.SOURCE].tolist()
    dates = [context.dataset.source_dates[s] for s in sources if s in context.dataset.source_dates]
    if len(set(sources)) > 1:
        return f"{len(set(sources))} sources, chiffres datés"
    return wording.source_published(dates[0] if dates else None)


def lead(context: Context, view: View) -> html.Section:
    """The programme's published totals against what the sources detail; its wording follows the view's
    perimeter, its figures the data only (computed once per version: ``Context.acv_detail``,
    ``Context.acv_deliveries``)."""
    return headline.published_lead(
        context.dataset.totals,
        context.acv_detail,
        source_label=totals_source_label(context),
        perimeter=perimeter(context, view),
        planned=context.acv_deliveries,
    )


DEFAULT_SORT = {"column": Op.COMMUNE, "descending": False}


def page(
    map_figure: Any = None,
    *,
    title: Any = None,
    summary: list | None = None,
    lead: Any = None,
    place: str = "",
    by_departement: bool = False,
    filled: dict[str, Any] | None = None,
) -> html.Div:
    """A first screen designed to be read whole (the title, the published totals and the key figures
    beside the map of the whole region), then the financing, the calendar and the table; ``filled``
    holds the contents of the other panels (figures or children), by id."""
    filled = filled or {}
    return html.Div(
        [
            dcc.Store(id=Region.READY, data=True),
            dcc.Store(id=Region.SORT, data=DEFAULT_SORT),
            written.wanted_store(Region.TABLE_LIVE),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(title, id=Region.TITLE, className="title-box"),
                            written.static(lead) if lead is not None else None,
                            written.static(
                                html.Div(
                                    summary, id=Region.FIGURES, className="figures", **{"aria-live": "polite"}
                                )
                            ),
                        ],
                        className="region-intro",
                    ),
                    _map_panel(map_figure, place, by_departement),
                ],
                className="region-top",
            ),
            html.Div([_mix_panel(filled), _calendar_panel(filled)], className="grid region-detail"),
            html.Section(
                # Written on the server: React builds its 200-odd components when it nears the screen
                [
                    html.H2("Opérations"),
                    written.until_wanted(Region.TABLE, filled.get(Region.TABLE), Region.TABLE_LIVE),
                ],
                className="panel table-panel",
            ),
        ],
        className="page region-page",
        **{"data-export-name": export.file_name(place or "region")},
    )


def _calendar_panel(filled: dict[str, Any]) -> html.Section:
    """The calendar: a chart on screens wide enough for its years, a list of milestones on phones
    (filled by the same callback, in ``Region.UNDATED``; assets/style.css chooses)."""
    return html.Section(
        [
            html.H2("Calendrier"),
            components.graph(
                Region.TIMELINE,
                filled.get(Region.TIMELINE),
                label="Calendrier des opérations",
                what="calendrier",
                png_button_type=Shell.PNG_BUTTON,
            ),
            written.static(html.Div(filled.get(Region.UNDATED), id=Region.UNDATED)),
        ],
        className="panel calendar-panel",
    )


def _map_panel(map_figure: Any, place: str, by_departement: bool) -> html.Section:
    return html.Section(
        [
            html.H2("Carte des opérations"),
            components.graph(
                Region.MAP,
                map_figure,
                label=f"Carte — {place or 'périmètre'} : communes et opérations",
                what="carte",
                png_button_type=Shell.PNG_BUTTON,
            ),
            written.static(map_legend(region=True, by_departement=by_departement)),
            components.map_table_details(),
            html.P(
                "Cliquer une commune ou un rond ouvre la page de la commune. Les opérations sont placées "
                "au centre de leur commune (adresse exacte non publiée), sauf mention.",
                className="note",
            ),
        ],
        className="panel map-panel",
    )


def _mix_panel(filled: dict[str, Any]) -> html.Section:
    return html.Section(
        [
            html.H2("Financements"),
            components.graph(
                Region.MIX,
                filled.get(Region.MIX),
                label="Logements par financement",
                what="financements",
                png_button_type=Shell.PNG_BUTTON,
            ),
            html.P(
                "Du plus au moins social. Les codes joints (LLI/PLS) sont publiés sans répartition : "
                "ils restent groupés, hachurés.",
                className="note",
            ),
            written.static(html.Div(filled.get(Region.TOTALS), id=Region.TOTALS)),
            written.static(glossary.financing_glossary()),
            written.static(glossary.financing_glossary(compact=True)),
        ],
        className="panel side-panel",
    )


@dataclasses.dataclass(frozen=True)
class Panels:
    """What the panels' callback writes; a year step sets only what a year changes."""

    figures: Any = output(Region.FIGURES, "children")
    map: Any = output(Region.MAP, "figure")
    mix: Any = output(Region.MIX, "figure")
    timeline: Any = output(Region.TIMELINE, "figure")
    undated: Any = output(Region.UNDATED, "children")
    totals: Any = output(Region.TOTALS, "children")
    title: Any = output(Region.TITLE, "children")


@dataclasses.dataclass(frozen=True)
class Tables:
    """What the tables' callback writes: the operations table and the map's table."""

    table: Any = output(Region.TABLE, "children")
    map_table: Any = output(Region.MAP_TABLE, "children")
    live: Any = output(Region.TABLE_LIVE, "data")  # true once the whole live table is sent (written.py)
    written_patch: Any = output(Region.TABLE, written.PATCH)  # a year step while the table is written


@dataclasses.dataclass(frozen=True)
class MapClick:
    """A click on the map opens a commune's page, or chooses a département."""

    pathname: Any = output(Shell.URL, "pathname", allow_duplicate=True)
    departements: Any = output(Ctl.DEPARTEMENT, "value", allow_duplicate=True)


@dataclasses.dataclass(frozen=True)
class RowOpened:
    fields: Any = output({"type": Region.ROW_FIELDS, "op": MATCH}, "children")
    open: Any = output({"type": Region.ROW_DETAIL, "op": MATCH}, "open")


def register(app: Dash) -> None:
    """The page in Dash Pages' registry, and its callbacks on ``app``."""
    dash.register_page(__name__, path="/", name="Région", title=title, description=description, layout=layout)
    app.callback(
        output=outputs(Panels),
        inputs={
            "ready": Input(Region.READY, "data"),
            "presenting": Input(Shell.PRESENTING, "data"),
            **CONTROLS,
        },
        prevent_initial_call=True,  # the page is drawn whole (for_location): this follows the controls
    )(update_panels)
    app.callback(
        output=outputs(Tables),
        inputs={
            "ready": Input(Region.READY, "data"),
            "sort": Input(Region.SORT, "data"),
            "map_opened": Input(Region.MAP_TABLE_OPEN, "n_clicks"),
            "live": Input(Region.TABLE_LIVE, "data"),  # and its own output: "wanted" → true
            **CONTROLS,
        },
        state={"search": State(Shell.URL, "search")},
        prevent_initial_call=True,  # the page is drawn with its table (for_location)
    )(update_tables)
    app.callback(
        output=Output(Region.SORT, "data"),
        inputs={"clicks": Input({"type": Region.SORT_BUTTON, "column": ALL}, "n_clicks")},
        state={"sort": State(Region.SORT, "data")},
        prevent_initial_call=True,
    )(sort_table)
    app.callback(
        output=outputs(RowOpened),
        inputs={"clicks": Input({"type": Region.ROW_OPEN, "op": MATCH}, "n_clicks")},
        prevent_initial_call=True,
    )(open_row)
    app.callback(
        output=outputs(MapClick), inputs={"click": Input(Region.MAP, "clickData")}, prevent_initial_call=True
    )(open_from_map)


def update_panels(ready: Any, presenting: Any, year: Any, filters: Any) -> dict[str, Any]:
    """The panels follow the controls and the mode."""
    del ready  # drawn: the page's panels now follow the controls
    context = current_context()
    view = view_of(year, filters, presentation=bool(presenting), context=context)
    frame, _ = shown_operations(context, view, None)
    if only_the_year_changed(view):  # same operations, other statuses: only markers and figures move
        return answered(year_panels(context, frame, view))
    return answered(panels(context, frame, view))


def open_from_map(click: Any) -> dict[str, Any]:
    """A commune's symbol or area opens its page; a département's symbol (national scale) chooses it."""
    code = inputs.clicked_code(click) or ""
    if code.startswith(maps.DEPARTEMENT_KEY):
        departement = code.removeprefix(maps.DEPARTEMENT_KEY)
        known = departement in current_context().lookups.departement_names
        return answered(MapClick(departements=[departement] if known else no_update))
    return answered(MapClick(pathname=commune_path(click)))


def map_options(context: Context, view: View) -> dict[str, Any]:
    """What the regional map draws besides the operations, for ``view``."""
    return {
        "largest_commune": context.lookups.largest_commune,
        "partners": context.lookups.partner_points_in(context.lookups.view_bounds(view)),
        "presentation": view.presentation,
        "view_bounds": context.lookups.view_bounds(view),
        "unit": map_unit(context, view),
    }


def year_panels(context: Context, frame: pd.DataFrame, view: View) -> Panels:
    """What a year step changes: the key figures, the markers' colours, the timeline's year line."""
    changes = mapchanges.region_year_changes(frame, context.lookups.acv_names, **map_options(context, view))
    key = ("totals", context.url.steady_key(view))  # the same operations every year: kept for the view
    totals = context.caches.results.get(key, lambda: analysis.totals_of(frame))
    return Panels(
        figures=summary(context, frame, view, totals),
        map=figure_patch(changes),
        timeline=timeline_year_patch(context, frame, view.year),
    )


def panels(context: Context, frame: pd.DataFrame, view: View) -> Panels:
    """Every panel, for a view that changed more than its year."""
    options = map_options(context, view)
    overview = options["unit"] is not None
    changes = mapchanges.region_view_changes(
        frame,
        context.lookups.acv_names,
        communes_url=context.geo.communes_url(overview),
        departements_url=context.geo.departements_url(overview),  # coarser for France
        uirevision="map-" + "-".join(view.of("departements")),
        **options,
    )
    return dataclasses.replace(
        detail_panels(context, frame, view),
        figures=summary(context, frame, view),
        map=figure_patch(changes),
        title=title_of(context, view),
    )


def detail_panels(context: Context, frame: pd.DataFrame, view: View) -> Panels:
    """The financing chart, the calendar, its list of milestones and the financing note."""
    figures = analysis.key_figures(frame)
    shown = analysis.mix_of(frame, context.dataset.mix)
    mix = analysis.mix_summary(frame, context.dataset.mix, shown=shown)
    gaps = analysis.mix_gaps(frame, context.dataset.mix, shown=shown)
    mix_total = int(shown[Mix.LOGEMENTS].sum())
    return Panels(
        mix=mix_figure(mix, presentation=view.presentation),
        timeline=timeline_figure(frame, year=view.year, presentation=view.presentation),
        undated=[milestones.milestone_list(frame), components.undated_list(frame)],
        totals=headline.mix_note(gaps, mix_total, figures.dwellings_range),
    )


def update_tables(
    ready: Any, sort: Any, map_opened: Any, live: Any, year: Any, filters: Any, search: Any
) -> dict[str, Any]:
    """The operations table follows the controls and its sort; the map's table, once opened, too. The page
    comes with the table written (``written.until_wanted``): the live one is sent when it is wanted, or at
    the first change of the view; a year step patches the table, live or written."""
    del ready  # drawn: the tables now follow the controls
    context = current_context()
    search = inputs.as_search(search)
    address = context.url.parse(search)
    view = view_of(year, filters, presentation=address.presentation, context=context)
    frame, _ = shown_operations(context, view, None)
    sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
    # The links carry the view of the controls: the address is written by another callback, maybe later.
    query = search if address == view else context.url.query(view)
    if ctx.triggered_id == Region.MAP_TABLE_OPEN:  # opened (or closed): its rows, nothing else
        return answered(Tables(map_table=map_table(context, frame, view, query)))
    if ctx.triggered_id == Region.TABLE_LIVE and live is True:  # sent already (a year step came first)
        return answered(Tables())
    answer = tables(context, frame, view, search=query, sort=sort, map_opened=bool(map_opened), live=live)
    return answered(answer)


def sort_table(clicks: Any, sort: Any) -> Any:
    """A click on a column's heading sorts by it, or turns its order round. A click made as the headings
    arrive (assets/firstscreen.js makes on the live table a click held on the written one) comes with
    every new heading named as a trigger (Dash merges it with their arrival): the heading clicked is
    the one with clicks."""
    counts = {item["prop_id"]: item.get("value") for item in ctx.triggered}
    clicked = [key for prop, key in ctx.triggered_prop_ids.items() if counts.get(prop)]
    column = clicked[0].get("column") if len(clicked) == 1 and isinstance(clicked[0], dict) else None
    if column not in components.SORTABLE or not any(clicks or ()):
        return no_update
    sort = inputs.as_sort(sort, components.SORTABLE, Op.COMMUNE)
    descending = not sort["descending"] if sort["column"] == column else False
    return {"column": column, "descending": descending}


def open_row(clicks: Any) -> dict[str, Any]:
    """A click on a row's summary opens (odd clicks) or closes it; opening draws its fields."""
    op_id = ctx.triggered_id.get("op") if isinstance(ctx.triggered_id, dict) else None
    context = current_context()
    opened = isinstance(clicks, int) and clicks % 2 == 1
    if op_id not in context.dataset.operations.index:
        return answered(RowOpened())
    if not opened:
        return answered(RowOpened(open=False))
    row = context.dataset.operations.loc[op_id]
    return answered(RowOpened(fields=components.row_fields(row, context.lookups.source_titles), open=True))


def first_rows(frame: pd.DataFrame, sort: dict[str, Any]) -> list[int]:
    """The positions in ``frame`` of the rows the table shows, in its order: every year of a view has the
    same rows in the same order (Context.at_year), and positions spare hashing 100,000 ids."""
    ordered = components.sort_frame(
        frame, sort["column"], sort["descending"], limit=components.MAX_TABLE_ROWS
    )
    return frame.index.get_indexer(ordered.index).tolist()


def tables(
    context: Context,
    frame: pd.DataFrame,
    view: View,
    *,
    search: str,
    sort: dict[str, Any],
    map_opened: bool = False,
    live: Any = True,
) -> Tables:
    """The operations table and, once a person opened it, the map's table; after a year step, only the
    cells a year changes: as a Patch of the ``live`` table (true), or as the same assignments to the HTML
    of the table written with the page (false: ``written.patch_text``); while the live table is asked for
    ("wanted"), the whole table, of the same rows (sorting 100,000 rows again took 20 ms a step)."""
    map_part: Any = no_update
    rows, total = frame, None
    if only_the_year_changed(view) and len(frame):  # same operations: only statuses and links move
        steady = context.url.steady_key(view)  # rows and their order are the same every year: kept
        if map_opened:
            map_part = map_table_year_patch(context, frame, view, search, steady)
        if sort["column"] != analysis.STATUS:
            key = ("table-rows", steady, sort["column"], sort["descending"])
            first = context.caches.results.get(key, lambda: first_rows(frame, sort))
            if live is True or live is False:
                cells = components.ordered_year_patch(frame.iloc[first], search=search)  # in order
                if live:
                    return Tables(table=cells, map_table=map_part)
                return Tables(written_patch=written.patch_text(cells), map_table=map_part)
            rows, total = frame.iloc[first], len(frame)  # the view's first rows, kept: not sorted again
    elif map_opened:
        map_part = map_table(context, frame, view, search)
    table = components.operations_table(
        rows, search=search, sort=sort, sort_button_type=Region.SORT_BUTTON, total=total
    )
    return Tables(table=table, map_table=map_part, live=True)


def departement_links(context: Context, view: View, codes: Any) -> dict[str, str]:
    """Each département's address: the view, filtered to it (its communes then drawn)."""
    links = {}
    for code in codes:
        chosen = dataclasses.replace(view, selected={**view.selected, "departements": (code,)})
        links[code] = "/" + context.url.query(chosen)
    return links


def map_table(context: Context, frame: pd.DataFrame, view: View, search: str) -> Any:
    """The map's table: a row per commune, or per département where the map draws départements."""
    if map_unit(context, view) is None:
        return components.map_table(
            frame, context.lookups.acv_names, context.lookups.departement_names, search
        )
    rows = maptable.departement_rows(frame, context.lookups.departement_names)
    return maptable.departement_table(frame, rows, departement_links(context, view, rows.index))


def map_table_year_patch(context: Context, frame: pd.DataFrame, view: View, search: str, steady: str) -> Any:
    """What a year step changes in the map's table; its rows, the same every year, computed once."""
    if map_unit(context, view) is None:
        shown = context.caches.results.get(("map-rows", steady), lambda: components.map_rows(frame)[0])
        return components.map_table_year_patch(frame, context.lookups.acv_names, search, shown)
    names = context.lookups.departement_names
    rows = context.caches.results.get(
        ("departement-rows", steady), lambda: maptable.departement_rows(frame, names)
    )
    return maptable.year_patch(frame, rows, departement_links(context, view, rows.index))
