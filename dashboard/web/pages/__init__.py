"""One module per page, registered with Dash Pages: its layout, its title and description (computed on
the server, for bookmarks and shared links) and its own callbacks. ``PAGES`` is the one route table: what
the server asks of the page at an address (its title, its first screen, its geometry, its status)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash
from dash.development.base_component import Component

from dashboard.web import views
from dashboard.web.pages import commune, not_found, operation, region
from dashboard.web.routes import Kind, Route, route


def _nothing(_search: str) -> list[str]:
    return []


@dataclass(frozen=True)
class Page:
    """What the server asks of a kind of page."""

    title: Callable[[Route], str]  # the ``<title>``: the browser's tab, bookmarks and shared links
    # The page drawn in the HTML for the route and the query (``""`` or ``?…``); ``None``: drawn live only.
    drawn: Callable[[Route, str], Component | None]
    exists: bool = True  # ``False``: served with a 404 status
    graphs: bool = False  # draws graphs (its HTML asks for plotly.js's world early)
    # The geometry documents its map fetches first, for the query: announced in the HTML (``preload``).
    geometry_urls: Callable[[str], list[str]] = _nothing


PAGES: dict[Kind, Page] = {
    Kind.REGION: Page(
        title=lambda _route: region.title(),
        drawn=lambda _route, search: region.for_location(search),
        graphs=True,
        geometry_urls=region.geometry_urls,
    ),
    Kind.COMMUNE: Page(
        title=lambda route: commune.title(route.code), drawn=commune.for_location, graphs=True
    ),
    Kind.UNKNOWN_COMMUNE: Page(
        title=lambda route: commune.title(route.code), drawn=lambda _route, _search: None, exists=False
    ),
    Kind.OPERATION: Page(title=lambda route: operation.title(route.code), drawn=operation.for_location),
    Kind.UNKNOWN_OPERATION: Page(
        title=lambda route: operation.title(route.code), drawn=lambda _route, _search: None, exists=False
    ),
    Kind.UNKNOWN: Page(
        title=lambda _route: not_found.TITLE, drawn=lambda _route, _search: None, exists=False
    ),
}


def register(app: Dash) -> None:
    """Every page in Dash Pages' registry (the same functions for every app of the process: they find
    the app's data through ``views.current_context``), and the pages' callbacks on ``app``."""
    region.register(app)
    commune.register(app)
    operation.register()
    not_found.register()


def at(path: Any) -> tuple[Route, Page]:
    """The route of ``path`` for the data being served, and its page."""
    found = route(path, views.current_context())
    return found, PAGES[found.kind]
