"""A second engine: Debian's firefox-esr (what many town halls and administrations run), driven over WebDriver
BiDi by npm's puppeteer-core (tests/firefox/smoke.mjs), through the region map, a year step, the commune page,
its printed sheet and the slide at 16:9 and 4:3, with no console error."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

FIREFOX = "/usr/bin/firefox-esr"
SUITE = Path(__file__).resolve().parents[1] / "firefox"


@pytest.fixture(scope="module")
def firefox_run(server, tmp_path_factory) -> dict:
    if not Path(FIREFOX).exists() or not (SUITE / "node_modules" / "puppeteer-core").is_dir():
        pytest.fail("firefox-esr or puppeteer-core is missing: scripts/setup.sh --test installs them")
    out = tmp_path_factory.mktemp("firefox")
    done = subprocess.run(
        [shutil.which("node") or "node", str(SUITE / "smoke.mjs"), server.url, str(out), FIREFOX],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=SUITE,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "out": out}


def result(run: dict, name: str) -> dict:
    found = next(r for r in run["results"] if r["name"] == name)
    assert found["ok"], found["seen"]
    return found["seen"]


def test_firefox_draws_the_region_map_and_steps_a_year(firefox_run):
    assert result(firefox_run, "region map")["markers"] >= 10
    assert "annee=2023" in result(firefox_run, "year step")["url"]


def test_firefox_shows_the_commune_page_and_prints_its_sheet_on_at_most_two_pages(firefox_run):
    seen = result(firefox_run, "commune page")
    assert seen == {"title": "Compiègne", "sheets": 2}
    result(firefox_run, "printed sheet")
    pdf = firefox_run["out"] / "sheet.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 1 <= int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 2
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Compiègne" in text and "Quai des Roses" in text and "Résidence Square Acary" in text


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1024, 768)])
def test_firefox_fits_the_slide_to_the_screen(firefox_run, width, height):
    seen = result(firefox_run, f"slide {width}x{height}")
    assert seen["scroll"] == [width, height]  # nothing scrolls
    for part in ("map", "mix", "play"):
        left, top, right, bottom = seen[part]
        assert 0 <= left < right <= width + 1 and 0 <= top < bottom <= height + 1, part


def test_firefox_logs_no_console_error(firefox_run):
    assert firefox_run["errors"] == []
