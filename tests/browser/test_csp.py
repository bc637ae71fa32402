"""The Content-Security-Policy in a real Chromium: the dashboard loads, draws and exports with no violation,
and only the configured origins may frame it."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from werkzeug.serving import make_server

from tests.browser.conftest import start_server, wait_for_idle, wait_for_map

# Every violation of the policy, with what was blocked, as the page sees it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_the_dashboard_works_under_its_policy_with_no_violation(server, page) -> None:
    p = page.page
    p.add_init_script(RECORD_VIOLATIONS)
    callbacks = []
    p.on("response", lambda r: "_dash-update-component" in r.url and callbacks.append(r.status))
    document = p.goto(server.url + "/?annee=2022")
    assert "frame-ancestors 'self'" in document.headers["content-security-policy"]
    wait_for_map(p)
    wait_for_idle(p)
    p.click("#ctl-year-prev")
    wait_for_idle(p)
    p.click("#ctl-departement")
    p.keyboard.type("Oise")
    p.keyboard.press("Enter")
    wait_for_idle(p)
    p.click("#region-table button:has-text('Logements')")
    wait_for_idle(p)
    p.locator("#region-mix").scroll_into_view_if_needed()  # drawn once near the screen (assets/graphs.js)
    p.hover("#region-mix .bars path >> nth=0", force=True)
    p.hover("#region-mix")
    with p.expect_download() as download:  # plotly.js draws the PNG on a canvas, from a data: image
        p.click(".graph-box:has(#region-mix) .png-button")
    name = download.value.suggested_filename
    assert name.startswith("coeur-de-ville_") and "financements" in name and name.endswith(".png")
    p.goto(server.url + "/commune/62041")
    p.wait_for_selector("#commune-operations .op-sheet")
    wait_for_map(p, "commune-map")
    wait_for_idle(p)
    assert violations(p) == []
    assert page.errors == []
    assert callbacks and set(callbacks) <= {200, 204}  # the guard never refuses what the renderer sends
    assert page.foreign_requests() == []


@pytest.fixture
def framer():
    """Another origin on this machine (another port): a page that frames whatever ``framer.target`` is."""

    class Framer:
        target = ""

        def __call__(self, environ, start_response):
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [
                f'<!DOCTYPE html><html><body><iframe id="dash" src="{self.target}/" width="800" height="600">'
                f"</iframe></body></html>".encode()
            ]

    app = Framer()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.url = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    thread.join(timeout=10)


def framed_dashboard_loads(page, framer, url: str) -> bool:
    framer.target = url
    page.page.goto(framer.url + "/")
    try:
        page.page.frame_locator("#dash").locator("#react-entry-point").wait_for(
            state="attached", timeout=5_000
        )
    except PlaywrightTimeout:  # the frame was refused
        return False
    return True


def test_another_site_cannot_frame_the_dashboard(server, page, framer) -> None:
    assert not framed_dashboard_loads(page, framer, server.url)
    assert any("frame-ancestors" in error for error in page.errors)


def test_a_configured_origin_can_frame_the_dashboard(real_data_copy, page, framer) -> None:
    framed = start_server(real_data_copy, frame_ancestors=(framer.url,))
    try:
        assert framed_dashboard_loads(page, framer, framed.url)
    finally:
        framed.stop()
    assert not any("frame-ancestors" in error for error in page.errors)
