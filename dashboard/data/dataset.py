"""Load every data file into one read-only dataset, with the report of what was wrong."""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.data import geo
from dashboard.data import milestones as record
from dashboard.data import perimeter as territory
from dashboard.data.parsing import ParseError, parse_date
from dashboard.data.reader import read_regular, read_table
from dashboard.data.report import ReadRefused, Report, unreadable
from dashboard.data.schema import (
    FIGURE_COLUMNS,
    MILESTONE_COLUMNS,
    OPERATION_COLUMNS,
    PARTNER_COLUMNS,
    TOTAL_COLUMNS,
    Acv,
    Derived,
    Geo,
    Ms,
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
    # The dated record: one row per milestone (jalons.csv) and per figure of an operation as a source gives
    # it (chiffres_operations.csv); empty for a data folder without them.
    milestones: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(MILESTONE_COLUMNS)))
    figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(FIGURE_COLUMNS)))


def load_reference(
    data_dir: Path, report: Report, perimeter: territory.Perimeter | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """Commune and département outlines, or ``None`` if either is unusable: the perimeter's, prepared from
    the national reference, or with none the data folder's own."""
    if perimeter is not None:
        prepared = territory.prepare(perimeter, report)
        return None if prepared is None else (prepared.communes, prepared.departements)
    paths = (data_dir / COMMUNES_FILE, data_dir / DEPARTEMENTS_FILE)
    identity = _identity(paths)
    if identity is None:  # a file missing or unreadable: read, and let the reading say why
        return _read_reference(paths, report)
    with _REFERENCE_LOCK:
        kept = _REFERENCE.get(identity)
    if kept is None:
        said = Report()
        kept = said, _read_reference(paths, said)
        with _REFERENCE_LOCK:
            _REFERENCE.clear()  # only the latest outlines: the older ones are held by their versions
            _REFERENCE[identity] = kept
    said, reference = kept
    report.extend(said)
    return reference


# The outlines last read, by the identity of their files: every version of the data (a staff member's draft, a
# reload of the operations) shares them instead of parsing 3.75 MB of GeoJSON again (~1 s). Shared, hence
# never modified: no code writes into the outlines' frames.
_REFERENCE: dict[tuple, tuple[Report, tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None]] = {}
_REFERENCE_LOCK = threading.Lock()


def _identity(paths: tuple[Path, ...]) -> tuple | None:
    """The files behind ``paths`` (links followed) and their state: any write, rename or change of mode
    gives another identity."""
    found = []
    for path in paths:
        try:
            real = path.resolve()
            stat = real.stat()
        except (OSError, RuntimeError):  # RuntimeError: a loop of links
            return None
        found.append((str(real), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))
    return tuple(found)


def _read_reference(
    paths: tuple[Path, ...], report: Report
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    communes = geo.load_areas(paths[0], report)
    departements = geo.load_areas(paths[1], report)
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


def _source_ids(operations: pd.DataFrame, milestones: pd.DataFrame) -> list[list[str]]:
    """Each operation's sources: its ``source`` cell's, then those of its milestones."""
    extra: dict[str, list[str]] = {}
    for op_id, source in zip(milestones[Ms.OPERATION].tolist(), milestones[Ms.SOURCE].tolist(), strict=True):
        extra.setdefault(op_id, []).append(source)
    found = []
    for op_id, text in zip(operations.index.tolist(), operations[Op.SOURCE].tolist(), strict=True):
        ids = [part.strip() for part in text.split(";") if part.strip()]
        found.append(list(dict.fromkeys(ids + extra.get(op_id, []))))
    return found


def _latest_source_dates(
    operations: pd.DataFrame, dates: dict[str, SourceDate], sources: list[list[str]] | None = None
) -> pd.Series:
    """Per operation, the earliest day its latest dated source may have been published (``None``: none).

    An id absent from sources.csv is reported by validate.check_content, an undated one by _source_dates:
    an operation without a dated source keeps no publication date, and all its dates count as forecasts."""
    if sources is None:
        sources = [[p.strip() for p in text.split(";") if p.strip()] for text in operations[Op.SOURCE]]
    found = []
    for ids in sources:
        known = [dates[part].earliest for part in ids if part in dates]
        found.append(max(known) if known else None)
    return pd.Series(found, index=operations.index, dtype=object)


def _first_known(
    operations: pd.DataFrame, dates: dict[str, SourceDate], sources: list[list[str]]
) -> tuple[pd.Series, pd.Series]:
    """Per operation, the day by which one of its sources had surely been published (``None``: none), and
    that source's date as people say it."""
    days, labels = [], []
    for ids in sources:
        known = [dates[part] for part in ids if part in dates]
        first = min(known, key=lambda d: d.latest) if known else None
        days.append(first.latest if first else None)
        labels.append(first.label if first else "")
    index = operations.index
    return pd.Series(days, index=index, dtype=object), pd.Series(labels, index=index, dtype="string")


def _follow_record(operations: pd.DataFrame, milestones: pd.DataFrame, dates: dict[str, SourceDate]) -> None:
    """The start and delivery the chronology follows: the record's choice (milestones.choose) where it
    dates them, else the row's own columns judged against its latest source; the row's ``debut_travaux``
    and ``livraison`` then say the same date (the latest published). Where the plans changed, the plans
    followed before (``Derived.PLANS_BEFORE``): a past year's state follows the plan known then."""
    chosen = record.choose(milestones, dates)
    earlier = record.plans_before(milestones, dates, chosen)
    known_from = operations[Derived.FIRST_KNOWN].to_dict() if Derived.FIRST_KNOWN in operations else {}
    starts, ends, start_flags, end_flags, plans, notes, before = [], [], [], [], [], [], []
    columns = (operations[Derived.DEBUT], operations[Derived.FIN], operations[Derived.SOURCE_DATE])
    for op_id, start, end, published in zip(operations.index.tolist(), *columns, strict=True):
        picked_start, picked_end = chosen.get(op_id, (None, None))
        own = tuple(
            (None, False) if picked else (date, reported(date, published))
            for picked, date in ((picked_start, start), (picked_end, end))
        )
        # Before the operation's first source was surely out nothing is said of it: no plan to follow then.
        first = known_from.get(op_id)
        steps = [s for s in earlier.get(op_id, ()) if first is None or s.until > first.year]
        before.append(tuple(record.as_read(step, dates, own) for step in steps) if steps else None)
        starts.append(picked_start.date if picked_start else start)
        start_flags.append(picked_start.reported if picked_start else reported(start, published))
        ends.append(picked_end.date if picked_end else end)
        end_flags.append(picked_end.reported if picked_end else reported(end, published))
        plan = next((p for p in (picked_end, picked_start) if p is not None and not p.reported), None)
        plans.append(dates[plan.source].label if plan is not None and plan.source in dates else "")
        notes.append(picked_end.note() if picked_end is not None and picked_end.reported else "")
    operations[Derived.DEBUT] = pd.Series(starts, index=operations.index, dtype=object)
    operations[Derived.FIN] = pd.Series(ends, index=operations.index, dtype=object)
    operations[Derived.DEBUT_CONSTATE] = pd.Series(start_flags, index=operations.index, dtype=bool)
    operations[Derived.FIN_CONSTATEE] = pd.Series(end_flags, index=operations.index, dtype=bool)
    operations[Derived.PLAN_LABEL] = pd.Series(plans, index=operations.index, dtype="string")
    operations[Derived.FIN_NOTE] = pd.Series(notes, index=operations.index, dtype="string")
    operations[Derived.PLANS_BEFORE] = pd.Series(before, index=operations.index, dtype=object)
    for column, derived in ((Op.DEBUT_TRAVAUX, Derived.DEBUT), (Op.LIVRAISON, Derived.FIN)):
        operations[column] = pd.Series(
            [date.iso() if date is not None else "" for date in operations[derived]],
            index=operations.index,
            dtype="string",
        )


def _report_forecasts(operations: pd.DataFrame, report: Report) -> None:
    """Each date the chronology follows that is a plan, not a fact: say so, with its line."""
    pairs = (
        (Op.DEBUT_TRAVAUX, Derived.DEBUT, Derived.DEBUT_CONSTATE),
        (Op.LIVRAISON, Derived.FIN, Derived.FIN_CONSTATEE),
    )
    for column, derived, flag in pairs:
        columns = (operations[Derived.LIGNE], operations[derived], operations[flag])
        for op_id, line, date, is_fact in zip(operations.index, *columns, strict=True):
            if date is not None and not is_fact:
                report.warning(
                    OPERATIONS_FILE, int(line), column, f"{op_id} : {column} {date} est une prévision"
                )


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


def _load_record(data_dir, operations_path, operations, sources, source_dates, report):
    """The milestones and figures of the operations, and the dates and sources the chronology follows."""
    known_sources = set(sources[Src.SOURCE])
    # Another operations file checked against this folder: its record follows the operations it has.
    own = operations_path is None or Path(operations_path).resolve() == (data_dir / OPERATIONS_FILE).resolve()
    milestones = record.read_milestones(
        data_dir / record.MILESTONES_FILE,
        set(operations.index),
        source_dates,
        known_sources,
        report,
        strict=own,
    )
    figures = record.read_figures(
        data_dir / record.FIGURES_FILE, operations, known_sources, report, strict=own
    )
    ids = _source_ids(operations, milestones)
    operations[Derived.SOURCE_DATE] = _latest_source_dates(operations, source_dates, ids)
    operations[Derived.FIRST_KNOWN], operations[Derived.FIRST_LABEL] = _first_known(
        operations, source_dates, ids
    )
    _follow_record(operations, milestones, source_dates)
    return milestones, figures


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
    milestones, figures = _load_record(data_dir, operations_path, operations, sources, source_dates, report)
    labels = {source.earliest: source.label for source in source_dates.values()}
    operations[Derived.SOURCE_LABEL] = operations[Derived.SOURCE_DATE].map(labels).fillna("").astype("string")
    _report_forecasts(operations, report)
    acv = _read_small(data_dir / ACV_FILE, (Acv.CODE_INSEE, Acv.COMMUNE, Acv.REGION), report)
    acv = territory.acv_in(acv, communes, Acv.CODE_INSEE)
    totals = _read_small(data_dir / TOTALS_FILE, TOTAL_COLUMNS, report)
    for optional in (Total.REMARQUE, Total.ANNEE):
        if optional not in totals.columns:
            totals[optional] = ""
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
        milestones,
        figures,
    )
