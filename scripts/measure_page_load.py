"""Weigh and time the test page (tests/plotly_page.py) in headless Chromium: stock plotly.min.js against
our partial bundle, with and without configure_serving. Prints a table; asserts nothing.

    .venv/bin/python scripts/measure_page_load.py [--runs 5] [--mbps 10]

Each run is a cold visit in a fresh browser context, then a reload in the same context (warm cache).
--mbps also runs every variant with the network throttled to that bandwidth and a 40 ms latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.plotly_page import build_app, running

CHROMIUM = "/usr/bin/chromium"
VARIANTS = {
    "stock, Dash defaults": {"custom_bundle": False, "serving": False},
    "stock + serving": {"custom_bundle": False, "serving": True},
    "custom + serving": {"custom_bundle": True, "serving": True},
}
ROW = "{:22} {:10} {:6} {:>4} {:>7} {:>18} {:>18}"
# Records, in the page, when the first figure and then all three have something drawn.
WATCH = """
(() => {
  const drawn = () => [
    document.querySelector('path.choroplethlocation'),
    document.querySelector('.barlayer .point'),
    document.querySelector('.scatterlayer .point'),
  ].filter(Boolean).length;
  new MutationObserver(() => {
    const n = drawn();
    if (n >= 1 && window.__firstFigure === undefined) window.__firstFigure = performance.now();
    if (n === 3 && window.__allFigures === undefined) window.__allFigures = performance.now();
  }).observe(document, {childList: true, subtree: true});
})();
"""


def visit(browser: Browser, url: str, mbps: float | None) -> list[dict]:
    """A cold visit then a reload; for each, bytes received and milliseconds to the figures."""
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    if mbps:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        rate = mbps * 1e6 / 8
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 40, "downloadThroughput": rate, "uploadThroughput": rate},
        )
    results = []
    for load in (lambda: page.goto(url), lambda: page.reload()):
        finished: list = []

        def record(request, finished=finished) -> None:
            finished.append(request)

        page.on("requestfinished", record)
        load()
        page.wait_for_function("window.__allFigures !== undefined", timeout=120_000)
        page.wait_for_load_state("networkidle")
        sizes = [r.sizes() for r in finished]
        results.append(
            {
                "bytes": sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes),
                "requests": len(sizes),
                "first": page.evaluate("window.__firstFigure"),
                "all": page.evaluate("window.__allFigures"),
            }
        )
        page.remove_listener("requestfinished", record)
    context.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mbps", type=float, default=None, help="also measure on a throttled network")
    args = parser.parse_args()
    networks = [None] + ([args.mbps] if args.mbps else [])
    print(f"{args.runs} runs each: KiB received (bodies as sent + headers), ms from navigation start,")
    print("as median (min-max).")
    print(ROW.format("variant", "network", "visit", "req", "KiB", "first figure", "all figures"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, options in VARIANTS.items():
            app, _ = build_app(**options)
            with running(app) as url:
                visit(browser, url, None)  # warm up the server (imports, first compression)
                for mbps in networks:
                    runs = [visit(browser, url, mbps) for _ in range(args.runs)]
                    network = f"{mbps:g} Mbit/s" if mbps else "local"
                    for index, label in enumerate(("cold", "reload")):
                        rows = [run[index] for run in runs]
                        kib = statistics.median(r["bytes"] for r in rows) / 1024
                        first, every = (spread([r[key] for r in rows]) for key in ("first", "all"))
                        print(
                            ROW.format(name, network, label, rows[0]["requests"], f"{kib:.0f}", first, every)
                        )
        browser.close()


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


if __name__ == "__main__":
    main()
