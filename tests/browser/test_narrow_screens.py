"""Narrow and short screens as people have them: a page zoomed to 200 % (720×450 CSS px), a phone (390×844),
and the map's accessible table in the box it opens in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_idle

PAGES = ["/?annee=2022", "/?dep=60", "/commune/60159", "/commune/02168", "/commune/dury"]
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def open_at(browser, width: int, height: int, url: str):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("h1", state="attached")
    wait_for_idle(page)
    return context, page


@pytest.mark.parametrize("path", PAGES)
def test_at_200_percent_zoom_the_controls_take_a_quarter_of_the_height_and_nothing_scrolls_sideways(
    server, browser, path
):
    context, page = open_at(browser, 720, 450, server.url + path)
    try:
        assert page.evaluate(SIDEWAYS) <= 0
        controls = page.locator("#shell-controls")
        if controls.count():
            assert controls.bounding_box()["height"] <= 0.25 * 450
            assert page.locator("#ctl-year-value").is_visible()  # the year still said
            page.locator(".filters-summary").click()  # the filters unfold on demand
            assert page.locator("#ctl-departement").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(server, browser, path):
    context, page = open_at(browser, 390, 844, server.url + path)
    try:
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()


MAP_TABLE = """() => { const box = document.querySelector('details.map-table');
  return [box.clientWidth, box.scrollWidth, getComputedStyle(box).overflowX]; }"""


@pytest.mark.parametrize(
    ("width", "height", "fits"), [(1440, 900, True), (720, 450, True), (390, 844, False)]
)
def test_the_map_table_fits_its_box_or_scrolls_in_it(server, browser, width, height, fits):
    context, page = open_at(browser, width, height, server.url + "/?annee=2022")
    try:
        page.locator("#region-map-table-open").click()
        page.wait_for_selector("#region-map-table table")
        client, scroll, overflow = page.evaluate(MAP_TABLE)
        if fits:
            assert scroll <= client  # every column shown (Logements and Statuts were cut at 1440×900)
        else:
            assert overflow == "auto" and scroll > client  # it scrolls in its own box...
        assert page.evaluate(SIDEWAYS) <= 0  # ...never the page
    finally:
        context.close()


PHONE_COMMUNE = """() => {
  const bottom = e => e.getBoundingClientRect().bottom + scrollY;
  const shown = e => !!e && e.checkVisibility() && e.getBoundingClientRect().height > 0;
  return {
    figures: bottom(document.querySelector('#commune-figures .kf-row')),
    map: bottom(document.querySelector('#commune-map').closest('.graph-box')),
    states: [...document.querySelectorAll('.op-sheet .op-state')]
      .map(e => [bottom(e), shown(e), e.textContent]),
    fields: [...document.querySelectorAll('.op-sheet .fields')].some(shown),
    milestones: shown(document.querySelector('.calendar-panel .milestone-list')),
    chart: shown(document.querySelector('#commune-timeline')),
    // a sheet whose readings conflict says so in its fold's summary, on the first screens
    conflicts: [...document.querySelectorAll('.op-sheet')].filter(e => e.querySelector('.conflict'))
      .map(e => e.querySelector('.op-details-summary')).map(e => [bottom(e), e.innerText]),
  };
}"""


@pytest.mark.parametrize(
    "code",
    [
        "60159",
        "02691",  # five operations, three of them with readings in conflict
        "60612",
    ],
)
def test_on_a_phone_the_first_two_screens_hold_the_figures_the_map_and_each_operation_state(
    server, browser, code
):
    context, page = open_at(browser, 390, 844, f"{server.url}/commune/{code}?annee=2022")
    try:
        page.wait_for_selector("#commune-operations .op-sheet")
        seen = page.evaluate(PHONE_COMMUNE)
        assert seen["figures"] <= 2 * 844 and seen["map"] <= 2 * 844
        assert seen["states"] and all(shown and bottom <= 2 * 844 for bottom, shown, _ in seen["states"])
        assert all(text.startswith("État : ") for _, _, text in seen["states"])
        assert all(
            bottom <= 2 * 844 and text.startswith("⚠ Lectures en désaccord")
            for bottom, text in seen["conflicts"]
        )
        assert len(seen["conflicts"]) == {"02691": 3}.get(code, len(seen["conflicts"]))
        assert not seen["fields"]  # the details folded...
        assert seen["milestones"] and not seen["chart"]  # ...and the calendar as its list of milestones
        page.locator(".op-details-summary").first.click()
        assert page.locator(".op-sheet .fields").first.is_visible()  # ...one tap away
        assert page.evaluate(SIDEWAYS) <= 0
    finally:
        context.close()


FILTER_TEXTS = """() => [...document.querySelectorAll('.filter .dash-dropdown-trigger > span:first-child')]
  .map(v => [v.closest('button').id, v.textContent, v.clientWidth, v.scrollWidth])"""


@pytest.mark.parametrize("width", [1440, 1280])
def test_a_chosen_departement_is_read_whole_in_its_filter(server, browser, width):
    context, page = open_at(browser, width, 900, server.url + "/?dep=60")
    try:
        texts = page.evaluate(FILTER_TEXTS)
        assert ["ctl-departement", "Oise (60)"] == texts[0][:2]
        assert [t for t in texts if t[3] > t[2]] == []  # no filter's text cut (« Oise (… » was)
    finally:
        context.close()


def test_a_filter_list_closes_once_a_value_is_chosen(server, browser):
    context, page = open_at(browser, 1440, 900, server.url + "/")
    try:
        page.click("#ctl-departement")
        page.wait_for_selector("[role=listbox]")
        page.locator("[role=option]").nth(1).click()
        page.wait_for_selector("[role=listbox]", state="detached")
        page.wait_for_function("() => location.search.includes('dep=')")
        assert page.locator("#ctl-departement").get_attribute("aria-expanded") == "false"
    finally:
        context.close()
