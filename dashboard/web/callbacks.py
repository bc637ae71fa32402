"""The shell's callbacks, shared by every page: URL ⇄ controls, presentation mode, year steps, search,
exports. Each page registers its own panels' callbacks (dashboard.web.pages)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.data import wording
from dashboard.export import tables as export
from dashboard.export.tables import file_name
from dashboard.model.search import MAX_QUERY_CHARS
from dashboard.model.state import View
from dashboard.web import components, inputs
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Ctl, Shell
from dashboard.web.routes import route
from dashboard.web.views import (
    CONTROL_STATES,
    CONTROLS,
    answered,
    current_context,
    output,
    outputs,
    shown_operations,
    view_of,
)


@dataclass(frozen=True)
class Controls:
    """What the address sets: the controls, the Commune filter's options, the notice of what it ignored."""

    year: Any = output(Ctl.YEAR, "value")
    filters: Any = field(
        default_factory=lambda: {spec.key: no_update for spec in FILTERS},
        metadata={"output": {spec.key: Output(spec.control, "value") for spec in FILTERS}},
    )
    commune_options: Any = output(Ctl.COMMUNE, "options")
    notice: Any = output(Shell.NOTICE, "children")


@dataclass(frozen=True)
class SearchSubmitted:
    pathname: Any = output(Shell.URL, "pathname", allow_duplicate=True)
    query: Any = output(Shell.SEARCH, "value")


def register(app: Dash) -> None:
    """Attach the shell's callbacks; they read the data being served through ``views.current_context``."""
    app.callback(
        output=Output(Shell.DOWNLOAD, "data"),
        inputs={
            "csv": Input(Shell.EXPORT_CSV, "n_clicks"),
            "tidy": Input(Shell.EXPORT_TIDY, "n_clicks"),
            "xlsx": Input(Shell.EXPORT_XLSX, "n_clicks"),
        },
        state={"pathname": State(Shell.URL, "pathname"), "search": State(Shell.URL, "search")},
        prevent_initial_call=True,
    )(export_file)
    app.callback(
        output=Output(Shell.URL, "search"),
        inputs={
            "present": Input(Shell.PRESENT, "n_clicks"),
            "exit_present": Input(Shell.EXIT_PRESENT, "n_clicks"),
            **CONTROLS,
        },
        state={"search": State(Shell.URL, "search")},
        prevent_initial_call=True,
    )(write_url)
    app.callback(
        output=outputs(Controls),
        inputs={"navigation": Input(Shell.NAV, "data"), "reset": Input(Ctl.RESET, "n_clicks")},
        state={"search": State(Shell.URL, "search"), "shown": CONTROL_STATES},
    )(follow_navigation)
    app.callback(
        output=Output(Ctl.COMMUNE, "options", allow_duplicate=True),
        inputs={"text": Input(Ctl.COMMUNE, "search_value")},
        state={"chosen": State(Ctl.COMMUNE, "value")},
        prevent_initial_call=True,
    )(find_communes)
    app.callback(
        output=Output(Shell.SEARCH_RESULTS, "children"),
        inputs={"query": Input(Shell.SEARCH, "value")},
        state={"search": State(Shell.URL, "search")},
        prevent_initial_call=True,  # nothing typed yet: nothing to list
    )(search_communes)
    app.callback(
        output=outputs(SearchSubmitted),
        inputs={"submitted": Input(Shell.SEARCH, "n_submit")},
        state={"query": State(Shell.SEARCH, "value")},
        prevent_initial_call=True,
    )(open_first_match)
    _register_clientside(app)


def export_file(csv: Any, tidy: Any, xlsx: Any, pathname: Any, search: Any) -> Any:
    """The operations shown, as the file of the button clicked."""
    del csv, tidy, xlsx  # which one was clicked: ctx.triggered_id
    context = current_context()
    view = context.url.parse(inputs.as_text(search))
    frame, place = shown_operations(context, view, route(pathname, context).commune)
    chosen = EXPORTS.get(ctx.triggered_id, "csv")  # a forged request may name no button
    body, extension = export.build(chosen, frame, export_view(context, view, place))
    return dcc.send_bytes(body, file_name(place or "hauts-de-france", str(view.year)) + extension)


def write_url(present: Any, exit_present: Any, year: Any, filters: Any, search: Any) -> Any:
    """The controls and the mode rewrite the query string. This callback never writes a control:
    a callback that may write one makes Dash hold back every callback reading it (the panels) until
    it answers, and drop them when it answers « no change », which lost the figures of quick steps."""
    del present, exit_present  # which one was clicked: ctx.triggered_id
    context = current_context()
    current = context.url.parse(inputs.as_text(search))
    view = next_view(context, current, ctx.triggered_id, year, filters)
    return no_update if view == current else context.url.query(view)


