"""Operations against the commune outlines: the code and name of the commune, the point inside it."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass, field

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from dashboard.data.cog import History, de, history_of, name_key
from dashboard.data.geo import INSIDE_TOLERANCE_DEG, contains
from dashboard.data.parsing import quote
from dashboard.data.report import Report
from dashboard.data.schema import OVERSEAS_PREFIX, PRECISION_COMMUNE, PRECISIONS, Geo, Op
from dashboard.data.wording import french_date

INSEE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
LOST_ZERO = re.compile(r"([0-9]{4})(?:[.,]0+)?")  # 02691 saved as a number: 2691 or 2691.0


@dataclass(frozen=True)
class Places:
    """The communes as plain lookups: asking a GeoDataFrame row by row is slow at 100,000 rows."""

    names: dict[str, str]
    shapes: dict[str, BaseGeometry]
    bounds: tuple[float, float, float, float]
    history: History = field(default_factory=History)  # former codes and names since 2018

    @classmethod
    def of(cls, communes: gpd.GeoDataFrame) -> Places:
        west, south, east, north = (float(value) for value in communes.total_bounds)
        names, shapes = communes[Geo.NOM].to_dict(), communes.geometry.to_dict()
        return cls(names, shapes, (west, south, east, north), history_of(communes))

    @functools.cached_property
    def perimeter_words(self) -> str:
        """« du périmètre (départements 02, 59, 60, 62, 80) »: where a code was looked for (once: every
        unknown code of a file says it, and all of France has 34,868 communes to go through)."""
        departements = sorted({departement_of(code) for code in self.names})
        if len(departements) > 8:
            return f"du périmètre ({len(departements)} départements)"
        word = "département" if len(departements) == 1 else "départements"
        return f"du périmètre ({word} {', '.join(departements)})"


def departement_of(code: str) -> str:
    """The département of a commune code: its first two characters (``60``, ``2A``), three overseas
    (``97411`` → ``974``, La Réunion)."""
    return code[:3] if code.startswith(OVERSEAS_PREFIX) else code[:2]


SEPARATORS = "-_'’`.,;/()"  # read as spaces: « Château-Thierry », « L’Île », « code_insee »


@functools.lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """Names compared regardless of case, accents, hyphens, apostrophes and punctuation:
    ``Château-Thierry`` → ``chateau thierry``; ``Saint-Quentin`` and ``st quentin`` stay apart."""
    for mark in SEPARATORS:
        name = name.replace(mark, " ")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(plain.split())


def check_commune(code: str, commune: str, name: str, line: int, places: Places, report: Report) -> None:
    """The code is a known commune and ``commune`` (the name given, if any) is its name."""
    if not code:
        return  # reported as a missing value
    if not INSEE.fullmatch(code):
        lost_zero = LOST_ZERO.fullmatch(code)
        if lost_zero:
            expected = f"sur 4 chiffres, zéro initial perdu ? attendu « 0{lost_zero.group(1)} »"
        else:
            expected = "attendu sur 5 caractères, par ex. « 02691 »"
        report.error(name, line, Op.CODE_INSEE, f"{quote(code)} : code INSEE {expected}")
        return
    if code not in places.names:
        report.error(name, line, Op.CODE_INSEE, _unknown_code(code, places))
        return
    official = places.names[code]
    if commune and normalise(commune) != normalise(official) and name_key(commune) != name_key(official):
        renamed = places.history.former_name(commune, today=code)
        if renamed:
            message = f"{quote(commune)} : ancien nom ; {renamed[0].notice()}, nom retenu"
            report.warning(name, line, Op.COMMUNE, message)
            return
        report.error(
            name,
            line,
            Op.COMMUNE,
            f"{quote(commune)} ne correspond pas au code {code}, qui est « {official} »",
        )


def _unknown_code(code: str, places: Places) -> str:
    """Why a code is not a commune of today: gone since 2018 (and into which commune), or unknown."""
    former = places.history.former_code(code)
    if former is None:
        return f"« {code} » : code INSEE inconnu parmi les communes {places.perimeter_words}"
    return (
        f"« {code} » : ancien code {de(former.name)}, qui fait partie {de(former.today_name)} depuis le "
        f"{french_date(datetime.date.fromisoformat(former.date))} : attendu « {former.today} »"
    )


def position(
    row: dict,
    longitude: float | None,
    latitude: float | None,
    name: str,
    line: int,
    places: Places,
    report: Report,
) -> tuple[float | None, float | None, str]:
    """Longitude, latitude and precision kept for ``row``, once checked: both coordinates or neither, a
    precision with them, the point in its commune. Without a position: ``None, None, "commune"``.

    ``longitude`` and ``latitude`` are the parsed cells (``None`` if empty or already reported).
    """
    given = bool(row[Op.LONGITUDE]), bool(row[Op.LATITUDE])
    precision = row[Op.PRECISION_GEO]
    if given[0] != given[1]:
        column, other = (Op.LATITUDE, Op.LONGITUDE) if given[0] else (Op.LONGITUDE, Op.LATITUDE)
        report.error(name, line, column, f"absente alors que la {other} est donnée : les deux vont ensemble")
    if longitude is None or latitude is None:
        if not any(given) and precision and precision != PRECISION_COMMUNE:
            report.error(
                name,
                line,
                Op.PRECISION_GEO,
                f"précision {quote(precision)} sans coordonnées : attendu longitude et latitude, "
                "ou « commune »",
            )
        return None, None, PRECISION_COMMUNE
    if not precision:
        expected = ", ".join(PRECISIONS)
        report.error(name, line, Op.PRECISION_GEO, f"coordonnées données sans précision : attendu {expected}")
    _check_inside(row[Op.CODE_INSEE], longitude, latitude, name, line, places, report)
    return longitude, latitude, precision


def _check_inside(
    code: str, longitude: float, latitude: float, name: str, line: int, places: Places, report: Report
) -> None:
    area = places.shapes.get(code)
    if area is not None and contains(area, longitude, latitude):
        return
    if area is not None and contains(area, latitude, longitude):
        message = "longitude et latitude inversées ? le point inversé tombe dans la commune"
        report.error(name, line, Op.LONGITUDE, message)
    elif not _in_bounds(places.bounds, longitude, latitude):
        west, south, east, north = (f"{round(value, 2):g}" for value in places.bounds)
        report.error(
            name,
            line,
            Op.LONGITUDE,
            f"le point ({longitude:g}, {latitude:g}) est hors de la région : attendu une longitude entre "
            f"{west} et {east} et une latitude entre {south} et {north}, en degrés décimaux (WGS84)",
        )
    elif area is not None:
        message = f"le point ({longitude:g}, {latitude:g}) n'est pas dans la commune {code}"
        report.error(name, line, Op.LONGITUDE, message)


def _in_bounds(bounds: tuple[float, float, float, float], longitude: float, latitude: float) -> bool:
    west, south, east, north = bounds
    margin = INSIDE_TOLERANCE_DEG
    return west - margin <= longitude <= east + margin and south - margin <= latitude <= north + margin
