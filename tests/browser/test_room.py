"""The dashboard in the room (issue 11): the first screen, the phone, legible controls in French, a
stable layout, a table that sorts the unknown last, and map labels that do not overprint."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dashboard.data.schema import Op
from dashboard.model import formatting
from tests.browser.conftest import Watched, french_page, live_table, wait_for_idle, wait_for_map

# Dash's and Plotly's own words, which a French page must not show.
ENGLISH = re.compile(
    r"\b(Search|Select All|Deselect All|selected|No options|Clear search|Clear selection|Loading)\b"
)


@pytest.fixture
def open_page(browser) -> Iterator:
    """A function opening a path at a viewport size; every context it made is closed afterwards."""
    contexts = []

    def opened(url: str, width: int, height: int, *, observe_shifts: bool = False) -> Watched:
        context, page = french_page(browser, width, height)
        contexts.append(context)
        watched = Watched(page)
        page.on("pageerror", lambda error: watched.errors.append(str(error)))
        if observe_shifts:
            page.add_init_script(LAYOUT_SHIFTS)
        page.goto(url)
        wait_for_map(page, "region-map" if "/commune/" not in url else "commune-map")
        wait_for_idle(page)
        return watched

    yield opened
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


COLOURS = """
(element) => {
  const parse = (text) => text.match(/[\\d.]+/g).map(Number);
  let background = null;
  for (let node = element; node && !background; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0.99) { background = colour; }
  }
  const style = getComputedStyle(element);
  return {text: parse(style.webkitTextFillColor || style.color), colour: parse(style.color),
          caret: parse(style.caretColor), background: background};
}
"""


def test_typed_search_text_is_legible(server, open_page):
    page = open_page(server.url + "/", 1440, 900).page
    page.fill("#shell-search", "Soissons")
    colours = page.locator("#shell-search").evaluate(COLOURS)
    for key in ("text", "colour", "caret"):
        assert contrast(tuple(colours[key]), tuple(colours["background"])) >= 4.5, (key, colours)


def visible_words(page) -> str:
    """The visible text of the controls, every open menu and every placeholder of the page."""
    return page.evaluate(
        """() => {
          const parts = [document.getElementById('shell-controls').innerText];
          const menus = '[role=listbox], [role=dialog], .dash-dropdown-content, .dash-options-list';
          document.querySelectorAll(menus).forEach((menu) => parts.push(menu.innerText));
          document.querySelectorAll('input[placeholder], [aria-label], [title]').forEach((element) => {
            parts.push(element.getAttribute('placeholder') || '', element.getAttribute('aria-label') || '',
                       element.getAttribute('title') || '');
          });
          parts.push(document.body.innerText);
          return parts.join('\\n');
        }"""
    )


def test_the_controls_speak_french_menus_open_included(server, open_page):
    page = open_page(server.url + "/", 1440, 900).page
    assert not ENGLISH.search(visible_words(page))
    buttons = page.locator("#shell-controls button.dash-dropdown")
    assert buttons.count() == 5
    for index in range(buttons.count()):
        buttons.nth(index).click()
        page.wait_for_selector("[role=listbox], .dash-dropdown-content", state="visible")
        words = visible_words(page)
        assert not ENGLISH.search(words), ENGLISH.search(words).group(0)
        assert "Tout sélectionner" in words
        page.keyboard.press("Escape")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_the_first_screen_holds_the_totals_the_figures_and_the_whole_region(server, open_page, width, height):
    page = open_page(server.url + "/", width, height).page
    lead, figures = box(page, ".lead"), box(page, "#region-figures .kf-row")
    assert lead["y"] + lead["height"] <= height
    assert figures["y"] + figures["height"] <= height  # the key figures whole on the first screen
    graph = box(page, "#region-map")
    assert graph["y"] >= 0 and graph["y"] + graph["height"] <= height
    assert graph["x"] >= 0 and graph["x"] + graph["width"] <= width
    shapes = page.evaluate(
        """() => [...document.querySelectorAll('#region-map .choroplethlocation, #region-map .point')]
          .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0)
          .map((r) => [r.left, r.top, r.right, r.bottom])"""
    )
    assert len(shapes) > 20
    for left, top, right, bottom in shapes:
        assert left >= graph["x"] - 1 and right <= graph["x"] + graph["width"] + 1
        assert top >= 0 and bottom <= height


def test_a_departement_filter_zooms_the_map_and_names_it_in_the_title(server, open_page):
    page = open_page(server.url + "/?dep=60", 1440, 900).page
    assert "Oise" in page.locator("#region-title").inner_text()
    whole = open_page(server.url + "/", 1440, 900).page
    assert "Oise" not in whole.locator("#region-title").inner_text()
    # The view drawn: the Oise's span of longitudes, well under the region's.
    span = "(() => { const r = document.querySelector('#region-map .js-plotly-plot')"
    span += "._fullLayout.geo.lonaxis.range; return r[1] - r[0]; })()"
    assert page.evaluate(span) < whole.evaluate(span) * 0.7


# The names a map shows that meet its frame, with their box and the frame's: none may cross it (plotly.js
# cuts what passes the frame: « Château-Th » beside the Oise, « Valenc » beside the Somme).
NAMES_CUT_BY_THE_FRAME = """() => {
  const plot = document.querySelector('#region-map .js-plotly-plot');
  const frame = plot.querySelector('.geo .bglayer rect, .geo rect').getBoundingClientRect();
  return [...plot.querySelectorAll('.scattergeo text')].map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([, b]) => b.width && b.left < frame.right && b.right > frame.left && b.top < frame.bottom
      && b.bottom > frame.top)
    .filter(([, b]) => b.left < frame.left - 1 || b.right > frame.right + 1 || b.top < frame.top - 1
      || b.bottom > frame.bottom + 1)
    .map(([text]) => text);
}"""


@pytest.mark.parametrize(
    ("path", "width", "height"),
    [
        ("/?dep=60", 1440, 900),
        ("/?dep=80", 1440, 900),
        ("/?dep=60&dep=02", 1440, 900),
        ("/?dep=60&presentation=1", 1280, 720),
        ("/", 1440, 900),
    ],
)
def test_no_name_on_the_map_is_cut_by_its_frame(server, open_page, path, width, height):
    page = open_page(server.url + path, width, height).page
    assert page.locator("#region-map .scattergeo text").count() > 0
    assert page.evaluate(NAMES_CUT_BY_THE_FRAME) == []


@pytest.mark.parametrize(("width", "height"), [(360, 740), (390, 844)])
def test_a_phone_shows_the_map_first_without_overflow(server, open_page, width, height):
    page = open_page(server.url + "/", width, height).page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    controls = box(page, "#shell-controls")
    assert controls["height"] <= 100
    assert page.locator(".filters-panel").evaluate("(panel) => panel.open") is False
    assert page.locator("#ctl-departement").is_hidden()
    geo = page.evaluate(
        """() => { const rs = [...document.querySelectorAll('#region-map .choroplethlocation')]
          .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0);
          return [Math.min(...rs.map((r) => r.top)), Math.max(...rs.map((r) => r.bottom))]; }"""
    )
    assert geo[1] <= height  # the whole region within the first screen
    legend = box(page, ".map-panel .map-legend")
    assert legend["y"] >= geo[1] - 1  # the legend under the map, not over it
    assert page.locator(".milestone-list").first.is_visible()
    assert page.locator("#region-timeline").is_hidden()
    page.click(".filters-summary")
    assert page.locator("#ctl-departement").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


LAYOUT_SHIFTS = """
window.__shift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { window.__shift += entry.value; } }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("path", ["/", "/commune/60159"])
@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_page_does_not_jump_as_it_fills(server, open_page, path, width, height):
    page = open_page(server.url + path, width, height, observe_shifts=True).page
    page.wait_for_selector(".kf-row", state="visible")
    wait_for_idle(page)
    assert page.evaluate("window.__shift") < 0.1


