"""The shipped outlines are today's communes (COG 2026) and still tile the region.

They are written by scripts/build_geography.py, which the tests do not run.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tests.conftest import REAL_DATA

COG_LIST = Path(__file__).parent / "files" / "cog2026-communes-32.csv"
# The outlines' coordinates are at 5 decimals (about 1 m): a sliver thinner than that is rounding, not a gap.
TOLERANCE_DEG = 1e-5
VINTAGE = "COG 2026 (contours IGN 2018 recomposés)"


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return gpd.read_file(REAL_DATA / "communes.geojson")


@pytest.fixture(scope="module")
def cog() -> dict[str, str]:
    with COG_LIST.open(encoding="utf-8") as file:
        return {row["COM"]: row["LIBELLE"] for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def former() -> list[dict[str, str]]:
    with (REAL_DATA / "communes-anciennes.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_every_cog_2026_commune_of_the_region_is_there_once(communes, cog):
    assert len(cog) == 3782
    assert len(communes) == 3782
    assert communes["code"].is_unique
    assert set(communes["code"]) == set(cog)


def test_names_are_the_cog_libelle_with_their_article(communes, cog):
    names = dict(zip(communes["code"], communes["nom"], strict=True))
    assert names == cog
    assert names["59368"] == "La Madeleine"
    assert names["62826"] == "Le Touquet-Paris-Plage"
    assert names["62447"] == "Hesdin-la-Forêt"


def test_no_former_code_is_left(communes, former):
    gone = {row["ancien_code"] for row in former if row["ancien_code"] != row["code"]}
    assert len(gone) == 26
    assert gone.isdisjoint(communes["code"])
    assert {"02434", "62549"} <= gone  # Lizy, Marconne


def test_the_2024_restoration_splits_les_hauts_talican_again(communes, former):
    names = dict(zip(communes["code"], communes["nom"], strict=True))
    assert names["60054"] == "Beaumont-les-Nonains"
    assert names["60694"] == "Les Hauts-Talican"
    merged = {row["ancien_nom"] for row in former if row["code"] == "60694"}
    assert merged == {"La Neuville-Garnier", "Villotran"}


def test_outlines_are_a_partition_with_no_overlap_and_no_gap(communes):
    assert communes.geometry.is_valid.all()
    assert shapely.coverage_is_valid(communes.geometry.values)  # no overlap, edges shared exactly
    region = shapely.coverage_union_all(communes.geometry.values)
    assert region.geom_type == "Polygon"
    holes = [shapely.Polygon(ring) for ring in region.interiors]
    assert all(hole.area < TOLERANCE_DEG**2 for hole in holes)
    assert shapely.area(communes.geometry.values).sum() == pytest.approx(region.area, rel=1e-9)


def test_departements_and_region_are_the_union_of_their_communes(communes):
    departements = gpd.read_file(REAL_DATA / "departements.geojson").set_index("code")
    assert list(departements.index) == ["02", "59", "60", "62", "80"]
    for code, shape in departements.geometry.items():
        mine = communes[communes["code"].str[:2] == code]
        assert shapely.coverage_union_all(mine.geometry.values).symmetric_difference(shape).area < 1e-9


def test_every_former_code_and_name_leads_to_a_commune_of_today(communes, cog, former):
    assert len(former) == 45
    for row in former:
        assert row["code"] in cog and cog[row["code"]] == row["nom"]
        assert row["ancien_nom"] != row["nom"]
        assert "2018-01-01" < row["date"] <= "2026-01-01"
    marconne = next(row for row in former if row["ancien_code"] == "62549")
    assert (marconne["code"], marconne["date"]) == ("62447", "2025-01-01")


def test_the_vintage_shown_is_cog_2026():
    metadata = json.loads((REAL_DATA / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["geometrie_millesime"] == VINTAGE
    assert VINTAGE in (REAL_DATA.parent / "README.md").read_text(encoding="utf-8")
