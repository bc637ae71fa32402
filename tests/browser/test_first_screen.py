"""The first screen written into the HTML (endpoints/prerender.py): what it shows before any script runs is
what the live page then shows, at the same place, and it is gone once the live page has drawn its own."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.app import LAZY_CHUNKS
from tests.browser.conftest import Server, french_page, start_server, wait_for_idle
from tests.browser.test_room import LAYOUT_SHIFTS

PLACES = """
() => Array.from(document.querySelectorAll(
  '.page-title, .lead, .year-line, .kf-card, .year-label, .filter-label, .map-panel h2, .graph-box'
)).map(e => {
  const r = e.getBoundingClientRect();
  const text = e.matches('.graph-box') ? '' : e.innerText.trim().slice(0, 200);  // drawn by plotly.js
  return [e.className, text, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
})
"""

# Every button and field of the written page said unavailable (written.to_html, usable), or disabled.
UNAVAILABLE_CONTROLS = """() => [...document.querySelectorAll('#first-screen :is(button, input, textarea)')]
  .every((control) => control.disabled || control.getAttribute('aria-disabled') === 'true')"""


def places(browser, url: str, *, scripts: bool) -> list:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="fr-FR", java_script_enabled=scripts
    )
    try:
        page = context.new_page()
        page.goto(url)
        if not scripts:  # to read (a screen reader too); its controls, which do nothing yet, say so
            assert page.evaluate(UNAVAILABLE_CONTROLS)
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


HTML_PAUSE_S = 1.5  # between the two parts of the page's HTML (a slow mobile network)


def in_two_parts(wsgi_app, before: bytes, cuts: list[str]):
    """``wsgi_app`` answering HTML in two parts: up to the tag holding ``before``, the rest a moment later
    (each path answered so goes to ``cuts``)."""

    def middleware(environ, start_response):
        environ.pop("HTTP_ACCEPT_ENCODING", None)  # plain HTML, to cut it
        answer: dict = {}
        body = b"".join(
            wsgi_app(environ, lambda status, headers, *_: answer.update(status=status, headers=headers))
        )
        headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
        start_response(answer["status"], headers)
        at = body.find(before)
        if at < 0 or "text/html" not in dict(headers).get("Content-Type", ""):
            return [body]
        cut = body.rfind(b"<", 0, at)
        cuts.append(environ["PATH_INFO"])

        def parts() -> Iterator[bytes]:
            yield body[:cut]
            time.sleep(HTML_PAUSE_S)
            yield body[cut:]

        return parts()

    return middleware


@pytest.fixture(scope="module")
def slow_network(tmp_path_factory) -> Iterator[tuple[Server, list[str]]]:
    """The app behind a network that delivers the page's HTML up to the map, then the rest."""
    data = tmp_path_factory.mktemp("slow") / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    running = start_server(data)
    flask_app = running.server.app  # type: ignore[attr-defined]  # werkzeug's server keeps its app
    cuts: list[str] = []
    flask_app.wsgi_app = in_two_parts(flask_app.wsgi_app, b'map-panel"><h2>', cuts)
    yield running, cuts
    running.stop()


def test_a_phone_never_paints_the_first_screen_half_written(slow_network, browser):
    """On phones the map stands above the region's lead but comes after it in the HTML: painted half parsed,
    the lead showed under the title, then the map pushed it off the screen (a layout shift of 0.59). The
    page is painted once the written screen is whole (prerender.RENDER_WHEN_WHOLE)."""
    server, cuts = slow_network
    context, page = french_page(browser, 390, 844)
    try:
        page.add_init_script(LAYOUT_SHIFTS)
        page.goto(server.url + "/")
        page.wait_for_selector(".kf-row", state="visible")
        wait_for_idle(page)
        assert cuts == ["/"]  # the page's HTML did come in two parts
        assert page.evaluate("window.__shift") < 0.1
    finally:
        context.close()
