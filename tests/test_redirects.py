"""/commune/<former code or name>: redirects to today's commune, a list when a name is ambiguous."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_dir=REAL_DATA)).server.test_client()


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/commune/62549", 301, "/commune/62447?ancien=62549"),  # Marconne → Hesdin-la-Forêt
        ("/commune/02434", 301, "/commune/02018?ancien=02434"),  # Lizy → Anizy-le-Grand
        ("/commune/62549?annee=2021", 301, "/commune/62447?annee=2021&ancien=62549"),
        ("/commune/compiegne", 302, "/commune/60159"),
        ("/commune/Compi%C3%A8gne", 302, "/commune/60159"),
        ("/commune/la-madeleine", 302, "/commune/59368"),
        ("/commune/madeleine", 302, "/commune/59368"),
        ("/commune/saint-quentin", 302, "/commune/02691"),
        ("/commune/la-capelle", 302, "/commune/02141"),  # not Capelle (59127): the article decides
        ("/commune/marconne", 302, "/commune/62447?ancien=Marconne"),  # a former name
        ("/commune/guignicourt", 302, "/commune/02360?ancien=Guignicourt"),
    ],
)
def test_former_codes_and_names_redirect_to_today_s_commune(client, path, status, location):
    response = client.get(path)
    assert (response.status_code, response.headers["Location"]) == (status, location)


def test_an_ambiguous_name_lists_the_candidates_with_300(client):
    response = client.get("/commune/dury")
    assert response.status_code == 300
    page = response.get_data(as_text=True)
    assert "Plusieurs communes répondent à « dury »" in page
    for code, departement in (("02273", "Aisne"), ("62280", "Pas-de-Calais"), ("80261", "Somme")):
        assert f'<a href="/commune/{code}">Dury</a> ({departement}, code {code})' in page
    assert 'lang="fr"' in page and "Location" not in response.headers
    assert '<header class="header"><a class="brand-link" href="/"><span class="brand">Cœur de Ville' in page


@pytest.mark.parametrize("path", ["/commune/62999", "/commune/nulle-part", "/commune/2A004"])
def test_unknown_codes_and_names_stay_404(client, path):
    assert client.get(path).status_code == 404


def test_today_s_code_is_served_as_before(client):
    response = client.get("/commune/62447")
    assert response.status_code == 200
    assert "redirect-notice" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "notice"),
    [
        (
            "/commune/62447?ancien=62549",
            "Marconne fait partie de Hesdin-la-Forêt depuis le 1er janvier 2025.",
        ),
        ("/commune/62447?ancien=Hesdin", "Hesdin s'appelle Hesdin-la-Forêt depuis le 1er janvier 2025."),
        (
            "/commune/60694?ancien=60455",
            "La Neuville-Garnier fait partie des Hauts-Talican depuis le 1er janvier 2019.",
        ),
    ],
)
def test_the_page_reached_says_which_commune_it_is_now_part_of(client, path, notice):
    page = client.get(path).get_data(as_text=True)
    assert f'<p class="redirect-notice" id="redirect-notice" role="status">{notice}</p>' in page.replace(
        "&#39;", "'"
    )


@pytest.mark.parametrize(
    "path", ["/commune/02691?ancien=62549", "/commune/62447?ancien=<b>x</b>", "/?ancien=62549"]
)
def test_no_notice_for_a_former_commune_that_did_not_become_this_one(client, path):
    assert "redirect-notice" not in client.get(path).get_data(as_text=True)


def test_callbacks_and_other_methods_are_not_redirected(client):
    assert client.post("/commune/62549").status_code != 301
