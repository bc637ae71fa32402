"""Validate the operations table cell by cell and row by row, reporting every problem at once.

Column-level rules (required values, vocabularies, identifiers) are a pandera schema; the
domain formats (numbers, partial dates, tenure mixes) use ``parsing``; rules across columns
and files (unique ids, commune code and name, position in the commune, dates in order, mix
against total) are checked here.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa
from shapely.geometry.base import BaseGeometry

from dashboard import geo, parsing
from dashboard.parsing import quote, shorten
from dashboard.reader import LINE_COLUMN, Table
from dashboard.report import Report
from dashboard.schema import (
    DATE_COLUMNS, DECIMAL_COLUMNS, INTEGER_COLUMNS, LOGEMENTS_FROM_MIX, LOGEMENTS_PUBLISHED,
    NATURES, OPERATION_COLUMNS, OPTIONAL_COLUMNS, PRECISION_COMMUNE, PRECISIONS, PROGRAMMES,
    VARIANT_COLUMNS, Derived, Geo, Mix, Op,
)

DERIVED_COLUMNS = (Derived.DEPARTEMENT, Derived.LOGEMENTS_RETENUS, Derived.LOGEMENTS_ORIGINE)
# Empty is allowed by the patterns: a missing value is reported once, as missing.
SLUG = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$"
INSEE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
LOST_ZERO = re.compile(r"([0-9]{4})(?:[.,]0+)?")  # 02691 saved as a number: 2691 or 2691.0


def _text(*checks: pa.Check, required: bool = False) -> pa.Column:
    if required:
        checks = (pa.Check(lambda s: s != "", error="valeur obligatoire manquante"), *checks)
    return pa.Column("string", list(checks), nullable=not required, required=True)


def _one_of(values: tuple[str, ...], *, empty: str = "") -> pa.Check:
    return pa.Check.isin(("",) + values, error=f"attendu l'une des valeurs {' ; '.join(values)}{empty}")


SCHEMA = pa.DataFrameSchema(
    {
        Op.ID: _text(pa.Check.str_matches(SLUG, error="identifiant attendu en minuscules, chiffres et tirets, par ex. « arras-rue-diderot »"), required=True),
        Op.PROGRAMME: _text(_one_of(PROGRAMMES), required=True),
        Op.COMMUNE: _text(required=True),
        Op.CODE_INSEE: _text(required=True),
        Op.NATURE: _text(_one_of(NATURES, empty=", ou vide")),
        Op.PRECISION_GEO: _text(_one_of(PRECISIONS, empty=", ou vide")),
        Op.SOURCE: _text(required=True),
        **{column: _text() for column in OPERATION_COLUMNS if column not in {
            Op.ID, Op.PROGRAMME, Op.COMMUNE, Op.CODE_INSEE, Op.NATURE, Op.PRECISION_GEO, Op.SOURCE}},
    },
    strict=False,
)


@dataclass(frozen=True)
class Operations:
    """Validated operations (typed, one row per operation) and their tidy tenure mix."""

    frame: pd.DataFrame
    mix: pd.DataFrame


@dataclass(frozen=True)
class _Places:
    """The communes as plain lookups: asking a GeoDataFrame row by row is slow at 100,000 rows."""

    names: dict[str, str]
    shapes: dict[str, BaseGeometry]
    bounds: tuple[float, float, float, float]

    @classmethod
    def of(cls, communes: gpd.GeoDataFrame) -> _Places:
        west, south, east, north = (float(value) for value in communes.total_bounds)
        return cls(communes[Geo.NOM].to_dict(), communes.geometry.to_dict(), (west, south, east, north))


@functools.lru_cache(maxsize=4096)
def _normalise(name: str) -> str:
    """Compare names regardless of case, accents, hyphens and apostrophes."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(plain.replace("-", " ").replace("'", " ").replace("_", " ").split())


