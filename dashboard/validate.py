"""Validate the operations table cell by cell and row by row, reporting every problem at once.

Column-level rules (required columns, vocabularies, identifiers, uniqueness) are a pandera
schema; the domain formats (numbers, partial dates, tenure mixes) use ``parsing``; rules
across columns and files (commune code and name, position in the commune, dates in order,
mix against total) are checked here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa

from dashboard import geo, parsing
from dashboard.reader import LINE_COLUMN, Table
from dashboard.report import Report
from dashboard.schema import (
    DATE_COLUMNS, DECIMAL_COLUMNS, FINANCING_CODES, INTEGER_COLUMNS, LOGEMENTS_FROM_MIX,
    LOGEMENTS_PUBLISHED, NATURES, OPERATION_COLUMNS, OPTIONAL_COLUMNS, PRECISION_COMMUNE,
    PRECISIONS, PROGRAMMES, VARIANT_COLUMNS, Derived, Geo, Mix, Op,
)

DERIVED_COLUMNS = (Derived.DEPARTEMENT, Derived.LOGEMENTS_RETENUS, Derived.LOGEMENTS_ORIGINE)
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
INSEE = r"^(?:\d{5}|2[AB]\d{3})$"


def _text(*checks: pa.Check, required: bool = False, unique: bool = False) -> pa.Column:
    nullable = not required
    if required:
        checks = (pa.Check(lambda s: s.str.strip() != "", error="valeur obligatoire manquante"), *checks)
    return pa.Column("string", list(checks), nullable=nullable, unique=unique, required=True)


SCHEMA = pa.DataFrameSchema(
    {
        Op.ID: _text(pa.Check.str_matches(SLUG, error="identifiant attendu en minuscules, chiffres et tirets, par ex. « arras-rue-diderot »"), required=True, unique=True),
        Op.PROGRAMME: _text(pa.Check.isin(PROGRAMMES, error=f"attendu l'une des valeurs {' ; '.join(PROGRAMMES)}"), required=True),
        Op.COMMUNE: _text(required=True),
        Op.CODE_INSEE: _text(pa.Check.str_matches(INSEE, error="code INSEE attendu sur 5 caractères, par ex. « 02691 »"), required=True),
        Op.NATURE: _text(pa.Check.isin(("",) + NATURES, error=f"attendu l'une des valeurs {' ; '.join(NATURES)}, ou vide")),
        Op.PRECISION_GEO: _text(pa.Check.isin(("",) + PRECISIONS, error=f"attendu l'une des valeurs {' ; '.join(PRECISIONS)}, ou vide")),
        Op.SOURCE: _text(required=True),
        **{column: _text() for column in OPERATION_COLUMNS if column not in {
            Op.ID, Op.PROGRAMME, Op.COMMUNE, Op.CODE_INSEE, Op.NATURE, Op.PRECISION_GEO, Op.SOURCE}},
    },
    strict=False,
)

_PANDERA_MESSAGES = {"field_uniqueness": "identifiant déjà utilisé par une autre ligne"}


@dataclass(frozen=True)
class Operations:
    """Validated operations (typed, one row per operation) and their tidy tenure mix."""

    frame: pd.DataFrame
    mix: pd.DataFrame


def _normalise(name: str) -> str:
    """Compare names regardless of case, accents, hyphens and apostrophes."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def _check_schema(frame: pd.DataFrame, name: str, report: Report) -> None:
    """Report what pandera finds, one line per cell, with the file's own line numbers."""
    try:
        SCHEMA.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        for case in cases.itertuples(index=False):
            index = case.index
            line = int(frame[LINE_COLUMN].iloc[int(index)]) if pd.notna(index) else 1
            if case.check == "column_in_dataframe":
                report.error(name, 1, str(case.failure_case), "colonne obligatoire absente de l'en-tête")
                continue
            message = _PANDERA_MESSAGES.get(str(case.check), str(case.check))
            value = "" if pd.isna(case.failure_case) else f"« {case.failure_case} » : "
            report.error(name, line, str(case.column), f"{value}{message}")


def validate_operations(table: Table, name: str, communes: gpd.GeoDataFrame, report: Report) -> Operations | None:
    """Typed operations, or ``None`` when a column is missing; every problem goes to ``report``."""
    frame = table.frame.copy()
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.Series([""] * len(frame), dtype="string", index=frame.index)
    frame = frame.fillna("")
    unknown = [c for c in frame.columns if c not in OPERATION_COLUMNS and c != LINE_COLUMN]
    for column in unknown:
        report.warning(name, 1, column, "colonne inconnue du contrat de données, ignorée")
    missing = [c for c in OPERATION_COLUMNS if c not in frame.columns]
    _check_schema(frame, name, report)
    if missing:
        return None
    frame = frame[[LINE_COLUMN, *OPERATION_COLUMNS]].copy()
    for column in OPERATION_COLUMNS:
        frame[column] = frame[column].str.strip()
    rows = [_validate_row(row, name, communes, report) for row in frame.to_dict("records")]
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


