"""Validate the operations table cell by cell and row by row, reporting every problem at once.

Column-level rules (required values, vocabularies, identifiers) are a pandera schema; the
domain formats (numbers, partial dates, tenure mixes) use ``parsing``; rules across columns
and rows (unique ids, dates in order, mix against total) are checked here, and those against
the commune outlines (code and name, position in the commune) in ``places``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pandera.pandas as pa

from dashboard.data import parsing
from dashboard.data.dwellings import Readings, typology_count
from dashboard.data.parsing import quote, shorten
from dashboard.data.places import Places, check_commune, departement_of, normalise, position
from dashboard.data.reader import LINE_COLUMN, Table
from dashboard.data.report import Report
from dashboard.data.schema import (
    DATE_COLUMNS,
    DECIMAL_COLUMNS,
    INTEGER_COLUMNS,
    LOGEMENTS_FROM_MIX,
    NATURES,
    OPERATION_COLUMNS,
    OPTIONAL_COLUMNS,
    PRECISIONS,
    PROGRAMMES,
    VARIANT_COLUMNS,
    Derived,
    Mix,
    Op,
)

DERIVED_COLUMNS = (
    Derived.DEPARTEMENT,
    Derived.LOGEMENTS_RETENUS,
    Derived.LOGEMENTS_MAX,
    Derived.LOGEMENTS_ORIGINE,
    Derived.DEBUT,
    Derived.FIN,
    Derived.VARIANTES,
)
# Empty is allowed by the patterns: a missing value is reported once, as missing.
SLUG = r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$"


def _text(*checks: pa.Check, required: bool = False) -> pa.Column:
    if required:
        checks = (pa.Check(lambda s: s != "", error="valeur obligatoire manquante"), *checks)
    return pa.Column("string", list(checks), nullable=not required, required=True)


def _one_of(values: tuple[str, ...], *, empty: str = "") -> pa.Check:
    return pa.Check.isin(("",) + values, error=f"attendu l'une des valeurs {' ; '.join(values)}{empty}")


SCHEMA = pa.DataFrameSchema(
    {
        Op.ID: _text(
            pa.Check.str_matches(
                SLUG,
                error="identifiant attendu en minuscules, chiffres et tirets, par ex. « arras-rue-diderot »",
            ),
            required=True,
        ),
        Op.PROGRAMME: _text(_one_of(PROGRAMMES), required=True),
        Op.COMMUNE: _text(required=True),
        Op.CODE_INSEE: _text(required=True),
        Op.NATURE: _text(_one_of(NATURES, empty=", ou vide")),
        Op.PRECISION_GEO: _text(_one_of(PRECISIONS, empty=", ou vide")),
        Op.SOURCE: _text(required=True),
        **{
            column: _text()
            for column in OPERATION_COLUMNS
            if column
            not in {Op.ID, Op.PROGRAMME, Op.COMMUNE, Op.CODE_INSEE, Op.NATURE, Op.PRECISION_GEO, Op.SOURCE}
        },
    },
    strict=False,
)


@dataclass(frozen=True)
class Operations:
    """Validated operations (typed, one row per operation) and their tidy tenure mix."""

    frame: pd.DataFrame
    mix: pd.DataFrame


def _check_header(columns: list[str], name: str, line: int, report: Report) -> list[str]:
    """Missing contract columns (reported, with the column that may be it renamed) and unknown ones."""
    missing = [column for column in OPERATION_COLUMNS if column not in columns]
    unknown = [column for column in columns if column not in OPERATION_COLUMNS]
    renamed: dict[str, str] = {}  # missing column -> the unknown column that looks like it
    by_form = {normalise(column): column for column in missing}
    for column in unknown:
        match = difflib.get_close_matches(normalise(column), list(by_form), n=1, cutoff=0.75)
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
            if message.startswith("dtype(") and line is None:
                message = f"type de colonne « {value} » inattendu : attendu du texte"
            elif message.startswith("dtype("):  # Arrow strings: pandera names each cell that is not text
                message = f"{quote(str(value))} : attendu du texte"
            elif not (pd.isna(value) or value == ""):
                message = f"{quote(str(value))} : {message}"
            report.error(name, line, str(case.column), message)


def _check_unique_ids(ids: pd.Series, name: str, report: Report) -> None:
    """Each repeated id is reported on its later lines, with the line that used it first."""
    given = ids[ids != ""]
    first_lines = dict(zip(given[~given.duplicated()], given.index[~given.duplicated()], strict=True))
    for line, value in given[given.duplicated()].items():
        message = f"{quote(value)} : identifiant déjà utilisé ligne {first_lines[value]}"
        report.error(name, int(line), Op.ID, message)


def validate_operations(
    table: Table, name: str, communes: gpd.GeoDataFrame, report: Report
) -> Operations | None:
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
    places = Places.of(communes)
    # Plain lists: to_dict("records") boxes each of 2.4 million cells slowly at 100,000 rows.
    columns = list(frame.columns)
    cells = zip(*(frame[column].tolist() for column in columns), strict=True)
    records = (dict(zip(columns, values, strict=True)) for values in cells)
    rows = [_validate_row(row, name, places, report) for row in records]
    typed = pd.DataFrame([row for row, _ in rows])
    mix = pd.DataFrame(
        [item for _, items in rows for item in items],
        columns=[Mix.ID, Mix.CODE, Mix.LOGEMENTS],
    )
    return Operations(
        _types(typed), mix.astype({Mix.ID: "string", Mix.CODE: "string", Mix.LOGEMENTS: "int64"})
    )


def _types(typed: pd.DataFrame) -> pd.DataFrame:
    if typed.empty:
        typed = pd.DataFrame(columns=[LINE_COLUMN, *OPERATION_COLUMNS, *DERIVED_COLUMNS])
    dtypes = {column: "string" for column in OPERATION_COLUMNS}
    dtypes.update({column: "Int64" for column in INTEGER_COLUMNS})
    dtypes.update({column: "Float64" for column in DECIMAL_COLUMNS})
    dtypes.update({Op.LONGITUDE: "Float64", Op.LATITUDE: "Float64", LINE_COLUMN: "int64"})
    return typed.astype(dtypes)


def _validate_row(row: dict, name: str, places: Places, report: Report) -> tuple[dict, list[tuple]]:
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
    out[Derived.DEBUT], out[Derived.FIN] = start, end
    if start and end and end.latest() < start.earliest():
        report.error(name, line, Op.LIVRAISON, f"livraison {end} antérieure au début des travaux {start}")
    items = parse(Op.FINANCEMENTS, parsing.parse_financements, row[Op.FINANCEMENTS]) or ()
    if items:
        out[Op.FINANCEMENTS] = parsing.format_financements(items)
    out[Derived.VARIANTES] = _check_variants(row, name, line, parse, report)
    readings = dwelling_readings(out, items, out[Derived.VARIANTES])
    out[Derived.LOGEMENTS_RETENUS] = readings.low
    out[Derived.LOGEMENTS_MAX] = readings.high
    out[Derived.LOGEMENTS_ORIGINE] = readings.origin
    _report_dwellings(out, items, readings, bool(row[Op.LOGEMENTS]), name, line, report)
    _report_inferences(row, name, line, report)
    check_commune(out[Op.CODE_INSEE], out[Op.COMMUNE], name, line, places, report)
    out[Derived.DEPARTEMENT] = departement_of(out[Op.CODE_INSEE])
    longitude = parse(Op.LONGITUDE, parsing.parse_coordinate, row[Op.LONGITUDE])
    latitude = parse(Op.LATITUDE, parsing.parse_coordinate, row[Op.LATITUDE])
    out[Op.LONGITUDE], out[Op.LATITUDE], out[Op.PRECISION_GEO] = position(
        out, longitude, latitude, name, line, places, report
    )
    if row[Op.CONFLIT]:
        report.warning(name, line, Op.CONFLIT, f"{row[Op.ID]} : lectures en désaccord — {row[Op.CONFLIT]}")
    mix = [(row[Op.ID], item.code, item.dwellings) for item in items]
    return out, mix


def dwelling_readings(out: dict, items: tuple, variants: dict) -> Readings:
    """Every published way of counting the row's dwellings (``dashboard.data.dwellings``)."""
    typology = typology_count(out[Op.TYPOLOGIE]) if out[Op.TYPOLOGIE] else None
    return Readings(
        published=out[Op.LOGEMENTS],
        explicit_low=out[Op.LOGEMENTS_MIN],
        mix_total=sum(item.dwellings for item in items) if items else None,
        typology=typology,
        variants=tuple(v for k, v in variants.items() if k == Op.LOGEMENTS),
    )