def _check_header(columns: list[str], name: str, line: int, report: Report) -> list[str]:
    """Missing contract columns (reported, with the column that may be it renamed) and unknown ones."""
    missing = [column for column in OPERATION_COLUMNS if column not in columns]
    unknown = [column for column in columns if column not in OPERATION_COLUMNS]
    renamed: dict[str, str] = {}  # missing column -> the unknown column that looks like it
    by_form = {_normalise(column): column for column in missing}
    for column in unknown:
        match = difflib.get_close_matches(_normalise(column), list(by_form), n=1, cutoff=0.75)
        if match:
            renamed[by_form.pop(match[0])] = column
    for column in unknown:
        if column not in renamed.values():
            report.warning(name, line, shorten(column), "colonne inconnue du contrat de données, ignorée")
    for column in missing:
        hint = f" (renommée en {quote(renamed[column])} ?)" if column in renamed else ""
        report.error(name, line, column, f"colonne obligatoire absente de l'en-tête{hint}")
    return missing


def _check_schema(frame: pd.DataFrame, name: str, report: Report) -> None:
    """Report what pandera finds, one line per cell; the frame's index holds the file's lines."""
    try:
        SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples(index=False):
            if case.check == "column_in_dataframe":
                continue  # reported by _check_header, in the contract's order
            line = int(case.index) if pd.notna(case.index) else None  # a column-wide failure: no line
            value, message = case.failure_case, str(case.check)
            if message.startswith("dtype("):
                message = f"type de colonne « {value} » inattendu : attendu du texte"
            elif not (pd.isna(value) or value == ""):
                message = f"{quote(str(value))} : {message}"
            report.error(name, line, str(case.column), message)


def _check_unique_ids(ids: pd.Series, name: str, report: Report) -> None:
    """Each repeated id is reported on its later lines, with the line that used it first."""
    given = ids[ids != ""]
    first_lines = dict(zip(given[~given.duplicated()], given.index[~given.duplicated()], strict=True))
    for line, value in given[given.duplicated()].items():
        report.error(name, int(line), Op.ID, f"{quote(value)} : identifiant déjà utilisé ligne {first_lines[value]}")


def validate_operations(table: Table, name: str, communes: gpd.GeoDataFrame, report: Report) -> Operations | None:
    """Typed operations, or ``None`` when a column is missing; every problem goes to ``report``."""
    frame = table.frame.copy()
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.Series([""] * len(frame), dtype="string", index=frame.index)
    missing = _check_header(list(frame.columns), name, table.header_line, report)
    present = [column for column in OPERATION_COLUMNS if column in frame.columns]
    frame = frame[present].fillna("").apply(lambda cells: cells.str.strip())
    _check_schema(frame, name, report)
    _check_unique_ids(frame[Op.ID] if Op.ID in frame.columns else pd.Series(dtype="string"), name, report)
    if missing:
        return None
    frame = frame.rename_axis(LINE_COLUMN).reset_index()
    places = _Places.of(communes)
    columns = list(frame.columns)  # plain lists: to_dict("records") boxes 2.4 million cells slowly
    records = (dict(zip(columns, values, strict=True)) for values in zip(*(frame[c].tolist() for c in columns)))
    rows = [_validate_row(row, name, places, report) for row in records]
    typed = pd.DataFrame([row for row, _ in rows])
    mix = pd.DataFrame(
        [item for _, items in rows for item in items],
        columns=[Mix.ID, Mix.CODE, Mix.LOGEMENTS],
    )
    return Operations(_types(typed), mix.astype({Mix.ID: "string", Mix.CODE: "string", Mix.LOGEMENTS: "int64"}))


def _types(typed: pd.DataFrame) -> pd.DataFrame:
    if typed.empty:
        typed = pd.DataFrame(columns=[LINE_COLUMN, *OPERATION_COLUMNS, *DERIVED_COLUMNS])
    dtypes = {column: "string" for column in OPERATION_COLUMNS}
    dtypes.update({column: "Int64" for column in INTEGER_COLUMNS})
    dtypes.update({column: "Float64" for column in DECIMAL_COLUMNS})
    dtypes.update({Op.LONGITUDE: "Float64", Op.LATITUDE: "Float64", LINE_COLUMN: "int64"})
    return typed.astype(dtypes)


