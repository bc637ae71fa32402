"""The dated record of each operation: its milestones (``jalons.csv``) and its figures as each source gives
them (``chiffres_operations.csv``), validated like the other files, and the declared rule that picks, of
all readings, the dates the chronology follows.

The rule (« la plus récente et la plus précise d'abord »): a milestone reported (« constaté ») beats a
forecast; among several, the one from the newest source (latest possible publication day, then earliest),
then the most precise date. A delivery is reported by a reported delivery, move-in or inauguration: the
operation was delivered at the latest at the earliest of them.

At the end of a past year (« situation fin 2022 »), a fact reported later about that year stays a fact, but a
forecast counts only if its source had surely been published by then (``known_by``): the state of 2022
follows the plan known in 2022, never one announced afterwards (``plans_before``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from dashboard.data.parsing import ParseError, PartialDate, parse_milestone_date, quote
from dashboard.data.reader import LINE_COLUMN, read_table
from dashboard.data.report import Report
from dashboard.data.schema import (
    DELIVERY_KINDS,
    FIGURE_COLUMNS,
    FIGURE_OPTIONAL,
    MILESTONE_COLUMNS,
    MILESTONE_KINDS,
    MILESTONE_OPTIONAL,
    MILESTONE_PRECISIONS,
    START_KINDS,
    Certainty,
    Fig,
    Kind,
    Ms,
)
from dashboard.data.sourcedates import SourceDate

MILESTONES_FILE = "jalons.csv"
FIGURES_FILE = "chiffres_operations.csv"
STATES = (Certainty.REPORTED, Certainty.FORECAST)
# Columns the loader adds to the milestones frame.
DATE = "date_lue"  # PartialDate or None
REPORTED = "constate"  # bool


@dataclass(frozen=True)
class Chosen:
    """The date the chronology follows for one milestone class of one operation, and where it comes from."""

    date: PartialDate
    reported: bool
    source: str
    line: int
    kind: str = Kind.DELIVERY
    inferred: bool = False  # the date (often its year) is deduced, not written as such

    def note(self) -> str:
        """How a delivery is known when it is not a delivery itself: « emménagement, année déduite »."""
        parts = [MILESTONE_KINDS[self.kind]] if self.kind not in (Kind.DELIVERY, Kind.START) else []
        return ", ".join(parts + (["date déduite"] if self.inferred else []))


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=[LINE_COLUMN, *columns]).astype("string")


def _read(path: Path, columns: tuple[str, ...], optional: frozenset, report: Report) -> pd.DataFrame | None:
    """The file's rows as text with their lines; ``None`` (an older data folder) when it is absent."""
    if not path.exists():
        return None
    table = read_table(path, columns, report)
    if table is None:
        return _empty(columns)
    frame = table.frame.fillna("")
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    missing = [column for column in columns if column not in frame.columns]
    for column in missing:
        report.error(path.name, table.header_line, column, "colonne obligatoire absente de l'en-tête")
    if missing:
        return _empty(columns)
    frame = frame[list(columns)].apply(lambda cells: cells.astype("string").str.strip())
    return frame.rename_axis(LINE_COLUMN).reset_index()


def _source_order(source: str, dates: dict[str, SourceDate]) -> tuple[datetime.date, datetime.date]:
    """Newer first: the latest day a source may have been published, then its earliest."""
    found = dates.get(source)
    return (found.latest, found.earliest) if found else (datetime.date.min, datetime.date.min)


def _precision_rank(date: PartialDate) -> int:
    return MILESTONE_PRECISIONS.index(date.precision)


