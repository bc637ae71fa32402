"""The slide (presentation mode) and the handout (the printed commune sheet), in a real headless Chromium:
what a projector shows, what the keys do, and what the printed page holds (pdftotext reads it back)."""

from __future__ import annotations

import csv
import datetime
import random
import re
import subprocess

import pytest
from babel.dates import format_date
from PIL import Image

from dashboard.data.schema import Status
from dashboard.figures.theme import STATUS_COLOURS
from tests.browser.conftest import french_page, wait_for_idle, wait_for_location, wait_for_map
from tests.conftest import REAL_DATA

FITTED_FOR_PRINT = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => 'screenHeight' in g.dataset)"
)
SLIDE_SIZES = [(1920, 1080), (1280, 720), (1024, 768)]
SLIDE_PARTS = (
    ".page-title",
    ".lead",
    "#region-figures .year-line",
    "#region-figures .kf-row",
    "#region-map",
    "#region-mix",
    ".glossary-compact",
    "#ctl-play",
    "#shell-fullscreen",
    "#shell-exit-present",
)
# The smallest computed font size of each visible text node on the screen, SVG text included.
SMALLEST_TEXT = """() => {
  const found = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest('.visually-hidden')) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.bottom <= 0 || box.top >= innerHeight || box.right <= 0 || box.left >= innerWidth) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    found.push([parseFloat(style.fontSize), node.textContent.trim().slice(0, 120)]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}"""


# Dash has no callback queued, running or waiting, and has had none for a moment (a key press queues its
# callbacks at once; the moment covers the hop from a clientside step to the server's answer).
DASH_IDLE = """() => {
  const state = (window.dash_stores || [window.store])[0].getState(), queues = state.callbacks;
  const busy = state.isLoading || ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed',
    'stored'].some(name => (queues[name] || []).length);
  const now = performance.now();
  if (busy) { window.coeurIdleSince = null; return false; }
  window.coeurIdleSince = window.coeurIdleSince || now;
  return now - window.coeurIdleSince > 300;
}"""


def wait_for_dash_idle(page) -> None:
    page.wait_for_function("() => { window.coeurIdleSince = null; return true; }")
    page.wait_for_function(DASH_IDLE, polling=50)
    wait_for_idle(page)


def open_slide(page, url: str) -> None:
    page.goto(url)
    wait_for_map(page)
    wait_for_idle(page)
    page.wait_for_selector(".shell.presenting")


def years_said(page) -> set[int]:
    """Every year the visible page says « fin YYYY » of: the year line, the key figures' details."""
    text = page.locator("#region-figures").inner_text()
    label = page.locator("#region-figures .kf-row").get_attribute("aria-label")
    return {int(y) for y in re.findall(r"fin (\d{4})", text + " " + label)}


@pytest.mark.parametrize(("width", "height"), SLIDE_SIZES)
def test_the_slide_fits_the_screen_without_scrolling(server, browser, width, height):
    context, page = french_page(browser, width, height)
    try:
        open_slide(page, server.url + "/?presentation=1&dep=60")
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll[0] <= width and scroll[1] <= height, scroll
        for selector in SLIDE_PARTS:
            box = page.locator(selector).first.bounding_box()
            assert box is not None and box["height"] > 0, selector
            assert box["x"] >= 0 and box["y"] >= 0, selector
            assert box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1, selector
        # Each graph is drawn within its box: nothing is cut off by the frame that holds it.
        for graph in ("#region-map", "#region-mix"):
            drawn = page.locator(f"{graph} .main-svg").first.bounding_box()
            frame = (
                page.locator(graph)
                .locator("xpath=ancestor::div[contains(@class,'graph-box')]")
                .bounding_box()
            )
            assert drawn["y"] + drawn["height"] <= frame["y"] + frame["height"] + 1, graph
            assert drawn["height"] >= 0.25 * height, graph  # and it is not squashed to nothing
    finally:
        context.close()


def test_no_text_of_the_slide_is_under_20_px_at_1920_by_1080(server, browser):
    context, page = french_page(browser, 1920, 1080)
    try:
        open_slide(page, server.url + "/?presentation=1&dep=60")
        sizes = page.evaluate(SMALLEST_TEXT)
        assert any("Oise" in text for _, text in sizes)
        assert any(text == "Compiègne" for _, text in sizes)  # a map label (SVG text) is measured too
        too_small = [(size, text) for size, text in sizes if size < 20]
        assert too_small == [], too_small[:10]
    finally:
        context.close()


