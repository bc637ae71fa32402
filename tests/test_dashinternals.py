"""A test per reliance on what Dash, dcc, Dash Pages or plotly.js do without promising it
(dashboard/web/dashinternals.py): after an upgrade, the one that fails names what changed. And every id the
browser's scripts (assets/*.js) write is declared in dashboard/web/ids.py."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import dash
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly

from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.web import dashinternals, ids
from tests.conftest import REAL_DATA, REPO

DASH = Path(dash.__file__).parent


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(data_dir=REAL_DATA))


def test_dash_pages_container_holds_the_location_content_and_store_ids_we_name():
    found = {getattr(c, "id", None) for c in dashinternals.traverse(dash.page_container)}
    assert set(dashinternals.PAGES_IN_FIRST_PAGE) <= found, found


def test_the_layout_hook_firstscreen_js_fills_is_still_called_by_the_renderer_with_its_layout():
    """assets/firstscreen.js puts the page into the layout the renderer received, in its ``layout_post``
    hook (dashboard/app.py starts the renderer with it): the hook must still get that layout, as JSON whose
    components hold ``props.id`` and ``props.children``, before it is drawn."""
    renderer = (DASH / "dash-renderer/build/dash_renderer.dev.js").read_text(encoding="utf-8")
    assert f"hooks.{dashinternals.LAYOUT_HOOK}(layoutRequest.content)" in renderer
    assert dashinternals.LAYOUT_HOOK in (DASH / "dash-renderer/build/dash_renderer.min.js").read_text("utf-8")
    shipped = json.loads(to_json_plotly(dash.page_container))
    location, content, store = (c for c in shipped["props"]["children"] if c["props"]["id"] != "_pages_dummy")
    assert [location["props"]["id"], content["props"]["id"], store["props"]["id"]] == list(
        dashinternals.PAGES_IN_FIRST_PAGE
    )
    script = (REPO / "assets" / "firstscreen.js").read_text(encoding="utf-8")
    assert all(f'"{name}"' in script for name in dashinternals.PAGES_IN_FIRST_PAGE)


def test_components_still_have_the_private_traversal_and_property_lists_bare_ids_reads():
    tree = html.Div([dcc.Dropdown(id="d", options=["a", "b"], value="a"), html.P("x", **{"aria-label": "y"})])
    assert [type(c).__name__ for c in dashinternals.traverse(tree)] == ["Dropdown", "P"]
    tree.id = "root"
    tree.children[1].id = "p"
    root, dropdown, paragraph = dashinternals.bare_ids(tree).children
    assert (root.id, dropdown.id, paragraph.id) == ("root", "d", "p")
    assert not hasattr(dropdown, "options") and not hasattr(paragraph, "aria-label")


def test_dash_pages_validation_layout_is_rewritten_to_ids_only_after_the_first_request(app):
    app.server.test_client().get("/")
    layout = app.validation_layout
    assert isinstance(layout, html.Div) and layout.children
    assert all(set(vars(c)) & set(c._prop_names) == {"id"} for c in layout.children), "not bare"


def test_dash_builds_its_page_config_in_the_private_config_method_the_index_writes():
    app = dash.Dash(__name__)
    app.layout = html.Div()
    dashinternals.wrap_page_config(app, lambda values: {**values, "coeur_marker": 1})
    page = app.server.test_client().get("/").get_data(as_text=True)
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    assert config and json.loads(config.group(1))["coeur_marker"] == 1


def test_dash_passes_the_index_keywords_the_app_rewrites():
    parameters = inspect.signature(dash.Dash.interpolate_index).parameters
    assert set(dashinternals.INDEX_KEYWORDS) <= set(parameters), list(parameters)


def test_the_index_draws_the_app_in_the_entry_point_the_scripts_name():
    app = dash.Dash(__name__)
    app.layout = html.Div()
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert f'id="{dashinternals.ENTRY_POINT}"' in page


def test_dash_writes_the_unused_bundles_as_one_script_line_each_for_page_scripts_to_drop():
    app = dash.Dash(__name__, serve_locally=True)
    app.layout = html.Div(dcc.Graph())
    page = app.server.test_client().get("/").get_data(as_text=True)
    for unused in dashinternals.UNUSED_SCRIPTS:
        assert re.search(rf'^\s*<script src="{re.escape(unused)}', page, re.M), unused


@pytest.mark.parametrize(
    ("bundle", "written"),
    [
        ("dash-renderer/build/dash_renderer.min.js", dashinternals.RENDERER_GLOBAL),
        ("dcc/dash_core_components.js", dashinternals.PUSHSTATE_EVENT),  # dcc.Link and Dash Pages' Location
        ("dcc/async-graph.js", dashinternals.GRAPH_DRAW_CALL),
    ],
)
def test_the_browser_scripts_find_what_they_rely_on_in_dash_s_bundles(bundle, written):
    assert written in (DASH / bundle).read_text(encoding="utf-8"), f"{written} no longer in {bundle}"


def test_the_assets_rely_only_on_the_names_declared_here():
    """assets/graphs.js wraps Plotly.react, slide.js and coeur.js listen to the pushstate event."""
    assets = {path.name: path.read_text(encoding="utf-8") for path in (REPO / "assets").glob("*.js")}
    assert dashinternals.GRAPH_DRAW_CALL.split(".")[1] in assets["graphs.js"]
    assert all(dashinternals.PUSHSTATE_EVENT in assets[name] for name in ("slide.js", "coeur.js"))


DECLARED = {
    value
    for holder in vars(ids).values()
    if inspect.isclass(holder) and holder.__module__ == ids.__name__
    for value in vars(holder).values()
    if isinstance(value, str)
}
# getElementById("x"), set_props("x", …), and #x in a selector (#op- + id: a prefix, declared as such)
ID_IN_JS = re.compile(r"""getElementById\("([^"]+)"\)|set_props\("([^"]+)"|["'\s(,>+~]#([a-z][\w-]*)""")


def ids_in(text: str) -> set[str]:
    found = {next(group for group in match.groups() if group) for match in ID_IN_JS.finditer(text)}
    return {name for name in found if not re.fullmatch(r"[0-9a-f]{3}|[0-9a-f]{6}", name)}  # not a colour


def test_every_id_written_in_the_assets_scripts_is_declared_in_ids_py():
    written = {path.name: ids_in(path.read_text(encoding="utf-8")) for path in (REPO / "assets").glob("*.js")}
    unknown = {name: sorted(found - DECLARED) for name, found in written.items() if found - DECLARED}
    assert unknown == {}
    assert {"shell-nav", "ctl-year", "shell-search"} <= set().union(
        *written.values()
    )  # the pattern reads them
