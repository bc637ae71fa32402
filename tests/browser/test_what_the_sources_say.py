"""What a person reads first says what the sources support: the programme's published totals above the
fold, a title that states its perimeter, ranges where the sources allow two readings, partner towns that
quote their source instead of showing zeros — on screen, in presentation mode and on paper."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import wait_for_idle, wait_for_map

pytestmark = pytest.mark.browser


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def open_region(page, url: str) -> None:
    page.goto(url)
    wait_for_map(page)
    wait_for_idle(page)


def test_the_first_screen_leads_with_the_published_totals_and_the_coverage(server, screen):
    open_region(screen, server.url + "/")
    lead = screen.locator(".lead")
    text = lead.inner_text()
    for fragment in (
        "27",
        "882",
        "11",
        "15,0",
        "Détail publié : 11 programmes sur 27, 344 à 407 logements sur 882",
    ):
        assert fragment in text
    box = lead.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900  # above the fold at 1440×900
    assert (
        "Situation fin 2022 selon les sources publiées en 2020" in screen.locator(".year-line").inner_text()
    )


@pytest.mark.parametrize(
    ("query", "title", "dwellings"),
    [
        (
            "?programme=ACV",
            "Opérations du programme Action Cœur de Ville de Clésence — Hauts-de-France",
            "344 à 407",
        ),
        ("?programme=hors+ACV", "Opérations (hors programme) de Clésence — Hauts-de-France", "46"),
        (
            "?programme=ACV&dep=60",
            "Opérations du programme Action Cœur de Ville de Clésence — Oise",
            "201 à 264",
        ),  # 18 + 50 + (64 à 109) + (30 à 32) + (39 à 55)
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


def test_senlis_shows_its_range_and_why(server, screen):
    screen.goto(server.url + "/commune/60612")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    assert screen.locator("#commune-figures .kf-card").nth(1).inner_text().startswith("114 à 159 ⚠")
    sheets = screen.locator("#commune-operations").inner_text()
    assert "64 à 109 ⚠ (deux lectures des sources)" in sheets
    assert "si les 45 sont compris dans les 64" in sheets
    assert "livraison prévue en 2021 (annoncée en 2020)" in sheets


def test_the_slide_keeps_the_published_totals_and_the_ranges(server, screen):
    open_region(screen, server.url + "/?presentation=1&programme=ACV")
    assert screen.locator(".lead").is_visible()
    assert "882" in screen.locator(".lead").inner_text()
    assert screen.locator("#region-figures .kf-card").nth(1).inner_text().startswith("344 à 407")


def test_the_printed_sheet_keeps_the_range_and_the_sources_dates(server, screen, tmp_path):
    screen.goto(server.url + "/commune/60612")
    screen.wait_for_selector("#commune-operations .op-sheet")
    wait_for_idle(screen)
    screen.emulate_media(media="print")
    pdf = tmp_path / "senlis.pdf"
    screen.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "114 à 159" in flat
    assert "64 à 109" in flat
    assert "2020 (date estimée)" in flat