# Each visible text's size as the eye gets it: its font size times every scale on the way to the screen
# (the slide's CSS scale; plotly.js's own transform on a bar's value it squeezes to fit).
EFFECTIVE_TEXT = """() => {
  const slide = Number(getComputedStyle(document.documentElement).getPropertyValue('--slide-scale')) || 1;
  const found = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || element.closest('.visually-hidden')) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.bottom <= 0 || box.top >= innerHeight || box.right <= 0 || box.left >= innerWidth) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    let scale = slide;
    if (element instanceof SVGGraphicsElement && element.getBBox().height) {
      scale = box.height / element.getBBox().height;  /* every transform, the slide's included */
    }
    found.push([parseFloat(style.fontSize) * scale, node.textContent.trim().slice(0, 120)]);
  }
  return found.sort((a, b) => a[0] - b[0]);
}"""


# A 4:3 projector, and the smaller wide screens (laid out at least 900 px high, scaled by 0.8).
@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1280, 720), (1366, 768)])
def test_no_text_of_a_smaller_slide_is_under_16_px_as_projected(server, browser, width, height):
    context, page = french_page(browser, width, height)
    try:
        open_slide(page, server.url + "/?presentation=1&annee=2022")
        sizes = page.evaluate(EFFECTIVE_TEXT)
        assert any(text == "134" for _, text in sizes)  # a bar's value (SVG text) is measured too
        too_small = [(round(size, 1), text) for size, text in sizes if size < 16]
        assert too_small == [], too_small[:10]
    finally:
        context.close()


def test_the_map_and_its_legend_take_at_least_40_percent_of_the_16_9_slide(server, browser):
    context, page = french_page(browser, 1920, 1080)
    try:
        open_slide(page, server.url + "/?presentation=1&annee=2022")
        box = page.locator(".region-page .map-panel").bounding_box()
        assert box["width"] * box["height"] >= 0.4 * 1920 * 1080
        drawn = page.locator("#region-map .main-svg").first.bounding_box()
        assert drawn["height"] >= 0.75 * box["height"]  # the map itself is drawn down the whole panel
    finally:
        context.close()


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("dep=60", "Oise"),
        ("commune=60159", "Compiègne"),
        ("statut=livraison+pr%C3%A9vue", "statut livraison prévue"),
    ],
)
def test_the_slide_says_its_active_filters(server, browser, query, said):
    context, page = french_page(browser, 1280, 720)
    try:
        open_slide(page, f"{server.url}/?presentation=1&{query}")
        heading = page.locator(".page-title").inner_text() + " " + page.locator(".year-line").inner_text()
        assert said in heading
        assert page.locator(".page-title").is_visible() and page.locator(".year-line").is_visible()
    finally:
        context.close()


def test_page_down_and_page_up_step_the_year_on_the_slide(server, page):
    open_slide(page.page, server.url + "/?presentation=1&annee=2020")
    page.page.keyboard.press("PageDown")
    wait_for_location(page.page, r"annee=2021")
    wait_for_idle(page.page)
    assert years_said(page.page) == {2021}
    page.page.keyboard.press("PageUp")
    wait_for_location(page.page, r"annee=2020")
    wait_for_idle(page.page)
    assert years_said(page.page) == {2020}
    assert page.errors == []


def test_playback_shows_it_plays_stops_on_the_last_year_and_adds_no_history_entry(server, page):
    page.page.goto(server.url + "/?presentation=1")
    wait_for_map(page.page)
    last = int(page.page.locator("#ctl-year [role=slider]").get_attribute("aria-valuemax"))
    page.page.goto(f"{server.url}/?presentation=1&annee={last - 2}")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    entries = page.page.evaluate("history.length")
    page.page.click("#ctl-play")
    page.page.wait_for_selector("#ctl-play[aria-pressed=true]")
    assert page.page.locator("#ctl-play").inner_text() == "Pause"  # the pause button, on the slide
    icon = page.page.evaluate("getComputedStyle(document.querySelector('#ctl-play'), '::before').maskImage")
    assert "svg" in icon and "rect" in icon  # two bars drawn as SVG, not a glyph the font may lack
    assert page.page.locator(".playing-badge").is_visible()
    page.page.wait_for_selector("#ctl-play[aria-pressed=false]", timeout=20_000)  # stopped by itself
    wait_for_location(page.page, rf"annee={last}")
    wait_for_idle(page.page)
    assert years_said(page.page) == {last}
    assert not page.page.locator(".playing-badge").is_visible()
    assert page.page.evaluate("history.length") == entries  # each step replaced the entry
    page.page.wait_for_timeout(3_000)  # longer than a step of the player: it does not start again
    assert f"annee={last}" in page.page.url
    page.page.go_back()  # one press leaves the years the player went through
    page.page.wait_for_function("() => !location.search.includes('annee=')", timeout=10_000)
    assert page.errors == []


