"""Planned against actual: for each delivery a source reports, the delivery first announced for it, and
the months between the two; a summary a director can quote, saying what it counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.data import milestones as record
from dashboard.data.parsing import PartialDate
from dashboard.data.schema import MILESTONE_PRECISIONS, Kind, Ms, Op
from dashboard.data.sourcedates import SourceDate
from dashboard.data.wording import plural
from dashboard.model.chronology import when


@dataclass(frozen=True)
class Delivery:
    """One operation's delivery: first announced (``None``: no date was announced before it), reported."""

    operation: str
    name: str
    announced: PartialDate | None
    announced_by: str  # the source's date as people say it
    reported: PartialDate

    @property
    def delay_months(self) -> int | None:
        """Months from the end of the announced period to the month reported (negative: early)."""
        if self.announced is None:
            return None
        year, month, _ = self.announced.latest()
        got_year, got_month, _ = self.reported.latest()
        return (got_year - year) * 12 + (got_month - month)


def _first_announced(rows: list[dict], dates: Mapping[str, SourceDate]) -> dict | None:
    """The delivery forecast of the earliest source (its most precise reading if it gives several)."""
    plans = [r for r in rows if r[Ms.TYPE] == Kind.DELIVERY and not r[record.REPORTED] and r[record.DATE]]
    if not plans:
        return None

    def oldest_first(row: dict):
        found = dates.get(row[Ms.SOURCE])
        precision = MILESTONE_PRECISIONS.index(row[record.DATE].precision)
        return (found.latest if found else pd.Timestamp.max.date(), precision)

    return min(plans, key=oldest_first)


def deliveries(
    operations: pd.DataFrame, milestones: pd.DataFrame, dates: Mapping[str, SourceDate]
) -> list[Delivery]:
    """The operations of ``operations`` whose delivery a source reports, with the delivery first announced."""
    chosen = record.choose(milestones, dict(dates))
    by_operation = {str(op): group.to_dict("records") for op, group in milestones.groupby(Ms.OPERATION)}
    found = []
    for op_id in operations.index:
        end = chosen.get(str(op_id), (None, None))[1]
        if end is None or not end.reported:
            continue
        first = _first_announced(by_operation.get(str(op_id), []), dates)
        name = operations.at[op_id, Op.NOM] or operations.at[op_id, Op.ADRESSE] or str(op_id)
        label = dates[first[Ms.SOURCE]].label if first and first[Ms.SOURCE] in dates else ""
        announced = first[record.DATE] if first else None
        place = f"{operations.at[op_id, Op.COMMUNE]}, {name}"
        found.append(Delivery(str(op_id), place, announced, label, end.date))
    return found


def summary(found: Iterable[Delivery]) -> str:
    """« 1 livraison constatée dont la date avait été annoncée : 6 mois après la date annoncée (…) »;
    what it counts is said, and deliveries reported with no date announced before are named apart."""
    found = list(found)
    if not found:
        return NOTHING_REPORTED
    timed = [d for d in found if d.delay_months is not None]
    untimed = [d for d in found if d.delay_months is None]
    parts = []
    if timed:
        details = " ; ".join(_particular(d, d.announced) for d in timed if d.announced is not None)
        parts.append(f"{_timed_words(timed)} ({details})")
    if untimed:
        names = " ; ".join(d.name for d in untimed)
        parts.append(f"{_untimed_words(untimed)} ({names})")
    return ". ".join(parts) + ". " + FORECASTS_LEFT_OUT


def brief(found: Iterable[Delivery]) -> tuple[str, list[str]]:
    """The summary in two parts, for a page's first screen: the counts and the months (« 1 livraison
    constatée dont la date avait été annoncée : 6 mois de retard … ; 1 autre … ») and, apart, one line per
    delivery naming it with its dates, for a fold the reader opens."""
    found = list(found)
    if not found:
        return NOTHING_REPORTED, []
    timed = [d for d in found if d.delay_months is not None]
    untimed = [d for d in found if d.delay_months is None]
    counts = [_timed_words(timed)] if timed else []
    counts += [f"{plural(len(untimed), 'autre', 'autres')} sans date annoncée auparavant"] if untimed else []
    lines = [_particular(d, d.announced) for d in timed if d.announced is not None]
    lines += [f"{d.name} : constatée {when(d.reported)}, sans date annoncée auparavant" for d in untimed]
    return " ; ".join(counts) + ". " + FORECASTS_LEFT_OUT, lines


NOTHING_REPORTED = "Aucune livraison constatée par les sources dans la vue : pas de comparaison possible."
FORECASTS_LEFT_OUT = "Les livraisons seulement prévues ne sont pas comptées."


def _timed_words(timed: list[Delivery]) -> str:
    mean = round(sum(d.delay_months or 0 for d in timed) / len(timed))
    average = "en moyenne " if len(timed) > 1 else ""
    return (
        f"{plural(len(timed), 'livraison constatée', 'livraisons constatées')} dont la date avait été "
        f"annoncée : {average}{_months(mean)} sur la première date annoncée"
    )


def _untimed_words(untimed: list[Delivery]) -> str:
    return (
        f"{plural(len(untimed), 'autre livraison constatée', 'autres livraisons constatées')} sans date "
        "annoncée auparavant"
    )


def _particular(delivery: Delivery, announced: PartialDate) -> str:
    return (
        f"{delivery.name} : prévue {when(announced)} (annonce de {delivery.announced_by}), "
        f"constatée {when(delivery.reported)}"
    )


def _months(count: int) -> str:
    if count == 0:
        return "à la date annoncée"
    if count < 0:
        return f"{plural(-count, 'mois', 'mois')} d'avance"
    return plural(count, "mois", "mois") + " de retard"
