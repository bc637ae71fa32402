"""Take the README's screenshots (docs/*.png) of the dashboard on the bundled data, in headless Chromium:
the region at 1440×900, the slide at 1920×1080 and 1024×768, a 390×844 phone (region and commune), the
region at 200 % zoom (720×450), a commune page, and the printed commune and region sheets (PDF from
Chromium, each page turned into a PNG by Debian's pdftoppm: print-compiegne.png, print-compiegne-2.png…).

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dashboard.app import create_app  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

# file name → (path, viewport width × height, graph whose markers mean the page is drawn)
SHOTS = {
    "region.png": ("/", (1440, 900), "#region-map"),
    "slide-1920x1080.png": ("/?presentation=1", (1920, 1080), "#region-map"),
    "slide-1024x768.png": ("/?presentation=1", (1024, 768), "#region-map"),
    "phone-390x844.png": ("/", (390, 844), "#region-map"),
    "phone-commune-390x844.png": ("/commune/60159", (390, 844), "#commune-map"),
    "zoom-720x450.png": ("/", (720, 450), ".page-title"),  # the map below the first screen: drawn later
    "commune.png": ("/commune/60612", (1440, 900), "#commune-map"),
    "operation.png": ("/operation/soissons-rue-saint-christophe", (1440, 900), ".operation-page .milestones"),
}
# printed page → (file name stem, graph whose markers mean the page is drawn)
PRINTED = {
    "/commune/60159": ("print-compiegne", "#commune-map"),
    "/?annee=2022": ("print-region", "#region-map"),
}
FITTED_FOR_PRINT = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => 'screenHeight' in g.dataset)"
)


def drawn(page, graph: str) -> None:
    page.wait_for_selector(
        f"{graph} .scattergeo .point" if graph.endswith("-map") else graph, state="attached"
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)


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
            for name, (path, (width, height), graph) in SHOTS.items():
                page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-FR")
                page.goto(base + path)
                drawn(page, graph)
                page.screenshot(path=str(REPO / "docs" / name))
                page.close()
                print("docs/" + name)
            for path, (stem, graph) in PRINTED.items():
                page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
                page.goto(base + path)
                drawn(page, graph)
                page.emulate_media(media="print")
                page.wait_for_function(FITTED_FOR_PRINT)
                page.wait_for_timeout(800)
                with tempfile.TemporaryDirectory() as folder:
                    pdf = Path(folder) / "sheet.pdf"
                    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
                    subprocess.run(
                        ["pdftoppm", "-png", "-r", "70", str(pdf), str(Path(folder) / "page")], check=True
                    )
                    for number, image in enumerate(sorted(Path(folder).glob("page-*.png")), start=1):
                        name = f"{stem}.png" if number == 1 else f"{stem}-{number}.png"
                        image.replace(REPO / "docs" / name)
                        print("docs/" + name)
                page.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
