"""Link previews: the meta tags of each page name it and point at an image drawn on the server."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from PIL import Image

from dashboard.app import create_app
from dashboard.endpoints import sharing
from dashboard.settings import Settings
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_dir=REAL_DATA)).server.test_client()


def metas(client, path: str) -> dict[str, str]:
    page = client.get(path).get_data(as_text=True)
    return dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)"', page))


def test_a_commune_link_previews_with_its_name_figures_and_image(client):
    tags = metas(client, "/commune/60159")
    assert tags["og:title"].startswith("Compiègne")
    assert "Compiègne (60159), Oise" in tags["og:description"]
    assert tags["og:image"] == "http://localhost/apercu/60159.png"
    assert tags["og:url"] == "http://localhost/commune/60159"
    # each tag once: X reads the og: tags where its own are missing (the card kind is X's alone)
    assert not {"twitter:title", "twitter:description", "twitter:image", "twitter:url"} & set(tags)
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:locale"] == "fr_FR" and tags["twitter:card"] == "summary_large_image"


def test_the_region_has_its_own_preview_and_a_missing_page_none(client):
    assert metas(client, "/?annee=2021")["og:image"] == "http://localhost/apercu/region.png"
    assert metas(client, "/nulle-part").get("og:image", "") == ""


@pytest.mark.parametrize("name", ["60159", "region"])
def test_the_preview_is_a_png_of_the_expected_size_cached_by_data_version(client, name):
    response = client.get(f"/apercu/{name}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    again = client.get(f"/apercu/{name}.png", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_unknown_commune_has_no_preview(client):
    assert client.get("/apercu/99999.png").status_code == 404


def test_the_sheet_image_is_a_png_of_the_commune(client):
    image = client.get("/apercu/60612.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_partly_known_sum_says_the_operation_it_leaves_out_in_the_link_preview(client):
    """Saint-Quentin's student residence (delivered) publishes no number of dwellings: the preview's 90 is
    the other four's, and says so: the title with the mark its value carries, the description in full."""
    tags = metas(client, "/commune/02691")
    title = "Saint-Quentin : 5 opérations, 90 logements + 1 sans nombre — Cœur de Ville"
    assert html.unescape(tags["og:title"]) == title
    assert "de Clésence, 90 logements, hors 1 opération sans nombre publié." in tags["og:description"]


def test_every_commune_s_title_is_short_enough_for_a_tab_and_a_preview(client):
    """Link previews cut a headline past about 80 characters, a tab shows far fewer: Saint-Quentin's was 95
    (« 90 logements, hors 1 opération sans nombre publié »)."""
    with open(REAL_DATA / "operations.csv", encoding="utf-8") as handle:
        codes = sorted({row["code_insee"] for row in csv.DictReader(handle)})
    for code in codes:
        page = client.get(f"/commune/{code}").get_data(as_text=True)
        title = html.unescape(re.search(r"<title>([^<]*)</title>", page).group(1))
        assert title == html.unescape(metas(client, f"/commune/{code}")["og:title"])
        assert len(title) <= 80, title


def test_every_page_s_description_fits_in_the_lines_its_preview_draws(client):
    """The preview writes the description in ``LINES`` lines and would cut the rest without a sign."""
    with open(REAL_DATA / "operations.csv", encoding="utf-8") as handle:
        codes = sorted({row["code_insee"] for row in csv.DictReader(handle)})
    for path in ["/", *(f"/commune/{code}" for code in codes)]:
        lines = sharing.said_lines(html.unescape(metas(client, path)["og:description"]))
        assert 1 <= len(lines) <= sharing.LINES, (path, lines)
