"""The operation page in Chromium: the Croix d'Or's dated record, each milestone with its source, facts
filled and forecasts hollow, its figures by source, its conflicts and the last search; on one A4 page;
reached from the search box, the commune map's symbols, the map's table, the operations table and the
commune page's sheets, by mouse and by keyboard."""

from __future__ import annotations

import subprocess

import pytest

from tests.browser.conftest import french_page, live_table, wait_for_idle, wait_for_location, wait_for_map
from tests.browser.test_printed_sheets import assert_continued_under_the_header, assert_readable, pages_words

pytestmark = pytest.mark.browser


@pytest.fixture
def screen(browser):
    context, page = french_page(browser, 1280, 900)
    yield page
    context.close()


def test_the_croix_d_or_page_shows_its_record_with_sources(server, screen):
    screen.goto(server.url + "/operation/soissons-rue-saint-christophe")
    screen.wait_for_selector(".operation-page .milestones")
    wait_for_idle(screen)
    assert screen.locator("h1.page-title").inner_text() == "Résidence de la Croix d'Or"
    assert (
        "Fin 2025 : livrée le 6 septembre 2022 (inauguration)."
        in screen.locator(".operation-state").inner_text()
    )
    items = screen.locator(".milestones > li")
    texts = items.all_inner_texts()
    assert texts[0].startswith("●\nAcquisition en 2016")  # in time order, the town purchase first
    inauguration = next(t for t in texts if "Inauguration le 6 septembre 2022" in t)
    assert "La Croix d'Or renaît, la rue Saint-Christophe revit" in inauguration  # its source, by name
    assert "Le Vase communicant (levase.fr), septembre 2022" in inauguration
    # the 2020 article's « laissera en 2021 place » stays in the record, hollow: a forecast, not a fact
    forecast = screen.locator(".milestones > li.ms-forecast")
    assert forecast.count() == 1 and "Autre en 2021" in forecast.inner_text()
    assert "prévu à la date de la source" in forecast.inner_text()
    reprise = next(t for t in texts if "Reprise des travaux le 4 mai 2020" in t)
    assert "Date déduite" in reprise
    link = screen.locator(".milestones a", has_text="La Croix d'Or renaît").first
    assert (
        link.get_attribute("href")
        == "https://www.levase.fr/actualites/la-croix-dor-renait-la-rue-saint-christophe-revit/"
    )
    assert "1973" in screen.locator(".figures-by-source").inner_text()
    assert "fermé depuis 1972" in screen.locator(".conflicts").inner_text()
    assert (
        "Dernière recherche de sources publiques : décembre 2026"
        in screen.locator(".operation-page").inner_text()
    )


def test_the_commune_page_links_each_operation_to_its_record(server, screen):
    screen.goto(server.url + "/commune/02722")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    screen.locator(".op-sheet h3 a").first.click()
    screen.wait_for_selector(".operation-page .milestones")
    assert screen.url.endswith("/operation/soissons-rue-saint-christophe")


def print_operation(screen, url: str, pdf) -> list[list[tuple[float, str]]]:
    screen.goto(url)
    screen.wait_for_selector(".operation-page .milestones")
    wait_for_idle(screen)
    screen.emulate_media(media="print")
    screen.pdf(path=str(pdf), format="A4", print_background=True)
    return pages_words(pdf)


def test_the_operation_page_prints_on_one_a4_page(server, screen, tmp_path):
    pdf = tmp_path / "croix-d-or.pdf"
    pages = print_operation(screen, server.url + "/operation/soissons-rue-saint-christophe", pdf)
    assert len(pages) == 1
    assert_readable(pages)  # the handout's rule (issue 25): no word under 9 pt
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = " ".join(text.stdout.split())
    assert "Inauguration le 6 septembre 2022" in flat and "Dernière recherche de sources publiques" in flat


def test_a_longer_record_continues_under_its_header_rather_than_set_smaller(server, screen, tmp_path):
    """The student residence has many readings of its figures: a second page, headed, still at 9 pt."""
    url = server.url + "/operation/saint-quentin-marechal-juin-residence-etudiante"
    pages = print_operation(screen, url, tmp_path / "residence.pdf")
    assert len(pages) == 2
    assert_readable(pages)
    assert_continued_under_the_header(pages, "Résidence universitaire Marguerite Yourcenar")


CROIX_D_OR = "/operation/soissons-rue-saint-christophe"


def opened(screen, path: str) -> None:
    """Until the operation page at ``path`` is drawn."""
    wait_for_location(screen, path.replace("?", r"\?"))
    screen.wait_for_selector(".operation-page .milestones")


