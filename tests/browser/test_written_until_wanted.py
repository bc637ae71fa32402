"""Parts written on the server (dashboard/web/written.py, assets/firstscreen.js), in a real headless Chromium:
the region's operations table comes with the page as HTML that React did not build, readable and printable;
scrolled near, or at the first key pressed, the live table replaces it, saying the same thing. Static parts
(sources, legends, key figures) are written for good, React building their element alone."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.browser.conftest import AS_WRITTEN, french_page, live_table, wait_for_idle, wait_for_map

# Built by React: its DOM nodes carry React's fiber (``__reactFiber$…``); the written table's do not.
BUILT_BY_REACT = "(element) => Object.keys(element).some((key) => key.startsWith('__reactFiber'))"
ROWS = """() => [...document.querySelectorAll('#region-table tbody tr')].map((tr) => [
  tr.id, tr.innerText.replace(/\\s+/g, ' ').trim(), tr.querySelector('a').getAttribute('href')])"""


@pytest.fixture
def phone(browser) -> Iterator:
    context, page = french_page(browser, 390, 844)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    context.close()


def opened(page, url: str) -> None:
    page.goto(url)
    wait_for_map(page, "commune-map" if "/commune/" in url else "region-map")
    wait_for_idle(page)
    page.wait_for_timeout(500)  # time for a wrongly eager table to arrive: the assertions say it did not


def test_on_a_phone_the_table_is_written_not_built_then_live_when_scrolled_near(server, phone):
    page, errors = phone
    opened(page, server.url + "/?annee=2022")
    table = page.locator("#region-table > .table-scroll")
    assert table.count() == 1
    assert table.evaluate(AS_WRITTEN)
    assert not table.evaluate(BUILT_BY_REACT)
    written = page.evaluate(ROWS)
    assert len(written) >= 10 and all(row_id.startswith("op-row-") for row_id, _, _ in written)
    assert all("annee=2022" in href for _, _, href in written)
    assert "opérations" in page.locator("#region-table caption").inner_text()
    live_table(page)
    table = page.locator("#region-table > .table-scroll")
    assert table.count() == 1  # the written table is gone, replaced
    assert not table.evaluate(AS_WRITTEN)
    assert table.evaluate(BUILT_BY_REACT)
    assert page.evaluate(ROWS) == written
    page.click("#region-table button:has-text('Logements')")  # it works: sorted
    page.wait_for_selector("#region-table th[aria-sort='ascending'] >> text=Logements")
    assert errors == []


def test_a_key_pressed_makes_the_table_live_without_scrolling(server, phone):
    page, errors = phone
    opened(page, server.url + "/")
    assert page.evaluate("() => window.scrollY") == 0
    page.keyboard.press("Tab")  # a keyboard's user goes through the page without scrolling to it first
    page.wait_for_selector("#region-table > .table-scroll:not([data-until-live])")
    assert page.locator("#region-table > .table-scroll").evaluate(BUILT_BY_REACT)
    assert errors == []


def test_a_year_step_before_the_table_is_live_patches_the_written_table(server, phone):
    page, errors = phone
    opened(page, server.url + "/?annee=2021")
    written_2021 = page.evaluate(ROWS)  # the table written with the page of 2021
    opened(page, server.url + "/?annee=2022")
    before = page.evaluate(ROWS)
    page.click("#ctl-year-prev")  # the year step's cells, assigned to the written HTML (written.patch_text)
    page.wait_for_function("() => document.querySelector('#region-table tbody a').href.includes('2021')")
    wait_for_idle(page)
    table = page.locator("#region-table > .table-scroll")
    assert table.count() == 1
    assert table.evaluate(AS_WRITTEN)  # still the written table, patched
    assert not table.evaluate(BUILT_BY_REACT)
    rows = page.evaluate(ROWS)
    assert rows == written_2021
    assert [text for _, text, _ in rows] != [text for _, text, _ in before]  # statuses did move
    live_table(page)
    assert page.locator("#region-table > .table-scroll").evaluate(BUILT_BY_REACT)
    assert page.evaluate(ROWS) == written_2021  # the live table of 2021 says the same
    assert errors == []


def test_a_written_table_that_cannot_follow_a_year_step_is_replaced_by_the_live_one(server, phone):
    page, errors = phone
    opened(page, server.url + "/?annee=2022")
    page.evaluate("() => document.querySelector('#region-table tbody tr:last-child').remove()")
    page.click("#ctl-year-prev")  # the patch names a row the written HTML no longer has: asked whole
    page.wait_for_selector("#region-table > .table-scroll:not([data-until-live])")
    wait_for_idle(page)
    assert page.locator("#region-table > .table-scroll").evaluate(BUILT_BY_REACT)
    rows = page.evaluate(ROWS)
    assert len(rows) >= 10 and all("annee=2021" in href for _, _, href in rows)
    assert errors == []


def test_the_region_page_prints_every_operation_of_the_written_table(server, phone, tmp_path):
    page, errors = phone
    opened(page, server.url + "/?annee=2022")
    assert page.locator("#region-table > .table-scroll").evaluate(AS_WRITTEN)
    communes = page.locator("#region-table tbody th").all_inner_texts()
    names = page.locator("#region-table tbody td:nth-child(2) > a").all_inner_texts()
    page.emulate_media(media="print")
    pdf = tmp_path / "region.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = " ".join(printed.stdout.split())
    assert communes and all(commune in text for commune in communes)
    assert all(name.split()[0] in text for name in names)
    assert text.count("Résidence") >= sum(name.startswith("Résidence") for name in names)
    assert errors == []


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("/?annee=2022", ["footer.footer", ".map-legend", ".glossary", "#region-figures", "#region-undated"]),
        (
            "/commune/60159?annee=2022",
            ["footer.footer", ".map-legend", "#commune-figures", "#commune-undated"],
        ),
    ],
)
def test_static_parts_are_written_for_react_to_build_their_element_alone(server, phone, path, parts):
    page, errors = phone
    opened(page, server.url + path)
    for selector in parts:
        part = page.locator(f"#react-entry-point {selector}").first
        assert part.evaluate(BUILT_BY_REACT), selector  # the element, React's (a callback may fill it)
        inside = part.evaluate("(element) => [...element.querySelectorAll('*')]")
        assert inside, selector
        assert not part.evaluate(f"(element) => [...element.querySelectorAll('*')].some({BUILT_BY_REACT})")
        assert not part.evaluate("(element) => element.closest('[inert]')"), selector  # to use, not inert
    assert "Sources des opérations" in page.locator("footer.footer").inner_text()
    assert errors == []


def test_the_key_figures_written_with_the_page_follow_a_year_step(server, phone):
    page, errors = phone
    opened(page, server.url + "/?annee=2022")
    figures = page.locator("#region-figures")
    assert "fin 2022" in figures.inner_text().lower()
    page.click("#ctl-year-prev")
    page.wait_for_function("() => document.querySelector('#region-figures').innerText.includes('fin 2021')")
    wait_for_idle(page)
    text = figures.inner_text()
    assert "fin 2022" not in text.lower() and text.count("Situation fin 2021") == 1  # replaced, not added
    assert errors == []