def _validate_row(row: dict, name: str, places: _Places, report: Report) -> tuple[dict, list[tuple]]:
    line = row[LINE_COLUMN]

    def parse(column: str, parser, text: str):
        if not text:
            return None
        try:
            return parser(text)
        except parsing.ParseError as error:
            report.error(name, line, column, str(error))
            return None

    out = dict(row)
    for column in INTEGER_COLUMNS:
        out[column] = parse(column, parsing.parse_integer, row[column])
    for column in DECIMAL_COLUMNS:
        value = parse(column, parsing.parse_decimal, row[column])
        out[column] = None if value is None else float(value)
    dates = {column: parse(column, parsing.parse_date, row[column]) for column in DATE_COLUMNS}
    for column, value in dates.items():
        out[column] = value.iso() if value else ""
    start, end = dates[Op.DEBUT_TRAVAUX], dates[Op.LIVRAISON]
    if start and end and end.latest() < start.earliest():
        report.error(name, line, Op.LIVRAISON, f"livraison {end} antérieure au début des travaux {start}")
    items = parse(Op.FINANCEMENTS, parsing.parse_financements, row[Op.FINANCEMENTS]) or ()
    if items:
        out[Op.FINANCEMENTS] = parsing.format_financements(items)
    _check_mix_total(out, items, bool(row[Op.LOGEMENTS]), name, line, report)
    _check_variants(row, name, line, parse, report)
    _check_commune(out, name, line, places, report)
    _check_position(out, name, line, places, parse, report)
    if row[Op.CONFLIT]:
        report.warning(name, line, Op.CONFLIT, f"{row[Op.ID]} : sources en désaccord — {row[Op.CONFLIT]}")
    mix = [(row[Op.ID], item.code, item.dwellings) for item in items]
    return out, mix


def _check_mix_total(out: dict, items: tuple, published: bool, name: str, line: int, report: Report) -> None:
    """Mix against total; without a published total (not an unreadable one), count the mix."""
    total = sum(item.dwellings for item in items)
    if items and out[Op.LOGEMENTS] is not None and total != out[Op.LOGEMENTS]:
        report.warning(
            name, line, Op.FINANCEMENTS,
            f"{out[Op.ID]} : le financement publié totalise {total} logements, "
            f"pour {out[Op.LOGEMENTS]} logements annoncés",
        )
    if out[Op.LOGEMENTS] is not None:
        out[Derived.LOGEMENTS_RETENUS], out[Derived.LOGEMENTS_ORIGINE] = out[Op.LOGEMENTS], LOGEMENTS_PUBLISHED
    elif items and not published:
        out[Derived.LOGEMENTS_RETENUS], out[Derived.LOGEMENTS_ORIGINE] = total, LOGEMENTS_FROM_MIX
        report.warning(
            name, line, Op.LOGEMENTS,
            f"{out[Op.ID]} : total non publié, {total} logements comptés d'après le financement",
        )
    else:
        out[Derived.LOGEMENTS_RETENUS], out[Derived.LOGEMENTS_ORIGINE] = None, ""


def _check_variants(row: dict, name: str, line: int, parse, report: Report) -> None:
    pairs = parse(Op.VARIANTES, parsing.parse_variantes, row[Op.VARIANTES]) or ()
    parsers = {**{c: parsing.parse_integer for c in INTEGER_COLUMNS},
               **{c: parsing.parse_decimal for c in DECIMAL_COLUMNS},
               **{c: parsing.parse_date for c in DATE_COLUMNS},
               Op.FINANCEMENTS: parsing.parse_financements}
    for column, value in pairs:
        if column not in VARIANT_COLUMNS:
            report.error(name, line, Op.VARIANTES, f"{quote(column)} : champ inconnu, attendu l'un des champs {', '.join(VARIANT_COLUMNS)}")
            continue
        try:
            parsers[column](value)
        except parsing.ParseError as error:
            report.error(name, line, Op.VARIANTES, f"pour {column}, {error}")
            continue
        published = row[column] or "vide"
        report.warning(name, line, column, f"{row[Op.ID]} : valeurs publiées divergentes, {published} et {value}")