def read_milestones(
    path: Path,
    operations: set[str],
    dates: dict[str, SourceDate],
    sources: set[str],
    report: Report,
    *,
    strict: bool = True,
) -> pd.DataFrame:
    """Typed milestones (``DATE``, ``REPORTED`` added); every problem goes to ``report``. Not ``strict``
    (another operations file checked against this folder), milestones of operations it lacks are left out."""
    frame = _read(path, MILESTONE_COLUMNS, MILESTONE_OPTIONAL, report)
    if frame is None:
        return _empty(MILESTONE_COLUMNS).assign(**{DATE: pd.Series(dtype=object), REPORTED: False})
    name = path.name
    orphans = frame[(frame[Ms.OPERATION] != "") & ~frame[Ms.OPERATION].isin(operations)]
    if strict:  # an operation removed from operations.csv: its milestones are set aside, and said so
        for line, op_id in zip(orphans[LINE_COLUMN].tolist(), orphans[Ms.OPERATION].tolist(), strict=True):
            message = f"{quote(op_id)} : opération absente de operations.csv, jalon ignoré"
            report.warning(name, int(line), Ms.OPERATION, message)
    frame = frame.drop(orphans.index).reset_index(drop=True)
    parsed, states = [], []
    for row in frame.to_dict("records"):
        date, state = _check_row(row, name, dates, sources, report)
        parsed.append(date)
        states.append(state)
    frame[DATE] = pd.Series(parsed, index=frame.index, dtype=object)
    frame[REPORTED] = pd.Series(states, index=frame.index, dtype=bool)
    _check_order(frame, name, report)
    _report_conflicts(frame, name, dates, report)
    return frame


def _check_row(row, name, dates, sources, report) -> tuple[PartialDate | None, bool]:
    line = int(row[LINE_COLUMN])
    op_id = row[Ms.OPERATION]
    for column in (Ms.OPERATION, Ms.TYPE, Ms.ETAT, Ms.SOURCE):
        if not row[column]:
            report.error(name, line, column, "valeur obligatoire manquante")
    if row[Ms.TYPE] and row[Ms.TYPE] not in MILESTONE_KINDS:
        report.error(
            name,
            line,
            Ms.TYPE,
            f"{quote(row[Ms.TYPE])} : attendu l'un des types {' ; '.join(MILESTONE_KINDS)}",
        )
    if row[Ms.ETAT] and row[Ms.ETAT] not in STATES:
        report.error(name, line, Ms.ETAT, f"{quote(row[Ms.ETAT])} : attendu « constaté » ou « prévu »")
    if row[Ms.SOURCE] and row[Ms.SOURCE] not in sources:
        report.error(name, line, Ms.SOURCE, f"{quote(row[Ms.SOURCE])} : source absente de sources.csv")
    reported = row[Ms.ETAT] == Certainty.REPORTED
    date = None
    if row[Ms.DATE]:
        try:
            date = parse_milestone_date(row[Ms.DATE])
        except ParseError as error:
            report.error(name, line, Ms.DATE, str(error))
    elif row[Ms.TYPE]:
        report.warning(name, line, Ms.DATE, f"{op_id} : {row[Ms.TYPE]} sans date publiée, gardé sans date")
    precision = row[Ms.PRECISION]
    if precision and precision not in MILESTONE_PRECISIONS:
        expected = " ; ".join(MILESTONE_PRECISIONS)
        report.error(
            name, line, Ms.PRECISION, f"{quote(precision)} : attendu l'une des précisions {expected}"
        )
    elif date is not None and precision != date.precision:
        report.error(
            name,
            line,
            Ms.PRECISION,
            f"{quote(precision or 'vide')} : la date {date} est donnée au niveau « {date.precision} »",
        )
    if row[Ms.INFERENCE]:
        report.warning(
            name, line, Ms.DATE, f"{op_id} : date déduite, non publiée telle quelle — {row[Ms.INFERENCE]}"
        )
    _check_against_source(row, date, reported, name, line, dates, report)
    return date, reported


