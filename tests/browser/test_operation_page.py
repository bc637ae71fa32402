"""The operation page in Chromium: the Croix d'Or's dated record, each milestone with its source, facts
filled and forecasts hollow, its figures by source, its conflicts and the last search; on one A4 page."""

from __future__ import annotations

import subprocess

import pytest

from tests.browser.conftest import wait_for_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
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


def test_the_operation_page_prints_on_one_a4_page(server, screen, tmp_path):
    screen.goto(server.url + "/operation/soissons-rue-saint-christophe")
    screen.wait_for_selector(".operation-page .milestones")
    wait_for_idle(screen)
    screen.emulate_media(media="print")
    pdf = tmp_path / "croix-d-or.pdf"
    screen.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = " ".join(text.stdout.split())
    assert "Inauguration le 6 septembre 2022" in flat and "Dernière recherche de sources publiques" in flat
