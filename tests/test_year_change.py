"""A year change sends only what it changes, and what it sends gives the same page as a full update."""

from __future__ import annotations

import copy
import json

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.web import written
from dashboard.web.ids import Ctl, Region, Shell
from tests.conftest import REAL_DATA

CONTROLS = [Ctl.YEAR, Ctl.DEPARTEMENT, Ctl.COMMUNE, Ctl.PROGRAMME, Ctl.STATUS, Ctl.CODE]
EVERY_CONTROL = [f"{control}.value" for control in CONTROLS]


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(data_dir=REAL_DATA))


def call(app, fragment: str, values: dict, changed: list[str]) -> dict:
    """Answer of the callback whose output names ``fragment``, as the browser would ask for it."""
    key = next(k for k in app.callback_map if fragment in k)
    spec = app.callback_map[key]

    def item(dependency):
        out = {"id": dependency["id"], "property": dependency["property"]}
        value = values.get(f"{dependency['id']}.{dependency['property']}")
        return out if value is None else {**out, "value": value}

    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [item(d) for d in spec["inputs"]],
        "state": [item(d) for d in spec["state"]],
        "changedPropIds": changed,
    }
    answer = app.server.test_client().post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()["response"]


def region_values(year: int, **filters) -> dict:
    values = {f"{control}.value": filters.get(control, []) for control in CONTROLS[1:]}
    return {**values, f"{Ctl.YEAR}.value": year, f"{Region.READY}.data": True}


def apply(figure: dict, patch: dict) -> dict:
    """What dash-renderer does with a Patch made of assignments."""
    figure = copy.deepcopy(figure)
    for operation in patch["operations"]:
        assert operation["operation"] == "Assign"
        *path, last = operation["location"]
        target = figure
        for step in path:
            target = target.setdefault(step, {}) if isinstance(target, dict) else target[step]
        target[last] = operation["params"]["value"]
    return figure


def shown(before: dict, answer: dict) -> dict:
    """The page after ``answer``: outputs it leaves out keep their value, patches apply."""
    after = copy.deepcopy(before)
    for component, props in answer.items():
        for prop, value in props.items():
            if isinstance(value, dict) and value.get("__dash_patch_update"):
                value = apply(after[component].get(prop, {}), value)
            after[component][prop] = value
    return after


@pytest.mark.parametrize(
    ("before", "after", "filters"),
    [
        (2022, 2021, {}),
        (2021, 2020, {}),
        (2019, 2018, {}),
        (2023, 2024, {Ctl.DEPARTEMENT: ["60", "02"]}),
        (2021, 2022, {Ctl.CODE: ["PLS"]}),
    ],
)
def test_a_year_alone_sends_less_and_shows_the_same_as_a_full_update(app, before, after, filters):
    page = call(app, "region-figures.children", region_values(before, **filters), EVERY_CONTROL)
    page = shown({k: {} for k in page}, page)
    full = call(app, "region-figures.children", region_values(after, **filters), EVERY_CONTROL)
    year_only = call(app, "region-figures.children", region_values(after, **filters), [f"{Ctl.YEAR}.value"])
    assert set(year_only) < set(full)  # the mix, the undated list and the totals do not travel
    assert shown(page, year_only) == shown(page, full)


def test_with_a_status_filter_a_year_change_updates_everything(app):
    values = region_values(2021, **{Ctl.STATUS: ["livrée"]})
    assert set(call(app, "region-figures.children", values, [f"{Ctl.YEAR}.value"])) == set(
        call(app, "region-figures.children", values, EVERY_CONTROL)
    )


def test_a_year_step_leaves_the_filters_alone(app):
    # The ◀ button steps the slider in the browser (clientside); the server then sees the year change.
    values = {
        f"{Shell.URL}.search": "?annee=2022&dep=60",
        **{f"{control}.value": [] for control in CONTROLS[1:]},
        f"{Ctl.DEPARTEMENT}.value": ["60"],
        f"{Ctl.YEAR}.value": 2021,
    }
    answer = call(app, "_pages_location.search", values, [f"{Ctl.YEAR}.value"])
    assert answer[Shell.URL] == {"search": "?annee=2021&dep=60"}
    assert not set(answer) & set(CONTROLS)  # unchanged: a year change stays a year change