def _validate_row(row: dict, name: str, communes: gpd.GeoDataFrame, report: Report) -> tuple[dict, list[tuple]]:
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
    _check_mix_total(out, items, name, line, report)
    _check_variants(row, name, line, parse, report)
    _check_commune(out, name, line, communes, report)
    _check_position(out, name, line, communes, parse, report)
    if row[Op.CONFLIT]:
        report.warning(name, line, Op.CONFLIT, f"{row[Op.ID]} : sources en désaccord — {row[Op.CONFLIT]}")
    mix = [(row[Op.ID], item.code, item.dwellings) for item in items]
    return out, mix


def _check_mix_total(out: dict, items: tuple, name: str, line: int, report: Report) -> None:
    total = sum(item.dwellings for item in items)
    if items and out[Op.LOGEMENTS] is not None and total != out[Op.LOGEMENTS]:
        report.warning(
            name, line, Op.FINANCEMENTS,
            f"{out[Op.ID]} : le financement publié totalise {total} logements, "
            f"pour {out[Op.LOGEMENTS]} logements annoncés",
        )
    if out[Op.LOGEMENTS] is not None:
        out[Derived.LOGEMENTS_RETENUS], out[Derived.LOGEMENTS_ORIGINE] = out[Op.LOGEMENTS], LOGEMENTS_PUBLISHED
    elif items:
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
            report.error(name, line, Op.VARIANTES, f"« {column} » : attendu l'un des champs {', '.join(VARIANT_COLUMNS)}")
        elif parse(Op.VARIANTES, parsers[column], value) is not None:
            published = row[column] or "vide"
            report.warning(name, line, column, f"{row[Op.ID]} : valeurs publiées divergentes, {published} et {value}")


def _check_commune(out: dict, name: str, line: int, communes: gpd.GeoDataFrame, report: Report) -> None:
    code = out[Op.CODE_INSEE]
    out[Derived.DEPARTEMENT] = code[:2]
    if not code:
        return
    if code not in communes.index:
        hint = ""
        if code.isdigit() and len(code) == 4:
            hint = f" (zéro initial perdu ? peut-être « 0{code} »)"
        report.error(
            name, line, Op.CODE_INSEE,
            f"« {code} » : code INSEE inconnu parmi les communes des Hauts-de-France{hint}",
        )
        return
    official = communes.at[code, Geo.NOM]
    if out[Op.COMMUNE] and _normalise(out[Op.COMMUNE]) != _normalise(official):
        report.error(
            name, line, Op.COMMUNE,
            f"« {out[Op.COMMUNE]} » ne correspond pas au code {code}, qui est « {official} »",
        )


def _check_position(out: dict, name: str, line: int, communes: gpd.GeoDataFrame, parse, report: Report) -> None:
    longitude = parse(Op.LONGITUDE, parsing.parse_coordinate, out[Op.LONGITUDE])
    latitude = parse(Op.LATITUDE, parsing.parse_coordinate, out[Op.LATITUDE])
    code = out[Op.CODE_INSEE]
    known = code in communes.index
    if (longitude is None) != (latitude is None) and out[Op.LONGITUDE] and out[Op.LATITUDE]:
        pass  # one of them is malformed: already reported
    elif (longitude is None) != (latitude is None):
        column = Op.LATITUDE if longitude is not None else Op.LONGITUDE
        report.error(name, line, column, "longitude et latitude vont ensemble : l'une est donnée sans l'autre")
    if longitude is None or latitude is None:
        out[Op.LONGITUDE] = out[Op.LATITUDE] = None
        if out[Op.PRECISION_GEO] and out[Op.PRECISION_GEO] != PRECISION_COMMUNE:
            report.error(name, line, Op.PRECISION_GEO, f"précision « {out[Op.PRECISION_GEO]} » sans coordonnées")
        out[Op.PRECISION_GEO] = PRECISION_COMMUNE
        return
    out[Op.LONGITUDE], out[Op.LATITUDE] = longitude, latitude
    if not out[Op.PRECISION_GEO]:
        report.error(name, line, Op.PRECISION_GEO, f"coordonnées données sans précision : attendu {', '.join(PRECISIONS)}")
    if known and not geo.contains(communes.geometry[code], longitude, latitude):
        area = communes.geometry[code]
        if geo.contains(area, latitude, longitude):
            message = "longitude et latitude inversées ? le point inversé tombe dans la commune"
        else:
            message = f"le point ({longitude}, {latitude}) n'est pas dans la commune {code}"
        report.error(name, line, Op.LONGITUDE, message)

