"""The page's first screen as HTML, written on the server from the very components the browser draws next.

Dash sends an empty page, then its scripts ask for the layout and the page's content: on a slow phone the
title showed after some six seconds. The HTML now carries the same page, drawn here (texts, links, figures
in words, the boxes of the graphs and controls at their size), inert (to read, not to use: the live page
takes every click and key); assets/firstscreen.js removes it when the live page has drawn its content in
its place (assets/style.css, « First screen »). The same page goes with it as the layout Dash Pages' router
would answer (``page_layout``): the renderer draws it with the shell, with no round trip for it. Pure.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from dashboard.web import dashinternals
from dashboard.web.ids import Html

SCREEN_ID = Html.FIRST_SCREEN
# Nothing painted until the written page is parsed to its end (Chromium 124 and later; others ignore it):
# painted half parsed, on a slow network, a phone showed the region's lead under the title, then the map,
# which comes after it in the HTML and above it on phones, pushed it off the screen (a layout shift of 0.59).
RENDER_WHEN_WHOLE = f'<link rel="expect" href="#{Html.FIRST_SCREEN_END}" blocking="render">'
PAGE_ID = Html.FIRST_PAGE
# Attributes under another name in HTML than in Dash's props.
RENAMED = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan"}
PLAIN = {"role", "title", "href", "scope", "lang", "target", "rel", "type", "placeholder", "alt", "src"}
VOID = {"input", "img", "br", "hr"}
# Core components with nothing to show (state, timers, the location) or drawn by their own scripts.
INVISIBLE = {"Store", "Interval", "Location", "Download", "Clipboard"}


def first_screen(tree: Any, fill: dict[str, Any] | None = None) -> str:
    """``tree`` as HTML, in the element that assets/firstscreen.js replaces by the live page; ``fill``
    gives the children of components the live page fills at once (the page in Dash Pages' container)."""
    # inert: for reading only; its controls do nothing until the live page, which takes clicks and keys
    end = f'<span id="{Html.FIRST_SCREEN_END}"></span>'  # RENDER_WHEN_WHOLE waits for it
    return f'<div id="{SCREEN_ID}" class="first-screen" inert>{to_html(tree, fill or {})}{end}</div>'


def page_layout(page: Component, values: dict[str, Any], fill: dict[str, Any]) -> str:
    """``page`` as the JSON Dash's renderer receives (``_dash-layout``, the router's answer), in the HTML,
    with the controls' ``values`` for the address (as ``set_values``) and the children of the shell's
    components that show them (``fill``, as ``first_screen``'s): assets/firstscreen.js puts them in the
    layout the renderer received (its ``layout_post`` hook), so that the router has nothing to ask for the
    address the page was drawn for, and the controls, already showing the address's view, have nothing to
    change in the page. Data, not a script: the Content-Security-Policy does not run it, and plotly's JSON
    writes ``<``, ``>`` and ``/`` escaped, so no text in it ends the element."""
    written = to_json_plotly({"page": page, "values": values, "children": fill})
    return f'<script type="application/json" id="{PAGE_ID}">{written}</script>'


def set_values(tree: Component, values: dict[str, Any]) -> None:
    """The controls of ``tree`` (built for this page, not shared) set to the view the address asks for,
    as the live page sets them once its scripts run."""
    for component in dashinternals.traverse(tree):
        component_id = getattr(component, "id", None)
        if isinstance(component_id, str) and component_id in values:
            component.value = values[component_id]


def to_html(node: Any, fill: dict[str, Any]) -> str:
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(to_html(child, fill) for child in node)
    if not isinstance(node, Component):
        return ""
    node_id = getattr(node, "id", None)
    children = (
        fill[node_id] if isinstance(node_id, str) and node_id in fill else getattr(node, "children", None)
    )
    if node._namespace == "dash_html_components":
        return _element(node._type.lower(), _attributes(node), to_html(children, fill))
    return _core(node, to_html(children, fill))


def _core(node: Component, inner: str) -> str:
    """A dcc component as the browser shows it before it is live: a link, the box of a graph, an empty
    box of the control's size."""
    kind, props = node._type, _attributes(node)
    if kind in INVISIBLE:
        return ""
    if kind == "Link":
        return _element("a", props, inner)
    if kind == "Graph":
        return _element("div", {**props, "class": _classes("dash-graph", props.get("class"))}, "")
    if kind == "Input":
        attributes = {**props, "class": "dash-input-element", "maxlength": getattr(node, "maxLength", None)}
        return _element("input", {**attributes, "autocomplete": "off"}, "")
    if kind == "Dropdown":
        return _dropdown(node, props)
    box = _classes(f"dash-{kind.lower()}-container", props.get("class"))
    return _element("div", {**props, "class": box}, "")


def _dropdown(node: Component, props: dict[str, Any]) -> str:
    """The closed dropdown's button, saying what it says live: the placeholder, the option chosen, or how
    many are (in the words of its ``labels``)."""
    chosen = getattr(node, "value", None) or []
    chosen = chosen if isinstance(chosen, list) else [chosen]
    labels = {option["value"]: option["label"] for option in getattr(node, "options", None) or []}
    if not chosen:
        words, kind = getattr(node, "placeholder", "") or "", "dash-dropdown-placeholder"
    elif len(chosen) == 1:
        words, kind = str(labels.get(chosen[0], chosen[0])), ""
    else:
        count = (getattr(node, "labels", None) or {}).get("selected_count", "{num_selected} selected")
        words, kind = count.replace("{num_selected}", str(len(chosen))), ""
    value = _element("span", {"class": _classes("dash-dropdown-value", kind)}, escape(words))
    trigger = _element("span", {"class": "dash-dropdown-grid-container dash-dropdown-trigger"}, value)
    button = _element(
        "button",
        {"type": "button", "class": _classes("dash-dropdown", props.get("class")), "disabled": True},
        trigger,
    )
    return f'<div class="dash-dropdown-wrapper">{button}</div>'


def _attributes(node: Component) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for prop, value in vars(node).items():
        if value is None or prop.startswith("_"):
            continue
        if prop == "id":
            attributes["id"] = value if isinstance(value, str) else None  # pattern ids: the live page's own
        elif prop in RENAMED:
            attributes[RENAMED[prop]] = value
        elif prop in PLAIN or prop.startswith(("aria-", "data-")):
            attributes[prop] = value
        elif prop == "open":
            attributes["open"] = bool(value)
        elif prop == "style" and isinstance(value, dict):
            attributes["style"] = ";".join(f"{_css_name(k)}:{v}" for k, v in value.items())
    return attributes


def _element(tag: str, attributes: dict[str, Any], inner: str) -> str:
    """``<tag …>inner</tag>``; ``inner`` is HTML already."""
    text = "".join(_attribute(name, value) for name, value in attributes.items())
    if tag in VOID:
        return f"<{tag}{text}>"
    return f"<{tag}{text}>{inner}</{tag}>"


def _attribute(name: str, value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return f" {name}"
    if not isinstance(value, str | int | float):
        value = json.dumps(value)
    return f' {name}="{escape(str(value), quote=True)}"'


def _classes(*names: Any) -> str:
    return " ".join(str(name) for name in names if name)


def _css_name(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name)
