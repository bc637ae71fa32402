"""What a person sees and clicks, in a real headless Chromium."""

from __future__ import annotations

from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from dashboard.data import wording
from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.model import analysis, formatting
from dashboard.model.state import View
from dashboard.web.filters import FILTERS
from tests.browser.conftest import live_table, scroll_to_graph, wait_for_idle, wait_for_location, wait_for_map
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(REAL_DATA, Report())


def expected_figures(dataset, *, year, **selected):
    frame = analysis.filter_operations(dataset.operations, dataset.mix, View(year, selected), filters=FILTERS)
    return analysis.key_figures(frame)


def card_value(page, label: str) -> str:
    card = page.locator(".kf-card", has=page.locator(".kf-label", has_text=label)).first
    return card.locator(".kf-value").inner_text()


def test_the_region_page_loads_draws_the_map_and_stays_on_this_machine(server, page):
    page.page.goto(server.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    assert page.page.evaluate("document.documentElement.lang") == "fr"
    assert page.page.locator("#region-map .choroplethlocation").count() > 20
    # One symbol per commune with operations (9), and the 4 partner centres' names beside their point.
    assert page.page.locator("#region-map .scattergeo .point").count() == 9 + 4
    # The financing chart, below the first screen, is drawn once scrolled to (test_graphs_when_seen.py).
    scroll_to_graph(page.page, "region-mix", ".bars path")
    assert page.page.locator("#region-mix .bars path").count() >= 5
    assert page.errors == []
    assert page.foreign_requests() == []


def test_changing_the_year_changes_the_key_figures_and_the_url(server, page, dataset):
    page.page.goto(server.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    last = dataset_year = page.page.evaluate(
        "document.querySelector('#ctl-year [role=slider]')?.getAttribute('aria-valuenow')"
    )
    assert last is not None
    before = card_value(page.page, "logements livrés, constatés")  # 2022: Amiens, delivered in 2021
    for _ in range(int(dataset_year) - 2020):
        page.page.click("#ctl-year-prev")
        wait_for_idle(page.page)
    wait_for_location(page.page, r"annee=2020")
    page.page.wait_for_function("() => document.querySelector('.kf-row').innerText.includes('fin 2020')")
    after = card_value(page.page, "logements livrés, constatés")
    assert after == formatting.number(expected_figures(dataset, year=2020).dwellings_delivered)
    assert after != before
    assert page.errors == []


def test_a_deep_link_restores_year_and_filters(server, page, dataset):
    page.page.goto(server.url + "/?annee=2021&dep=60&statut=livraison+constat%C3%A9e")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    expected = expected_figures(dataset, year=2021, departements=("60",), statuses=("livraison constatée",))
    assert card_value(page.page, "dans la vue") == wording.plural(expected.operations, "opération")
    assert "Oise" in page.page.locator("#ctl-departement").inner_text()
    assert "livraison constatée" in page.page.locator("#ctl-status").inner_text()
    assert page.page.locator("#ctl-year [role=slider]").get_attribute("aria-valuenow") == "2021"
    assert page.page.locator("#region-table tbody tr").count() == expected.operations
    page.page.reload()
    wait_for_map(page.page)
    wait_for_idle(page.page)
    assert card_value(page.page, "dans la vue") == wording.plural(expected.operations, "opération")


def test_the_back_button_restores_the_previous_year(server, page):
    page.page.goto(server.url + "/?annee=2022")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    page.page.click("#ctl-year-prev")
    wait_for_location(page.page, r"annee=2021")
    page.page.wait_for_function("() => document.querySelector('.kf-row').innerText.includes('fin 2021')")
    page.page.go_back()
    wait_for_location(page.page, r"annee=2022")
    wait_for_idle(page.page)
    page.page.wait_for_function("() => document.querySelector('.kf-row').innerText.includes('fin 2022')")


def click_marker_of(page, commune: str, graph_id: str = "region-map") -> None:
    """Click the first operation marker of ``commune`` (its code travels in customdata)."""
    centre = page.evaluate(
        """([graphId, code]) => {
            for (const layer of document.querySelectorAll(`#${graphId} .trace.scattergeo`)) {
                const trace = layer.__data__[0].trace;
                if (!trace.customdata) continue;
                for (const point of layer.querySelectorAll('.point')) {
                    if (trace.customdata[point.__data__.i][0] === code) {
                        const box = point.getBoundingClientRect();
                        return [box.x + box.width / 2, box.y + box.height / 2];
                    }
                }
            }
            return null;
        }""",
        [graph_id, commune],
    )
    assert centre is not None, f"no marker for {commune}"
    page.mouse.click(*centre)


def test_clicking_a_marker_opens_the_commune_page_and_back_works_twice(server, page):
    page.page.goto(server.url + "/?annee=2021")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    for _ in range(2):  # the same commune, twice
        click_marker_of(page.page, "62041")
        wait_for_location(page.page, r"/commune/62041\?annee=2021")
        page.page.wait_for_selector("h1:has-text('Arras')")
        wait_for_map(page.page, "commune-map")
        page.page.wait_for_selector("#commune-operations .op-sheet")
        assert "Résidence Nobel" in page.page.locator("#commune-operations").inner_text()
        page.page.click("text=← Retour à la carte")
        wait_for_location(page.page, r"/\?annee=2021$")
        wait_for_map(page.page)
        wait_for_idle(page.page)
    assert page.errors == []


def test_the_table_links_to_the_commune_and_sorts(server, page):
    page.page.goto(server.url + "/")
    wait_for_map(page.page)
    wait_for_idle(page.page)
    live_table(page.page)
    page.page.click("#region-table button:has-text('Logements')")
    wait_for_idle(page.page)
    page.page.click("#region-table button:has-text('Logements')")
    page.page.wait_for_selector("#region-table th[aria-sort='descending']")
    first = page.page.locator("#region-table tbody tr").first.inner_text()
    assert "Quartier Ordener" in first  # 109 dwellings (its 2022 page), then Arras' 89
    page.page.click("#region-table tbody a:has-text('Soissons')")
    wait_for_location(page.page, r"/commune/02722")
    page.page.wait_for_selector("h1:has-text('Soissons')")
    page.page.wait_for_selector("#commune-operations .op-sheet")
    assert "1972" in page.page.locator("#commune-operations").inner_text()


def test_a_commune_without_operation_says_so(server, page):
    page.page.goto(server.url + "/commune/62498")
    page.page.wait_for_selector("h1:has-text('Lens')")
    page.page.wait_for_selector("text=Aucune opération publiée dans cette commune")
    assert "Ville du programme Action Cœur de Ville" in page.page.locator(".subtitle").inner_text()


def test_an_unknown_commune_is_a_french_404(server, page):
    with pytest.raises(HTTPError) as answer:
        urlopen(server.url + "/commune/99999")
    assert answer.value.code == 404
    response = page.page.goto(server.url + "/commune/99999")
    assert response.status == 404
    page.page.wait_for_selector("h1:has-text('Commune introuvable')")
    assert page.foreign_requests() == []
