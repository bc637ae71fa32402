"""A second engine: Debian's firefox-esr (what many town halls and administrations run), driven over WebDriver
BiDi by npm's puppeteer-core (tests/firefox/smoke.mjs), through the region map, a year step, the commune page,
its printed sheet, sheets printed on several pages under a repeated header, and the slide at 16:9 and 4:3,
with no console error."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dashboard.figures import theme
from tests.browser.test_printed_sheets import BOX_PER_EM, SMALLEST_PT

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
    assert_headed(page_texts(pdf), "Compiègne")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, read page by page by ``pdftotext``."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def assert_headed(pages: list[str], title: str) -> None:
    """Every page opens with the running head « Cœur de Ville · <title> » (Firefox draws no @page margin
    box: print.css fixes the head at the top of each page, the first included)."""
    for number, text in enumerate(pages, start=1):
        first = next(line for line in text.splitlines() if line.strip())
        assert first.strip() == f"Cœur de Ville · {title}", (number, first)


@pytest.mark.parametrize(
    ("name", "least", "most"),
    [
        ("commune-02691", 2, 3),  # Saint-Quentin: five operations, 3 pages in Chromium too
        ("region", 2, 3),  # A4 landscape, 3 pages in Chromium
        ("operation", 2, 2),  # the student residence's many readings of its figures
    ],
)
def test_firefox_repeats_the_header_on_every_printed_page(firefox_run, name, least, most):
    title = result(firefox_run, f"printed {name}")["title"]
    pages = page_texts(firefox_run["out"] / f"{name}.pdf")
    assert least <= len(pages) <= most, len(pages)
    assert_headed(pages, title)


def word_boxes(pdf: Path, page: int) -> dict[str, list[tuple[float, float, float, float]]]:
    """Each word of a page and its boxes (xMin, yMin, xMax, yMax in points), from ``pdftotext -bbox``."""
    html = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    boxes: dict[str, list[tuple[float, float, float, float]]] = {}
    for match in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', html
    ):
        boxes.setdefault(match.group(5), []).append(tuple(float(v) for v in match.group(1, 2, 3, 4)))
    return boxes


def ink_box(image: Image.Image, colour: str, tolerance: int = 90) -> tuple[int, int, int, int] | None:
    """The bounding box of the pixels within ``tolerance`` (sum of channel differences) of ``colour``."""
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    pixels = image.load()
    width, height = image.size
    found = [
        (x, y)
        for y in range(height)
        for x in range(width)
        if sum(abs(a - b) for a, b in zip(pixels[x, y], target, strict=True)) <= tolerance
    ]
    if not found:
        return None
    xs, ys = [x for x, _ in found], [y for _, y in found]
    return min(xs), min(ys), max(xs), max(ys)


def test_firefox_prints_the_whole_commune_on_its_map(firefox_run, tmp_path):
    """Firefox prints before plotly.js redraws the map at its printed size: the sheet showed a corner of the
    commune, its outline cut by the map's box. The commune's outline must lie inside its neighbours'."""
    pdf = firefox_run["out"] / "sheet.pdf"
    words = word_boxes(pdf, 1)
    scale = 2  # pixels per point at 144 dpi
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "144",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = Image.open(tmp_path / "page.png").convert("RGB")
    top = words["Situation"][0][3]  # the map panel: under its heading, above its legend, left of the chart
    bottom = words["Légende"][0][1]
    right = min(box[0] for box in words["Financements"] if box[1] < bottom)
    area = page.crop((0, round(top * scale), round(right * scale), round(bottom * scale)))
    commune = ink_box(area, theme.ACV_LINE)
    neighbours = ink_box(area, theme.DEPARTEMENT_LINE)
    assert commune and neighbours, (commune, neighbours)
    margin = 4  # px: neighbours drawn on every side of the commune
    assert neighbours[0] + margin <= commune[0] and neighbours[1] + margin <= commune[1], (
        commune,
        neighbours,
    )
    assert commune[2] + margin <= neighbours[2] and commune[3] + margin <= neighbours[3], (
        commune,
        neighbours,
    )


def test_firefox_prints_the_neighbours_names_on_the_commune_map_at_9_pt(firefox_run):
    """The map is drawn again at its printed size before Firefox copies the page (coeur.js, drawMapNow): the
    neighbours' names print at the sheet's 9 pt, where the scaled screen drawing had them at about 5 px."""
    own, *neighbours = result(firefox_run, "printed sheet")["names"]
    assert own == "Compiègne" and len(neighbours) >= 3, (own, neighbours)
    words = word_boxes(firefox_run["out"] / "sheet.pdf", 1)
    top = words["Situation"][0][3]  # the map panel, as above
    bottom = words["Légende"][0][1]
    right = min(box[0] for box in words["Financements"] if box[1] < bottom)
    on_map = {
        word: box
        for word, boxes in words.items()
        for box in boxes
        if top < box[1] and box[3] < bottom and box[2] < right
    }
    for word in (word for name in neighbours for word in name.split()):
        assert word in on_map, (word, sorted(on_map))
        assert (on_map[word][3] - on_map[word][1]) / BOX_PER_EM >= SMALLEST_PT - 0.05, (word, on_map[word])
    assert own not in on_map  # the title names the commune; its name stood over its markers


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1024, 768)])
def test_firefox_fits_the_slide_to_the_screen(firefox_run, width, height):
    seen = result(firefox_run, f"slide {width}x{height}")
    assert seen["scroll"] == [width, height]  # nothing scrolls
    for part in ("map", "mix", "play"):
        left, top, right, bottom = seen[part]
        assert 0 <= left < right <= width + 1 and 0 <= top < bottom <= height + 1, part


def test_firefox_logs_no_console_error(firefox_run):
    assert firefox_run["errors"] == []
