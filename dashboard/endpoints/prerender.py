"""The page's first screen as HTML, written on the server from the very components the browser draws next.

Dash sends an empty page, then its scripts ask for the layout and the page's content: on a slow phone the
title showed after some six seconds. The HTML now carries the same page, drawn here (texts, links, figures
in words, the boxes of the graphs and controls at their size), inert (to read, not to use: the live page
takes every click and key); assets/firstscreen.js removes it when the live page has drawn its content in
its place (assets/style.css, « First screen »). The same page goes with it as the layout Dash Pages' router
would answer (``page_layout``): the renderer draws it with the shell, with no round trip for it. The HTML
is written by dashboard/web/written.py. Pure.
"""

from __future__ import annotations

from typing import Any

from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from dashboard.web import dashinternals
from dashboard.web.ids import Html
from dashboard.web.written import to_html

SCREEN_ID = Html.FIRST_SCREEN
# Nothing painted until the written page is parsed to its end (Chromium 124 and later; others ignore it):
# painted half parsed, on a slow network, a phone showed the region's lead under the title, then the map,
# which comes after it in the HTML and above it on phones, pushed it off the screen (a layout shift of 0.59).
RENDER_WHEN_WHOLE = f'<link rel="expect" href="#{Html.FIRST_SCREEN_END}" blocking="render">'
PAGE_ID = Html.FIRST_PAGE


def first_screen(tree: Any, fill: dict[str, Any] | None = None) -> str:
    """``tree`` as HTML, in the element that assets/firstscreen.js replaces by the live page; ``fill``
    gives the children of components the live page fills at once (the page in Dash Pages' container)."""
    # Read by all (a screen reader too: made inert, the page it had was empty until the live page came);
    # its controls, which do nothing until the live page, are said unavailable (written.to_html, usable)
    end = f'<span id="{Html.FIRST_SCREEN_END}"></span>'  # RENDER_WHEN_WHOLE waits for it
    return f'<div id="{SCREEN_ID}" class="first-screen">{to_html(tree, fill or {}, usable=False)}{end}</div>'


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