def _report_dwellings(
    out: dict, items: tuple, readings: Readings, published: bool, name: str, line: int, report: Report
) -> None:
    """Mix against total, computed totals and ranges: warnings a person checks against the sources."""
    op_id, total = out[Op.ID], readings.mix_total
    if items and out[Op.LOGEMENTS] is not None and total != out[Op.LOGEMENTS]:
        message = (
            f"le financement publié totalise {total} logements, pour {out[Op.LOGEMENTS]} logements annoncés"
        )
        report.warning(name, line, Op.FINANCEMENTS, f"{op_id} : {message}")
    low, high = readings.low, readings.high
    if out[Op.LOGEMENTS_MIN] is not None and high is not None and out[Op.LOGEMENTS_MIN] > high:
        message = f"lecture basse {out[Op.LOGEMENTS_MIN]} supérieure aux autres lectures ({high})"
        report.error(name, line, Op.LOGEMENTS_MIN, message)
        return
    if out[Op.LOGEMENTS_MIN] is not None and not (out[Op.CONFLIT] or out[Op.REMARQUES]):
        report.warning(name, line, Op.LOGEMENTS_MIN, f"{op_id} : lecture basse sans explication dans conflit")
    if low is None or published:
        if low is not None and low != high:
            report.warning(
                name,
                line,
                Op.LOGEMENTS,
                f"{op_id} : de {low} à {high} logements selon la lecture ({readings.explanation()})",
            )
        return
    if high is None:
        message = (
            f"total non publié, au moins {low} logements d'après la typologie ({readings.explanation()})"
        )
    elif low != high:
        message = f"total non publié, de {low} à {high} logements selon la lecture ({readings.explanation()})"
    elif readings.origin == LOGEMENTS_FROM_MIX:
        message = f"total non publié, {low} logements comptés d'après le financement"
    else:
        message = f"total non publié, {low} logements comptés d'après la typologie"
    report.warning(name, line, Op.LOGEMENTS, f"{op_id} : {message}")


