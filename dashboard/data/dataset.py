"""Load every data file into one read-only dataset, with the report of what was wrong."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data import geo
from dashboard.data import perimeter as territory
from dashboard.data.parsing import ParseError, parse_date
from dashboard.data.reader import read_regular, read_table
from dashboard.data.report import ReadRefused, Report, unreadable
from dashboard.data.schema import (
    OPERATION_COLUMNS,
    PARTNER_COLUMNS,
    TOTAL_COLUMNS,
    Acv,
    Derived,
    Geo,
    Op,
    Partner,
    Src,
    Total,
)
from dashboard.data.sourcedates import SourceDate, reported
from dashboard.data.validate import validate_operations

OPERATIONS_FILE = "operations.csv"
COMMUNES_FILE = "communes.geojson"
DEPARTEMENTS_FILE = "departements.geojson"
ACV_FILE = "acv-communes.csv"
TOTALS_FILE = "chiffres_publies.csv"
SOURCES_FILE = "sources.csv"
PARTNERS_FILE = "communes_partenaires.csv"
SOURCE_COLUMNS = (Src.SOURCE, Src.TITRE, Src.DATE, Src.DATE_MIN, Src.DATE_MAX, Src.BASE_DATE)
METADATA_FILE = "metadata.json"
MAX_METADATA_BYTES = 1024 * 1024  # a few lines of provenance


@dataclass(frozen=True)
class Dataset:
    """Everything the dashboard shows; built once, never modified afterwards."""

    operations: pd.DataFrame
    mix: pd.DataFrame
    communes: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    acv: pd.DataFrame
    totals: pd.DataFrame
    sources: pd.DataFrame
    metadata: dict = field(default_factory=dict)
    # Source id → when it was published (exact or estimated, with its basis).
    source_dates: dict[str, SourceDate] = field(default_factory=dict)
    # Communes a source names as places where Clésence works, with the passage (one row per source).
    partners: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(PARTNER_COLUMNS)))


def load_reference(
    data_dir: Path, report: Report, perimeter: territory.Perimeter | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """Commune and département outlines, or ``None`` if either is unusable: the perimeter's, prepared from
    the national reference, or with none the data folder's own."""
    if perimeter is not None:
        prepared = territory.prepare(perimeter, report)
        return None if prepared is None else (prepared.communes, prepared.departements)
    communes = geo.load_areas(data_dir / COMMUNES_FILE, report)
    departements = geo.load_areas(data_dir / DEPARTEMENTS_FILE, report)
    if communes is None or departements is None:
        return None
    return communes, departements


def load_operations(path: Path, communes: gpd.GeoDataFrame, report: Report):
    """Read, validate and place the operations of ``path``."""
    table = read_table(path, OPERATION_COLUMNS, report)
    if table is None:
        return None
    operations = validate_operations(table, path.name, communes, report)
    if operations is None:
        return None
    frame = operations.frame
    frame[Op.COMMUNE] = frame[Op.CODE_INSEE].map(communes[Geo.NOM]).fillna(frame[Op.COMMUNE]).astype("string")
    anchors = geo.anchor_points(communes)
    missing = frame[Op.LONGITUDE].isna()
    frame.loc[missing, Op.LONGITUDE] = frame.loc[missing, Op.CODE_INSEE].map(anchors["longitude"])
    frame.loc[missing, Op.LATITUDE] = frame.loc[missing, Op.CODE_INSEE].map(anchors["latitude"])
    frame[Derived.LOGEMENTS_RETENUS] = frame[Derived.LOGEMENTS_RETENUS].astype("Int64")
    frame[Derived.LOGEMENTS_MAX] = frame[Derived.LOGEMENTS_MAX].astype("Int64")
    frame[Derived.LOGEMENTS_ORIGINE] = frame[Derived.LOGEMENTS_ORIGINE].astype("string")
    frame[Derived.DEPARTEMENT] = frame[Derived.DEPARTEMENT].astype("string")
    return frame.set_index(Op.ID, drop=False).rename_axis(None), operations.mix


