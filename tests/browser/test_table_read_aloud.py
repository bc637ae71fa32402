"""What a screen reader gets of the region's operations table, read from Chromium's own accessibility tree
(the tree screen readers are given, through the DevTools protocol), before any key or scroll: the table
written on the server (assets/firstscreen.js, « Written parts ») is there with its caption, column headers
and rows; its sort buttons and row details work, on the live table that replaces it; the swap keeps the
focus where it was and never holds the table twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import french_page, wait_for_idle, wait_for_map
from tests.browser.test_written_until_wanted import BUILT_BY_REACT, ROWS

TABLE = "#region-table > .table-scroll"
CLICK = "(element) => element.click()"
SORT_BY_COMMUNE = (
    """() => dash_clientside.set_props('region-sort', {data: {column: 'commune', descending: false}})"""
)
LIVE = f"{TABLE}:not([data-until-live])"
# The operations tables a screen reader could read at each frame (shown, not inert), from before the page's
# first script: the written and the live table side by side for one frame would have it read them both.
COUNT_TABLES_EACH_FRAME = """
window.mostTables = 0;
(function count() {
  const tables = [...document.querySelectorAll('#region-table table')].filter((table) =>
    !table.closest('[inert]') && table.checkVisibility({ visibilityProperty: true })).length;
  window.mostTables = Math.max(window.mostTables, tables);
  requestAnimationFrame(count);
})();
"""


def accessibility_tree(page) -> list[dict]:
    """The nodes of Chromium's accessibility tree that it exposes (not ignored), as ``{role, name, node,
    properties}``, in the tree's order."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [
        {
            "role": node["role"]["value"],
            "name": node.get("name", {}).get("value", ""),
            "node": node.get("backendDOMNodeId"),
            "properties": {item["name"]: item["value"].get("value") for item in node.get("properties", [])},
        }
        for node in nodes
        if not node.get("ignored")
    ]


def roles(tree: list[dict], role: str) -> list[dict]:
    return [node for node in tree if node["role"] == role]


def visible_headers(page) -> list[str]:
    """The column headers a person sees (phones hide some columns, and so does the tree)."""
    return page.evaluate("""() => [...document.querySelectorAll('#region-table thead th')]
      .filter((th) => th.getClientRects().length).map((th) => th.innerText.trim())""")


@pytest.fixture(params=[(1440, 900), (390, 844)], ids=["desktop", "phone"])
def reader(browser, request) -> Iterator:
    context, page = french_page(browser, *request.param)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(COUNT_TABLES_EACH_FRAME)
    yield page, errors
    context.close()


def opened(page, url: str) -> None:
    """The page loaded, neither scrolled nor any key pressed; the table still the one written."""
    page.goto(url)
    wait_for_map(page)
    wait_for_idle(page)
    assert page.evaluate("() => window.scrollY") == 0
    assert page.locator(TABLE).count() == 1
    assert not page.locator(TABLE).evaluate(BUILT_BY_REACT)  # the one written on the server


def test_a_screen_reader_gets_the_written_table_caption_headers_and_rows_before_any_key_or_scroll(
    server, reader
):
    page, errors = reader
    opened(page, server.url + "/?annee=2022")
    tree = accessibility_tree(page)
    tables = roles(tree, "table")
    assert len(tables) == 1
    assert tables[0]["name"].startswith(page.locator("#region-table caption").inner_text().split(" — ")[0])
    assert len(roles(tree, "caption")) == 1
    headers = [node["name"] for node in roles(tree, "columnheader")]
    assert headers == visible_headers(page) and "Commune ▲" in headers and "Statut" in headers
    communes = page.locator("#region-table tbody th").all_inner_texts()
    assert len(communes) >= 10
    assert [node["name"] for node in roles(tree, "rowheader")] == communes
    assert len(roles(tree, "row")) == len(communes) + 1  # and the headers' row
    # the sort buttons, named as their headers, and working (below): not disabled
    sort_buttons = [node for node in roles(tree, "button") if node["name"] in headers]
    assert [node["name"] for node in sort_buttons] == [name for name in headers if name != "Détail"]
    assert all(
        node["properties"].get("focusable") and not node["properties"].get("disabled")
        for node in sort_buttons
    )
    assert errors == []


