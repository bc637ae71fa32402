"""Every place the dashboard relies on what Dash (and dcc, Dash Pages, plotly.js) does but does not promise:
private names, the index's keywords, the page config, the script tags, the events of its renderer. One
module, so that an upgrade is checked here; tests/test_dashinternals.py has a test per reliance that fails
loudly, naming it, when Dash or plotly.js changes.

What relies on them elsewhere, each naming this module: dashboard/app.py (the index, the validation
layout, the renderer's layout hook), dashboard/endpoints/security.py (the page config),
dashboard/endpoints/prerender.py (traversal), assets/graphs.js (dcc.Graph's call of ``Plotly.react``),
assets/firstscreen.js (Dash Pages' Location, container and store in the layout's JSON), assets/slide.js
and assets/coeur.js (the renderer's ``_dashprivate_pushstate`` event), dashboard/web/ids.py (Dash Pages'
ids)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import dash
from dash import html
from dash.development.base_component import Component

# Dash Pages' own components in ``dash.page_container``: its Location and the page's container.
PAGES_LOCATION = "_pages_location"
PAGES_CONTENT = "_pages_content"
PAGES_STORE = "_pages_store"  # the router's second output: the page's title, which a clientside callback sets
# What of Dash Pages assets/firstscreen.js names in the layout's JSON (Dash's ``{type, namespace, props}``).
PAGES_IN_FIRST_PAGE = (PAGES_LOCATION, PAGES_CONTENT, PAGES_STORE)
# The element Dash's index draws the app into.
ENTRY_POINT = "react-entry-point"
# What Dash passes to ``Dash.interpolate_index`` and the dashboard rewrites (dashboard.app.CoeurDash).
INDEX_KEYWORDS = ("metas", "title", "app_entry", "scripts")
# Dash's renderer, a global its inline start script constructs (dashboard.app.START_WHEN_PARSED).
RENDERER_GLOBAL = "DashRenderer"
# The renderer's hook called with the layout it received, before it draws it (assets/firstscreen.js puts the
# page written into the HTML in it). Documented (Dash's ``hooks``), but its argument's shape is Dash's own.
LAYOUT_HOOK = "layout_post"
# The event dcc (dcc.Link, Dash Pages' Location) dispatches on window when it pushes an address.
PUSHSTATE_EVENT = "_dashprivate_pushstate"
# dcc.Graph draws by calling this, which assets/graphs.js holds back until the graph nears the screen.
GRAPH_DRAW_CALL = "Plotly.react"
# Bundles Dash writes into every page that the dashboard never runs. Dash writes @babel/polyfill (core-js 2
# and regenerator-runtime, 99 KB) before React. plotly.js 4, without which no page works, already needs a
# browser that has every feature core-js 2 adds, and in Chromium core-js still swaps some built-ins for its
# own slower ones (String.prototype.trim, found by the CPU profile): about 280 ms of script at each load on a
# desktop. Of the polyfill, Dash's loader of its lazy components (the graph, the dropdowns, the slider) uses
# the global ``regeneratorRuntime`` alone: it comes from assets/vendor/regenerator-runtime.js (MIT, 25 KB).
# dash_table's loader (33 KB) is written in every page; no page has a DataTable.
UNUSED_SCRIPTS = ("/_dash-component-suites/dash/deps/polyfill@", "/_dash-component-suites/dash/dash_table/")


def traverse(tree: Component) -> Iterator[Any]:
    """Every descendant of ``tree`` (Dash's private ``Component._traverse``)."""
    return iter(tree._traverse())


def bare_ids(layout: Component) -> html.Div:
    """Each component of ``layout`` that has an id, with only its id: what the renderer needs to check the
    callbacks against (ids and the properties of each type), without the options, figures and texts.
    Relies on ``_prop_names`` and ``_valid_wildcard_attributes`` (private)."""
    bare: list[Any] = []
    for component in [layout, *traverse(layout)]:
        if isinstance(component, Component) and getattr(component, "id", None) is not None:
            copied = copy.copy(component)
            wildcards = tuple(component._valid_wildcard_attributes)  # aria-*, data-*
            for prop in list(vars(copied)):
                if prop != "id" and (prop in component._prop_names or prop.startswith(wildcards)):
                    delattr(copied, prop)
            bare.append(copied)
    return html.Div(bare)


def lean_validation_layout(app: dash.Dash) -> None:
    """Dash Pages writes every page's layout and the whole shell (with every option of every filter) into
    its ``validation_layout``, sent with each page for the renderer to check the callbacks against. Their
    ids are all it needs: rewritten once, after Dash Pages builds it at the first request."""
    done: list[bool] = []

    @app.server.before_request  # after Dash Pages' own, which builds the layout at the first request
    def keep_ids_only() -> None:
        if not done and app.validation_layout is not None:
            app.validation_layout = bare_ids(app.validation_layout)
            done.append(True)


def wrap_page_config(app: dash.Dash, change: Callable[[dict], dict]) -> None:
    """``change`` applied to the page config Dash writes into every page (``<script id="_dash-config">``):
    Dash builds it in its private ``Dash._config`` and has no hook for it."""
    build = app._config

    def config() -> dict:
        return change(build())

    app._config = config  # type: ignore[method-assign]


def page_scripts(scripts: str) -> str:
    """Dash's ``<script>`` lines (one per line, ``<script src="…">``) without the unused bundles, the others
    deferred: the page written into the HTML shows before any script runs."""
    kept = [
        line for line in scripts.split("\n") if not any(f'src="{unused}' in line for unused in UNUSED_SCRIPTS)
    ]
    return "\n".join(kept).replace("<script src=", "<script defer src=")