def _report_inferences(row: dict, name: str, line: int, report: Report) -> None:
    """``champ=explication`` items: each a value deduced, not published as such."""
    if not row[Op.INFERENCES]:
        return
    for raw in row[Op.INFERENCES].split(parsing.VARIANT_SEPARATOR):
        column, equals, why = raw.partition("=")
        column = column.strip()
        if not equals or column not in OPERATION_COLUMNS or not why.strip():
            expected = "attendu « champ=explication », le champ étant une colonne du contrat"
            report.error(name, line, Op.INFERENCES, f"{quote(raw.strip())} : {expected}")
            continue
        report.warning(
            name, line, column, f"{row[Op.ID]} : inférence, non publiée telle quelle — {why.strip()}"
        )


def _check_variants(row: dict, name: str, line: int, parse, report: Report) -> dict:
    """The other published values, typed (``{"livraison": PartialDate(2021)}``); every problem reported."""
    typed: dict = {}
    pairs = parse(Op.VARIANTES, parsing.parse_variantes, row[Op.VARIANTES]) or ()
    parsers = {
        **{c: parsing.parse_integer for c in INTEGER_COLUMNS},
        **{c: parsing.parse_decimal for c in DECIMAL_COLUMNS},
        **{c: parsing.parse_date for c in DATE_COLUMNS},
        Op.FINANCEMENTS: parsing.parse_financements,
    }
    for column, value in pairs:
        if column not in VARIANT_COLUMNS:
            message = f"{quote(column)} : champ inconnu, attendu l'un des champs {', '.join(VARIANT_COLUMNS)}"
            report.error(name, line, Op.VARIANTES, message)
            continue
        try:
            typed[column] = parsers[column](value)
        except parsing.ParseError as error:
            report.error(name, line, Op.VARIANTES, f"pour {column}, {error}")
            continue
        published = row[column] or "vide"
        report.warning(
            name, line, column, f"{row[Op.ID]} : valeurs publiées divergentes, {published} et {value}"
        )
    return typed


# Checks on a whole loaded dataset, beyond the contract of each cell: run by `check` and before a version
# of the data is served (dashboard.data.vetting).

# The largest operations of the programme count a few hundred dwellings (89 at most in the shipped data);
# beyond this many a value is a typing slip (999999999), not a building.
MAX_DWELLINGS_PER_OPERATION = 2_000
# A tag (<a …>, </b>, <br>) or an HTML entity: Plotly would draw it as markup were it not escaped.
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
MARKUP_COLUMNS = (Op.NOM, Op.ADRESSE, Op.COMMUNE, Op.DESCRIPTION, Op.TYPOLOGIE, Op.REMARQUES)


def check_content(
    operations: pd.DataFrame, known_sources: set[str], sources_file: str, name: str, report: Report
) -> None:
    """An empty table, implausible dwellings and sources missing from ``sources_file`` are errors; markup
    in a text is a warning (it is shown as written, see figures.common.plotly_text)."""
    if operations.empty:
        report.error(name, None, None, "aucune opération : le fichier ne contient que l'en-tête")
        return
    lines = operations[Derived.LIGNE].tolist()
    _check_dwellings(operations[Op.LOGEMENTS].tolist(), lines, name, report)
    for line, value in zip(lines, operations[Op.SOURCE].tolist(), strict=True):
        for source in (part.strip() for part in str(value).split(";")):
            if source and source not in known_sources:
                report.error(name, line, Op.SOURCE, f"{quote(source)} : source absente de {sources_file}")
    for column in MARKUP_COLUMNS:
        for line, text in zip(lines, operations[column].tolist(), strict=True):
            warn_markup(text, name, line, column, report)


def _check_dwellings(values: list, lines: list[int], name: str, report: Report) -> None:
    for line, value in zip(lines, values, strict=True):
        if not pd.isna(value) and value > MAX_DWELLINGS_PER_OPERATION:
            report.error(
                name,
                line,
                Op.LOGEMENTS,
                f"{quote(str(value))} : plus de {MAX_DWELLINGS_PER_OPERATION} logements pour une opération, "
                "valeur invraisemblable (faute de frappe ?)",
            )


def warn_markup(text: object, name: str, line: int | None, column: str, report: Report) -> None:
    found = MARKUP.search(str(text)) if isinstance(text, str) else None
    if found:
        report.warning(
            name,
            line,
            column,
            f"{quote(found.group(0))} : balise ou entité HTML, affichée telle quelle (texte attendu)",
        )