def test_a_search_result_for_an_operation_opens_its_page(server, screen):
    screen.goto(server.url + "/?annee=2022")
    wait_for_map(screen)
    wait_for_idle(screen)
    screen.fill("#shell-search", "croix d'or")
    first = screen.locator("#shell-search-results a").first
    first.wait_for()
    assert "opération · Soissons" in first.inner_text()
    assert first.get_attribute("href") == CROIX_D_OR + "?annee=2022"  # its page, not the commune's sheet
    first.click()
    opened(screen, CROIX_D_OR + "?annee=2022")
    assert screen.locator("h1.page-title").inner_text() == "Résidence de la Croix d'Or"


def test_enter_in_the_search_box_opens_the_operation_found_first(server, screen):
    screen.goto(server.url + "/commune/62041")
    screen.wait_for_selector("h1:has-text('Arras')")
    screen.fill("#shell-search", "square acary")
    screen.locator("#shell-search-results a").first.wait_for()
    screen.press("#shell-search", "Enter")
    opened(screen, "/operation/compiegne-rue-d-amiens")
    assert screen.locator("h1.page-title").inner_text() == "Résidence Square Acary"


def click_operation_marker(screen, op_id: str, graph_id: str = "commune-map") -> None:
    """Click the symbol whose customdata carries ``op_id`` (``[code, id]``)."""
    centre = screen.evaluate(
        """([graphId, opId]) => {
            for (const layer of document.querySelectorAll(`#${graphId} .trace.scattergeo`)) {
                const trace = layer.__data__[0].trace;
                if (!trace.customdata) continue;
                for (const point of layer.querySelectorAll('.point')) {
                    if (trace.customdata[point.__data__.i][1] === opId) {
                        const box = point.getBoundingClientRect();
                        return [box.x + box.width / 2, box.y + box.height / 2];
                    }
                }
            }
            return null;
        }""",
        [graph_id, op_id],
    )
    assert centre is not None, f"no symbol for {op_id}"
    screen.mouse.click(*centre)


@pytest.mark.parametrize(
    ("code", "op_id", "title"),
    [
        ("02722", "soissons-rue-saint-christophe", "Résidence de la Croix d'Or"),
        ("60612", "senlis-quartier-ordener", "Quartier Ordener"),  # one of three symbols spread apart
    ],
)
def test_a_click_on_an_operation_s_symbol_opens_its_page(server, screen, code, op_id, title):
    screen.goto(server.url + f"/commune/{code}?annee=2025")
    wait_for_map(screen, "commune-map")
    wait_for_idle(screen)
    screen.locator("#commune-map").scroll_into_view_if_needed()
    click_operation_marker(screen, op_id)
    opened(screen, f"/operation/{op_id}?annee=2025")
    assert screen.locator("h1.page-title").inner_text() == title
    screen.click("text=← Retour à la carte")  # the view travels with the page: back to the region's
    wait_for_location(screen, r"/\?annee=2025$")


def test_the_map_s_table_links_each_operation_to_its_page_from_the_keyboard(server, screen):
    screen.goto(server.url + "/?annee=2025")
    wait_for_map(screen)
    wait_for_idle(screen)
    screen.focus("#region-map-table-open")
    screen.keyboard.press("Enter")  # the table opens from the keyboard
    screen.wait_for_selector("#region-map-table-body tr")
    row = screen.locator("#region-map-table-body tr", has_text="Soissons")
    link = row.locator("a", has_text="Résidence de la Croix d'Or")
    assert link.get_attribute("href") == CROIX_D_OR
    link.focus()
    screen.keyboard.press("Enter")
    opened(screen, CROIX_D_OR)


def test_the_operations_table_links_each_name_to_its_page(server, screen):
    screen.goto(server.url + "/?annee=2025")
    wait_for_map(screen)
    wait_for_idle(screen)
    live_table(screen)
    link = screen.locator("#region-table tbody a", has_text="Résidence de la Croix d'Or")
    assert link.get_attribute("href") == CROIX_D_OR
    link.focus()
    screen.keyboard.press("Enter")
    opened(screen, CROIX_D_OR)


def test_the_commune_page_s_sheet_title_opens_the_operation_from_the_keyboard(server, screen):
    screen.goto(server.url + "/commune/02722")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    screen.locator(".op-sheet h3 a").first.focus()
    screen.keyboard.press("Enter")
    opened(screen, CROIX_D_OR)
