"""Geometry prepared for the maps, once per dataset: only the areas a view draws, at its scale."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from dashboard.schema import Geo

DECIMALS = 4  # ~10 m: finer than a screen pixel at regional and commune scale
DEPARTEMENT_TOLERANCE = 0.003  # degrees, coverage-preserving: neighbours still meet
OVERVIEW_TOLERANCE = 0.01  # the départements of a national overview: ~1 km, under a pixel at that scale


def rounded(geometry: gpd.GeoSeries) -> gpd.GeoSeries:
    return geometry.apply(lambda shape: shapely.transform(shape, lambda xy: np.round(xy, DECIMALS)))


def feature_collection(areas: gpd.GeoDataFrame) -> dict:
    """A GeoJSON FeatureCollection whose features carry ``id`` = code (Plotly's default key)."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {Geo.NOM: name},
            "geometry": shapely.geometry.mapping(shape),
        }
        for code, name, shape in zip(areas[Geo.CODE], areas[Geo.NOM], areas.geometry, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


@dataclass(frozen=True)
class GeoAsset:
    """A GeoJSON document served at a URL that changes whenever its content does."""

    name: str
    body: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:12]

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.digest}.geojson"


def asset(name: str, collection: dict) -> GeoAsset:
    return GeoAsset(name, json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode())


def region_communes(communes: gpd.GeoDataFrame, codes: set[str]) -> GeoAsset:
    """The communes the regional map colours (operations, ACV), as published, rounded."""
    subset = communes[communes[Geo.CODE].isin(codes)].copy()
    subset = subset.set_geometry(rounded(subset.geometry))
    return asset("communes-region", feature_collection(subset))


def departements_outline(
    departements: gpd.GeoDataFrame, tolerance: float = DEPARTEMENT_TOLERANCE, name: str = "departements"
) -> GeoAsset:
    simple = departements.copy()
    simple = simple.set_geometry(rounded(simple.geometry.simplify_coverage(tolerance)))
    return asset(name, feature_collection(simple))


def neighbourhood(communes: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """The commune and the communes touching it, in full detail, the commune first."""
    shape = communes.geometry[code]
    positions = communes.sindex.query(shape, predicate="intersects")
    around = communes.iloc[positions]
    order = (around[Geo.CODE] != code).astype(int)
    return around.assign(_order=order).sort_values(["_order", Geo.NOM]).drop(columns="_order")


def bounds(areas: gpd.GeoDataFrame, margin: float = 0.0) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = areas.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return float(minx - dx), float(miny - dy), float(maxx + dx), float(maxy + dy)
