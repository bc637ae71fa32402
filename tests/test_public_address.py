"""Every absolute URL (link previews, QR codes, embed snippets) uses the configured public address, never
what a request's Host header claims; forwarded headers are trusted from the configured proxy only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings, public_url
from tests.conftest import REAL_DATA

PUBLIC = "https://coeur.example.fr"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    state = Path(tmp_path_factory.mktemp("state"))
    settings = Settings(data_dir=REAL_DATA, public_url=PUBLIC, state_dir=state, trusted_proxies=1)
    return create_app(settings).server.test_client()


def test_a_forged_host_never_reaches_the_link_preview(client):
    page = client.get("/commune/60159", headers=FORGED).get_data(as_text=True)
    tags = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)"', page))
    assert tags["og:image"] == f"{PUBLIC}/apercu/60159.png"
    assert tags["og:url"] == f"{PUBLIC}/commune/60159"
    assert "evil.example" not in page


def test_the_printed_address_its_qr_code_and_the_embed_snippet_use_the_public_address(client):
    page = client.get("/commune/60159?annee=2024", headers=FORGED).get_data(as_text=True)
    assert f"{PUBLIC}/commune/60159" in page  # the printed sheet's address
    assert f"{PUBLIC}/integration/commune/60159" in page  # the embed snippet
    assert "evil.example" not in page


def test_without_a_public_address_the_scheme_comes_from_the_trusted_proxy_only(tmp_path):
    behind = create_app(Settings(data_dir=REAL_DATA, state_dir=tmp_path / "a", trusted_proxies=1))
    alone = create_app(Settings(data_dir=REAL_DATA, state_dir=tmp_path / "b"))
    headers = {"X-Forwarded-Proto": "https"}

    def image(app) -> str:
        page = app.server.test_client().get("/commune/60159", headers=headers).get_data(as_text=True)
        return re.search(r'property="og:image" content="([^"]*)"', page).group(1)

    assert image(behind) == "https://localhost/apercu/60159.png"
    assert image(alone) == "http://localhost/apercu/60159.png"  # no proxy configured: not trusted


@pytest.mark.parametrize(
    "value", ["coeur.example.fr", "ftp://x.fr", "https://x.fr/chemin", "https://x.fr/?a=1"]
)
def test_a_public_address_must_be_an_origin(value):
    with pytest.raises(ValueError, match="adresse publique invalide"):
        public_url(value)


def test_a_public_address_loses_its_trailing_slash():
    assert public_url(" https://x.fr:8443/ ") == "https://x.fr:8443"
