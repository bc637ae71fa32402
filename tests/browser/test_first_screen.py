"""The first screen written into the HTML (endpoints/prerender.py): what it shows before any script runs is
what the live page then shows, at the same place, and it is gone once the live page has drawn its own."""

from __future__ import annotations

import pytest

from dashboard.app import LAZY_CHUNKS
from tests.browser.conftest import wait_for_idle

PLACES = """
() => Array.from(document.querySelectorAll(
  '.page-title, .lead, .year-line, .kf-card, .year-label, .filter-label, .map-panel h2, .graph-box'
)).map(e => {
  const r = e.getBoundingClientRect();
  const text = e.matches('.graph-box') ? '' : e.innerText.trim().slice(0, 200);  // drawn by plotly.js
  return [e.className, text, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
})
"""


def places(browser, url: str, *, scripts: bool) -> list:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="fr-FR", java_script_enabled=scripts
    )
    try:
        page = context.new_page()
        page.goto(url)
        if not scripts:  # to read only: no click or key reaches its controls, which do nothing yet
            assert page.locator("#first-screen").get_attribute("inert") == ""
        else:
            page.wait_for_function("() => !document.getElementById('first-screen')")
            wait_for_idle(page)
            assert page.locator(".page-title").count() == 1  # the written page is gone, not hidden
        return page.evaluate(PLACES)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/?annee=2020&dep=60", "/commune/60159"])
def test_the_written_first_screen_shows_what_the_live_page_shows_where_it_shows_it(server, browser, path):
    written = places(browser, server.url + path, scripts=False)
    live = places(browser, server.url + path, scripts=True)
    assert [w[:2] for w in written] == [w[:2] for w in live]  # the same title, totals and figures
    assert any("page-title" in w[0] and w[1] for w in written)
    for before, after in zip(written, live, strict=True):
        if before[3] >= 900:  # below the first screen: gone before anyone scrolls there
            continue
        assert all(abs(a - b) <= 2 for a, b in zip(before[2:], after[2:], strict=True)), (before, after)


@pytest.mark.parametrize("path", ["/", "/commune/60159"])
def test_what_the_first_drawing_waits_for_comes_with_the_page_and_once(server, page, path) -> None:
    """The HTML announces (preload) the map's outlines, plotly.js's empty world, the layout and callbacks,
    and runs dcc's lazy components with the other scripts: they arrive while the scripts load, and the
    later requests for them are served by that download (dcc never asks for its lazy components again)."""
    p = page.page
    asked: list[str] = []
    p.on("request", lambda request: asked.append(request.url))
    p.goto(server.url + path)
    p.wait_for_selector(".js-plotly-plot .geo", state="attached")
    wait_for_idle(p)
    announced = p.eval_on_selector_all("link[rel=preload]", "links => links.map(l => l.href)")
    chunks = p.eval_on_selector_all("script[src*='/dcc/async-']", "scripts => scripts.map(s => s.src)")
    assert sorted(url.rsplit("/", 1)[1] for url in chunks) == sorted(LAZY_CHUNKS)
    assert any("world_110m" in url for url in announced) and any("_dash-layout" in url for url in announced)
    announced += chunks
    if path == "/":
        assert any("/geo/" in url for url in announced)  # the region map's outlines
    for url in announced:
        assert asked.count(url) == 1, url  # asked for once: the preload served the page's own request
    assert sorted({url for url in asked if "/geo/" in url}) == sorted(u for u in announced if "/geo/" in u)
    assert not page.errors
