"""Callback requests checked before Dash reads them: a JSON object of the shape Dash's renderer sends, for a
callback that exists, with values of the types our components produce. Anything else gets a short 400.

Values of the right type but out of range (year 99999, unknown codes) pass: the callbacks clamp them and
keep only known codes (dashboard.web.inputs), as they do for a URL typed by hand.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import Any

import dash
import flask

from dashboard.endpoints.security import error_response
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Commune, Ctl, Live, Region, Shell

MAX_DEPTH = 24  # a map click (points → customdata → …) is 6 deep
MAX_NODES = 20_000  # values in a body; the table's sort buttons send ~60
MAX_ITEMS = 2_000  # components matched by one pattern-matching input
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])
log = logging.getLogger(__name__)


class Refused(ValueError):
    """The request is not one Dash's renderer would send; the message says which part, in French."""


Check = Callable[[Any], bool]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def count(value: Any) -> bool:
    return value is None or (_is_int(value) and value >= 0)


def text(value: Any) -> bool:
    return value is None or isinstance(value, str)


def number(value: Any) -> bool:
    return value is None or _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def texts(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(item, str) for item in value))
    )


def path(value: Any) -> bool:
    """The browser always has a pathname, and it starts with « / »: Dash Pages' router fails on anything
    else (a forged « 2021 » or « ? » raised UnsupportedRelativePath)."""
    return isinstance(value, str) and value.startswith("/")


def mapping(value: Any) -> bool:
    return value is None or isinstance(value, dict)


def flag(value: Any) -> bool:
    return value is None or isinstance(value, bool)


# What each property can hold when it comes from our components. A property not listed (a component added
# later) is only held to the general limits.
BY_PROPERTY: dict[str, Check] = {
    "n_clicks": count,
    "n_intervals": count,
    "pathname": text,
    "search": text,
    "hash": text,
    "href": text,
    "clickData": mapping,
    "hoverData": mapping,
    "selectedData": mapping,
    "relayoutData": mapping,
}
BY_COMPONENT: dict[tuple[str, str], Check] = {
    (Ctl.YEAR, "value"): number,
    **{(spec.control, "value"): texts for spec in FILTERS},
    (Ctl.COMMUNE, "search_value"): text,
    (Region.READY, "data"): flag,
    (Region.SORT, "data"): mapping,
    (Shell.NAV, "data"): mapping,
    (Commune.READY, "data"): text,
    (Live.BUILT, "data"): text,
    (Live.LATEST, "data"): mapping,
}

# Inputs of Dash's own callbacks (the Dash Pages router), which fail on any other value: always checked,
# and a missing value is refused too.
REQUIRED: dict[tuple[str, str], Check] = {(Shell.URL, "pathname"): path}


def configure_guard(app: dash.Dash) -> None:
    path = f"{app.config.routes_pathname_prefix}_dash-update-component"

    @app.server.before_request
    def check_callback_request():
        request = flask.request
        if request.path != path or request.method != "POST":
            return None
        if not request.is_json:
            _log_refusal(415, "pas du JSON")
            return error_response(415)
        try:
            body = request.get_json(silent=True)  # over MAX_CONTENT_LENGTH: a 413 from here
        except RecursionError:
            body = None
        try:
            if body is None:
                raise Refused("corps JSON illisible")
            check_body(body, app.callback_map)
        except Refused as refusal:
            _log_refusal(400, str(refusal))
            return error_response(400, f"Requête de mise à jour refusée : {refusal}.")
        return None


def _log_refusal(status: int, reason: str) -> None:
    """One line per refused callback request: who, how big, why; never the body (it may be anything)."""
    request = flask.request
    log.warning(
        "callback request refused (%s): %s; from %s, %s bytes",
        status,
        "".join(c if c.isprintable() else "?" for c in reason[:100]),  # one line, whatever was sent
        request.remote_addr,
        request.content_length,
    )