def test_the_year_and_the_figures_show_the_same_year_after_each_of_40_fast_steps(server, page):
    open_slide(page.page, server.url + "/?presentation=1&annee=2021")
    steps = random.Random(11).choices(["ArrowLeft", "ArrowRight", "PageUp", "PageDown"], k=40)
    for number, key in enumerate(steps):
        page.page.keyboard.press(key)
        wait_for_dash_idle(page.page)
        line = re.search(r"fin (\d{4})", page.page.locator("#region-figures .year-line").inner_text())
        figures = page.page.locator("#region-figures .kf-row").get_attribute("aria-label")
        assert line and f"fin {line.group(1)}" in figures, (number, key, figures)
        assert years_said(page.page) == {int(line.group(1))}, (number, key)  # every card says that year
        assert page.page.locator(".year-title").count() == 0  # no second year title to fall behind
    assert page.errors == []


def test_the_arrow_keys_step_the_year_after_a_click_on_a_button(server, page):
    page.page.goto(server.url + "/?annee=2021")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    page.page.click("#ctl-year-prev")
    wait_for_location(page.page, r"annee=2020")
    assert page.page.evaluate("document.activeElement.id") == "ctl-year-prev"
    page.page.keyboard.press("ArrowLeft")
    wait_for_location(page.page, r"annee=2019")
    page.page.click("#shell-copy")
    page.page.keyboard.press("ArrowRight")
    wait_for_location(page.page, r"annee=2020")
    page.page.keyboard.press("PageDown")
    wait_for_location(page.page, r"annee=2021")


def test_no_graph_has_a_plotly_toolbar(server, page):
    page.page.goto(server.url + "/commune/60159")
    wait_for_map(page.page, "commune-map")
    wait_for_idle(page.page)
    assert page.page.locator(".modebar-btn").count() == 0


def pdf_text(pdf: bytes, tmp_path) -> tuple[int, str]:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


def descriptions(code: str) -> list[str]:
    with (REAL_DATA / "operations.csv").open(encoding="utf-8") as handle:
        return [row["description"] for row in csv.DictReader(handle) if row["code_insee"] == code]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def letters(text: str) -> str:
    """The text without spaces and hyphens: pdftotext joins a word cut at the end of a line."""
    return re.sub(r"[\s-]", "", text)


@pytest.mark.parametrize("code", ["60159", "02691", "60612", "62041"])
def test_the_printed_commune_sheet_holds_descriptions_glossary_and_address_on_at_most_two_pages(
    server, page, code, tmp_path
):
    page.page.goto(f"{server.url}/commune/{code}?annee=2021")
    wait_for_map(page.page, "commune-map")
    page.page.wait_for_selector("#commune-operations .op-sheet")
    page.page.wait_for_selector(".print-qr", state="attached")
    wait_for_idle(page.page)
    page.page.emulate_media(media="print")
    page.page.wait_for_function(FITTED_FOR_PRINT)
    wait_for_idle(page.page)
    pages, text = pdf_text(
        page.page.pdf(format="A4", print_background=True, prefer_css_page_size=True), tmp_path
    )
    # Saint-Quentin has five operations since the newer sources split the Maréchal Juin by building
    assert pages <= (3 if code == "02691" else 2)
    for description in descriptions(code):
        assert letters(description) in letters(text)
    address = f"{server.url}/commune/{code}?annee=2021"
    assert address in re.sub(r"\s", "", text)  # the address may wrap anywhere
    assert page.page.locator(".print-qr").is_visible()
    assert "Codes de financement" in text and "Prêt locatif aidé d'intégration" in flat(text)
    assert "ce que signifie LU" in flat(text)
    assert "Imprimé le " + format_date(datetime.date.today(), "d MMMM y", locale="fr_FR") in flat(text)
    assert page.page.locator(".modebar").count() == 0
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", text) is None  # dates in French, never ISO


