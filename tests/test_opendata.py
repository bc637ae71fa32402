"""The open-data files: read back as a reuser would (pandas, geopandas), cached by version, and the page."""

from __future__ import annotations

import io
import json
import os
import time

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard.app import create_app
from dashboard.settings import Settings
from tests.conftest import SQUARES, write_world
from tests.test_live_reload import look_now

PARTNERS = "code_insee,commune,source,citation\n02691,Saint-Quentin,s1,« avec la ville de Saint-Quentin »\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return write_world(tmp_path_factory.mktemp("world") / "data")


@pytest.fixture(scope="module")
def client(world):
    return create_app(Settings(data_dir=world)).server.test_client()


def test_the_operations_csv_is_the_contract_with_codes_as_text(client):
    response = client.get("/donnees/operations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = pd.read_csv(io.BytesIO(response.data), dtype=str, keep_default_na=False)
    assert list(table.columns)[:4] == ["id", "programme", "commune", "code_insee"]
    assert set(table["code_insee"]) == {"02691", "60159", "80021"}
    amiens = table.set_index("id").loc["am-trois"]
    assert (amiens["longitude"], amiens["latitude"], amiens["precision_geo"]) == ("2.5", "0.5", "rue")
    assert table.set_index("id").loc["co-deux", "logements"] == "30"


def test_the_geojson_has_a_point_per_operation_with_its_precision(client, tmp_path):
    response = client.get("/donnees/operations.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    path = tmp_path / "operations.geojson"
    path.write_bytes(response.data)
    points = gpd.read_file(path).set_index("id")
    assert len(points) == 3 and set(points.geom_type) == {"Point"}
    assert points.loc["am-trois", "geometry"] == Point(2.5, 0.5)
    assert points.loc["am-trois", "precision_geo"] == "rue"
    # Placed at commune level only: the commune's point, inside the commune, and said so.
    saint_quentin = points.loc["sq-un"]
    x = SQUARES["02691"][1]
    assert saint_quentin["precision_geo"] == "commune"
    assert x < saint_quentin.geometry.x < x + 1 and 0 < saint_quentin.geometry.y < 1
    assert points.loc["sq-un", "code_insee"] == "02691"


@pytest.mark.parametrize("path", ["/donnees/operations.csv", "/donnees/operations.geojson", "/donnees/"])
@pytest.mark.parametrize("encoding", ["identity", "br"])
def test_a_client_holding_the_current_version_gets_a_304(client, path, encoding):
    first = client.get(path, headers={"Accept-Encoding": encoding})
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "public" in first.headers["Cache-Control"]
    again = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": '"autre"'})
    assert other.status_code == 200


def test_the_files_are_versioned_with_the_data(world, tmp_path):
    settings = Settings(
        data_dir=world, reload_check_seconds=0, reload_settle_seconds=0, state_dir=tmp_path / "state"
    )
    app = create_app(settings)
    client = app.server.test_client()
    before = client.get("/donnees/operations.csv").headers["ETag"]
    metadata = world / "metadata.json"
    original = metadata.read_text(encoding="utf-8")
    try:
        metadata.write_text(original.replace("}", ', "note": "nouvelle version"}', 1), encoding="utf-8")
        past = time.time() - 10  # files written a second ago may still be being written: not reloaded yet
        for path in world.iterdir():
            os.utime(path, (past, past))
        look_now(app.server.extensions["coeur_live"])
        after = client.get("/donnees/operations.csv")
        stale = client.get("/donnees/operations.csv", headers={"If-None-Match": before})
    finally:
        metadata.write_text(original, encoding="utf-8")
    assert after.headers["ETag"] != before
    assert stale.status_code == 200


def test_the_partner_communes_are_missing_until_the_file_exists(client, world):
    missing = client.get("/donnees/communes-partenaires.csv")
    assert missing.status_code == 404
    assert "communes partenaires n&#x27;est pas encore publiée" in missing.get_data(as_text=True)
    (world / "communes_partenaires.csv").write_text(PARTNERS, encoding="utf-8")
    try:
        served = client.get("/donnees/communes-partenaires.csv")
        again = client.get(
            "/donnees/communes-partenaires.csv", headers={"If-None-Match": served.headers["ETag"]}
        )
    finally:
        (world / "communes_partenaires.csv").unlink()
    assert served.status_code == 200 and served.data.decode("utf-8") == PARTNERS
    assert pd.read_csv(io.BytesIO(served.data), dtype=str)["code_insee"].tolist() == ["02691"]
    assert again.status_code == 304


def test_the_page_gives_the_licence_the_sources_the_files_and_the_dictionary(client):
    response = client.get("/donnees/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="fr">' in page
    assert "Licence Ouverte" in page
    assert 'href="/donnees/operations.csv"' in page and 'href="/donnees/operations.geojson"' in page
    assert "communes-partenaires.csv" not in page  # not published yet
    assert "<code>code_insee</code>" in page and "<code>remarques</code>" in page


def test_the_footer_links_to_the_open_data(client):
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    # the footer's links are written as HTML on the server (dashboard/web/written.py: static)
    assert 'href=\\"/donnees/\\"' in layout


def test_if_none_match_star_is_a_304(client):
    answer = client.get("/donnees/operations.csv", headers={"If-None-Match": "*"})
    assert answer.status_code == 304 and answer.data == b"" and answer.headers["ETag"]
