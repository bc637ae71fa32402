"""In Chromium: the patches a year change sends leave the page as a full update would."""

from __future__ import annotations

import re

from dashboard.app import load_context
from dashboard.model import analysis
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web import components
from tests.browser.conftest import scroll_to_graph, wait_for_idle, wait_for_map
from tests.conftest import REAL_DATA


def expected_table(year: int) -> dict[str, list[str]]:
    """Row id → (status cell, commune link) of the table for ``year``, as operations_table draws them."""
    context = load_context(Settings(data_dir=REAL_DATA))
    frame = context.operations_in(View(year=year))
    return {
        op_id: [components.cell(row, analysis.STATUS), f"/commune/{row['code_insee']}?annee={year}"]
        for op_id, row in frame.iterrows()
    }


def drawn_table(page) -> dict[str, list[str]]:
    return page.evaluate(f"""() => Object.fromEntries(
        [...document.querySelectorAll('#region-table tbody tr')].map(
        (tr) => [tr.id.replace('op-row-', ''), [tr.children[{components.STATUS_CELL}].innerText,
                                                 tr.querySelector('a').getAttribute('href')]]))""")


def test_after_a_year_change_the_table_shows_the_statuses_and_links_of_that_year(server, page):
    page.page.goto(server.url + "/?annee=2022")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    assert drawn_table(page.page) == expected_table(2022)
    page.page.click("#ctl-year-prev")
    page.page.wait_for_url(re.compile(r"annee=2021"))
    wait_for_idle(page.page)
    page.page.wait_for_function(
        "() => document.querySelector('#region-table tbody a').getAttribute('href').includes('2021')"
    )
    assert drawn_table(page.page) == expected_table(2021)
    # The calendar, below the first screen, is drawn once scrolled to (test_graphs_when_seen.py).
    scroll_to_graph(page.page, "region-timeline")
    wait_for_idle(page.page)
    timeline = page.page.locator("#region-timeline").inner_text()
    assert "fin 2021" in timeline and "fin 2022" not in timeline
    assert page.errors == []
