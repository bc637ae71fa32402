"""Headless Chromium (Debian's) measurements: bytes and time to show ``/``, and the callback requests a
year change really makes, captured so that they can be replayed against the server."""

from __future__ import annotations

import json
import os
import statistics
import time
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("COEUR_CHROMIUM", "/usr/bin/chromium")  # as tests/conftest.py
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CALLBACK_PATH = "/_dash-update-component"

# Records in the page, from navigation start, when the map has its shapes (and markers, where it draws
# any): plotly.js draws a trace in one synchronous pass, so the first node of each stands for all.
WATCH = """
(selectors) => {
  const drawn = () => selectors.every((selector) => document.querySelector(selector));
  new MutationObserver((_, observer) => {
    if (window.__mapDrawn === undefined && drawn()) {
      window.__mapDrawn = performance.now();
      observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
}
"""
DASH_IDLE = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"


@dataclass(frozen=True)
class Target:
    """A page to measure: which elements mean "the map is drawn", and how to change the year."""

    url: str
    map_selectors: tuple[str, ...]
    change_year: str  # "button" (the dashboard's ◀) or "keyboard" (← on the slider)


@dataclass
class Visit:
    bytes: int
    requests: int
    map_ms: float
    shapes: int
    year_change: list[dict] = field(default_factory=list)  # captured callback requests
    year_change_browser_ms: float | None = None


def launch(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def visit(browser: Browser, target: Target, *, capture_year_change: bool = False) -> Visit:
    """A cold visit (fresh context, empty cache): every byte received until the page is idle
    (CDP ``encodedDataLength``: headers and bodies as sent), and the time to the map drawn."""
    # The dashboard's Content-Security-Policy refuses the string predicates Playwright evaluates; the
    # measurements (bytes, times) do not depend on it.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        cdp = context.new_cdp_session(page)
        received: dict[str, int] = {}
        cdp.on(
            "Network.loadingFinished", lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"])
        )
        cdp.send("Network.enable")
        page.add_init_script(f"({WATCH})({json.dumps(list(target.map_selectors))})")
        page.goto(target.url)
        page.wait_for_function("window.__mapDrawn !== undefined")
        _wait_idle(page)
        result = Visit(
            bytes=int(sum(received.values())),
            requests=len(received),
            map_ms=round(page.evaluate("window.__mapDrawn"), 1),
            shapes=page.locator(target.map_selectors[0]).count(),
        )
        if capture_year_change:
            result.year_change, result.year_change_browser_ms = _year_change(page, target)
        return result
    finally:
        context.close()


def _wait_idle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(DASH_IDLE)


def _year_change(page: Page, target: Target) -> tuple[list[dict], float]:
    """The callback requests (URL, headers, body) one step back in years makes, in order."""
    posts = []
    pending = set()

    def sent(request) -> None:
        if request.method == "POST" and CALLBACK_PATH in request.url:
            pending.add(request)
            posts.append(request)

    def done(request) -> None:
        pending.discard(request)

    page.on("request", sent)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    started = time.perf_counter()
    if target.change_year == "button":
        page.click("#ctl-year-prev")
    else:
        page.focus("#ctl-year [role=slider]")
        page.keyboard.press("ArrowLeft")
    # Until a callback has been sent, every one has come back and nothing new was sent meanwhile.
    deadline = time.perf_counter() + 120
    quiet_since = None
    while time.perf_counter() < deadline:
        page.wait_for_timeout(50)
        if posts and not pending:
            quiet_since = quiet_since or time.perf_counter()
            if time.perf_counter() - quiet_since > 0.5:
                break
        else:
            quiet_since = None
    elapsed = (quiet_since or time.perf_counter()) - started
    _wait_idle(page)
    captured = [
        {"url": request.url, "headers": request.all_headers(), "body": request.post_data} for request in posts
    ]
    return captured, round(elapsed * 1000, 1)


def summarise(visits: list[Visit]) -> dict:
    return {
        "bytes": int(statistics.median(v.bytes for v in visits)),
        "requests": visits[0].requests,
        "map_ms": round(statistics.median(v.map_ms for v in visits), 1),
        "map_ms_runs": [v.map_ms for v in visits],
        "shapes": visits[0].shapes,
    }