WORD_BOX = re.compile(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<')


def band_pixels(pdf_path, top_word: str, bottom_word: str, colour: str) -> int:
    """Pixels of ``colour`` on the first page (72 dpi: a pixel a point) between two words of it."""
    first = ["-f", "1", "-l", "1"]
    box = subprocess.run(["pdftotext", *first, "-bbox", str(pdf_path), "-"], capture_output=True, text=True)
    words = [(float(y_min), float(y_max), word) for y_min, y_max, word in WORD_BOX.findall(box.stdout)]
    top = next(y_max for _, y_max, word in words if word == top_word)
    # The words below may have gone to the next page: then the band reaches the page's foot.
    bottom = next((y_min for y_min, _, word in words if word == bottom_word and y_min > top), 842.0)
    stem = pdf_path.parent / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", *first, "-singlefile", str(pdf_path), str(stem)], check=True
    )
    image = Image.open(f"{stem}.png").convert("RGB")
    band = image.crop((0, int(top), image.width, int(bottom))).get_flattened_data()
    wanted = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(1 for pixel in band if all(abs(a - b) < 40 for a, b in zip(pixel, wanted, strict=True)))


@pytest.mark.parametrize("preview", [False, True])
def test_a_sheet_printed_at_once_draws_its_calendar_at_the_printed_size(server, page, tmp_path, preview):
    """Printed as a mayor would: the page opened and printed at once (with or without a print preview),
    its calendar below the first screen never drawn. Fitted while still drawing, the calendar printed at
    its screen size cut to its box: one of Compiègne's two rows (an orange square and an orange hatched
    bar, both under way) and no years."""
    page.page.set_viewport_size({"width": 1440, "height": 900})  # the calendar below the first screen
    page.page.goto(f"{server.url}/commune/60159?annee=2021")
    wait_for_map(page.page, "commune-map")
    wait_for_idle(page.page)
    assert page.page.locator("#commune-timeline .bars").count() == 0  # not drawn yet: far from the screen
    if preview:
        page.page.emulate_media(media="print")
        page.page.wait_for_timeout(800)
    (tmp_path / "sheet.pdf").write_bytes(page.page.pdf(format="A4", print_background=True))
    drawn = sum(
        band_pixels(tmp_path / "sheet.pdf", "Calendrier", "Opérations", STATUS_COLOURS[status])
        for status in (Status.UNDER_WAY, Status.DELIVERED)
    )
    assert drawn > 300  # both rows (works, then Square Acary's delivery): the cut calendar showed one


def test_the_region_page_prints_on_at_most_three_landscape_pages(server, page, tmp_path):
    page.page.goto(server.url + "/?annee=2022")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    page.page.emulate_media(media="print")
    page.page.wait_for_function(FITTED_FOR_PRINT)
    wait_for_idle(page.page)
    assert page.page.locator("#region-mix .bars path").count() >= 5
    assert "fin 2022" in page.page.locator("#region-timeline").inner_text()
    pdf = page.page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages, text = pdf_text(pdf, tmp_path)
    # type of 9 pt and over, a 120 mm map: the title, the published totals, the key figures and the map on
    # the first page; the financing, the calendar and the table's start on the second; the table's end and
    # the sources on the third
    assert pages <= 3
    size = subprocess.run(["pdfinfo", str(tmp_path / "sheet.pdf")], capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", size).groups())
    assert width > height  # landscape
    assert "Codes de financement" in text and "882" in text


def test_two_key_presses_a_moment_apart_are_two_steps(server, page):
    open_slide(page.page, server.url + "/?presentation=1&annee=2019")
    wait_for_dash_idle(page.page)
    page.page.evaluate(
        """() => { for (const key of ['ArrowRight', 'PageDown']) {
            document.body.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true}));
        } }"""
    )
    wait_for_location(page.page, r"annee=2021")
    wait_for_dash_idle(page.page)
    assert years_said(page.page) == {2021}
    page.page.evaluate(
        """() => { for (let n = 0; n < 3; n++) {
            document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowLeft', bubbles: true}));
        } }"""
    )
    wait_for_location(page.page, r"annee=2018")
    assert page.errors == []