def _read_small(
    path: Path, columns: tuple[str, ...], report: Report, *, keep_lines: bool = False
) -> pd.DataFrame:
    table = read_table(path, columns, report)
    if table is None:
        return pd.DataFrame(columns=list(columns), dtype="string")
    missing = [column for column in columns if column not in table.frame.columns]
    for column in missing:
        report.error(path.name, 1, column, "colonne obligatoire absente de l'en-tête")
    if missing:
        return pd.DataFrame(columns=list(columns), dtype="string")
    frame = table.frame.fillna("")
    return frame if keep_lines else frame.reset_index(drop=True)


def _read_metadata(path: Path, report: Report) -> dict:
    """The data's provenance: shown on the page, so a damaged file is a warning, not an error."""
    try:
        metadata = json.loads(read_regular(path, MAX_METADATA_BYTES).decode("utf-8"))
    except ReadRefused as error:  # a pipe or a device in its place: what replaced it is not ours to guess
        report.error(path.name, None, None, str(error))
        return {}
    except OSError as error:
        report.warning(path.name, None, None, f"métadonnées absentes : {unreadable(error)}")
        return {}
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        metadata = None
    if isinstance(metadata, dict):
        return metadata
    report.warning(path.name, None, None, "métadonnées illisibles : attendu un objet JSON en UTF-8")
    return {}


def _source_dates(sources: pd.DataFrame, report: Report) -> dict[str, SourceDate]:
    """Each source's publication date: ``date_min`` and ``date_max`` are days (AAAA-MM-JJ), in order."""
    dates: dict[str, SourceDate] = {}
    for line, row in sources.iterrows():
        ends = []
        for column in (Src.DATE_MIN, Src.DATE_MAX):
            try:
                day = parse_date(row[column]) if row[column] else None
            except ParseError as error:
                report.error(SOURCES_FILE, int(line), column, str(error))
                continue
            if day is None or day.day is None:
                expected = (
                    "attendu le jour (AAAA-MM-JJ) le plus tôt ou le plus tard où la source a pu paraître"
                )
                report.error(
                    SOURCES_FILE,
                    int(line),
                    column,
                    f"date de publication manquante ou partielle : {expected}",
                )
                continue
            ends.append(datetime.date(*day.earliest()))
        if len(ends) == 2 and ends[0] > ends[1]:
            report.error(
                SOURCES_FILE, int(line), Src.DATE_MAX, f"date_max {ends[1]} antérieure à date_min {ends[0]}"
            )
        elif len(ends) == 2:
            label = row[Src.DATE] or str(ends[0].year)
            dates[row[Src.SOURCE]] = SourceDate(ends[0], ends[1], label, row[Src.BASE_DATE])
    return dates


def _latest_source_dates(operations: pd.DataFrame, dates: dict[str, SourceDate]) -> pd.Series:
    """Per operation, the earliest day its latest dated source may have been published (``None``: none).

    An id absent from sources.csv is reported by validate.check_content, an undated one by _source_dates:
    an operation without a dated source keeps no publication date, and all its dates count as forecasts."""
    found = []
    for text in operations[Op.SOURCE].tolist():
        ids = [part.strip() for part in text.split(";") if part.strip()]
        known = [dates[part].earliest for part in ids if part in dates]
        found.append(max(known) if known else None)
    return pd.Series(found, index=operations.index, dtype=object)


def _report_forecasts(operations: pd.DataFrame, report: Report) -> None:
    """Each milestone dated after its source's publication is a plan, not a fact: say so, with its line."""
    for column, derived in ((Op.DEBUT_TRAVAUX, Derived.DEBUT), (Op.LIVRAISON, Derived.FIN)):
        columns = (operations[Derived.LIGNE], operations[derived], operations[Derived.SOURCE_DATE])
        rows = zip(operations.index, *columns, strict=True)
        for op_id, line, date, published in rows:
            if date is not None and published is not None and not reported(date, published):
                message = (
                    f"{op_id} : {column} {date} est une prévision (source publiée au plus tôt le {published})"
                )
                report.warning(OPERATIONS_FILE, int(line), column, message)


