"""Graphs drawn when they come near the screen (assets/graphs.js), in a real headless Chromium: the charts
below the first screen wait until scrolled to, keep the year steps made meanwhile, and are drawn for
printing, on a phone, and after the page they were on was left."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import Watched, scroll_to_graph, wait_for_idle, wait_for_location, wait_for_map

BELOW = ("#region-mix", "#region-timeline")  # below the first screen at 1280×720 (the map fills it)
FITTED_FOR_PRINT = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => 'screenHeight' in g.dataset)"
)


@pytest.fixture
def open_at(browser) -> Iterator:
    contexts = []

    def opened(url: str, width: int = 1280, height: int = 720) -> Watched:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        contexts.append(context)
        watched = Watched(context.new_page())
        watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
        watched.page.set_default_timeout(30_000)
        watched.page.goto(url)
        wait_for_map(watched.page)
        wait_for_idle(watched.page)
        return watched

    yield opened
    for context in contexts:
        context.close()


# Counts each graph's drawings (plotly_afterplot), from the first: installed before the page's scripts.
COUNT_DRAWINGS = """
(() => {
  window.coeurDrawings = {};
  const watch = (event) => {
    const graph = event.target.closest && event.target.closest('.js-plotly-plot');
    if (!graph || graph.dataset.counted) { return; }
    graph.dataset.counted = '1';
    const id = graph.closest('[id]').id;
    graph.on('plotly_afterplot', () => { window.coeurDrawings[id] = (window.coeurDrawings[id] || 0) + 1; });
  };
  new MutationObserver((records) => records.forEach((r) => watch({ target: r.target })))
    .observe(document, { attributes: true, attributeFilter: ['class'], subtree: true });
})();
"""


def drawn(page, graph: str) -> bool:
    return page.locator(f"{graph} .main-svg").count() > 0


def test_the_charts_below_the_first_screen_are_drawn_once_scrolled_to(server, open_at):
    screen = open_at(server.url + "/?annee=2022")
    assert [drawn(screen.page, graph) for graph in BELOW] == [False, False]
    scroll_to_graph(screen.page, "region-mix", ".bars path")
    screen.page.wait_for_selector("#region-timeline .main-svg")  # beside it
    assert screen.page.locator("#region-mix .bars path").count() >= 5
    assert screen.errors == []


def test_a_year_step_made_before_the_calendar_is_drawn_shows_on_it_when_drawn(server, open_at):
    screen = open_at(server.url + "/?annee=2022")
    screen.page.click("#ctl-year-prev")
    wait_for_location(screen.page, r"annee=2021")
    wait_for_idle(screen.page)
    assert not drawn(screen.page, "#region-timeline")
    scroll_to_graph(screen.page, "region-timeline")
    wait_for_idle(screen.page)
    timeline = screen.page.locator("#region-timeline").inner_text()
    assert "fin 2021" in timeline and "fin 2022" not in timeline
    assert screen.errors == []


def test_printing_draws_the_charts_not_yet_seen(server, open_at):
    screen = open_at(server.url + "/?annee=2022")
    assert [drawn(screen.page, graph) for graph in BELOW] == [False, False]
    screen.page.emulate_media(media="print")
    screen.page.wait_for_function(FITTED_FOR_PRINT)
    assert screen.page.locator("#region-mix .bars path").count() >= 5
    assert "fin 2022" in screen.page.locator("#region-timeline").inner_text()
    assert screen.errors == []


def test_on_a_phone_the_financing_chart_is_drawn_once_scrolled_to(server, open_at):
    phone = open_at(server.url + "/?annee=2022", 390, 844)
    assert not drawn(phone.page, "#region-mix")
    scroll_to_graph(phone.page, "region-mix", ".bars path")
    assert phone.page.locator(".milestone-list").first.is_visible()  # the calendar, as phones show it
    assert phone.errors == []


def test_a_page_left_before_its_charts_were_seen_leaves_the_next_one_drawn(server, open_at):
    screen = open_at(server.url + "/?annee=2022")
    screen.page.fill("#shell-search", "Compiègne")
    screen.page.click("#shell-search-results a:has-text('Compiègne')")  # a link: no page load
    wait_for_location(screen.page, r"/commune/60159")
    wait_for_map(screen.page, "commune-map")
    screen.page.go_back()
    wait_for_location(screen.page, r"/\?annee=2022$")
    wait_for_map(screen.page)
    scroll_to_graph(screen.page, "region-mix", ".bars path")
    assert re.search(r"/\?annee=2022$", screen.page.url)
    assert screen.errors == []


@pytest.mark.parametrize(
    ("path", "graph"), [("/?annee=2022", "region-map"), ("/commune/60159", "commune-map")]
)
@pytest.mark.parametrize(("width", "height"), [(412, 823), (1440, 900)])
def test_the_map_is_drawn_once_at_load(server, browser, path, graph, width, height):
    """dcc.Graph asks plotly.js to fit the map to its box right after its first drawing, and plotly.js drew
    the whole map again though the box had not changed (assets/graphs.js, resizeIfResized)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    try:
        page = context.new_page()
        page.add_init_script(COUNT_DRAWINGS)
        page.goto(server.url + path)
        wait_for_map(page, graph)
        wait_for_idle(page)
        page.wait_for_timeout(1_000)  # longer than plotly.js's resize delay (100 ms): a redraw would show
        assert page.evaluate("window.coeurDrawings").get(graph) == 1
    finally:
        context.close()