def test_a_written_sort_button_sorts_on_the_live_table_that_replaces_it(server, reader):
    page, errors = reader
    opened(page, server.url + "/?annee=2022")
    # clicked as a screen reader's "activate" does (no key reaches the page, nothing scrolls), the table
    # still the written one (Playwright's own click would scroll to it first: live by then)
    page.locator(f"{TABLE} button", has_text="Logements").evaluate(CLICK)
    page.wait_for_selector(LIVE)
    page.wait_for_selector("#region-table th[aria-sort='ascending'] >> text=Logements")
    wait_for_idle(page)
    assert page.locator(TABLE).evaluate(BUILT_BY_REACT)
    focused = page.evaluate("() => document.activeElement.closest('th')?.innerText.trim()")
    assert focused == "Logements ▲"  # the reader is still on the button they used
    assert page.evaluate("() => window.mostTables") == 1
    # a click elsewhere leaves the table: the table drawn anew (sorted otherwise) does not take the focus back
    page.locator("footer.footer").click(position={"x": 2, "y": 2})  # nothing focusable: the focus on none
    page.evaluate(SORT_BY_COMMUNE)
    page.wait_for_selector("#region-table th[aria-sort='ascending'] >> text=Commune")
    wait_for_idle(page)
    assert not page.evaluate("() => document.activeElement.closest('#region-table')")
    assert errors == []


def test_a_written_row_s_details_open_on_the_live_table(server, reader):
    page, errors = reader
    opened(page, server.url + "/?annee=2022")
    first = page.locator(f"{TABLE} tbody tr").first
    row_id = first.get_attribute("id")
    first.locator("summary").evaluate(CLICK)
    page.wait_for_selector(f"{LIVE} #{row_id} details[open] .row-fields")
    assert page.evaluate("() => document.activeElement.closest('tr')?.id") == row_id
    assert page.evaluate("() => window.mostTables") == 1
    assert errors == []


def test_the_swap_to_the_live_table_keeps_the_focus_where_it_was_and_the_table_once(server, reader):
    page, errors = reader
    opened(page, server.url + "/?annee=2022")
    written = page.evaluate(ROWS)
    row_id = written[3][0]
    # the focus moved to a row's link as a screen reader moves it, without a key: the table goes live
    page.locator(f"{TABLE} #{row_id} td a").focus()
    page.wait_for_selector(LIVE)
    wait_for_idle(page)
    assert page.locator(TABLE).evaluate(BUILT_BY_REACT)
    active = page.evaluate("() => [document.activeElement.closest('tr')?.id, document.activeElement.tagName]")
    assert active == [row_id, "A"]
    assert page.evaluate(ROWS) == written
    tree = accessibility_tree(page)
    assert len(roles(tree, "table")) == 1
    assert page.evaluate("() => window.mostTables") == 1  # never two tables in a frame
    assert errors == []


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/?annee=2022", "/commune/02691"])
def test_the_first_screen_is_read_before_any_script_its_controls_said_unavailable(
    server, browser, size, path
):
    """The page written into the HTML, as at the first paint (no script has run: none runs here). The commune
    page has no operations table (its operations are sheets, under headings)."""
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(server.url + path)
        tree = accessibility_tree(page)
        title = page.locator("#first-screen .page-title").inner_text()
        assert title and title in [node["name"] for node in roles(tree, "heading")]
        if path.startswith("/commune/"):
            sheets = page.locator("#first-screen .op-sheet h3").all_inner_texts()
            assert len(sheets) >= 3 and set(sheets) <= {node["name"] for node in roles(tree, "heading")}
        else:
            assert len(roles(tree, "table")) == 1 and len(roles(tree, "caption")) == 1
            headers = [node["name"] for node in roles(tree, "columnheader")]
            assert headers == visible_headers(page) and "Commune ▲" in headers
            communes = page.locator("#region-table tbody th").all_inner_texts()
            assert len(communes) >= 10
            assert [node["name"] for node in roles(tree, "rowheader")] == communes
        buttons = roles(tree, "button") + roles(tree, "searchbox") + roles(tree, "textbox")
        assert buttons and all(node["properties"].get("disabled") for node in buttons), [
            node["name"] for node in buttons if not node["properties"].get("disabled")
        ]
        assert roles(tree, "link")  # plain links: they work before any script
    finally:
        context.close()


def test_the_focus_in_the_first_screen_stays_on_its_element_in_the_live_page(server, reader):
    page, errors = reader
    layouts: list = []
    page.route(
        "**/_dash-layout*", lambda route: layouts.append(route)
    )  # held: the first screen stays until it is answered
    page.goto(server.url + "/?annee=2022", wait_until="domcontentloaded")
    page.wait_for_function("() => document.getElementById('first-screen')")
    row_id = page.locator("#first-screen #region-table tbody tr").nth(2).get_attribute("id")
    page.locator(f"#first-screen #{row_id} td a").focus()
    assert layouts
    layouts[0].continue_()
    page.wait_for_function("() => !document.getElementById('first-screen')")
    page.wait_for_selector(LIVE)  # the focus entered the written table: live, the focus kept again
    wait_for_idle(page)
    focused = page.evaluate("""() => [document.activeElement.closest('tr')?.id,
      document.activeElement.tagName, !!document.activeElement.closest('#react-entry-point')]""")
    assert focused == [row_id, "A", True]
    assert page.locator(TABLE).evaluate(BUILT_BY_REACT)
    assert page.evaluate("() => window.mostTables") == 1
    assert errors == []