def _check_against_source(row, date, reported, name, line, dates, report) -> None:
    """A fact dated after its source could appear is an error; a plan already past when it appeared, a
    warning."""
    op_id = row[Ms.OPERATION]
    published = dates.get(row[Ms.SOURCE])
    if date is not None and published is not None and row[Ms.ETAT] in STATES:
        first, last = datetime.date(*date.earliest()), datetime.date(*date.latest())
        if reported and first > published.latest:
            report.error(
                name,
                line,
                Ms.ETAT,
                f"{op_id} : {row[Ms.TYPE]} {date} dit « constaté » par une source parue au plus tard le "
                f"{published.latest} : attendu « prévu »",
            )
        elif not reported and last < published.earliest:
            report.warning(
                name,
                line,
                Ms.ETAT,
                f"{op_id} : {row[Ms.TYPE]} {date} dit « prévu » par une source parue au plus tôt le "
                f"{published.earliest}, date déjà passée",
            )


def _check_order(frame: pd.DataFrame, name: str, report: Report) -> None:
    """A reported delivery before a reported start of works is an error, with both lines."""
    facts = frame[frame[REPORTED] & frame[DATE].notna()]
    for op_id, rows in facts.groupby(Ms.OPERATION):
        starts = rows[rows[Ms.TYPE].isin(START_KINDS)]
        ends = rows[rows[Ms.TYPE].isin(DELIVERY_KINDS)]
        for _, end in ends.iterrows():
            for _, start in starts.iterrows():
                if end[DATE].latest() < start[DATE].earliest():
                    report.error(
                        name,
                        int(end[LINE_COLUMN]),
                        Ms.DATE,
                        f"{op_id} : {end[Ms.TYPE]} {end[DATE]} antérieure au {start[Ms.TYPE]} "
                        f"{start[DATE]} (ligne {start[LINE_COLUMN]})",
                    )


def _overlap(a: PartialDate, b: PartialDate) -> bool:
    """Two readings of one date agree when one may stand for the other (2017 and printemps 2017)."""
    return a.earliest() <= b.latest() and b.earliest() <= a.latest()


def reading(row) -> str:
    """One reading as a message shows it: « 2021-S1 (clesence-acv, prévu) »."""
    return f"{row[DATE] or 'sans date'} ({row[Ms.SOURCE]}, {row[Ms.ETAT]})"


def _report_conflicts(frame: pd.DataFrame, name: str, dates: dict[str, SourceDate], report: Report) -> None:
    """Reported dates of one kind that cannot be the same date are a conflict, said with every reading; the
    forecasts of one kind are listed as successive forecasts, oldest source first."""
    dated = frame[frame[DATE].notna()]
    for (op_id, kind), rows in dated.groupby([Ms.OPERATION, Ms.TYPE]):
        facts = rows[rows[REPORTED]]
        values = facts[DATE].tolist()
        if any(not _overlap(a, b) for a in values for b in values):
            who = _who(facts[Ms.SOURCE].tolist())
            readings = " ; ".join(reading(row) for _, row in facts.iterrows())
            report.warning(
                name, int(facts[LINE_COLUMN].iloc[-1]), Ms.DATE, f"{op_id} : {kind}, {who} — {readings}"
            )
        plans = rows[~rows[REPORTED]]
        if plans[DATE].nunique() > 1:
            ordered = sorted(plans.iterrows(), key=lambda item: _source_order(item[1][Ms.SOURCE], dates))
            steps = " → ".join(reading(row) for _, row in ordered)
            who = (
                "prévisions successives"
                if plans[Ms.SOURCE].nunique() > 1
                else _who(plans[Ms.SOURCE].tolist())
            )
            report.warning(
                name, int(plans[LINE_COLUMN].iloc[-1]), Ms.DATE, f"{op_id} : {kind}, {who} — {steps}"
            )


def _who(sources: list[str]) -> str:
    """« sources en désaccord » only when two sources disagree; two passages of one source say so."""
    if len(set(sources)) == 1:
        return f"passages de la même source en désaccord ({sources[0]})"
    return "sources en désaccord"


def choose(
    milestones: pd.DataFrame, dates: dict[str, SourceDate]
) -> dict[str, tuple[Chosen | None, Chosen | None]]:
    """Per operation with milestones, the start of works and the delivery the chronology follows."""
    chosen: dict[str, tuple[Chosen | None, Chosen | None]] = {}
    dated = milestones[milestones[DATE].notna()]
    for op_id, rows in dated.groupby(Ms.OPERATION):
        records = rows.to_dict("records")
        chosen[str(op_id)] = (_start(records, dates), _delivery(records, dates))
    return chosen