def table_values(year: int, sort: dict, opened: int | None = None, live: object = True, **filters) -> dict:
    """``live``: what the browser has of the table (true: the live one; false: the one written with the page,
    dashboard/web/written.py; "wanted": asked for)."""
    search = f"?annee={year}" + "".join(f"&dep={d}" for d in filters.get(Ctl.DEPARTEMENT, []))
    values = {**region_values(year, **filters), f"{Region.SORT}.data": sort, f"{Shell.URL}.search": search}
    return {**values, f"{Region.MAP_TABLE_OPEN}.n_clicks": opened, f"{Region.TABLE_LIVE}.data": live}


@pytest.mark.parametrize(
    ("before", "after", "sort", "filters"),
    [
        (2022, 2021, {"column": "commune", "descending": False}, {}),
        (2020, 2019, {"column": "logements_retenus", "descending": True}, {}),
        (2024, 2025, {"column": "livraison", "descending": False}, {Ctl.DEPARTEMENT: ["60"]}),
    ],
)
def test_a_year_alone_patches_the_table_into_the_full_table(app, before, after, sort, filters):
    filters = {**filters, "opened": 1}  # the map's table opened: it is patched too
    table = call(app, "region-table.children", table_values(before, sort, **filters), EVERY_CONTROL)
    page = shown({Region.TABLE: {}, Region.MAP_TABLE: {}, Region.TABLE_LIVE: {}}, table)
    full = call(app, "region-table.children", table_values(after, sort, **filters), EVERY_CONTROL)
    year_only = call(
        app, "region-table.children", table_values(after, sort, **filters), [f"{Ctl.YEAR}.value"]
    )
    assert year_only[Region.TABLE]["children"].get("__dash_patch_update")
    assert shown(page, year_only) == shown(page, full)
    assert shown(page, year_only) != page  # statuses and links did move


def written_after(table: dict, assignments: list) -> dict:
    """What assets/firstscreen.js makes of the written table (``table``, the components it mirrors, one
    element each) with a written patch: an assignment that would not find its element fails here."""
    table = copy.deepcopy(table)
    html_names = {html: prop for prop, html in written.RENAMED.items()}
    for location, value in assignments:
        children: object = table  # the holder's children: one component (the table's frame)
        component: dict | None = None
        steps = iter(location)
        for step in steps:
            if isinstance(step, int):  # every sibling an element, or positions would differ in the HTML
                assert isinstance(children, list) and all(is_element(child) for child in children)
                component, children = children[step], None
                continue
            assert step == "props"
            if children is not None:  # children of one component: its element
                assert is_element(children)
                component, children = children, None
            name = next(steps)
            assert component is not None
            if name == "children" and isinstance(component["props"].get("children"), list | dict):
                children = component["props"]["children"]
            else:
                assert next(steps, None) is None  # an attribute, or a text, ends the location
                assert name != "children" or isinstance(component["props"].get("children"), str | None)
                component["props"][html_names.get(name, name)] = value
    return table


def is_element(child: object) -> bool:
    """Written as one element (dashboard/web/written.py): an html component, or a link."""
    return isinstance(child, dict) and (
        child.get("namespace") == "dash_html_components" or child.get("type") == "Link"
    )


@pytest.mark.parametrize(
    ("before", "after", "sort"),
    [
        (2022, 2021, {"column": "commune", "descending": False}),
        (2020, 2019, {"column": "logements_retenus", "descending": True}),
        (2024, 2025, {"column": "livraison", "descending": False}),
    ],
)
def test_a_year_step_while_the_table_is_written_patches_the_written_html(app, before, after, sort):
    page = call(app, "region-table.children", table_values(before, sort), EVERY_CONTROL)
    answer = call(app, "region-table.children", table_values(after, sort, live=False), [f"{Ctl.YEAR}.value"])
    assert set(answer) == {Region.TABLE} and set(answer[Region.TABLE]) == {written.PATCH}  # no table sent
    assignments = json.loads(answer[Region.TABLE][written.PATCH])
    full = call(app, "region-table.children", table_values(after, sort), EVERY_CONTROL)
    before_table, after_table = page[Region.TABLE]["children"], full[Region.TABLE]["children"]
    assert after_table != before_table  # statuses and links did move
    assert written_after(before_table, assignments) == after_table


