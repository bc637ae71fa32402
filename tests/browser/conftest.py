"""A real server on 127.0.0.1 and a real headless Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.settings import Settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
# A part written on the server, not live yet (assets/firstscreen.js marks its written nodes): to evaluate.
AS_WRITTEN = "(element) => element.hasAttribute('data-until-live')"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@dataclass
class Server:
    url: str
    data_dir: Path
    thread: threading.Thread
    server: object

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def start_server(data_dir: Path, **settings) -> Server:
    app = create_app(Settings(data_dir=data_dir, **settings))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return Server(f"http://127.0.0.1:{server.server_port}", data_dir, thread, server)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    running = start_server(data)
    yield running
    running.stop()


@dataclass
class Watched:
    """A page, with every console error and every request it made."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlparse(url).scheme not in ("data", "blob")
            and urlparse(url).hostname not in LOCAL_HOSTS
            and f"[{urlparse(url).hostname}]" not in LOCAL_HOSTS
        ]


def french_page(browser, width: int, height: int):
    """``(context, page)``: a page of ``width``×``height`` in French, 30 s a wait; the caller closes it."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


@pytest.fixture
def screen(browser):
    """A page at 1440×900 in French, without the request and error watch of ``page``."""
    context, page = french_page(browser, 1440, 900)
    yield page
    context.close()


@pytest.fixture
def page(browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    new_page = context.new_page()
    watched = Watched(new_page)
    new_page.on("console", lambda message: message.type == "error" and watched.errors.append(message.text))
    new_page.on("pageerror", lambda error: watched.errors.append(str(error)))
    new_page.on("request", lambda request: watched.requests.append(request.url))
    new_page.set_default_timeout(30_000)
    yield watched
    context.close()


def wait_for_map(page, graph_id: str = "region-map") -> None:
    """Until the map's shapes and markers are drawn."""
    page.wait_for_selector(f"#{graph_id} .choroplethlocation", state="attached")
    page.wait_for_selector(f"#{graph_id} .scattergeo .point", state="attached")


def scroll_to_graph(page, graph_id: str, drawn: str = ".main-svg") -> None:
    """Scroll the graph into view and wait until plotly.js has drawn it (``drawn``): assets/graphs.js
    draws a graph only once it comes near the screen."""
    page.locator(f"#{graph_id}").scroll_into_view_if_needed()
    page.wait_for_selector(f"#{graph_id} {drawn}")


def live_table(page, table: str = "#region-table") -> None:
    """Scroll to the operations table, as a person does before using it, and wait for the live one: the page
    comes with the table written on the server (``AS_WRITTEN``) until it nears the screen
    (assets/firstscreen.js)."""
    page.locator(table).scroll_into_view_if_needed()
    page.wait_for_selector(f"{table} > :not([data-until-live])")
    wait_for_idle(page)


def wait_for_idle(page) -> None:
    """Until Dash has no callback in flight (its loading markers are gone)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def wait_for_location(page, pattern: str, timeout: float = 30_000) -> None:
    """Until the address matches ``pattern``: Dash changes it with pushState, not a navigation."""
    page.wait_for_function("pattern => new RegExp(pattern).test(location.href)", arg=pattern, timeout=timeout)
