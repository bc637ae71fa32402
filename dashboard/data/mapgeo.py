"""Geometry prepared for the maps, once per dataset: only the areas a view draws, at its scale."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from dashboard.data.schema import OVERSEAS_PREFIX, Geo

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


# Overseas départements drawn beside metropolitan France on a national overview, as INSEE's and IGN's
# maps do: each moved and scaled into a box west of the metropolitan part (off the Bay of Biscay for all
# of France), stacked from its south in code order. Not to scale: the legend says so.
INSET_WIDTH, INSET_MARGIN = 3.4, 2.06  # degrees: a box's width, and its distance west of the mainland
INSET_HEIGHT, INSET_GAP = 1.6, 0.35


def inset_boxes(codes: list[str], mainland: tuple[float, float, float, float]) -> dict[str, tuple]:
    """A box (west, south, east, north) for each overseas département, beside ``mainland``'s bounds."""
    east = mainland[0] - INSET_MARGIN
    boxes = {}
    for rank, code in enumerate(sorted(codes)):
        south = mainland[1] + rank * (INSET_HEIGHT + INSET_GAP)
        boxes[code] = (east - INSET_WIDTH, south, east, south + INSET_HEIGHT)
    return boxes


def _fitted(shape, box: tuple[float, float, float, float]):
    """``shape`` scaled (the same on the ground both ways) and moved into ``box``, centred."""
    minx, miny, maxx, maxy = shape.bounds
    west, south, east, north = box
    stretch = np.cos(np.radians((south + north) / 2)) / np.cos(np.radians((miny + maxy) / 2))
    scale = min((east - west) / max(maxx - minx, 1e-9), (north - south) / max((maxy - miny) * stretch, 1e-9))
    x0, y0 = (minx + maxx) / 2, (miny + maxy) / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    return shapely.transform(
        shape,
        lambda xy: np.column_stack([cx + (xy[:, 0] - x0) * scale, cy + (xy[:, 1] - y0) * scale * stretch]),
    )


def with_insets(departements: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The départements of a national overview: overseas ones (codes 97x) moved beside metropolitan
    France when both are in the perimeter; unchanged otherwise."""
    overseas = [code for code in departements[Geo.CODE] if str(code).startswith(OVERSEAS_PREFIX)]
    if not overseas or len(overseas) == len(departements):
        return departements
    mainland = departements[~departements[Geo.CODE].isin(overseas)]
    boxes = inset_boxes(overseas, tuple(mainland.total_bounds))
    moved = [
        _fitted(shape, boxes[code]) if code in boxes else shape
        for code, shape in zip(departements[Geo.CODE], departements.geometry, strict=True)
    ]
    return departements.set_geometry(gpd.GeoSeries(moved, index=departements.index, crs=departements.crs))


def bounds(areas: gpd.GeoDataFrame, margin: float = 0.0) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = areas.total_bounds
    dx, dy = (maxx - minx) * margin, (maxy - miny) * margin
    return float(minx - dx), float(miny - dy), float(maxx + dx), float(maxy + dy)