def _read_partners(path: Path, communes: gpd.GeoDataFrame, sources: set[str], report: Report) -> pd.DataFrame:
    """Communes named by a source; a file that is absent means none (an older data folder)."""
    if not path.exists():
        return pd.DataFrame(columns=list(PARTNER_COLUMNS), dtype="string")
    table = read_table(path, PARTNER_COLUMNS, report)
    if table is None:
        return pd.DataFrame(columns=list(PARTNER_COLUMNS), dtype="string")
    frame = table.frame.fillna("")
    missing = [column for column in PARTNER_COLUMNS if column not in frame.columns]
    for column in missing:
        report.error(path.name, table.header_line, column, "colonne obligatoire absente de l'en-tête")
    if missing:
        return pd.DataFrame(columns=list(PARTNER_COLUMNS), dtype="string")
    for line, row in frame.iterrows():
        if row[Partner.CODE_INSEE] not in communes.index:
            report.error(
                path.name,
                int(line),
                Partner.CODE_INSEE,
                f"« {row[Partner.CODE_INSEE][:12]} » : code INSEE inconnu",
            )
        if row[Partner.SOURCE] not in sources:
            report.error(
                path.name,
                int(line),
                Partner.SOURCE,
                f"« {row[Partner.SOURCE][:40]} » : source absente de {SOURCES_FILE}",
            )
    return frame[list(PARTNER_COLUMNS)].reset_index(drop=True)


def load_dataset(
    data_dir: Path,
    report: Report,
    operations_path: Path | None = None,
    perimeter: territory.Perimeter | None = None,
) -> Dataset | None:
    """The whole dataset from ``data_dir`` over ``perimeter`` (none: the data folder's outlines);
    ``None`` if an error makes it unusable."""
    reference = load_reference(data_dir, report, perimeter)
    if reference is None:
        return None
    communes, departements = reference
    sources = _read_small(data_dir / SOURCES_FILE, SOURCE_COLUMNS, report, keep_lines=True)
    source_dates = _source_dates(sources, report)
    loaded = load_operations(operations_path or data_dir / OPERATIONS_FILE, communes, report)
    if loaded is None or not report.ok:
        return None
    operations, mix = loaded
    operations[Derived.SOURCE_DATE] = _latest_source_dates(operations, source_dates)
    labels = {source.earliest: source.label for source in source_dates.values()}
    operations[Derived.SOURCE_LABEL] = operations[Derived.SOURCE_DATE].map(labels).fillna("").astype("string")
    _report_forecasts(operations, report)
    acv = _read_small(data_dir / ACV_FILE, (Acv.CODE_INSEE, Acv.COMMUNE, Acv.REGION), report)
    acv = territory.acv_in(acv, communes, Acv.CODE_INSEE)
    totals = _read_small(data_dir / TOTALS_FILE, TOTAL_COLUMNS, report)
    if Total.REMARQUE not in totals.columns:
        totals[Total.REMARQUE] = ""
    totals[Total.VALEUR] = pd.to_numeric(totals[Total.VALEUR], errors="coerce")
    partners = _read_partners(data_dir / PARTNERS_FILE, communes, set(sources[Src.SOURCE]), report)
    metadata = _read_metadata(data_dir / METADATA_FILE, report)
    if perimeter is not None:
        metadata = {**metadata, "perimetre": territory.read_areas().name(perimeter)}
    if not report.ok:
        return None
    return Dataset(
        operations,
        mix,
        communes,
        departements,
        acv.set_index(Acv.CODE_INSEE, drop=False),
        totals,
        sources.reset_index(drop=True),
        metadata,
        source_dates,
        partners,
    )
