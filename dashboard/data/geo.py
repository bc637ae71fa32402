"""Commune geometry: read the GeoJSON, check it, and place operations inside their commune."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.data import cog as history
from dashboard.data.reader import read_bytes
from dashboard.data.report import Report
from dashboard.data.schema import Geo

WGS84 = "EPSG:4326"
# The shipped outlines are simplified by their publisher: a street point may fall a few
# metres outside. About 0.002° (~150 m) absorbs that without accepting the next commune.
INSIDE_TOLERANCE_DEG = 0.002
MAX_FILE_BYTES = 100 * 1024 * 1024
GEOMETRY = "geometry"

_JSON_ERRORS = {
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de propriété entre guillemets attendu",
    "Expecting ',' delimiter": "« , » attendue",
    "Expecting ':' delimiter": "« : » attendu",
    "Unterminated string": "chaîne de caractères non terminée",
    "Invalid control character": "caractère de contrôle dans une chaîne",
    "Invalid \\escape": "échappement « \\ » invalide",
    "Extra data": "texte après la fin du JSON",
    "Illegal trailing comma": "virgule en trop avant la fin",
}
_INVALIDITY = {
    "Self-intersection": "contour qui se recoupe",
    "Ring Self-intersection": "anneau qui se recoupe",
    "Too few points": "trop peu de points",
    "Interior is disconnected": "intérieur en plusieurs morceaux",
    "Hole lies outside shell": "trou hors du contour",
    "Nested shells": "contours imbriqués",
    "Nested holes": "trous imbriqués",
    "Duplicate Rings": "anneaux en double",
    "Invalid Coordinate": "coordonnée invalide",
}
_JSON_KINDS = {list: "une liste", str: "un texte", type(None): "null"}
_GEOMETRY_ERRORS = (
    AttributeError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
    RecursionError,
    shapely.errors.ShapelyError,
)


_UNREADABLE = object()  # not None: a file holding `null` is readable, and wrong


def _read_json(path: Path, report: Report) -> object:
    """The parsed JSON, or ``_UNREADABLE`` once the reason is reported."""
    name = path.name
    raw = read_bytes(path, report, MAX_FILE_BYTES)
    if raw is None:
        return _UNREADABLE
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        report.error(name, line, None, f"octet 0x{raw[error.start]:02x} invalide : un GeoJSON est en UTF-8")
    except json.JSONDecodeError as error:
        reason = next((fr for en, fr in _JSON_ERRORS.items() if error.msg.startswith(en)), error.msg)
        report.error(name, error.lineno, None, f"JSON invalide, colonne {error.colno} : {reason}")
    except RecursionError:
        report.error(name, None, None, "JSON illisible : imbrication trop profonde")
    except ValueError:  # an integer of thousands of digits, refused by Python's int()
        report.error(name, None, None, "JSON illisible : nombre démesuré")
    return _UNREADABLE


def _crs_name(member: object) -> str | None:
    """The name of a (pre-RFC 7946) ``crs`` member, in whatever form it was written."""
    if member is None:
        return None
    if isinstance(member, dict):
        properties = member.get("properties")
        return str(properties.get("name")) if isinstance(properties, dict) else json.dumps(member)
    return str(member)


def load_areas(path: Path, report: Report) -> gpd.GeoDataFrame | None:
    """Features with a ``code`` and ``nom`` each, in WGS84, indexed by code."""
    name = path.name
    data = _read_json(path, report)
    if data is _UNREADABLE:
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = (
            f"« {data.get('type')} »"
            if isinstance(data, dict)
            else _JSON_KINDS.get(type(data), "une valeur seule")
        )
        report.error(name, None, None, f"attendu un GeoJSON de type FeatureCollection, trouvé {found}")
        return None
    crs = _crs_name(data.get("crs"))
    if crs is not None and "CRS84" not in crs and not re.search(r"\b4326$", crs):
        report.error(
            name,
            None,
            None,
            f"système de coordonnées « {crs[:80]} » : attendu WGS84 (EPSG:4326), longitude et latitude "
            "en degrés ; reprojeter le fichier",
        )
        return None
    features = data.get("features")
    if not isinstance(features, list) or not features:
        report.error(name, None, None, "aucun objet dans « features » : attendu une liste d'objets Feature")
        return None
    areas = _features(features, name, report)
    if areas is None:
        return None
    # communes.geojson's former codes and names, if communes-anciennes.csv is beside it
    return history.attach(areas, history.read_history(path.with_name(path.stem + history.SUFFIX), report))


def areas_from_features(features: list, name: str, report: Report) -> gpd.GeoDataFrame | None:
    """Parsed features with a ``code`` and ``nom`` each, checked as ``load_areas`` checks a file's."""
    return _features(features, name, report)


