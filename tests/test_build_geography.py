"""The replay of scripts/build_geography.py on hand-built movements (the script itself runs offline)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import shapely

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_geography.py"
spec = importlib.util.spec_from_file_location("build_geography", SCRIPT)
build = importlib.util.module_from_spec(spec)
sys.modules["build_geography"] = build  # dataclasses look their module up while the class is made
spec.loader.exec_module(build)


def move(date: str, before: str, name_before: str, after: str, name_after: str, mod: str = "32") -> dict:
    return {
        "MOD": mod,
        "DATE_EFF": date,
        "TYPECOM_AV": "COM",
        "COM_AV": before,
        "LIBELLE_AV": name_before,
        "TYPECOM_AP": "COM",
        "COM_AP": after,
        "LIBELLE_AP": name_after,
    }


# Les Hauts-Talican, as INSEE records it: made in 2019 under Beaumont's code, split in 2024, when it
# takes Villotran's code and Beaumont-les-Nonains is restored under its own.
HAUTS_TALICAN = [
    move("2019-01-01", "60054", "Beaumont-les-Nonains", "60054", "Les Hauts-Talican"),
    move("2019-01-01", "60455", "La Neuville-Garnier", "60054", "Les Hauts-Talican"),
    move("2019-01-01", "60694", "Villotran", "60054", "Les Hauts-Talican"),
    move("2024-01-01", "60054", "Les Hauts-Talican", "60054", "Beaumont-les-Nonains", "21"),
    move("2024-01-01", "60054", "Les Hauts-Talican", "60694", "Les Hauts-Talican", "21"),
]


def test_a_restoration_gives_each_piece_back_to_the_right_commune():
    owner, since = build.replay(["60054", "60455", "60694"], HAUTS_TALICAN)
    assert owner == {"60054": "60054", "60455": "60694", "60694": "60694"}
    assert since["60455"] == "2019-01-01"  # part of Les Hauts-Talican since 2019, whatever its code
    assert since["60054"] == "2024-01-01"


def test_movements_of_one_date_apply_at_once_and_chains_follow():
    movements = [
        move("2019-01-01", "A", "Alpha", "B", "Beta"),
        move("2019-01-01", "B", "Beta", "B", "Beta"),
        move("2022-01-01", "B", "Beta", "C", "Gamma"),
        move("2022-01-01", "C", "Gamma", "C", "Gamma"),
    ]
    owner, since = build.replay(["A", "B", "C"], movements)
    assert owner == {"A": "C", "B": "C", "C": "C"}
    assert since["A"] == "2022-01-01"  # part of Gamma since 2022, not since it left Alpha


def test_movements_of_2018_01_01_are_already_in_the_2018_outlines():
    owner, _ = build.replay(["A"], [move("2018-01-01", "A", "Alpha", "Z", "Zeta")])
    assert owner == {"A": "A"}


def test_former_codes_and_names_lead_to_today_s_commune():
    owner, since = build.replay(["60054", "60455", "60694"], HAUTS_TALICAN)
    current = {"60054": {"LIBELLE": "Beaumont-les-Nonains"}, "60694": {"LIBELLE": "Les Hauts-Talican"}}
    rows = build.former_communes(HAUTS_TALICAN, owner, since, current)
    assert [(r["ancien_code"], r["ancien_nom"], r["code"], r["date"]) for r in rows] == [
        ("60455", "La Neuville-Garnier", "60694", "2019-01-01"),
        ("60694", "Villotran", "60694", "2019-01-01"),
    ]


def test_dissolving_keeps_shared_edges_out():
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    outlines = build.dissolve({"A": left, "B": right}, {"A": "A", "B": "A"})
    assert outlines["A"].equals(shapely.box(0, 0, 2, 1))


@pytest.mark.parametrize(
    ("text", "regions", "departements", "everything"),
    [
        ("region:32", {"32"}, set(), False),
        ("region:32, region:11", {"32", "11"}, set(), False),
        ("departement:60,departement:2a", set(), {"60", "2A"}, False),
        ("france", set(), set(), True),
    ],
)
def test_perimeters_are_read(text, regions, departements, everything):
    perimeter = build.parse_perimeter(text)
    assert (perimeter.regions, perimeter.departements, perimeter.everything) == (
        regions,
        departements,
        everything,
    )


@pytest.mark.parametrize("text", ["32", "region:", "pays:fr"])
def test_a_bad_perimeter_says_what_was_expected(text):
    with pytest.raises(SystemExit, match="attendu region:<code>, departement:<code> ou france"):
        build.parse_perimeter(text)
