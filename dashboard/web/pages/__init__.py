"""One module per page, registered with Dash Pages: its layout, its title and description (computed on
the server, for bookmarks and shared links) and its own callbacks."""

from __future__ import annotations

import copy
from typing import Any

from dash import Dash, html
from dash.development.base_component import Component

from dashboard.web import views
from dashboard.web.pages import commune, not_found, region


def register(app: Dash) -> None:
    """Every page in Dash Pages' registry (the same functions for every app of the process: they find
    the app's data through ``views.current_context``), and the pages' callbacks on ``app``."""
    region.register(app)
    commune.register(app)
    not_found.register()


def title_of(path: str) -> str:
    """The ``<title>`` of the page at ``path``, as the browser's tab, bookmarks and shared links show it."""
    kind, code = views.route(path, views.current_context())
    if kind == "region":
        return region.title()
    if kind == "unknown":
        return not_found.TITLE
    return commune.title(code)


def has_graphs(path: str) -> bool:
    """Whether the page at ``path`` draws graphs (the region's and a commune's; not a 404)."""
    return views.route(path, views.current_context())[0] in ("region", "commune")


def geometry_urls(path: str, search: str) -> list[str]:
    """The geometry documents the page's map fetches first: the HTML announces them (``preload``), so
    that they arrive while the scripts load instead of after the map's first drawing asks for them."""
    kind, _ = views.route(path, views.current_context())
    return region.geometry_urls(search) if kind == "region" else []


def drawn(path: str, search: str) -> Component | None:
    """The page the router draws at ``path`` with the query ``search`` (``""`` or ``?…``); ``None`` for a
    path that is no page of ours."""
    kind, _ = views.route(path, views.current_context())
    if kind == "region":
        return region.for_location(search)
    if kind == "commune":
        return commune.for_location(path, search)
    return None


def bare_ids(layout: Component) -> html.Div:
    """Each component of ``layout`` that has an id, with only its id: what the renderer needs to check the
    callbacks against (ids and the properties of each type), without the options, figures and texts."""
    bare: list[Any] = []
    for component in [layout, *layout._traverse()]:
        if isinstance(component, Component) and getattr(component, "id", None) is not None:
            copied = copy.copy(component)
            wildcards = tuple(component._valid_wildcard_attributes)  # aria-*, data-*
            for prop in list(vars(copied)):
                if prop != "id" and (prop in component._prop_names or prop.startswith(wildcards)):
                    delattr(copied, prop)
            bare.append(copied)
    return html.Div(bare)
