"""What the pages' callbacks share: the data being served, the route being drawn, the view of the controls,
the operations a page shows, and the patches that make a year change cheap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, fields
from typing import Any

import flask
import pandas as pd
from dash import Input, Output, Patch, State, ctx, no_update
from dash.exceptions import MissingCallbackContextException, PreventUpdate

from dashboard.data.schema import Geo, Op
from dashboard.figures.mapchanges import Changes
from dashboard.figures.timeline import year_marks
from dashboard.model.state import View
from dashboard.web import inputs, shown
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Ctl, Shell
from dashboard.web.routes import COMMUNE_PREFIX, Route, route

CONTEXT_KEY = (
    "COEUR_CONTEXT"  # flask config: the function giving the data being served (dashboard.versions.live)
)
REPORT_URL_KEY = "COEUR_REPORT_URL"
PUBLIC_URL_KEY = "COEUR_PUBLIC_URL"  # flask config: Settings.public_url
# The controls, by name, as the callbacks that follow them take them: ``year=…, filters={key: …}``.
CONTROLS: dict[str, Any] = {
    "year": Input(Ctl.YEAR, "value"),
    "filters": {spec.key: Input(spec.control, "value") for spec in FILTERS},
}
CONTROL_STATES: dict[str, Any] = {
    "year": State(Ctl.YEAR, "value"),
    "filters": {spec.key: State(spec.control, "value") for spec in FILTERS},
}


def output(component_id: Any, prop: str, **options: Any) -> Any:
    """A field of a callback's answer (a dataclass): the property it writes; ``no_update`` unless set, so
    that an answer names only what changes."""
    return field(default=no_update, metadata={"output": Output(component_id, prop, **options)})


def outputs(answer: type) -> dict[str, Output]:
    """The outputs of a callback whose answer is the dataclass ``answer``, by field name."""
    return {item.name: item.metadata["output"] for item in fields(answer)}


def answered(answer: Any) -> dict[str, Any]:
    """The answer as Dash takes it from a callback with named outputs (no copy: patches stay patches)."""
    return {item.name: getattr(answer, item.name) for item in fields(answer)}


def public_root() -> str:
    """The site's address for absolute URLs (previews, QR codes, embed snippets), without a trailing slash:
    the configured public address when there is one, never what a request's Host header claims; else
    (development) the address the request reached."""
    configured = flask.current_app.config.get(PUBLIC_URL_KEY) or ""
    return configured or flask.request.host_url.rstrip("/")


def current_context() -> Context:
    """The data of the app answering this request (pages are registered once for every app of the process):
    the version served, or the draft or earlier version a logged-in staff member chose to see
    (dashboard.web.shown)."""
    chosen = shown.current()
    if chosen is not None:
        return chosen.context
    get: Callable[[], Context] = flask.current_app.config[CONTEXT_KEY]
    return get()


def report_url() -> str:
    return str(flask.current_app.config[REPORT_URL_KEY])


def routed_location() -> tuple[Route, str] | None:
    """``(route, search)`` when Dash Pages' router draws a page; ``None`` when Dash calls the layout
    with no request for the page (to list its components). A change of the query string alone (a filter,
    a year) does not draw the page again: the page's own callbacks follow the controls."""
    try:
        triggered = ctx.triggered_prop_ids
        values = ctx.inputs
    except (MissingCallbackContextException, LookupError):  # LookupError: in a thread Dash never set it in
        return None
    if f"{Shell.URL}.pathname" not in triggered:
        raise PreventUpdate
    pathname = values.get(f"{Shell.URL}.pathname")
    return route(pathname, current_context()), inputs.as_search(values.get(f"{Shell.URL}.search"))


def back_link(search: str) -> str:
    return "/" + inputs.as_search(search)


def view_of(
    year: Any, filters: Mapping[str, Any], *, presentation: bool = False, context: Context | None = None
) -> View:
    """The view the controls show (``filters``: filter key → the control's value). Their values come from
    the browser and may be forged: any type is taken (dashboard.web.inputs); with ``context`` the year is
    clamped to the data's period and filters keep known codes."""
    return inputs.controls_view(
        year,
        filters if isinstance(filters, Mapping) else {},
        filters=FILTERS,
        presentation=presentation,
        years=context.lookups.years if context else None,
        vocabularies=context.lookups.vocabularies if context else None,
    )


def shown_operations(context: Context, view: View, code: str | None) -> tuple[pd.DataFrame, str | None]:
    """The operations a page shows: the region's, or one commune's (``code``: ``Route.commune``; place
    filters ignored)."""
    if code is None:
        return context.operations_in(view), None
    every = context.operations_in(view, ignore_place=True)
    return every[every[Op.CODE_INSEE] == code], str(context.dataset.communes.at[code, Geo.NOM])


def commune_path(click: Any) -> Any:
    """``/commune/<code>`` for a click on a commune or a marker; the code travels in customdata."""
    code = inputs.clicked_code(click)
    return COMMUNE_PREFIX + code if code else no_update


def only_the_year_changed(view: View) -> bool:
    """The year moved and nothing else did: with no filter that follows the year (the status), the
    operations shown are the same."""
    return set(ctx.triggered_prop_ids) == {f"{Ctl.YEAR}.value"} and not any(
        view.of(spec.key) for spec in FILTERS if spec.follows_year
    )


def timeline_year_patch(context: Context, frame: pd.DataFrame, year: int) -> Any:
    """A year change moves the timeline's end-of-year line only (when the timeline draws any date)."""
    if not context.lookups.any_dated(frame):
        return no_update
    return figure_patch({"layout": year_marks(year)})


def figure_patch(changes: Changes) -> Patch:
    """The ``Patch`` of a figure's ``changes`` (dashboard.figures.mapchanges): only the values that
    changed travel, no geometry."""
    patch = Patch()
    for index, values in changes.get("data", {}).items():
        _assign(patch["data"][index], values)
    _assign(patch["layout"], changes.get("layout", {}))
    return patch


def _assign(node: Any, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        *parents, last = key.split(".")  # « marker.line.color »: a property inside another
        target = node
        for parent in parents:
            target = target[parent]
        target[last] = value
