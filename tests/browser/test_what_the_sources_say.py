"""What a person reads first says what the sources support: the programme's published totals above the
fold, a title that states its perimeter, ranges where the sources allow two readings, partner towns that
quote their source instead of showing zeros — on screen, in presentation mode and on paper."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import wait_for_idle, wait_for_map

pytestmark = pytest.mark.browser


def open_region(page, url: str) -> None:
    page.goto(url)
    wait_for_map(page)
    wait_for_idle(page)


def test_the_first_screen_leads_with_the_published_totals_and_the_coverage(server, screen):
    open_region(screen, server.url + "/")
    lead = screen.locator(".lead")
    text = lead.inner_text()
    for fragment in (
        "27 (2022) · 33 (2021)",
        "882 (2022) · 864 (2021)",
        "15,0",
        # two dated claims side by side, neither a part of the other
        "27 programmes et 882 logements (2022) ; 33 opérations et 864 logements (2021)",
        "Détail publié par les sources : 12 opérations Action Cœur de Ville, 431 à 449 logements",
    ):
        assert fragment in text
    box = lead.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900  # above the fold at 1440×900
    year_line = screen.locator(".year-line").inner_text()
    assert "Situation fin 2025 selon les sources publiées de 2016 à 2026" in year_line
    assert "Dernière recherche de sources publiques : décembre 2026" in year_line


def test_the_region_page_puts_what_was_planned_beside_what_happened(server, screen):
    open_region(screen, server.url + "/")
    folded = screen.locator(".planned-vs-actual")
    # The counts read on the first screen, each delivery named once the fold is opened.
    assert folded.inner_text() == (
        "Prévu et constaté : 1 livraison constatée dont la date avait été annoncée : 6 mois de retard sur "
        "la première date annoncée ; 1 autre sans date annoncée auparavant. Les livraisons seulement prévues "
        "ne sont pas comptées."
    )
    folded.locator("summary").click()
    text = folded.inner_text()
    # Square Acary: announced for the first half of 2021 (2020), moved in on 1 December 2021
    assert "Compiègne, Résidence Square Acary : prévue au premier semestre 2021 (annonce de 2020), " in text
    assert "constatée le 1er décembre 2021" in text
    assert "Soissons, Résidence de la Croix d'Or : constatée le 6 septembre 2022, sans date annoncée" in text


@pytest.mark.parametrize(
    ("query", "title", "dwellings"),
    [
        (
            "?programme=ACV",
            "Opérations du programme Action Cœur de Ville de Clésence — Hauts-de-France",
            "431 à 449",
        ),
        ("?programme=hors+ACV", "Opérations (hors programme) de Clésence — Hauts-de-France", "46"),
        (
            "?programme=ACV&dep=60",
            "Opérations du programme Action Cœur de Ville de Clésence — Oise",
            "288 à 306",
        ),  # Beauvais 18 + Bismont 50 + Ordener 109 + (30 à 32) + (39 à 55) + Creil 42
    ],
)
def test_the_title_states_the_perimeter_the_figures_count(server, screen, query, title, dwellings):
    open_region(screen, server.url + "/" + query)
    assert screen.locator("#region-title h1").inner_text() == title
    figures = screen.locator("#region-figures .kf-card").nth(1).inner_text()
    assert figures.startswith(dwellings)


def test_choosing_a_programme_in_the_filter_changes_the_title(server, screen):
    open_region(screen, server.url + "/")
    assert "Action Cœur de Ville ou non" in screen.locator("#region-title h1").inner_text()
    screen.goto(server.url + "/?programme=ACV")  # the URL is the state: the filter's own value
    wait_for_map(screen)
    wait_for_idle(screen)
    assert "du programme Action Cœur de Ville" in screen.locator("#region-title h1").inner_text()


def test_a_partner_commune_quotes_its_source_and_shows_no_zero(server, screen):
    screen.goto(server.url + "/commune/02168")
    screen.wait_for_selector(".partner")
    wait_for_idle(screen)
    text = screen.locator(".partner").inner_text()
    assert "Clésence intervient à Château-Thierry" in text
    assert "le détail des opérations n'y a pas été publié" in text
    assert "onze centres-villes" in text
    figures = screen.locator("#commune-figures").inner_text()
    assert not re.search(r"(^|\s)0 (opération|logement|m²)", figures)
    assert screen.locator("#commune-figures .kf-card").count() == 0


def test_compiegne_shows_its_range_and_why(server, screen):
    screen.goto(server.url + "/commune/60159")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    assert screen.locator("#commune-figures .kf-card").nth(1).inner_text().startswith("69 à 87 ⚠")
    sheets = screen.locator("#commune-operations").inner_text()
    assert "30 à 32 ⚠ (deux lectures des sources)" in sheets
    assert "livrée le 1er décembre 2021 (emménagement, date déduite)" in sheets
    assert "Lectures en désaccord" in sheets and "Sources en désaccord" not in sheets


def test_the_slide_keeps_the_published_totals_and_the_ranges(server, screen):
    open_region(screen, server.url + "/?presentation=1&programme=ACV")
    assert screen.locator(".lead").is_visible()
    assert "882" in screen.locator(".lead").inner_text()
    assert screen.locator("#region-figures .kf-card").nth(1).inner_text().startswith("431 à 449")


def test_the_printed_sheet_keeps_the_range_and_the_sources_dates(server, screen, tmp_path):
    screen.goto(server.url + "/commune/60159")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    screen.emulate_media(media="print")
    pdf = tmp_path / "compiegne.pdf"
    screen.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "69 à 87" in flat
    assert "30 à 32" in flat
    assert "Sources publiées de 2016 à 2026" in flat
    assert "Dernière recherche de sources publiques : décembre 2026" in flat