def column_texts(page, column: str) -> list[str]:
    return page.locator(f"#region-table tbody td.col-{column}").all_inner_texts()


def test_unknown_delivery_dates_sort_last_both_ways(server, open_page):
    page = open_page(server.url + "/", 1440, 900).page
    live_table(page)
    header = page.locator("#region-table thead th", has=page.locator("button", has_text="Livraison"))
    for direction in ("ascending", "descending"):
        header.locator("button").click()
        page.wait_for_selector(f"#region-table thead th[aria-sort={direction}] >> text=Livraison")
        wait_for_idle(page)
        texts = column_texts(page, Op.LIVRAISON)
        known = [text != formatting.UNKNOWN for text in texts]
        assert any(known) and not all(known), texts
        assert known == sorted(known, reverse=True), texts  # every unknown after every known value


def test_the_table_is_compact_with_a_detail_per_row_and_a_header_under_the_controls(server, open_page):
    page = open_page(server.url + "/", 1440, 900).page
    table = box(page, "#region-table table")
    panel = box(page, "#region-table")
    assert table["width"] <= panel["width"] + 1
    assert page.locator("#region-table thead th").count() == 7
    detail = page.locator("#region-table tbody tr").first.locator("details")
    assert "Financements" not in page.locator("#region-table tbody tr").first.inner_text()
    assert detail.locator("dl").count() == 0  # drawn when the row is opened, not with the page
    live_table(page)
    detail.locator("summary").click()
    detail.locator("dl").wait_for(state="visible")
    assert "Typologie" in detail.locator("dl").inner_text()
    page.click("#region-table thead .sort-button >> nth=4")  # sorted again: the row drawn anew, closed
    page.wait_for_function("() => !document.querySelector('#region-table details[open]')")
    page.locator("#region-table tbody tr").last.scroll_into_view_if_needed()
    header, controls = box(page, "#region-table thead th"), box(page, "#shell-controls")
    assert abs(header["y"] - (controls["y"] + controls["height"])) <= 2


