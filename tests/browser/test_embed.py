"""The commune card inside a real cross-origin iframe: a town hall's page on another 127.0.0.1 port."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.conftest import start_server
from tests.conftest import REAL_DATA

FRAME = (600, 400)


class TownHall:
    """A site of its own, on another port (another origin), whose page frames the card."""

    def __init__(self) -> None:
        self.card_url = ""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # http.server's name
                body = (
                    "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Mairie</title></head>"
                    f"<body style='margin:0'><iframe id='card' src='{owner.card_url}' width='{FRAME[0]}' "
                    f"height='{FRAME[1]}' style='border:0'></iframe></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[tuple[TownHall, TownHall, object]]:
    allowed, other = TownHall(), TownHall()
    data = tmp_path_factory.mktemp("embed") / "data"
    shutil.copytree(REAL_DATA, data)
    app = start_server(data, frame_ancestors=(allowed.origin,))
    for site in (allowed, other):
        site.card_url = app.url + "/integration/commune/60159?annee=2021"
    yield allowed, other, app
    app.stop()
    allowed.stop()
    other.stop()


def test_the_card_fits_its_frame_on_an_allowed_site(sites, page, tmp_path):
    allowed, _, _ = sites
    page.page.set_viewport_size({"width": 800, "height": 600})
    page.page.goto(allowed.origin + "/")
    frame = page.page.frame_locator("#card")
    assert frame.locator("h1").inner_text() == "Compiègne"
    card = next(f for f in page.page.frames if "/integration/commune/" in f.url)
    fits = card.evaluate(
        "() => { const e = document.documentElement;"
        " return [e.scrollWidth, e.scrollHeight, innerWidth, innerHeight]; }"
    )
    assert fits[2:] == list(FRAME)
    assert fits[0] <= FRAME[0] and fits[1] <= FRAME[1], fits  # nothing to scroll
    link = frame.locator("footer a").bounding_box()
    assert link["y"] + link["height"] <= FRAME[1] and link["x"] + link["width"] <= FRAME[0]
    assert frame.locator("svg path").count() == 1 and frame.locator("svg circle").count() >= 1
    assert "logements" in frame.locator(".figures").inner_text()
    page.page.screenshot(path=str(Path(tmp_path) / "card.png"))
    assert page.foreign_requests() == [] and page.errors == []


def test_the_card_is_refused_on_a_site_not_allowed(sites, page):
    _, other, _ = sites
    messages: list[str] = []
    page.page.on("console", lambda message: messages.append(message.text))
    page.page.goto(other.origin + "/")
    page.page.wait_for_function("() => document.getElementById('card') !== null")
    page.page.wait_for_timeout(0)
    card = page.page.frames[1]
    card.wait_for_load_state()
    assert card.query_selector("h1") is None or card.query_selector("h1").inner_text() != "Compiègne"
    assert any("frame-ancestors" in text for text in messages), messages


def test_the_commune_page_gives_the_snippet_to_paste(sites, page):
    _, _, app = sites
    page.page.goto(app.url + "/commune/60159")
    page.page.wait_for_selector("#first-screen", state="detached")  # the live page, not the written one
    page.page.locator("#react-entry-point").get_by_text("Intégrer", exact=True).click()
    code = page.page.locator(".embed-code")
    code.wait_for(state="visible")
    assert code.input_value().startswith(f'<iframe src="{app.url}/integration/commune/60159"')


CARD_PARTS = ("h1", ".figures", ".map svg", ".legend", "footer a")


@pytest.mark.parametrize("width", [300, 340, 800])
def test_the_card_is_fluid_from_300_to_800_px_and_cuts_nothing(sites, page, width):
    """Every part of the card lies inside the frame's width and inside what the frame can show or scroll
    to (a narrow frame stacks the parts in one column and scrolls; 800 px shows everything at once)."""
    _, _, app = sites
    page.page.set_viewport_size({"width": width, "height": FRAME[1]})
    page.page.goto(app.url + "/integration/commune/60159?annee=2021")
    boxes = page.page.evaluate(
        """(parts) => {
          const e = document.scrollingElement;
          const out = {page: [e.scrollWidth, e.scrollHeight, innerWidth, innerHeight,
                              getComputedStyle(document.documentElement).overflowY]};
          for (const part of parts) {
            const r = document.querySelector(part).getBoundingClientRect();
            out[part] = [r.left, r.right, r.top + scrollY, r.bottom + scrollY, r.width];
          }
          return out;
        }""",
        list(CARD_PARTS),
    )
    scroll_width, scroll_height, inner_width, inner_height, overflow_y = boxes.pop("page")
    assert scroll_width <= inner_width, boxes
    reachable = scroll_height if overflow_y in ("auto", "scroll") else inner_height
    for part, (left, right, top, bottom, box_width) in boxes.items():
        assert box_width > 0, part
        assert left >= 0 and right <= inner_width + 0.5, (part, left, right, inner_width)
        assert top >= 0 and bottom <= reachable + 0.5, (part, top, bottom, reachable)
    if width >= 600:
        assert scroll_height <= inner_height  # wide enough: all at once, nothing to scroll