@dataclass(frozen=True)
class EarlierPlan:
    """What the chronology follows before the end of ``until`` (a year) instead of the record's choice: the
    start and delivery chosen among the facts and the forecasts surely published by then."""

    until: int
    start: Chosen | None
    delivery: Chosen | None


class PlanAsOf(NamedTuple):
    """An ``EarlierPlan`` as the chronology reads it: before the end of ``until``, the start and delivery
    followed, whether each was reported, and the date of the source of the plan (« 2020 »)."""

    until: int
    start: PartialDate | None
    start_reported: bool
    end: PartialDate | None
    end_reported: bool
    plan_label: str


def as_read(plan: EarlierPlan, dates: dict[str, SourceDate], own: tuple[tuple, ...]) -> PlanAsOf:
    """``plan`` as a ``PlanAsOf``; ``own``: the row's ``(date, reported)`` of its start and of its delivery,
    kept for a class the record dates at no time (``None`` where it does: nothing known then is nothing)."""
    forecast = next((p for p in (plan.delivery, plan.start) if p is not None and not p.reported), None)
    label = dates[forecast.source].label if forecast is not None and forecast.source in dates else ""
    (start, start_reported), (end, end_reported) = (
        (chosen.date, chosen.reported) if chosen is not None else kept
        for chosen, kept in zip((plan.start, plan.delivery), own, strict=True)
    )
    return PlanAsOf(plan.until, start, bool(start_reported), end, bool(end_reported), label)


def known_by(records: list[dict], dates: dict[str, SourceDate], day: datetime.date) -> list[dict]:
    """The facts, whenever reported, and the forecasts whose source was surely published by ``day``: what
    could be said of the plans on that day (a source dated only « 2022–2025 » counts from 2025 on)."""
    return [r for r in records if r[REPORTED] or _surely_out(r[Ms.SOURCE], dates, day)]


def _surely_out(source: str, dates: dict[str, SourceDate], day: datetime.date) -> bool:
    found = dates.get(source)
    return found is not None and found.latest <= day


def plans_before(
    milestones: pd.DataFrame,
    dates: dict[str, SourceDate],
    chosen: dict[str, tuple[Chosen | None, Chosen | None]],
) -> dict[str, tuple[EarlierPlan, ...]]:
    """Per operation whose plans changed as newer forecasts were published, the start and delivery followed
    before the record's choice, oldest first: each ``EarlierPlan`` holds until the year a newer forecast's
    source is surely out. Operations whose choice never changes (most: one source, or facts) have none."""
    found: dict[str, tuple[EarlierPlan, ...]] = {}
    for op_id, rows in milestones[milestones[DATE].notna()].groupby(Ms.OPERATION):
        records = rows.to_dict("records")
        forecasts = [r for r in records if not r[REPORTED] and r[Ms.SOURCE] in dates]
        steps: list[EarlierPlan] = []
        for until in sorted({dates[r[Ms.SOURCE]].latest.year for r in forecasts}):
            known = known_by(records, dates, datetime.date(until - 1, 12, 31))
            plan = (_start(known, dates), _delivery(known, dates))
            if steps and (steps[-1].start, steps[-1].delivery) == plan:
                steps[-1] = EarlierPlan(until, *plan)  # the same plan holds until a later year
            else:
                steps.append(EarlierPlan(until, *plan))
        final = chosen.get(str(op_id), (None, None))
        while steps and (steps[-1].start, steps[-1].delivery) == final:
            steps.pop()
        if steps:
            found[str(op_id)] = tuple(steps)
    return found


