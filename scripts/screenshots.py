"""Take the README's screenshots (docs/*.png) of the dashboard on the bundled data, in headless Chromium.

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard.app import create_app  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

SHOTS = {
    "region.png": ("/?annee=2021", "#region-map"),
    "commune.png": ("/commune/60159?annee=2021", "#commune-map"),
    "presentation.png": ("/?annee=2022&presentation=1", "#region-map"),
}


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, create_app(Settings()).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            for name, (path, graph) in SHOTS.items():
                page.goto(base + path)
                page.wait_for_selector(f"{graph} .scattergeo .point", state="attached")
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(800)
                page.screenshot(path=str(REPO / "docs" / name))
                print("docs/" + name)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