def follow_navigation(navigation: Any, reset: Any, search: Any, shown: Any) -> dict[str, Any]:
    """The query string sets the controls on load and on a navigation of the browser (back, forward,
    a link: assets/slide.js); Réinitialiser sets them to the default view. Not the address written
    after a year step: it comes back late after quick steps, and would set an older year."""
    del reset  # clicked: ctx.triggered_id
    context = current_context()
    trigger = ctx.triggered_id
    if trigger == Shell.NAV and isinstance(navigation, dict):
        search = navigation.get("search")
    current = context.url.parse(inputs.as_text(search))
    if trigger == Ctl.RESET:
        current = View(year=context.lookups.default_year)
    notice: Any = html.Ul([html.Li(n) for n in current.notices]) if current.notices else None
    if notice is None and trigger is None:  # at load, the shell's notice is empty already
        notice = no_update
    # Only what differs, at load too: the page was drawn for the address, and a control that does not
    # change must not make the panels draw themselves again.
    shown_filters = shown.get("filters") if isinstance(shown, dict) else None
    before = shown_filters if isinstance(shown_filters, dict) else {}
    controls = Controls(
        year=changed(current.year, shown.get("year") if isinstance(shown, dict) else None),
        filters={key: changed(value, before.get(key)) for key, value in control_values(current).items()},
        commune_options=listing(context, current.of("communes")),
        notice=notice,
    )
    return answered(controls)


def listing(context: Context, chosen: tuple[str, ...]) -> Any:
    """The Commune filter's options when the address chooses a commune it does not list (a wide
    perimeter lists a few): an option must hold a value, or the dropdown drops it."""
    if not context.lookups.communes_capped or not chosen:
        return no_update
    return context.lookups.commune_options(chosen)


def find_communes(text: Any, chosen: Any) -> Any:
    """Over a wide perimeter the Commune filter lists a few communes: what is typed in it finds the
    others. Emptied (a choice made), the options stay: they hold the commune just chosen."""
    context = current_context()
    text = inputs.as_text(text).strip()[:MAX_QUERY_CHARS]
    if not context.lookups.communes_capped or not text:
        raise PreventUpdate  # a region lists every commune: the dropdown's own filter suffices
    return context.lookups.commune_options(
        inputs.as_codes(chosen, context.dataset.communes.index), found=text
    )


def control_values(view: View) -> dict[str, list[str]]:
    """Each filter's dropdown value, by filter key."""
    return {spec.key: list(view.of(spec.key)) for spec in FILTERS}


def search_communes(query: Any, search: Any) -> Any:
    """The communes matching what is typed in the search box, as links keeping the view."""
    query = inputs.as_text(query)
    return components.search_results(
        current_context().lookups.commune_index.search(query), query, inputs.as_search(search)
    )


def open_first_match(submitted: Any, query: Any) -> dict[str, Any]:
    """Enter in the search box opens the first result: a commune's page, or an operation's."""
    del submitted  # Enter pressed: the query says what to open
    matches = current_context().lookups.commune_index.search(inputs.as_text(query), limit=1)
    if not matches:
        return answered(SearchSubmitted())
    return answered(SearchSubmitted(pathname=matches[0].href, query=""))


def _register_clientside(app: Dash) -> None:
    # In the browser: the mode follows the URL with no request, and changes the panels only when it changes.
    app.clientside_callback(
        ClientsideFunction(namespace="coeur", function_name="presentationMode"),
        Output(Shell.ROOT, "className"),
        Output(Shell.PRESENTING, "data"),
        Input(Shell.URL, "search"),
        State(Shell.PRESENTING, "data"),
    )
    # Play and pause in the browser; the player stops by itself on the last year.
    app.clientside_callback(
        ClientsideFunction(namespace="coeur", function_name="playOrPause"),
        Output(Ctl.PLAY_TIMER, "disabled"),
        Output(Ctl.PLAY, "children"),
        Output(Ctl.PLAY, "aria-pressed"),
        Input(Ctl.PLAY, "n_clicks"),
        Input(Ctl.YEAR, "value"),
        State(Ctl.PLAY_TIMER, "disabled"),
        State(Ctl.YEAR, "max"),
        prevent_initial_call=True,
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


def next_view(context: Context, current: View, trigger: Any, year: Any, filters: Any) -> View:
    """The view after a control changed: the year, a filter, the mode."""
    if trigger in (Shell.PRESENT, Shell.EXIT_PRESENT):
        return replace(current, presentation=trigger == Shell.PRESENT)
    return view_of(year, filters, presentation=current.presentation, context=context)


EXPORTS = {Shell.EXPORT_CSV: "csv", Shell.EXPORT_TIDY: "tidy", Shell.EXPORT_XLSX: "xlsx"}


def export_view(context: Context, view: View, place: str | None) -> list[tuple[str, str]]:
    """What an export shows, said in it: perimeter, filters, year, when the sources were published."""
    filters = []
    for spec in FILTERS:
        names = spec.names(context.lookups) if spec.names and view.of(spec.key) else {}
        filters.append((spec.heading, [names.get(value, value) for value in view.of(spec.key)]))
    file_date = context.dataset.metadata.get("date_donnees", "date inconnue")
    sources = wording.sources_published(context.dataset.source_dates)
    return export.describe_view(
        place=place or context.lookups.perimeter_name,
        filters=[] if place else filters,
        year=view.year,
        data_date=f"{sources} ; fichier modifié le {file_date}",
        sources=list(context.lookups.source_titles.values()),
    )


def changed(value: Any, shown: Any) -> Any:
    """``no_update`` for a control that already shows its value, so that the callbacks listening to the
    controls learn which one really changed (the year alone, say) and send only what it changes."""
    return no_update if value == shown or (value == [] and shown is None) else value
