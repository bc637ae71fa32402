"""Commune geometry: read the GeoJSON, check it, and place operations inside their commune."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.report import Report
from dashboard.schema import Geo

WGS84 = "EPSG:4326"
# The shipped outlines are simplified by their publisher: a street point may fall a few
# metres outside. About 0.002° (~150 m) absorbs that without accepting the next commune.
INSIDE_TOLERANCE_DEG = 0.002


def load_areas(path: Path, report: Report) -> gpd.GeoDataFrame | None:
    """Features with a ``code`` and ``nom`` each, in WGS84, indexed by code."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        report.error(name, None, None, f"lecture impossible : {error.strerror or error}")
        return None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.error(name, None, None, f"GeoJSON illisible : {error}")
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report.error(name, None, None, "attendu un GeoJSON de type FeatureCollection")
        return None
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and "CRS84" not in crs and "4326" not in crs:
        report.error(name, None, None, f"système de coordonnées « {crs} » : attendu WGS84 (EPSG:4326)")
        return None
    return _features(data.get("features") or [], name, report)


def _features(features: list, name: str, report: Report) -> gpd.GeoDataFrame | None:
    errors_before = len(report.errors)
    codes, names, shapes = [], [], []
    for number, feature in enumerate(features, start=1):
        where = f"objet n° {number}"
        properties = (feature or {}).get("properties") or {}
        code, label = properties.get(Geo.CODE), properties.get(Geo.NOM)
        if not code or not label:
            missing = Geo.CODE if not code else Geo.NOM
            report.error(name, None, missing, f"{where} : propriété « {missing} » absente")
            continue
        try:
            shape = shapely.geometry.shape(feature.get("geometry"))
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as error:
            report.error(name, None, Geo.CODE, f"{where} ({code}) : géométrie illisible ({error})")
            continue
        if shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
            report.error(name, None, Geo.CODE, f"{where} ({code}) : attendu un polygone, trouvé {shape.geom_type}")
            continue
        if not shape.is_valid:
            reason = shapely.is_valid_reason(shape)
            report.warning(name, None, Geo.CODE, f"{where} ({code}) : polygone invalide ({reason}), réparé")
            shape = shapely.make_valid(shape)
        codes.append(str(code))
        names.append(str(label))
        shapes.append(shape)
    frame = gpd.GeoDataFrame({Geo.CODE: codes, Geo.NOM: names}, geometry=shapes, crs=WGS84)
    duplicated = frame[Geo.CODE].duplicated(keep="first")
    for code in frame.loc[duplicated, Geo.CODE]:
        report.error(name, None, Geo.CODE, f"code « {code} » présent plusieurs fois")
    if len(report.errors) > errors_before:
        return None
    minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
    if len(frame) and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        report.error(name, None, None, "coordonnées hors des degrés WGS84 : un autre système de coordonnées ?")
        return None
    return frame.set_index(Geo.CODE, drop=False)


def contains(area: BaseGeometry, longitude: float, latitude: float) -> bool:
    """Whether the point lies in the area, give or take the outline's simplification."""
    return bool(area.dwithin(shapely.Point(longitude, latitude), INSIDE_TOLERANCE_DEG))


def anchor_points(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """One point guaranteed inside each area (not the centroid, which may fall outside)."""
    points = areas.geometry.representative_point()
    return pd.DataFrame({"longitude": points.x, "latitude": points.y}, index=areas.index)