def _pick(records: list[dict], dates: dict[str, SourceDate], kinds: tuple[str, ...]) -> Chosen | None:
    """Of ``records`` of ``kinds``, the reported ones if any, then the newest source and the most precise."""
    candidates = [r for r in records if r[Ms.TYPE] in kinds]
    facts = [r for r in candidates if r[REPORTED]]
    pool = facts or candidates
    if not pool:
        return None
    best = max(
        pool,
        key=lambda r: (
            _source_order(r[Ms.SOURCE], dates),
            -_precision_rank(r[DATE]),
            -kinds.index(r[Ms.TYPE]),
        ),
    )
    return _chosen(best)


def _chosen(row: dict) -> Chosen:
    return Chosen(
        row[DATE],
        bool(row[REPORTED]),
        row[Ms.SOURCE],
        int(row[LINE_COLUMN]),
        row[Ms.TYPE],
        bool(row[Ms.INFERENCE]),
    )


def _start(records: list[dict], dates: dict[str, SourceDate]) -> Chosen | None:
    return _pick(records, dates, START_KINDS)


def _delivery(records: list[dict], dates: dict[str, SourceDate]) -> Chosen | None:
    facts = [r for r in records if r[Ms.TYPE] in DELIVERY_KINDS and r[REPORTED]]
    if facts:
        first = min(facts, key=lambda r: (r[DATE].latest(), _precision_rank(r[DATE])))
        return _chosen(first)
    return _pick(records, dates, (Kind.DELIVERY,))


def history(milestones: pd.DataFrame, op_id: str, kind: str, dates: dict[str, SourceDate]) -> list[dict]:
    """The successive readings of one kind of milestone of one operation, oldest source first."""
    rows = milestones[(milestones[Ms.OPERATION] == op_id) & (milestones[Ms.TYPE] == kind)]
    return sorted(rows.to_dict("records"), key=lambda r: _source_order(r[Ms.SOURCE], dates))


def read_figures(
    path: Path, operations: pd.DataFrame, sources: set[str], report: Report, *, strict: bool = True
) -> pd.DataFrame:
    """Figures of operations as each source gives them; several readings of one figure are all kept and
    reported with their sources (not ``strict``: those of operations absent from the file are left out)."""
    frame = _read(path, FIGURE_COLUMNS, FIGURE_OPTIONAL, report)
    if frame is None:
        return _empty(FIGURE_COLUMNS)
    name = path.name
    known = set(operations.index)
    orphans = frame[(frame[Fig.OPERATION] != "") & ~frame[Fig.OPERATION].isin(known)]
    if strict:
        for line, op_id in zip(orphans[LINE_COLUMN].tolist(), orphans[Fig.OPERATION].tolist(), strict=True):
            message = f"{quote(op_id)} : opération absente de operations.csv, chiffre ignoré"
            report.warning(name, int(line), Fig.OPERATION, message)
    frame = frame.drop(orphans.index).reset_index(drop=True)
    for row in frame.to_dict("records"):
        line = int(row[LINE_COLUMN])
        for column in (Fig.OPERATION, Fig.CHAMP, Fig.VALEUR, Fig.SOURCE):
            if not row[column]:
                report.error(name, line, column, "valeur obligatoire manquante")
        if row[Fig.SOURCE] and row[Fig.SOURCE] not in sources:
            report.error(name, line, Fig.SOURCE, f"{quote(row[Fig.SOURCE])} : source absente de sources.csv")
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in frame.to_dict("records"):
        groups[(row[Fig.OPERATION], row[Fig.CHAMP], row[Fig.PORTEE])].append(row)
    for (op_id, field, scope), rows in groups.items():
        values = {row[Fig.VALEUR] for row in rows}
        if len(values) > 1:
            who = _who([row[Fig.SOURCE] for row in rows])
            readings = " ; ".join(f"{row[Fig.VALEUR]} ({row[Fig.SOURCE]})" for row in rows)
            where = f" ({scope})" if scope else ""
            report.warning(
                name, int(rows[-1][LINE_COLUMN]), Fig.VALEUR, f"{op_id} : {field}{where}, {who} — {readings}"
            )
    return frame
