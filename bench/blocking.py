"""Main-thread work at load, in CPU time: ``.venv/bin/python bench/blocking.py [--runs N]``.

Lighthouse's scores follow the machine's load: on this shared 2-core machine, busy with other suites, its
mobile total blocking time (TBT) of the same page ranged 1.0–4.9 s within minutes. This script compares
changes (the levers of issue 25) with a figure that barely moves with the load: it loads a page in
headless Chromium (Debian's) with a trace, takes each task of the page's main thread after the first
contentful paint by its *thread* time (CPU time, not wall time: time spent waiting for a core is not
counted) and reports

- ``cpu_ms``: the main thread's CPU time from the first paint until the page is idle;
- ``tbt_ms``: a blocking time as Lighthouse's mobile preset reckons it (each task's CPU time × 4, its CPU
  slowdown, less 50 ms); ``tbt_desktop_ms``: the same without the slowdown;
- ``long_tasks``: the tasks over 50 ms at ×4.

It is an estimate for comparing, not Lighthouse's figure (Lighthouse simulates the network too, and
counts up to its "time to interactive"). The page is served by gunicorn (``gunicorn.conf.py``) on the
shipped data, visited at 412×823 (Lighthouse's phone) with an empty cache; the median of N runs per page
is printed as JSON, each run's figures beside it. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from bench.browser import CHROMIUM, DASH_IDLE
from tests import servers

PAGES = ("/", "/commune/60159")
SLOWDOWN = 4  # Lighthouse's mobile preset: a CPU four times slower
BLOCKING_MS = 50
CATEGORIES = "devtools.timeline,disabled-by-default-devtools.timeline,toplevel,blink.user_timing"
QUIET_MS = 3_000  # after Dash is idle: what is left to draw (graphs when seen, the preloads)


def main_thread(events: list[dict]) -> tuple[int, int]:
    """The (pid, tid) of the page's renderer main thread: the one that painted first."""
    for event in events:
        if event.get("name") == "firstContentfulPaint":
            return event["pid"], event["tid"]
    names = [e for e in events if e.get("name") == "thread_name" and e["args"]["name"] == "CrRendererMain"]
    return names[-1]["pid"], names[-1]["tid"]


def tasks_after_first_paint(events: list[dict]) -> list[float]:
    """The CPU time (ms) of each top-level task of the main thread from the first contentful paint."""
    pid, tid = main_thread(events)
    painted = min(
        (e["ts"] for e in events if e.get("name") == "firstContentfulPaint" and e["pid"] == pid),
        default=0,
    )
    return [
        event.get("tdur", event["dur"]) / 1000
        for event in events
        if event.get("name") == "RunTask"
        and event.get("ph") == "X"
        and (event["pid"], event["tid"]) == (pid, tid)
        and event["ts"] >= painted
    ]


def measure(browser, url: str, trace_path: Path) -> dict:
    context = browser.new_context(
        viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    browser.start_tracing(page=page, path=str(trace_path), categories=CATEGORIES.split(","))
    page.goto(url, wait_until="load")
    page.wait_for_function(DASH_IDLE)
    page.wait_for_timeout(QUIET_MS)
    browser.stop_tracing()
    components = page.evaluate("document.querySelectorAll('#react-entry-point *').length")
    context.close()
    events = json.loads(trace_path.read_text())["traceEvents"]
    tasks = tasks_after_first_paint(events)
    return {
        "cpu_ms": round(sum(tasks)),
        "tbt_ms": round(sum(max(0.0, SLOWDOWN * t - BLOCKING_MS) for t in tasks)),
        "tbt_desktop_ms": round(sum(max(0.0, t - BLOCKING_MS) for t in tasks)),
        "long_tasks": sum(SLOWDOWN * t > BLOCKING_MS for t in tasks),
        "elements": components,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per page (median)")
    arguments = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        server = servers.start(servers.PROJECT_APP, servers.REPO / "data", work)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for path in PAGES:
                    runs = []
                    for number in range(arguments.runs):
                        print(f"blocking {path} run {number + 1}", file=sys.stderr)
                        runs.append(measure(browser, server.url + path, work / "trace.json"))
                    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                    results[path] = {**median, "runs": runs}
                browser.close()
        finally:
            server.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