def _check_commune(out: dict, name: str, line: int, places: _Places, report: Report) -> None:
    code = out[Op.CODE_INSEE]
    out[Derived.DEPARTEMENT] = code[:2]
    if not code:
        return  # reported as a missing value
    if not INSEE.fullmatch(code):
        lost_zero = LOST_ZERO.fullmatch(code)
        expected = f"sur 4 chiffres, zéro initial perdu ? attendu « 0{lost_zero.group(1)} »" if lost_zero else \
            "attendu sur 5 caractères, par ex. « 02691 »"
        report.error(name, line, Op.CODE_INSEE, f"{quote(code)} : code INSEE {expected}")
        return
    if code not in places.names:
        report.error(name, line, Op.CODE_INSEE, f"« {code} » : code INSEE inconnu parmi les communes des Hauts-de-France")
        return
    official = places.names[code]
    if out[Op.COMMUNE] and _normalise(out[Op.COMMUNE]) != _normalise(official):
        report.error(
            name, line, Op.COMMUNE,
            f"{quote(out[Op.COMMUNE])} ne correspond pas au code {code}, qui est « {official} »",
        )


def _check_position(out: dict, name: str, line: int, places: _Places, parse, report: Report) -> None:
    longitude = parse(Op.LONGITUDE, parsing.parse_coordinate, out[Op.LONGITUDE])
    latitude = parse(Op.LATITUDE, parsing.parse_coordinate, out[Op.LATITUDE])
    given = bool(out[Op.LONGITUDE]), bool(out[Op.LATITUDE])
    precision = out[Op.PRECISION_GEO]
    if given[0] != given[1]:
        column, other = (Op.LATITUDE, Op.LONGITUDE) if given[0] else (Op.LONGITUDE, Op.LATITUDE)
        report.error(name, line, column, f"absente alors que la {other} est donnée : les deux vont ensemble")
    if longitude is None or latitude is None:
        out[Op.LONGITUDE] = out[Op.LATITUDE] = None
        if not any(given) and precision and precision != PRECISION_COMMUNE:
            report.error(
                name, line, Op.PRECISION_GEO,
                f"précision {quote(precision)} sans coordonnées : attendu longitude et latitude, ou « commune »",
            )
        out[Op.PRECISION_GEO] = PRECISION_COMMUNE
        return
    out[Op.LONGITUDE], out[Op.LATITUDE] = longitude, latitude
    if not precision:
        report.error(name, line, Op.PRECISION_GEO, f"coordonnées données sans précision : attendu {', '.join(PRECISIONS)}")
    area = places.shapes.get(out[Op.CODE_INSEE])
    if area is not None and geo.contains(area, longitude, latitude):
        return
    if area is not None and geo.contains(area, latitude, longitude):
        report.error(name, line, Op.LONGITUDE, "longitude et latitude inversées ? le point inversé tombe dans la commune")
    elif not _in_bounds(places.bounds, longitude, latitude):
        west, south, east, north = (f"{round(value, 2):g}" for value in places.bounds)
        report.error(
            name, line, Op.LONGITUDE,
            f"le point ({longitude:g}, {latitude:g}) est hors de la région : attendu une longitude entre "
            f"{west} et {east} et une latitude entre {south} et {north}, en degrés décimaux (WGS84)",
        )
    elif area is not None:
        report.error(name, line, Op.LONGITUDE, f"le point ({longitude:g}, {latitude:g}) n'est pas dans la commune {out[Op.CODE_INSEE]}")


def _in_bounds(bounds: tuple[float, float, float, float], longitude: float, latitude: float) -> bool:
    west, south, east, north = bounds
    margin = geo.INSIDE_TOLERANCE_DEG
    return west - margin <= longitude <= east + margin and south - margin <= latitude <= north + margin