def _text_property(properties: dict, key: str, where: str, name: str, report: Report) -> str | None:
    value = properties.get(key)
    if value is None or value == "":
        report.error(name, None, key, f"{where} : propriété « {key} » absente")
    elif not isinstance(value, str):
        found = json.dumps(value)[:40]
        message = f"{where} : propriété « {key} » : attendu un texte, par ex. « 02691 », trouvé {found}"
        report.error(name, None, key, message)
    else:
        return value
    return None


def _invalidity(shape: BaseGeometry) -> str:
    """Why a polygon is invalid, in French: ``Self-intersection[0.5 0.5]`` → where and what."""
    reason = shapely.is_valid_reason(shape)
    match = re.fullmatch(r"(.+?)\[(\S+) (\S+)\]", reason)
    if not match:
        return reason
    return f"{_INVALIDITY.get(match.group(1), match.group(1))} au point ({match.group(2)}, {match.group(3)})"


def _shape(feature: dict, where: str, name: str, report: Report) -> BaseGeometry | None:
    geometry = feature.get(GEOMETRY)
    if not geometry:
        report.error(name, None, GEOMETRY, f"{where} : géométrie absente")
        return None
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    try:
        shape = shapely.geometry.shape(geometry)
    except _GEOMETRY_ERRORS:
        found = f" (trouvé un {kind} mal formé)" if isinstance(kind, str) else ""
        report.error(
            name,
            None,
            GEOMETRY,
            f"{where} : géométrie illisible, attendu un Polygon ou MultiPolygon GeoJSON bien formé{found}",
        )
        return None
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        found = f"un {shape.geom_type}" if not shape.geom_type.endswith("Polygon") else "un polygone vide"
        report.error(
            name, None, GEOMETRY, f"{where} : attendu un polygone (Polygon ou MultiPolygon), trouvé {found}"
        )
        return None
    if not shape.is_valid:
        report.warning(name, None, GEOMETRY, f"{where} : polygone invalide ({_invalidity(shape)}), réparé")
        shape = shapely.make_valid(shape)
    return shape


def _features(features: list, name: str, report: Report) -> gpd.GeoDataFrame | None:
    errors_before = len(report.errors)
    codes, names, shapes = [], [], []
    first_of: dict[str, int] = {}
    outside: list[tuple[str, BaseGeometry]] = []
    for number, feature in enumerate(features, start=1):
        where = f"objet n° {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            report.error(name, None, None, f"{where} : attendu un objet de type Feature")
            continue
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        code = _text_property(properties, Geo.CODE, where, name, report)
        label = _text_property(properties, Geo.NOM, where, name, report)
        if code is None or label is None:
            continue
        where = f"{where} ({code})"
        if code in first_of:
            message = f"{where} : code « {code} » déjà utilisé par l'objet n° {first_of[code]}"
            report.error(name, None, Geo.CODE, message)
            continue
        first_of[code] = number
        shape = _shape(feature, where, name, report)
        if shape is None:
            continue
        west, south, east, north = shape.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            outside.append((where, shape))
        codes.append(code)
        names.append(label)
        shapes.append(shape)
    if outside:
        where, shape = outside[0]
        x, y = shapely.get_coordinates(shape)[0]
        others = f" et {len(outside) - 1} autre(s)" if len(outside) > 1 else ""
        report.error(
            name,
            None,
            GEOMETRY,
            f"{where}{others} : coordonnées ({x:g}, {y:g}) hors des degrés WGS84 : attendu longitude et "
            "latitude en degrés (EPSG:4326) ; du Lambert-93 (EPSG:2154) ? reprojeter le fichier",
        )
    if len(report.errors) > errors_before:
        return None
    frame = gpd.GeoDataFrame({Geo.CODE: codes, Geo.NOM: names}, geometry=shapes, crs=WGS84)
    return frame.set_index(Geo.CODE, drop=False)


def contains(area: BaseGeometry, longitude: float, latitude: float) -> bool:
    """Whether the point lies in the area, give or take the outline's simplification."""
    return bool(area.dwithin(shapely.Point(longitude, latitude), INSIDE_TOLERANCE_DEG))


def anchor_points(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """One point guaranteed inside each area (not the centroid, which may fall outside)."""
    points = areas.geometry.representative_point()
    return pd.DataFrame({"longitude": points.x, "latitude": points.y}, index=areas.index)