def test_a_year_step_sends_the_whole_table_while_the_live_one_is_asked_for(app):
    values = table_values(2021, {"column": "commune", "descending": False}, live="wanted")
    answer = call(app, "region-table.children", values, [f"{Ctl.YEAR}.value"])
    assert not answer[Region.TABLE]["children"].get("__dash_patch_update")  # its answer may come later
    assert answer[Region.TABLE_LIVE] == {"data": True}
    # drawn from the year's rows kept for the view: the table a full update of that year draws
    full = call(app, "region-table.children", values, EVERY_CONTROL)
    assert answer[Region.TABLE] == full[Region.TABLE]


def test_the_live_table_is_sent_once_wanted_and_not_again(app):
    values = table_values(2021, {"column": "commune", "descending": False}, live="wanted")
    answer = call(app, "region-table.children", values, [f"{Region.TABLE_LIVE}.data"])
    assert "Compiègne" in str(answer[Region.TABLE]["children"]) and answer[Region.TABLE_LIVE] == {
        "data": True
    }
    assert Region.MAP_TABLE not in answer  # the map's table, not opened, is left alone
    values = table_values(2021, {"column": "commune", "descending": False}, live=True)
    assert call(app, "region-table.children", values, [f"{Region.TABLE_LIVE}.data"]) == {}


def test_a_table_sorted_by_status_is_drawn_again_on_a_year_change(app):
    values = table_values(2021, {"column": "statut", "descending": False})
    answer = call(app, "region-table.children", values, [f"{Ctl.YEAR}.value"])
    assert not answer[Region.TABLE]["children"].get("__dash_patch_update")


def test_the_map_table_is_drawn_once_opened_and_then_follows_the_year(app):
    closed = call(app, "region-table.children", table_values(2021, {}), EVERY_CONTROL)
    assert Region.MAP_TABLE not in closed  # not drawn with the page: nobody opened it
    opening = table_values(2021, {}, opened=1)
    opened = call(app, "region-table.children", opening, [f"{Region.MAP_TABLE_OPEN}.n_clicks"])
    assert set(opened) == {Region.MAP_TABLE}  # the operations table is left as it is
    assert "Senlis" in str(opened[Region.MAP_TABLE]["children"])
    step = call(app, "region-table.children", table_values(2022, {}, opened=1), [f"{Ctl.YEAR}.value"])
    assert step[Region.MAP_TABLE]["children"].get("__dash_patch_update")


def row_answer(app, op_id: str, clicks: int) -> dict:
    key = next(k for k in app.callback_map if Region.ROW_FIELDS in k)
    body = {
        "output": key,
        "outputs": [
            {"id": {"op": op_id, "type": Region.ROW_FIELDS}, "property": "children"},
            {"id": {"op": op_id, "type": Region.ROW_DETAIL}, "property": "open"},
        ],
        "inputs": [{"id": {"op": op_id, "type": Region.ROW_OPEN}, "property": "n_clicks", "value": clicks}],
        "changedPropIds": [f'{{"op":"{op_id}","type":"{Region.ROW_OPEN}"}}.n_clicks'],
    }
    answer = app.server.test_client().post("/_dash-update-component", json=body)
    return answer.get_json()["response"] if answer.status_code == 200 else {}


def test_opening_a_row_draws_its_fields_and_closing_it_only_closes_it(app):
    opened = row_answer(app, "compiegne-rue-d-amiens", 1)
    fields, detail = opened.values()
    assert detail == {"open": True}
    assert "Financements" in str(fields["children"]) and "LLI/PLS" in str(fields["children"])
    closed = row_answer(app, "compiegne-rue-d-amiens", 2)
    assert list(closed.values()) == [{"open": False}]
    assert row_answer(app, "no-such-operation", 1) == {}  # nothing to draw: no update
