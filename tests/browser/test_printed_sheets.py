"""The printed sheets read at arm's length: no word under 9 pt (read back from the PDF), a map a third of the
page wide with its names clear of the markers, and a long sheet continued on further pages under a repeated
header rather than set smaller."""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    AS_WRITTEN,
    Server,
    french_page,
    live_table,
    scroll_to_graph,
    start_server,
    wait_for_idle,
)
from tests.conftest import REAL_DATA

FITTED_FOR_PRINT = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => 'screenHeight' in g.dataset)"
)
# The map redrawn at its printed size (coeur.js takes .screen-drawing off after plotly.js's drawing).
DRAWN_FOR_PRINT = (
    "() => [...document.querySelectorAll('.js-plotly-plot')]"
    ".every(g => !g.classList.contains('screen-drawing'))"
)
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
# pdftotext's word box is as tall as the font's ascent plus descent: 1.164 em for DejaVu Sans, the font
# Debian's Chromium prints these pages in; the fonts it could fall back to are shorter (Liberation Sans:
# 1.117 em), so a size read with this ratio is never larger than the true one.
BOX_PER_EM = 1.164
SMALLEST_PT = 9
A4_PORTRAIT_WIDTH_PX = 190 / 25.4 * 96  # the printed width of the commune sheet (print.css), in CSS px
# The commune map's names (its last trace) and its operations' markers, as boxes, with print styles on.
NAMES_AND_MARKERS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = document.querySelector('#commune-map .js-plotly-plot');
  const traces = [...map.querySelectorAll('.scatterlayer .trace.scattergeo')];
  const names = [...traces.at(-1).querySelectorAll('text')].filter(t => t.textContent.trim()
    && getComputedStyle(t).display !== 'none' && getComputedStyle(t.parentElement).display !== 'none');
  const markers = traces.slice(0, -1).flatMap(t => [...t.querySelectorAll('path.point')]);
  return { map: box(map), names: names.map(t => [t.textContent, box(t)]), markers: markers.map(box) };
}"""


# A calendar's key (plotly.js's legend) ends above its plot area.
KEY_ABOVE_THE_CALENDAR = """(calendar) => {
  const graph = document.querySelector(`${calendar} .js-plotly-plot`);
  return graph.querySelector('.legend').getBoundingClientRect().bottom
    <= graph.querySelector('.nsewdrag').getBoundingClientRect().top;
}"""
# The entries of the commune calendar's key, as plotly.js wrote them.
CALENDAR_KEY = (
    "() => [...document.querySelectorAll('#commune-timeline .legend .legendtext')].map(t => t.textContent)"
)
BACK_ON_SCREEN = (
    "() => [...document.querySelectorAll('.js-plotly-plot')].every(g => !('screenHeight' in g.dataset))"
)


def calendar_words(pages: list[list[tuple[float, str]]]) -> str:
    """The words printed between the « Calendrier » title and the « Opérations » one."""
    text = " ".join(word for words in pages for _, word in words)
    start = text.index("Calendrier")
    return text[start : text.index("Opérations", start)]


def pages_words(pdf_path: Path) -> list[list[tuple[float, str]]]:
    """Each page's words with their font size in points (see BOX_PER_EM)."""
    box = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    )
    return [
        [((float(y_max) - float(y_min)) / BOX_PER_EM, word) for y_min, y_max, word in WORD.findall(page)]
        for page in PAGE.findall(box.stdout)
    ]


def fit_for_print(page, url: str) -> None:
    """``url`` with print styles on, its graphs fitted to their printed boxes, its map drawn at its size."""
    page.goto(url)
    page.wait_for_selector(
        "#commune-map .choroplethlocation, #region-map .choroplethlocation", state="attached"
    )
    wait_for_idle(page)
    page.emulate_media(media="print")
    page.wait_for_function(FITTED_FOR_PRINT)
    page.wait_for_function(DRAWN_FOR_PRINT)
    wait_for_idle(page)


def printed(page, pdf_path: Path) -> list[list[tuple[float, str]]]:
    """The page fitted for print (``fit_for_print``) printed to ``pdf_path``: its pages' words."""
    pdf_path.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    return pages_words(pdf_path)


def print_sheet(page, url: str, pdf_path: Path) -> list[list[tuple[float, str]]]:
    fit_for_print(page, url)
    return printed(page, pdf_path)


def assert_readable(pages: list[list[tuple[float, str]]]) -> None:
    small = [(round(size, 1), word) for words in pages for size, word in words if size < SMALLEST_PT - 0.05]
    assert not small, f"words under {SMALLEST_PT} pt: {small[:20]}"


