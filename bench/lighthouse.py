"""Lighthouse scores of the production server: ``.venv/bin/python bench/lighthouse.py [--runs N]``.

Starts gunicorn with ``gunicorn.conf.py`` on the shipped data (bench/servers.py), runs Lighthouse (npm,
pinned in bench/package.json; ``npm ci --prefix bench`` installs it) against Debian's Chromium, desktop
and mobile presets, on ``/`` and ``/commune/60159``, and prints one JSON object: for each page and form
factor the median over the runs of the performance, accessibility, best-practices scores, the cumulative
layout shift, total blocking time and largest contentful paint. Not part of the test suite (its numbers
move with the machine's load). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import servers

BENCH = Path(__file__).resolve().parent
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("COEUR_CHROMIUM", "/usr/bin/chromium")
PAGES = ("/", "/commune/60159")
FORMS = ("desktop", "mobile")
ATTEMPTS = 3
CATEGORIES = ("performance", "accessibility", "best-practices")
AUDITS = {
    "cumulative-layout-shift": "cls",
    "total-blocking-time": "tbt_ms",
    "largest-contentful-paint": "lcp_ms",
}


def run_lighthouse(url: str, form: str, out: Path) -> dict:
    """One Lighthouse run; the scores (0–100) and the audits kept."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    for attempt in range(ATTEMPTS):  # Lighthouse sometimes loses its trace (NO_NAVSTART): run it again
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
        if done.returncode == 0:
            break
        print(f"lighthouse failed ({done.returncode}), attempt {attempt + 1} of {ATTEMPTS}", file=sys.stderr)
    else:
        raise RuntimeError(f"lighthouse failed {ATTEMPTS} times on {url} ({form})")
    report = json.loads(out.read_text())
    result = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    for audit, key in AUDITS.items():
        value = report["audits"][audit]["numericValue"]
        result[key] = round(value, 3) if key == "cls" else round(value)
    return result


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page and form factor (median)")
    arguments = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm ci --prefix {BENCH}`")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        server = servers.start(servers.PROJECT_APP, servers.REPO / "data", work)
        results: dict = {}
        try:
            for path in PAGES:
                for form in FORMS:
                    runs = []
                    for number in range(arguments.runs):
                        print(f"lighthouse {form} {path} run {number + 1}", file=sys.stderr)
                        runs.append(run_lighthouse(server.url + path, form, work / "report.json"))
                    results[f"{form} {path}"] = {**median_of(runs), "runs": runs}
        finally:
            server.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
