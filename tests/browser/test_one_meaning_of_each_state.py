"""A forecast is never counted as a delivery, in Chromium: the Statut filter, the map's table and the
commune card for town-hall sites say « livraison constatée » and « livraison prévue » apart."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_idle, wait_for_map

pytestmark = pytest.mark.browser


def test_the_status_filter_lists_reported_and_planned_deliveries_apart(server, screen):
    screen.goto(server.url + "/?annee=2022")
    wait_for_map(screen)
    wait_for_idle(screen)
    screen.click("#ctl-status")
    screen.locator("[role=option]", has_text="livraison prévue").wait_for()  # the menu opens in a portal
    options = [text.strip() for text in screen.locator("[role=option]").all_inner_texts()]
    assert options[:2] == ["livraison constatée", "livraison prévue"] and "livrée" not in options


def test_a_planned_delivery_is_kept_apart_by_the_filter_and_the_map_table(server, screen):
    # end of 2022: Capucins, the Sous-Préfecture, Beauvais (the 2020 list) and Ordener (its 2022 page) were
    # planned for 2022 or before by the sources out by then, never reported
    screen.goto(server.url + "/?annee=2022&statut=livraison+pr%C3%A9vue")
    wait_for_map(screen)
    wait_for_idle(screen)
    assert screen.locator("#region-table tbody tr").count() == 4
    table = screen.locator("#region-table").inner_text()
    assert "livraison prévue en 2022 (annoncée en 2020)" in table and "livrée le" not in table
    # the forecast known at the end of 2022, not « d'ici 2025 » (a page surely out only by 2025)...
    assert (
        "livraison prévue en 2022 (annoncée en 2019–2022)" in table and "annoncée en 2022–2025" not in table
    )
    # ...and the « Livraison » column, today's date, says so
    assert "« Livraison » : la date la plus récente publiée" in table
    screen.click("#region-map-table-open")
    screen.wait_for_selector("#region-map-table-body tr")
    rows = screen.locator("#region-map-table-body").inner_text()
    assert "1 livraison prévue" in rows and "livrée" not in rows


def test_the_map_table_shows_ranges_and_reported_deliveries(server, screen):
    screen.goto(server.url + "/?annee=2025")
    wait_for_map(screen)
    wait_for_idle(screen)
    screen.click("#region-map-table-open")
    screen.wait_for_selector("#region-map-table-body tr")
    compiegne = screen.locator("#region-map-table-body tr", has_text="Compiègne").inner_text()
    assert "69 à 87" in compiegne  # Square Acary 39 à 55 + Quai des Roses 30 à 32, not « 69 »
    assert "1 livraison constatée" in compiegne and "1 livraison prévue" in compiegne


def test_the_commune_card_never_counts_a_forecast_as_delivered(server, screen):
    screen.goto(server.url + "/integration/commune/60159")
    text = screen.locator("main.card").inner_text()
    assert "69 à 87" in text and "39 à 55" in text  # ranges, delivered as reported (Square Acary)
    assert "logements livrés (constaté), fin 2025" in text
    assert "1 livrée (constaté) · 1 livraison prévue (fin 2025)" in text
    assert "investis" not in text and "+ 1 sans coût\ncoût publié" in text  # the mark on the value
    assert "dernière recherche : décembre 2026" in text