def assert_continued_under_the_header(pages: list[list[tuple[float, str]]], name: str) -> None:
    """Each page after the first opens with the sheet's header: « Cœur de Ville · <name> (suite) »."""
    for number, words in enumerate(pages[1:], start=2):
        opening = " ".join(word for _, word in words[:40])
        assert opening.startswith(f"Cœur de Ville · {name} (suite)"), (number, opening)
        assert f"page {number} / {len(pages)}" in " ".join(word for _, word in words)


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


BOXED_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
# pdftotext's box of a word is its font's ascent plus descent (BOX_PER_EM): the boxes of tight rows of
# labels (a bar chart's categories, 0.85 em apart) overlap by up to a sixth of their height with no ink
# shared. A word printed over another shares more than a point across and a quarter of its box down.
PRINTED_OVER_PT = 1.0
PRINTED_OVER_SHARE = 0.25


def assert_no_word_printed_over_another(pdf_path: Path) -> None:
    """No two words of the PDF's pages share ink: the calendar's key printed « Livraison » over the « fin
    2022 » label of its year line when its 2 % gap shrank with the printed graph."""
    box = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    clash = []
    for number, page in enumerate(PAGE.findall(box), start=1):
        words = [([float(v) for v in found[:4]], found[4]) for found in BOXED_WORD.findall(page)]
        for index, (a, first) in enumerate(words):
            for b, second in words[index + 1 :]:
                across = min(a[2], b[2]) - max(a[0], b[0])
                down = min(a[3], b[3]) - max(a[1], b[1])
                lower = min(a[3] - a[1], b[3] - b[1])
                if across > PRINTED_OVER_PT and down > PRINTED_OVER_SHARE * lower:
                    clash.append((number, first, second))
    assert not clash, f"words printed over others (page, word, word): {clash}"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("60159", "Compiègne"),
        ("02722", "Soissons"),
        ("60612", "Senlis"),  # three operations at its centre: « Courteuil » kept clear of the larger
        ("02168", "Château-Thierry"),
    ],
)
def test_the_commune_sheet_has_no_word_under_9_pt_and_a_map_a_third_of_the_page_wide(
    server, page, tmp_path, code, name
):
    """Château-Thierry is a partner town: sources cite it, no operation is published. The map is read as it
    prints (after the PDF, afterprint puts the screen's drawing back, and a redraw in flight left its box 0
    px high now and then under load)."""
    fit_for_print(page.page, f"{server.url}/commune/{code}?annee=2022")
    drawn = page.page.evaluate(NAMES_AND_MARKERS)
    key = page.page.evaluate(CALENDAR_KEY)
    pages = printed(page.page, tmp_path / "sheet.pdf")
    assert_readable(pages)
    # the calendar's key prints with it: what its colours mean, hatched for planned (print.css hid it)
    assert key or code == "02168", "the calendar has a key"
    printed_calendar = calendar_words(pages) if key else ""
    for entry in key:
        assert " ".join(entry.split()) in printed_calendar, entry
    assert_no_word_printed_over_another(tmp_path / "sheet.pdf")
    assert len(pages) <= 2
    assert_continued_under_the_header(pages, name)
    left, top, right, bottom = drawn["map"]
    assert right - left >= A4_PORTRAIT_WIDTH_PX / 3
    assert bottom - top >= 240  # about 64 mm: the commune and its neighbours, not a stamp
    assert drawn["names"], "the neighbours are named"
    for text, box in drawn["names"]:
        assert text != name  # the title names the commune; its name stood over its markers
        assert not any(overlaps(box, marker) for marker in drawn["markers"]), text
    if key:  # back on screen, the key is above the calendar again (on paper it went under it: coeur.js)
        page.page.emulate_media(media="screen")
        page.page.wait_for_function(BACK_ON_SCREEN)
        wait_for_idle(page.page)
        assert page.page.evaluate(KEY_ABOVE_THE_CALENDAR, "#commune-timeline")
    assert page.errors == []


