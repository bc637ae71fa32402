"""The territory the dashboard covers, chosen at start-up: regions, départements or all of France.

``COEUR_PERIMETER`` or ``--perimeter`` holds ``region:32``, ``region:11,region:32``, ``departement:60`` or
``france``. The outlines, names and former communes of the perimeter are then prepared from the national
reference shipped in ``geography/`` (written by ``scripts/build_geography.py --national``), not from the
data folder's own ``communes.geojson``. With no setting, the data folder's outlines are the perimeter (for
the shipped data: Hauts-de-France, prepared from the same reference).
"""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data import cog as history
from dashboard.data import geo
from dashboard.data.report import Report

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "geography"
AREAS_FILE = "areas.csv"
DEPARTEMENTS_FILE = "departements.geojson.gz"
KINDS = {"region": "région", "departement": "département"}
MAX_GZIP_BYTES = 200 * 1024 * 1024  # a whole département unpacked stays far below


class PerimeterError(ValueError):
    """A perimeter setting that names no territory: the message says what was expected, in French."""


@dataclass(frozen=True)
class Perimeter:
    """Regions and départements (codes of the COG), or all of France."""

    regions: frozenset[str] = frozenset()
    departements: frozenset[str] = frozenset()
    everything: bool = False

    def holds(self, region: str, departement: str) -> bool:
        return self.everything or region in self.regions or departement in self.departements

    @property
    def text(self) -> str:
        """The setting that gives this perimeter back, in a canonical order."""
        if self.everything:
            return "france"
        parts = [f"region:{code}" for code in sorted(self.regions)]
        return ",".join(parts + [f"departement:{code}" for code in sorted(self.departements)])


def parse(text: str) -> Perimeter:
    """``region:32,region:11``, ``departement:60``, ``france`` (spaces and case do not matter)."""
    regions: set[str] = set()
    departements: set[str] = set()
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise PerimeterError("périmètre vide : attendu region:<code>, departement:<code> ou france")
    for item in items:
        kind, _, code = (part.strip() for part in item.lower().partition(":"))
        if kind == "france" and not code:
            return Perimeter(everything=True)
        if kind not in KINDS or not code or not code.isalnum() or len(code) > 3:
            raise PerimeterError(
                f"« {item[:40]} » : attendu region:<code>, departement:<code> ou france "
                "(codes INSEE, par ex. region:32 pour les Hauts-de-France)"
            )
        (regions if kind == "region" else departements).add(code.upper())
    return Perimeter(frozenset(regions), frozenset(departements))


@dataclass(frozen=True)
class Areas:
    """The départements of France with their region, and the names of both."""

    departements: dict[str, str]  # code → name
    regions: dict[str, str]  # code → name
    region_of: dict[str, str]  # département → region

    def covered(self, perimeter: Perimeter) -> list[str]:
        """The départements of the perimeter, in code order; unknown codes are an error."""
        unknown = [f"region:{code}" for code in sorted(perimeter.regions - set(self.regions))]
        unknown += [f"departement:{code}" for code in sorted(perimeter.departements - set(self.departements))]
        if unknown:
            raise PerimeterError(
                f"{', '.join(unknown)} : code inconnu du Code officiel géographique 2026 "
                f"(régions : {', '.join(sorted(self.regions))})"
            )
        return [dep for dep in sorted(self.departements) if perimeter.holds(self.region_of[dep], dep)]

    def name(self, perimeter: Perimeter) -> str:
        """« Hauts-de-France », « Hauts-de-France et Île-de-France », « Oise », « France »."""
        if perimeter.everything:
            return "France"
        parts = sorted(self.regions[code] for code in perimeter.regions)
        parts += sorted(self.departements[code] for code in perimeter.departements)
        return ", ".join(parts[:-1]) + (" et " if len(parts) > 1 else "") + parts[-1]


def read_areas(reference: Path = REFERENCE_DIR) -> Areas:
    with (reference / AREAS_FILE).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    departements = {row["code"]: row["nom"] for row in rows if row["niveau"] == "departement"}
    regions = {row["code"]: row["nom"] for row in rows if row["niveau"] == "region"}
    region_of = {row["code"]: row["region"] for row in rows if row["niveau"] == "departement"}
    return Areas(departements, regions, region_of)


def check(text: str, reference: Path = REFERENCE_DIR) -> Perimeter:
    """The perimeter of a setting, checked against the reference (raises ``PerimeterError``)."""
    perimeter = parse(text)
    read_areas(reference).covered(perimeter)
    return perimeter


def _features(path: Path) -> list:
    with gzip.open(path, "rb") as file:
        body = file.read(MAX_GZIP_BYTES + 1)
    if len(body) > MAX_GZIP_BYTES:
        raise PerimeterError(f"{path.name} : plus de {MAX_GZIP_BYTES // 2**20} Mo une fois décompressé")
    return json.loads(body)["features"]


@dataclass(frozen=True)
class Prepared:
    """The perimeter's communes (with their former codes and names) and départements, and its name."""

    communes: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    name: str


def prepare(perimeter: Perimeter, report: Report, reference: Path = REFERENCE_DIR) -> Prepared | None:
    """The perimeter's outlines from the national reference; ``None`` once an error is reported."""
    areas = read_areas(reference)
    covered = areas.covered(perimeter)
    features = [
        feature for dep in covered for feature in _features(reference / "communes" / f"{dep}.geojson.gz")
    ]
    communes = geo.areas_from_features(features, f"{reference.name}/communes", report)
    kept = set(covered)
    outlines = [
        feature
        for feature in _features(reference / DEPARTEMENTS_FILE)
        if feature["properties"]["code"] in kept
    ]
    departements = geo.areas_from_features(outlines, f"{reference.name}/{DEPARTEMENTS_FILE}", report)
    if communes is None or departements is None:
        return None
    national = history.read_history(reference / history.HISTORY_FILE, report)
    former = [entry for entry in national.entries if entry.today in communes.index]
    history.attach(communes, history.History.of(former))
    return Prepared(communes, departements, areas.name(perimeter))


def acv_in(acv: pd.DataFrame, communes: gpd.GeoDataFrame, code_column: str) -> pd.DataFrame:
    """The ACV towns among the perimeter's communes."""
    return acv[acv[code_column].isin(communes.index)]
