"""Dash components written as HTML on the server: the page's first screen (dashboard/endpoints/prerender.py)
and the parts of a page that the browser shows as written until a person nears them (``until_wanted``):
React then builds nothing for them at load. Pure."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any, TypeVar

from dash import Patch, dcc, html
from dash.development.base_component import Component

from dashboard.web import dashinternals

# Attributes under another name in HTML than in Dash's props.
RENAMED = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan"}
PLAIN = {"role", "title", "href", "scope", "lang", "target", "rel", "type", "placeholder", "alt", "src"}
VOID = {"input", "img", "br", "hr"}
# The opening of a written control's tag (text and attributes are escaped: no "<" but tags'), for ``usable``.
UNAVAILABLE = re.compile(r"<(button|summary|input|textarea)(?=[\s>])")
# Core components with nothing to show (state, timers, the location) or drawn by their own scripts.
INVISIBLE = {"Store", "Interval", "Location", "Download", "Clipboard"}
# A part's HTML written on the server, shown as it is until its live content is wanted (assets/firstscreen.js,
# « Written parts »): the holder's attribute that carries it, and the one naming the store the browser sets.
WRITTEN = "data-written"
WANTED = "data-wanted"
# The holder's attribute through which a callback changes the written content in place (``patch_text``).
PATCH = "data-patch"
Part = TypeVar("Part", bound=Component)


def until_wanted(
    component_id: str, content: Any, wanted_store: str, *, class_name: str | None = None
) -> html.Div:
    """A holder that React leaves empty at load: ``content`` goes in it as HTML written here, to read (a
    screen reader too), print and use: assets/firstscreen.js sets ``wanted_store`` to ``"wanted"`` when it
    nears the screen, a key is pressed, the focus enters it or one of its buttons is clicked (the click is
    then made on the live content), and the callback that follows that store fills the holder with the live
    ``content``, which then replaces the written one. ``content`` None: an empty holder, as before."""
    if content is None:
        return html.Div(id=component_id, className=class_name)
    return html.Div(
        id=component_id, className=class_name, **{WRITTEN: to_html(content, {}), WANTED: wanted_store}
    )


def static(component: Part) -> Part:
    """``component`` with its children written as HTML here (``data-written``): React builds the element
    alone and assets/firstscreen.js puts the HTML in it as it is, to read and use (not inert). For parts with
    nothing live in them: HTML elements only (plain links, native ``details``), no id a callback could
    write. Its own id may be a callback's output: the live children it sends replace the written ones
    (assets/firstscreen.js), as the key figures after a change of the view. On a phone, React building the
    page's static parts (the sources, the legends, the glossary, the key figures) was a third of its
    components."""
    children = getattr(component, "children", None)
    if children is None:
        return component
    for part in dashinternals.traverse(component):
        if isinstance(part, Component) and (
            part._namespace != "dash_html_components" or getattr(part, "id", None) is not None
        ):
            raise ValueError(f"not static: {part._type} {getattr(part, 'id', '')!r} in {component._type}")
    component.children = None
    setattr(component, WRITTEN, to_html(children, {}))
    return component


def patch_text(patch: Patch) -> str:
    """``patch``, a Dash Patch of a live part's content made of assignments of texts and attributes, as
    JSON for the part's ``PATCH`` attribute while it is written: assets/firstscreen.js makes the same
    assignments to the written HTML, which mirrors the components the patch addresses (a position, an
    element; a prop, an attribute under its HTML name; ``children``, a text). A year step before the region's
    table is live sent the whole table: 50 rows for all of France, 15 ms of the step against 3 ms.
    Refuses (ValueError) what it could not do on the written HTML."""
    assignments = []
    for operation in patch.to_plotly_json()["operations"]:
        location, value = operation["location"], operation["params"].get("value")
        if (
            operation["operation"] != "Assign"
            or len(location) < 2
            or location[-2] != "props"
            or not isinstance(value, str | int | float)
        ):
            raise ValueError(f"not a written part's patch: {operation!r}")
        name = location[-1]
        if name not in ("children", *PLAIN, *RENAMED) and not name.startswith(("aria-", "data-")):
            raise ValueError(f"no attribute of the written HTML for {name!r}")
        assignments.append([[*location[:-1], RENAMED.get(name, name)], value])
    return json.dumps(assignments, ensure_ascii=False, separators=(",", ":"))


def wanted_store(store_id: str) -> dcc.Store:
    """The store of a written part: false while written, set to ``"wanted"`` by assets/firstscreen.js when it
    nears the screen; the callback that sends the live content sets it to true (a patch of the live content
    is then possible)."""
    return dcc.Store(id=store_id, data=False)


def to_html(node: Any, fill: dict[str, Any], *, usable: bool = True) -> str:
    """``node`` as the HTML the browser shows before it is live; ``fill`` gives the children of components
    by id instead of their own. Not ``usable`` (the page's first screen, shown before any script): what
    only a callback makes work (buttons, fields, a summary a callback opens, the controls of a part
    written until wanted) is said unavailable (``aria-disabled``), not a working control; the rest (the
    texts, tables, links, native details) is to read and use as it is."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, str | int | float):
        return escape(str(node))
    if isinstance(node, list | tuple):
        return "".join(to_html(child, fill, usable=usable) for child in node)
    if not isinstance(node, Component):
        return ""
    node_id = getattr(node, "id", None)
    children = (
        fill[node_id] if isinstance(node_id, str) and node_id in fill else getattr(node, "children", None)
    )
    if node._namespace == "dash_html_components":
        attributes = _attributes(node)
        written = attributes.pop(WRITTEN, None)  # a holder (until_wanted): its content, written already
        if not usable:
            attributes.update(_unavailable(node))
            if written is not None and WANTED in attributes:  # its controls: all a callback's
                written = UNAVAILABLE.sub(r'<\1 aria-disabled="true"', written)
        inner = to_html(children, fill, usable=usable) if written is None else written
        return _element(node._type.lower(), attributes, inner)
    return _core(node, to_html(children, fill, usable=usable), usable=usable)


def _unavailable(node: Component) -> dict[str, Any]:
    """The attributes saying that ``node`` does not work yet, if only a callback makes it work."""
    kind = node._type
    if kind == "Button" or (kind == "Summary" and getattr(node, "id", None) is not None):
        return {"aria-disabled": "true"}
    if kind in ("Input", "Textarea"):
        return {"aria-disabled": "true", "readonly": True}
    return {}


def _core(node: Component, inner: str, *, usable: bool = True) -> str:
    """A dcc component as the browser shows it before it is live: a link, the box of a graph, an empty
    box of the control's size."""
    kind, props = node._type, _attributes(node)
    if not usable:
        props.update(_unavailable(node))
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
