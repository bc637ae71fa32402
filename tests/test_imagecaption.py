"""What a PNG export writes around its graph: the view of the page's URL, escaped, one paragraph a line."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_dir=REAL_DATA)).server.test_client()


def caption(client, path: str, search: str) -> dict:
    response = client.get("/export/legende", query_string={"chemin": path, "vue": search})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_a_commune_caption_names_the_commune_the_year_the_sources_and_the_data_date(client):
    answer = caption(client, "/commune/60159", "?annee=2021")
    assert answer["place"] == "Compiègne" and answer["year"] == 2021
    assert answer["lines"][0] == "Périmètre : Compiègne · Filtres : aucun · situation à la fin de 2021"
    assert answer["lines"][1].startswith("Sources : ")  # one paragraph: the browser wraps it (coeur.js)
    assert "Sources publiées de 2016 à 2026 (20 sources, 16 à date estimée)" in answer["lines"][-1]
    assert "fichier modifié le 2026-12-06" in answer["lines"][-1]
    assert len(answer["lines"]) == 3


def test_a_region_caption_names_the_filters(client):
    answer = caption(client, "/", "?annee=2020&dep=60&statut=livrée")
    assert answer["lines"][0] == (
        "Périmètre : Hauts-de-France · Filtres : Départements : Oise; Statuts : livrée · "
        "situation à la fin de 2020"
    )


def test_a_forged_address_gets_the_region_and_markup_stays_text(client):
    answer = caption(client, "/<b>x</b>", "?annee=<script>")
    assert answer["place"] == "Hauts-de-France"
    assert "<" not in "".join(answer["lines"])