def overlaps(first: list[float], second: list[float]) -> bool:
    return min(first[2], second[2]) - max(first[0], second[0]) > 1 and (
        min(first[3], second[3]) - max(first[1], second[1]) > 1
    )


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080)])
def test_map_labels_overprint_neither_each_other_nor_a_marker(server, open_page, width, height):
    page = open_page(server.url + "/", width, height).page
    marks = page.evaluate(
        """() => {
          const boxes = (selector) => [...document.querySelectorAll(selector)]
            .filter((e) => !e.closest('.legend'))
            .map((e) => [e.getBoundingClientRect(), (e.textContent || '').trim()])
            .filter(([r]) => r.width > 0 && r.height > 0)
            .map(([r, text]) => [[r.left, r.top, r.right, r.bottom], text]);
          const labels = boxes('#region-map .scattergeo text');
          return {labels: labels, markers: boxes('#region-map .scattergeo .point')};
        }"""
    )
    labels, markers = marks["labels"], marks["markers"]
    assert len(labels) >= 10 and len(markers) >= 5
    clashes = [
        (first[1], second[1])
        for index, first in enumerate(labels)
        for second in labels[index + 1 :]
        if overlaps(first[0], second[0])
    ]
    clashes += [
        (label[1], "marker") for label in labels for marker in markers if overlaps(label[0], marker[0])
    ]
    assert clashes == []


def test_every_control_reached_by_the_keyboard_shows_a_focus_ring_of_2_px_at_least(server, open_page):
    page = open_page(server.url + "/", 1440, 900).page
    seen = []
    for _ in range(24):  # the header, the controls (dropdowns included), then the map's buttons
        page.keyboard.press("Tab")
        ring = page.evaluate(
            """() => { const e = document.activeElement;
              const ringed = [e, e.closest('.search-input')].filter(Boolean)
                .map((node) => getComputedStyle(node)).filter((style) => style.outlineStyle !== 'none')
                .map((style) => parseFloat(style.outlineWidth));
              return [e.id || e.className.toString(), Math.max(0, ...ringed)]; }"""
        )
        seen.append(ring[0])
        assert ring[1] >= 2, ring
    assert "ctl-departement" in seen and "ctl-code" in seen
