"""Behind a TLS proxy the staff area's absolute URLs — the OpenID Connect redirect URI — come from the site's
public address (COEUR_PUBLIC_URL), never from what a request's Host header claims; its redirects are paths."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings, StaffSettings
from tests.staff.conftest import BASE_URL, log_in, staff_data
from tests.staff.discovery import discovery_server

PUBLIC = "https://coeur.example.fr"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture(scope="module")
def issuer():
    with discovery_server() as url:
        yield url


def app_with(root, issuer: str, **settings):
    staff = StaffSettings(
        secret_key="clé derrière le mandataire " * 2,
        oidc_issuer=issuer,
        oidc_client_id="coeur",
        oidc_client_secret="secret",
        oidc_groups=("gestion",),
    )
    return create_app(
        Settings(data_dir=staff_data(root / "data"), state_dir=root / "state", staff=staff, **settings)
    )


def redirect_uri(client, headers: dict) -> str:
    response = client.get("/gestion/oidc", headers=headers)
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]


def test_the_redirect_uri_is_on_the_public_address_whatever_the_host_says(tmp_path, issuer):
    app = app_with(tmp_path, issuer, public_url=PUBLIC, trusted_proxies=1)
    client = app.server.test_client()
    assert redirect_uri(client, FORGED) == f"{PUBLIC}/gestion/oidc/retour"
    assert redirect_uri(client, {}) == f"{PUBLIC}/gestion/oidc/retour"


def test_without_a_public_address_the_scheme_comes_from_the_trusted_proxy_only(tmp_path, issuer):
    behind = app_with(tmp_path / "a", issuer, trusted_proxies=1)
    alone = app_with(tmp_path / "b", issuer)
    headers = {"X-Forwarded-Proto": "https"}
    assert redirect_uri(behind.server.test_client(), headers) == "https://localhost/gestion/oidc/retour"
    assert redirect_uri(alone.server.test_client(), headers) == "http://localhost/gestion/oidc/retour"


def test_the_staff_area_redirects_to_paths_never_to_the_host_a_request_names(tmp_path, issuer):
    app = app_with(tmp_path, issuer, public_url=PUBLIC, trusted_proxies=1)
    from dashboard.endpoints.staff.auth import hash_password
    from tests.staff.conftest import PASSWORD, USER

    app.server.extensions["coeur_staff"].store.set_user(USER, hash_password(PASSWORD))
    client = app.server.test_client()
    for path in ("/gestion/", "/gestion/historique", "/gestion/classeur.xlsx"):
        location = client.get(path, headers=FORGED, base_url=BASE_URL).headers["Location"]
        assert location.startswith("/gestion/connexion"), location
    response = log_in(client)
    assert response.headers["Location"] == "/gestion/"