def served_with(data: Path, more: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> Server:
    """A server of a copy of the shipped data in ``data``, with the operations ``more`` makes of its rows."""
    shutil.copytree(REAL_DATA, data)
    path = data / "operations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows + more(rows))
    return start_server(data)


@pytest.fixture(scope="module")
def many_operations(tmp_path_factory) -> Iterator[Server]:
    """Compiègne with fourteen operations: its two, and six copies of each under other ids."""

    def copies(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [
            {**row, "id": f"{row['id']}-copie-{n}"}
            for n in range(6)
            for row in rows
            if row["code_insee"] == "60159"
        ]

    running = served_with(tmp_path_factory.mktemp("many") / "data", copies)
    yield running
    running.stop()


def test_a_commune_with_many_operations_continues_on_further_pages_under_its_header(
    many_operations, page, tmp_path
):
    pages = print_sheet(page.page, f"{many_operations.url}/commune/60159", tmp_path / "sheet.pdf")
    assert len(pages) >= 3
    assert_readable(pages)
    assert_continued_under_the_header(pages, "Compiègne")
    text = " ".join(word for words in pages for _, word in words)
    assert text.count("Quai des Roses") >= 7  # every operation printed, none cut away


# The calendar's rows, one an operation, in their order (its figure's layout).
CALENDAR_ROWS = "() => document.querySelector('#region-timeline .js-plotly-plot').layout.yaxis.categoryarray"


def test_the_region_page_prints_with_no_word_under_9_pt_and_its_header_repeated(server, page, tmp_path):
    fit_for_print(page.page, f"{server.url}/?annee=2022")
    rows = page.page.evaluate(CALENDAR_ROWS)
    pages = printed(page.page, tmp_path / "sheet.pdf")
    assert_readable(pages)
    # every bar of the printed calendar is named (in 280 px plotly.js named one row in three or four)
    text = html.unescape(" ".join(word for words in pages for _, word in words))
    assert len(rows) >= 14
    assert [row for row in rows if " ".join(row.split()) not in text] == []
    assert_no_word_printed_over_another(tmp_path / "sheet.pdf")
    # back on screen, the calendar's key is above it again (on paper it went under it: assets/coeur.js)
    page.page.emulate_media(media="screen")
    page.page.wait_for_function(BACK_ON_SCREEN)
    wait_for_idle(page.page)
    assert page.page.evaluate(KEY_ABOVE_THE_CALENDAR, "#region-timeline")
    title = page.page.locator(".page-title").inner_text().strip()
    assert_continued_under_the_header(pages, re.sub(r"\s+", " ", title))
    assert page.page.locator("#region-map .js-plotly-plot").bounding_box()["height"] >= 440  # 120 mm
    first = " ".join(word for _, word in pages[0])
    # the first page holds what the screen's first screen does: totals, key figures, map and its key
    for words in ("882 (2022)", "dans la vue", "coût publié", "Carte des opérations", "Légende"):
        assert words in first, words


# The operations table's columns on paper (print.css hides the others), in their order.
PRINTED_COLUMNS = ("Commune", "Nom, adresse", "Statut", "Logements", "Livraison")


def assert_continued_under_its_column_titles(pages: list[list[tuple[float, str]]], names: list[str]) -> None:
    """Each page the operations table continues on (a page after its first holding one of its rows'
    ``names``) shows its column titles above those rows, not an empty band."""
    texts = [" ".join(word for _, word in words) for words in pages]
    first = next(n for n, text in enumerate(texts) if "Nom, adresse" in text)
    continued = [n for n in range(first + 1, len(texts)) if any(name in texts[n] for name in names)]
    assert continued  # the table runs over a page: the case to check
    for n in continued:
        text = texts[n]
        found = [title for title in PRINTED_COLUMNS if re.search(rf"(?<!\w){re.escape(title)}(?!\w)", text)]
        assert found == list(PRINTED_COLUMNS), (n + 1, found)
        row = min(text.index(name) for name in names if name in text)
        assert text.index("Nom, adresse") < row, (n + 1, text[:300])  # above the rows, not after


CLICK = "cliquer un en-tête pour trier"


def assert_captioned_without_the_click_instruction(pages: list[list[tuple[float, str]]], screen) -> None:
    """The table's caption prints its count and the dates' note, not the instruction to click (nothing to
    click on paper); the screen keeps it."""
    text = " ".join(word for words in pages for _, word in words)
    assert "cliquer" not in text and "pour trier" not in text
    assert re.search(r"\d+ opérations\. « Livraison » :", text), text[:300]
    screen.emulate_media(media="screen")
    caption = screen.locator("#region-table caption")
    assert CLICK in caption.inner_text()
    assert screen.get_by_text(CLICK).is_visible()


def test_the_written_table_s_titles_are_repeated_on_its_continued_page(server, page, tmp_path):
    screen = page.page
    screen.goto(f"{server.url}/?annee=2022")
    screen.wait_for_selector("#region-map .choroplethlocation", state="attached")
    wait_for_idle(screen)
    # no callback answered from now on: the table stays the one written on the server
    screen.route("**/_dash-update-component*", lambda route: route.abort())
    assert screen.locator("#region-table > .table-scroll").evaluate(AS_WRITTEN)
    names = screen.locator("#region-table tbody td:nth-child(2) > a").all_inner_texts()
    screen.emulate_media(media="print")
    pages = printed(screen, tmp_path / "sheet.pdf")
    assert screen.locator("#region-table > .table-scroll").evaluate(AS_WRITTEN)
    assert_continued_under_its_column_titles(pages, names)
    assert_captioned_without_the_click_instruction(pages, screen)


def test_the_live_table_s_titles_are_repeated_on_its_continued_page(server, page, tmp_path):
    screen = page.page
    screen.goto(f"{server.url}/?annee=2022")
    screen.wait_for_selector("#region-map .choroplethlocation", state="attached")
    live_table(screen)
    names = screen.locator("#region-table tbody td:nth-child(2) > a").all_inner_texts()
    screen.emulate_media(media="print")
    screen.wait_for_function(FITTED_FOR_PRINT)
    wait_for_idle(screen)
    pages = printed(screen, tmp_path / "sheet.pdf")
    assert not screen.locator("#region-table > .table-scroll").evaluate(AS_WRITTEN)
    assert_continued_under_its_column_titles(pages, names)
    assert_captioned_without_the_click_instruction(pages, screen)
    # on screen the titles stay sort buttons
    screen.emulate_media(media="screen")
    button = screen.locator("#region-table thead .sort-button").first
    assert button.evaluate("(element) => getComputedStyle(element).display") != "contents"
    assert button.is_visible()


CROWDED_ROWS = 12


@pytest.fixture(scope="module")
def crowded_saint_quentin(tmp_path_factory) -> Iterator[Server]:
    """Saint-Quentin with a calendar of twelve rows: its four dated operations, and eight more (named « Îlot
    témoin 1 » to 8, delivered from 2019 to 2026)."""

    def more(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        dated = next(row for row in rows if row["id"] == "saint-quentin-rue-de-la-sous-prefecture")
        return [
            {**dated, "id": f"saint-quentin-ilot-{n}", "nom": f"Îlot témoin {n}", "livraison": str(2018 + n)}
            for n in range(1, CROWDED_ROWS - 4 + 1)
        ]

    running = served_with(tmp_path_factory.mktemp("crowded") / "data", more)
    yield running
    running.stop()


# The calendar's rows (its y axis's categories, escaped for plotly.js) and the names plotly.js wrote beside
# them (its tick labels).
CALENDAR_NAMES = """(calendar) => {
  const graph = document.querySelector(`${calendar} .js-plotly-plot`);
  const named = [...graph.querySelectorAll('.yaxislayer-above .ytick text')].map(t => t.textContent);
  return { rows: graph._fullLayout.yaxis._categories, named };
}"""
# The same, read as the sheet prints: page.pdf's beforeprint fits the graphs again (assets/coeur.js), and so
# does this, reading at once (a probe saw dcc.Graph draw the screen's figure again a moment after the first
# fitting, so the calendar read after fit_for_print may be the screen's).
PRINTED_CALENDAR_NAMES = f"""(calendar) => {{
  window.dispatchEvent(new Event('beforeprint'));
  return ({CALENDAR_NAMES})(calendar);
}}"""


def calendar_rows(seen: dict) -> list[str]:
    return sorted(html.unescape(row) for row in seen["rows"])


@pytest.mark.parametrize("crowded", [False, True], ids=["saint-quentin", "saint-quentin-12-rows"])
def test_the_commune_calendar_names_every_operation_on_screen_and_on_paper(
    request, browser, page, tmp_path, crowded
):
    """plotly.js names a category axis's rows one in n when a row gets less than 1.2 times the font: the
    sheet's calendar, half its screen height, named 6 of 12 rows, and Saint-Quentin's 2 of 4 before its key
    had room of its own."""
    served = request.getfixturevalue("crowded_saint_quentin" if crowded else "server")
    url = f"{served.url}/commune/02691"
    context, screen = french_page(browser, 1440, 900)
    screen.goto(url)
    wait_for_idle(screen)
    scroll_to_graph(screen, "commune-timeline", ".ytick text")
    seen = screen.evaluate(CALENDAR_NAMES, "#commune-timeline")
    rows = calendar_rows(seen)
    assert len(rows) == (CROWDED_ROWS if crowded else 4)
    assert [row for row in rows if row not in seen["named"]] == []
    context.close()
    # a phone shows the calendar as a list of milestones, naming each operation (assets/style.css)
    context, phone = french_page(browser, 390, 844)
    phone.goto(url)
    wait_for_idle(phone)
    assert not phone.locator("#commune-timeline").is_visible()
    milestones = phone.locator(".milestone-list").inner_text()
    assert [row for row in rows if row not in milestones] == []
    context.close()
    # on paper: the SVG as it prints, then the PDF's words between « Calendrier » and « Opérations »
    fit_for_print(page.page, url)
    printed_seen = page.page.evaluate(PRINTED_CALENDAR_NAMES, "#commune-timeline")
    assert calendar_rows(printed_seen) == rows
    assert [row for row in rows if row not in printed_seen["named"]] == []
    pages = printed(page.page, tmp_path / "sheet.pdf")
    text = html.unescape(calendar_words(pages))
    assert [row for row in rows if " ".join(row.split()) not in text] == []
    assert_readable(pages)
    assert_no_word_printed_over_another(tmp_path / "sheet.pdf")
    if not crowded:
        assert len(pages) <= 3  # as before: the calendar's room did not cost a page
    assert page.errors == []