def check_body(body: Any, callbacks: dict) -> None:
    """Raise ``Refused`` unless ``body`` is a callback request Dash can run without failing."""
    if not isinstance(body, dict):
        raise Refused("objet JSON attendu")
    _check_limits(body)
    output = body.get("output")
    # Clientside callbacks are listed too, for the renderer, but have nothing to run on the server.
    if not isinstance(output, str) or "callback" not in callbacks.get(output, {}):
        raise Refused("mise à jour inconnue")
    spec = callbacks[output]
    if not spec.get("no_output"):
        declared = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
        outputs = body.get("outputs") if isinstance(spec["output"], list) else [body.get("outputs")]
        _check_dependencies(outputs, [dependency.to_dict() for dependency in declared], "outputs")
    inputs = _check_dependencies(body.get("inputs"), spec["inputs"], "inputs")
    _check_dependencies(body.get("state", []), spec["state"], "state")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(prop_id, str) for prop_id in changed):
        raise Refused("changedPropIds")
    known = {f"{_stringify(entry['id'])}.{entry['property']}" for entry in inputs}
    if not set(changed) <= known:
        raise Refused("changedPropIds")


def _check_limits(body: Any) -> None:
    stack = [(body, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise Refused("corps trop imbriqué ou trop grand")
        if isinstance(value, float) and not math.isfinite(value):
            raise Refused("nombre non fini")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_dependencies(received: Any, declared: list[dict], part: str) -> list[dict]:
    """The flat list of entries, once each matches its declaration (id, property, type of value)."""
    if not isinstance(received, list) or len(received) != len(declared):
        raise Refused(part)
    flat: list[dict] = []
    for item, spec in zip(received, declared, strict=True):
        spec_id, prop = spec["id"], spec["property"]
        pattern = json.loads(spec_id) if spec_id.startswith("{") else None
        many = pattern is not None and any(value in (["ALL"], ["ALLSMALLER"]) for value in pattern.values())
        entries = item if many else [item]
        if not isinstance(entries, list) or len(entries) > MAX_ITEMS:
            raise Refused(part)
        for entry in entries:
            if not isinstance(entry, dict) or not _is_property(entry.get("property"), prop, part):
                raise Refused(part)
            if not (_matches(entry["id"], pattern) if pattern is not None else entry.get("id") == spec_id):
                raise Refused(part)
            if part != "outputs":
                _check_value(entry, spec_id if pattern is None else pattern.get("type"), prop)
        flat.extend(entries)
    return flat


def _check_value(entry: dict, key: Any, prop: str) -> None:
    """``key``: the id, one of ours now (a pattern-matching one is known by its type)."""
    required = REQUIRED.get((key, prop))
    if "value" not in entry:
        if required is not None:
            raise Refused(f"valeur de {key}.{prop}")
        return
    check = required or BY_COMPONENT.get((key, prop)) or BY_PROPERTY.get(prop)
    if check is not None and not check(entry["value"]):
        raise Refused(f"valeur de {key}.{prop}")


def _is_property(sent: Any, prop: str, part: str) -> bool:
    # allow_duplicate outputs travel as "pathname@<hash>"
    return isinstance(sent, str) and (sent == prop or (part == "outputs" and sent.startswith(prop + "@")))


def _matches(component_id: Any, pattern: dict) -> bool:
    """A dict id with the pattern's keys, its values equal where the pattern has no wildcard."""
    if not isinstance(component_id, dict) or set(component_id) != set(pattern):
        return False
    for key, expected in pattern.items():
        value = component_id[key]
        if expected in WILDCARDS:
            if not isinstance(value, str | int | float | bool):
                return False
        elif value != expected:
            return False
    return True


def _stringify(component_id: str | dict) -> str:
    """Dash's own form of an id in ``changedPropIds`` (dash._utils.stringify_id)."""
    if isinstance(component_id, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(k)}:{json.dumps(component_id[k])}" for k in sorted(component_id))
            + "}"
        )
    return component_id
