"""All of France in Chromium: one symbol per département, a click zooms into one, its communes drawn."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.data.perimeter import Perimeter
from tests import synthetic
from tests.browser.conftest import Server, start_server, wait_for_idle, wait_for_location, wait_for_map
from tests.browser.test_dashboard import click_marker_of

FRANCE = Perimeter(everything=True)
SYMBOLS = "#region-map .trace.scattergeo .point"


@pytest.fixture(scope="module")
def france(tmp_path_factory) -> Iterator[Server]:
    data = synthetic.write_data_dir(tmp_path_factory.mktemp("fr") / "data", 2_000, perimeter=FRANCE)
    running = start_server(data, perimeter=FRANCE)
    yield running
    running.stop()


def symbol_keys(page) -> list[str]:
    """The customdata of every symbol drawn (departement:XX or a commune code)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#region-map .trace.scattergeo')].flatMap(layer => {
            const trace = layer.__data__[0].trace;
            if (!trace.customdata) return [];
            return [...layer.querySelectorAll('.point')].map(p => trace.customdata[p.__data__.i][0]);
        })"""
    )


def test_france_shows_departements_and_a_click_opens_one_with_its_communes(france, page) -> None:
    page.page.set_default_timeout(120_000)  # a national page is slower to draw on a shared machine
    page.page.goto(france.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    assert page.page.title() == "Cœur de Ville — Clésence — France"
    assert "— France" in page.page.locator("h1.page-title").inner_text()
    keys = symbol_keys(page.page)
    assert 90 <= len(keys) <= 101 and all(key.startswith("departement:") for key in keys)
    page.page.click("#region-map-table-open")  # the map as a table: what it draws, a row per département
    page.page.wait_for_selector("#region-map-table-body tr")
    assert page.page.locator("#region-map-table th[scope=col]").first.inner_text() == "Département"
    assert page.page.locator("#region-map-table-body tr").count() == len(keys)
    page.page.click("#region-map-table-open")
    wait_for_idle(page.page)
    page.page.evaluate("window.scrollTo(0, 0)")  # the map's north clear of the sticky controls
    click_marker_of(page.page, "departement:60")
    wait_for_location(page.page, r"dep=60")
    page.page.wait_for_function("() => document.querySelector('h1.page-title').innerText.includes('Oise')")
    wait_for_idle(page.page)
    page.page.wait_for_function(
        """() => [...document.querySelectorAll('#region-map .trace.scattergeo')].some(layer =>
            (layer.__data__[0].trace.customdata || []).some(key => key[0].startsWith('60')))"""
    )
    communes = symbol_keys(page.page)
    assert communes and all(key.startswith("60") for key in communes)
    assert not page.errors and not page.foreign_requests()


def test_the_national_commune_filter_finds_a_commune_it_does_not_list(france, page) -> None:
    """The filter lists the programme's towns and the busiest communes; typing asks the server for the
    others, and the one chosen stays chosen once the typed text is gone."""
    page.page.set_default_timeout(120_000)
    page.page.goto(france.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    page.page.click("#ctl-commune")
    page.page.keyboard.type("st quentin")
    option = page.page.locator("[role=option]", has_text="Saint-Quentin (02691)")
    option.wait_for()
    option.click()
    wait_for_location(page.page, r"commune=02691")
    page.page.keyboard.press("Escape")
    wait_for_idle(page.page)
    assert "Saint-Quentin" in page.page.locator("#ctl-commune").inner_text()
    page.page.wait_for_function(
        "() => document.querySelector('h1.page-title').innerText.includes('Saint-Quentin')"
    )
    assert not page.errors and not page.foreign_requests()
