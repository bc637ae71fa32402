"""The commune card served for iframes, and its snippet: plain HTML, its map drawn on the server."""

from __future__ import annotations

import datetime
import re

import pytest
from shapely.geometry import MultiPolygon, box

from dashboard.app import create_app
from dashboard.endpoints import embed
from dashboard.model.state import MIN_YEAR
from dashboard.settings import Settings
from dashboard.web import share
from tests.conftest import REAL_DATA, write_world


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    world = write_world(tmp_path_factory.mktemp("world") / "data")
    return create_app(
        Settings(data_dir=world, frame_ancestors=("https://www.ville.example",))
    ).server.test_client()


def test_the_card_names_the_commune_its_figures_and_links_to_the_full_page(client):
    response = client.get("/integration/commune/60159?annee=2021")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<h1>Compiègne</h1>" in page and "<script" not in page
    assert "<strong>30 à 32</strong><span>logements</span>" in page  # the range the sources allow
    assert 'href="/commune/60159?annee=2021" target="_blank"' in page
    assert "<svg" in page and '<path d="M' in page


def test_the_card_may_be_framed_by_the_configured_origins_only(client):
    policy = client.get("/integration/commune/60159").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.ville.example" in policy


def test_the_year_is_kept_to_the_data_period(client):
    first, last = MIN_YEAR, datetime.date.today().year

    def year_of(query: str) -> int:
        page = client.get("/integration/commune/60159" + query).get_data(as_text=True)
        return int(re.search(r'\?annee=(\d+)" target', page).group(1))

    assert year_of("?annee=1900") == first and year_of("?annee=3000") == last
    assert year_of("?annee=2021") == 2021
    assert year_of("?annee=abc") == year_of("") <= last  # the pages' default year: the latest source's


@pytest.fixture(scope="module")
def real_client():
    return create_app(Settings(data_dir=REAL_DATA)).server.test_client()


def test_the_card_never_counts_a_forecast_as_delivered(real_client):
    page = real_client.get("/integration/commune/60159?annee=2025").get_data(as_text=True)
    # Square Acary moved in (December 2021): reported; Quai des Roses' opening was announced for 2024: planned
    assert "<strong>69 à 87</strong><span>logements</span>" in page  # the range, not « 69 »
    assert "<strong>39 à 55</strong><span>logements livrés (constaté), fin 2025</span>" in page
    assert "<strong>30 à 32</strong><span>logements à livraison prévue, fin 2025</span>" in page
    assert "1 livrée (constaté) · 1 livraison prévue (fin 2025)" in page
    assert "+ 1 sans coût</small><span>coût publié</span>" in page and "investis" not in page
    assert "dernière recherche : décembre 2026" in page


def test_a_delivery_without_a_published_number_is_unknown_on_the_card_never_0(tmp_path):
    # Saint-Quentin's one operation, delivered in 2020 (reported by a 2023 source), publishes no number
    rows = ["sq-un,ACV,Saint-Quentin,02691,Rue A,,reconversion,Un,,,,509,,,2020,,,,,,s1,,,"]
    world = write_world(tmp_path / "data", rows)
    page = (
        create_app(Settings(data_dir=world)).server.test_client().get("/integration/commune/02691?annee=2022")
    )
    text = page.get_data(as_text=True)
    assert "<strong>non publié</strong><span>logements · 1 opération sans nombre publié</span>" in text
    assert (
        "<strong>non publié</strong><span>logements livrés (constaté), fin 2022 · 1 opération livrée sans "
        "nombre publié</span>"
    ) in text
    assert "<strong>0</strong>" not in text


def test_saint_quentin_s_card_says_its_delivered_residence_has_no_published_number(real_client):
    page = real_client.get("/integration/commune/02691?annee=2025").get_data(as_text=True)
    # the sum of 90 marks the residence it leaves out on itself, as on the page and the slide
    assert (
        "<strong>90</strong><small class='uncounted' title='1 opération sans nombre publié'>+ 1 sans nombre"
        "</small><span>logements</span>"
    ) in page
    assert (
        "<strong>non publié</strong><span>logements livrés (constaté), fin 2025 · 1 opération livrée sans "
        "nombre publié</span>"
    ) in page
    assert "<strong>79</strong><span>logements à livraison prévue, fin 2025</span>" in page


def test_a_partial_sum_of_cost_carries_its_mark_as_on_the_page(real_client):
    page = real_client.get("/integration/commune/60159?annee=2025").get_data(as_text=True)
    # Compiègne: one of its two operations publishes a cost
    assert (
        "<strong>5,9\u00a0M€</strong><small class='uncounted' title='1 opération sans coût publié'>"
        "+ 1 sans coût"
        "</small><span>coût publié</span>"
    ) in page


def test_a_year_after_the_latest_source_is_said_to_be_a_projection(real_client):
    page = real_client.get("/integration/commune/60159?annee=2026").get_data(as_text=True)
    assert "fin 2026 (projection)" in page and "Après 2025, date de la dernière source" in page
    # the states line is in brackets already: the projection is said without nesting a second pair
    statuses = page.split("<p class='statuses'>")[1].split("</p>")[0]
    assert "(fin 2026, projection)." in statuses and "((" not in statuses and "))" not in statuses


def test_a_year_up_to_the_latest_source_is_not_called_a_projection(real_client):
    page = real_client.get("/integration/commune/60159?annee=2025").get_data(as_text=True)
    statuses = page.split("<p class='statuses'>")[1].split("</p>")[0]
    assert "(fin 2025)." in statuses and "projection" not in statuses and "Après 2025" not in statuses


def test_an_unknown_commune_is_a_french_404(client):
    response = client.get("/integration/commune/99999")
    assert response.status_code == 404 and "Aucune commune" in response.get_data(as_text=True)


def test_the_outline_is_drawn_inside_the_map_with_its_holes():
    shape = MultiPolygon([box(0, 0, 1, 1).difference(box(0.4, 0.4, 0.6, 0.6)), box(2, 0, 3, 1)])
    to_svg = embed.project(shape)
    path = embed.outline_path(shape, to_svg)
    assert path.count("M") == 3  # two outlines and a hole
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
    assert min(numbers) >= 0 and max(numbers) <= max(embed.MAP_SIZE)


def test_the_snippet_is_an_iframe_of_the_card_sized_for_it():
    snippet = share.snippet("https://coeur.example/", "02691", "Saint-Quentin")
    assert snippet.startswith('<iframe src="https://coeur.example/integration/commune/02691"')
    assert 'width="600" height="400"' in snippet and 'title="Saint-Quentin' in snippet
