"""Load every data file into one read-only dataset, with the report of what was wrong."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard import geo
from dashboard.reader import read_table
from dashboard.report import Report, unreadable
from dashboard.schema import (
    OPERATION_COLUMNS,
    REGION_CODE,
    TOTAL_COLUMNS,
    Acv,
    Derived,
    Geo,
    Op,
    Total,
)
from dashboard.validate import validate_operations

OPERATIONS_FILE = "operations.csv"
COMMUNES_FILE = "communes.geojson"
DEPARTEMENTS_FILE = "departements.geojson"
ACV_FILE = "acv-communes.csv"
TOTALS_FILE = "chiffres_publies.csv"
SOURCES_FILE = "sources.csv"
METADATA_FILE = "metadata.json"


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


def load_reference(data_dir: Path, report: Report) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """Commune and département outlines, or ``None`` if either is unusable."""
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
    frame[Derived.LOGEMENTS_ORIGINE] = frame[Derived.LOGEMENTS_ORIGINE].astype("string")
    frame[Derived.DEPARTEMENT] = frame[Derived.DEPARTEMENT].astype("string")
    return frame.set_index(Op.ID, drop=False).rename_axis(None), operations.mix


def _read_small(path: Path, columns: tuple[str, ...], report: Report) -> pd.DataFrame:
    table = read_table(path, columns, report)
    if table is None:
        return pd.DataFrame(columns=list(columns), dtype="string")
    missing = [column for column in columns if column not in table.frame.columns]
    for column in missing:
        report.error(path.name, 1, column, "colonne obligatoire absente de l'en-tête")
    if missing:
        return pd.DataFrame(columns=list(columns), dtype="string")
    return table.frame.fillna("").reset_index(drop=True)


def _read_metadata(path: Path, report: Report) -> dict:
    """The data's provenance: shown on the page, so a damaged file is a warning, not an error."""
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        report.warning(path.name, None, None, f"métadonnées absentes : {unreadable(error)}")
        return {}
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        metadata = None
    if isinstance(metadata, dict):
        return metadata
    report.warning(path.name, None, None, "métadonnées illisibles : attendu un objet JSON en UTF-8")
    return {}


def load_dataset(data_dir: Path, report: Report, operations_path: Path | None = None) -> Dataset | None:
    """The whole dataset from ``data_dir``; ``None`` if an error makes it unusable."""
    reference = load_reference(data_dir, report)
    if reference is None:
        return None
    communes, departements = reference
    loaded = load_operations(operations_path or data_dir / OPERATIONS_FILE, communes, report)
    if loaded is None or not report.ok:
        return None
    operations, mix = loaded
    acv = _read_small(data_dir / ACV_FILE, (Acv.CODE_INSEE, Acv.COMMUNE, Acv.REGION), report)
    acv = acv[acv[Acv.REGION] == REGION_CODE]
    totals = _read_small(data_dir / TOTALS_FILE, TOTAL_COLUMNS, report)
    totals[Total.VALEUR] = pd.to_numeric(totals[Total.VALEUR], errors="coerce")
    sources = _read_small(data_dir / SOURCES_FILE, ("source", "titre"), report)
    metadata = _read_metadata(data_dir / METADATA_FILE, report)
    if not report.ok:
        return None
    return Dataset(
        operations,
        mix,
        communes,
        departements,
        acv.set_index(Acv.CODE_INSEE, drop=False),
        totals,
        sources,
        metadata,
    )
