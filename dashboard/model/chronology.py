"""What the sources let us say of an operation at the end of a year: its status, and how that is known.

A milestone (start of works, delivery) is *reported* when it is over before the row's latest source was
published, and *forecast* otherwise: a list of « opérations à venir » gives plans. At the end of a year N:

- before that source's publication, only reported milestones count; anything else is unknown;
- from then on, a forecast milestone whose date has come is a projection (« livraison prévue en 2023 »),
  and a state carried past the source with nothing planned after it is unknown (« travaux démarrés en
  2020 — pas d'information plus récente »).

When staff later enter dates from a newer source, the same rules turn those plans into facts.

A past year reads the plans known then: a fact reported later about that year is a fact of that year, but
a forecast counts only from the end of the year its source was surely published (``Chrono.PLANS_BEFORE``,
from the record): « fin 2022 » never shows a delivery announced in 2024.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from dashboard.data.parsing import PartialDate
from dashboard.data.schema import Certainty, Derived, Op, Status
from dashboard.data.sourcedates import reported
from dashboard.data.wording import french_date


class Chrono:
    """Columns of the per-dataset chronology table (``chronology``): plain floats and booleans."""

    START: Final = "annee_debut"
    START_REPORTED: Final = "debut_constate"
    END: Final = "annee_livraison"
    END_REPORTED: Final = "livraison_constatee"
    OTHER_START: Final = "annee_debut_autre_passage"
    OTHER_START_REPORTED: Final = "debut_autre_passage_constate"
    OTHER_END: Final = "annee_livraison_autre_passage"
    OTHER_END_REPORTED: Final = "livraison_autre_passage_constatee"
    HAS_OTHER: Final = "date_autre_passage"  # another passage gives another start or delivery date
    AS_OF: Final = "annee_source"  # year of the row's latest source
    FIRST: Final = "annee_connue"  # year by which a source speaking of it had surely been published
    DATED: Final = "datee"  # at least one date: the operation has a place on the timeline
    PLANS_BEFORE: Final = "previsions_anterieures"  # Derived.PLANS_BEFORE: plans followed in earlier years


def _year(date: PartialDate | None) -> float:
    return float(date.year) if date is not None else np.nan


def _row(start, end, variants, published, start_rep=None, end_rep=None, first=None) -> tuple:
    variants = variants if isinstance(variants, dict) else {}
    other_start = variants.get(Op.DEBUT_TRAVAUX, start)
    other_end = variants.get(Op.LIVRAISON, end)
    has_other = Op.DEBUT_TRAVAUX in variants or Op.LIVRAISON in variants
    start_rep = reported(start, published) if start_rep is None else bool(start_rep)
    end_rep = reported(end, published) if end_rep is None else bool(end_rep)
    as_of = float(published.year) if published is not None else np.nan
    return (
        _year(start),
        start_rep,
        _year(end),
        end_rep,
        _year(other_start),
        reported(other_start, published) if Op.DEBUT_TRAVAUX in variants else start_rep,
        _year(other_end),
        reported(other_end, published) if Op.LIVRAISON in variants else end_rep,
        has_other,
        as_of,
        float(first.year) if first is not None else as_of,
    )


def _column(operations: pd.DataFrame, name: str) -> list:
    """A derived column the loader adds (the record's flags), or ``None``s for a frame built without it."""
    return operations[name].tolist() if name in operations else [None] * len(operations)


def chronology(operations: pd.DataFrame) -> pd.DataFrame:
    """Years of each operation's milestones and whether each was reported; computed once per dataset.

    The loader (dashboard.data.dataset) gives whether the start and the delivery were reported, from the
    record of milestones; a frame without those flags judges each date against its latest source."""
    columns = (Derived.DEBUT, Derived.FIN, Derived.VARIANTES, Derived.SOURCE_DATE)
    values = [operations[c].tolist() for c in columns] + [
        _column(operations, name)
        for name in (Derived.DEBUT_CONSTATE, Derived.FIN_CONSTATEE, Derived.FIRST_KNOWN)
    ]
    rows = [_row(*row) for row in zip(*values, strict=True)]
    names = [
        Chrono.START, Chrono.START_REPORTED, Chrono.END, Chrono.END_REPORTED,
        Chrono.OTHER_START, Chrono.OTHER_START_REPORTED, Chrono.OTHER_END, Chrono.OTHER_END_REPORTED,
        Chrono.HAS_OTHER, Chrono.AS_OF, Chrono.FIRST,
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=names, index=operations.index)
    if table.empty:
        table = table.astype(float)
    for column in (
        Chrono.START_REPORTED, Chrono.END_REPORTED, Chrono.OTHER_START_REPORTED, Chrono.OTHER_END_REPORTED,
        Chrono.HAS_OTHER,
    ):  # fmt: skip
        table[column] = table[column].astype(bool)
    dates = [Chrono.START, Chrono.END, Chrono.OTHER_START, Chrono.OTHER_END]
    table[Chrono.DATED] = table[dates].notna().any(axis=1).astype(bool)
    if Derived.PLANS_BEFORE in operations:
        table[Chrono.PLANS_BEFORE] = operations[Derived.PLANS_BEFORE].to_numpy(dtype=object)
    return table


def plans_at(chrono: pd.DataFrame, year: int) -> dict[int, tuple]:
    """By position in ``chrono``, the plan followed at the end of ``year`` where it is not the record's
    choice (a ``milestones.PlanAsOf``: until, start, start_reported, end, end_reported, plan_label)."""
    if Chrono.PLANS_BEFORE not in chrono:
        return {}
    column = chrono[Chrono.PLANS_BEFORE].to_numpy(dtype=object)
    found = {}
    for position in np.flatnonzero(pd.notna(column)).tolist():
        plan = next((step for step in column[position] if year < step[0]), None)
        if plan is not None:
            found[position] = plan
    return found


# Category order of statuses and certainties: alphabetical, so that sorting by them sorts as the words do.
STATUS_CATEGORIES: Final = tuple(
    sorted((Status.DELIVERED, Status.UNDER_WAY, Status.ANNOUNCED, Status.UNKNOWN))
)
CERTAINTY_CATEGORIES: Final = tuple(sorted((Certainty.REPORTED, Certainty.FORECAST, Certainty.UNKNOWN)))
_S = {status: np.int8(STATUS_CATEGORIES.index(status)) for status in STATUS_CATEGORIES}
_C = {certainty: np.int8(CERTAINTY_CATEGORIES.index(certainty)) for certainty in CERTAINTY_CATEGORIES}

# (status, certainty) of each case of ``_cases``, in the same order; the first case that holds wins.
_OUTCOMES: Final = (
    (Status.DELIVERED, Certainty.REPORTED),
    (Status.UNDER_WAY, Certainty.REPORTED),
    (Status.UNKNOWN, Certainty.UNKNOWN),
    (Status.DELIVERED, Certainty.FORECAST),
    (Status.UNDER_WAY, Certainty.REPORTED),
    (Status.UNDER_WAY, Certainty.FORECAST),
    (Status.UNDER_WAY, Certainty.UNKNOWN),
    (Status.UNDER_WAY, Certainty.FORECAST),
    (Status.UNDER_WAY, Certainty.UNKNOWN),
    (Status.ANNOUNCED, Certainty.REPORTED),
    (Status.ANNOUNCED, Certainty.REPORTED),
    (Status.ANNOUNCED, Certainty.FORECAST),
    (Status.ANNOUNCED, Certainty.UNKNOWN),
)


def _cases(start, start_rep, end, end_rep, as_of, year: int, first=None) -> list[np.ndarray]:
    """The conditions of the state at the end of ``year``, most certain first (NaN compares False).

    ``as_of`` is the year of the latest source, ``first`` the year by which one had surely been published
    (``as_of`` when not given: one source). Between the two, a later source may report what happened."""
    first = as_of if first is None else first
    after, source_year = year >= first, year == as_of
    unknown = year < first
    before = (year < as_of) | unknown
    started = start_rep & (start <= year)
    planned = (~end_rep & (end > year)) | (~start_rep & (start > year))
    return [
        end_rep & (end <= year),  # delivered, said by a source published after the delivery
        before & started,  # works started, said by a later source
        unknown,  # no source is surely published yet: nothing is known
        after & ~end_rep & (end <= year),  # a planned delivery whose date has come
        after & started & source_year,  # started, and the latest source, of that same year, says no more
        after & started & planned,  # started, delivery planned later
        after & started,  # started, and nothing since: « pas d'information plus récente »
        after & ~start_rep & (start <= year) & (planned | (start == year)),  # a planned start, this year
        after & ~start_rep & (start <= year),  # a planned start long past, and no plan after it
        after & start_rep & (start > year),  # announced; a later source reports the works started after
        after & source_year,  # announced by a source of that year
        after & planned,  # announced, with a plan for later
        after,  # announced, and nothing since
    ]


def state_codes(
    start: np.ndarray,
    start_rep: np.ndarray,
    end: np.ndarray,
    end_rep: np.ndarray,
    as_of: np.ndarray,
    year: int,
    first: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Category codes of the status and the certainty at the end of ``year`` (arrays of one length)."""
    cases = _cases(start, start_rep, end, end_rep, as_of, year, first)
    statuses = np.select(cases, [_S[s] for s, _ in _OUTCOMES], default=_S[Status.UNKNOWN]).astype(np.int8)
    certainties = np.select(cases, [_C[c] for _, c in _OUTCOMES], default=_C[Certainty.UNKNOWN]).astype(
        np.int8
    )
    return statuses, certainties


def states(chrono: pd.DataFrame, year: int, *, other: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Status and certainty codes of every row of ``chrono`` (the other passage's dates with ``other``)."""
    prefix = (Chrono.OTHER_START, Chrono.OTHER_START_REPORTED, Chrono.OTHER_END, Chrono.OTHER_END_REPORTED)
    main = (Chrono.START, Chrono.START_REPORTED, Chrono.END, Chrono.END_REPORTED)
    start, start_rep, end, end_rep = (chrono[c].to_numpy() for c in (prefix if other else main))
    start, start_rep, end, end_rep = (
        start.astype(float), start_rep.astype(bool), end.astype(float), end_rep.astype(bool)
    )  # fmt: skip
    for position, plan in ({} if other else plans_at(chrono, year)).items():  # the plan known that year
        start[position], start_rep[position] = _year(plan[1]), plan[2]
        end[position], end_rep[position] = _year(plan[3]), plan[4]
    return state_codes(
        start,
        start_rep,
        end,
        end_rep,
        chrono[Chrono.AS_OF].to_numpy(dtype=float),
        year,
        chrono[Chrono.FIRST].to_numpy(dtype=float) if Chrono.FIRST in chrono else None,
    )


def as_categories(codes: np.ndarray, categories: tuple[str, ...], index: pd.Index) -> pd.Series:
    """``codes`` as a category of ``categories``, kept as Python strings: pandas 3 would keep these few
    words in Arrow, and every read of them (a table's rows, each state's key) converted them again."""
    kind = pd.CategoricalDtype(pd.Index(list(categories), dtype=object))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=kind), index=index)


NO_NEWS: Final = "pas d'information plus récente"


_PERIOD_PREPOSITIONS: Final = {
    "S1": "au",
    "S2": "au",
    "printemps": "au",
    "ete": "à l'",
    "automne": "à l'",
    "hiver": "en",
}


def _on(label: str) -> str:
    """A source's date after « annoncée »: « en 2020 », « en septembre 2022 », « le 8 janvier 2020 »."""
    return f"le {label}" if label[:1].isdigit() and not label[:4].isdigit() else f"en {label}"


def when(date: PartialDate) -> str:
    """A date after a verb: « en 2023 », « en septembre 2019 », « le 6 septembre 2022 », « à l'été 2024 »."""
    words = french_date(date)
    if date.period:
        preposition = _PERIOD_PREPOSITIONS[date.period]
        return f"{preposition}{'' if preposition.endswith(chr(39)) else ' '}{words}"
    return f"le {words}" if date.day else f"en {words}"


def since(date: PartialDate) -> str:
    """« depuis septembre 2019 », « depuis le 16 septembre 2022 », « depuis l'été 2024 »."""
    words = french_date(date)
    if date.period:
        return f"depuis le {words}" if date.period in ("S1", "S2", "printemps") else f"depuis l'{words}"
    return f"depuis le {words}" if date.day else f"depuis {words}"


def phrase(
    status: str,
    certainty: str,
    start: PartialDate | None,
    end: PartialDate | None,
    source: str,
    *,
    start_reported: bool = False,
    plan_source: str = "",
    end_note: str = "",
) -> str:
    """The state in words, saying how it is known: « livraison prévue en 2023 (annoncée en 2020) ».

    ``source``: when the operation was first published; ``plan_source``: when the plan said was (the
    same by default); ``end_note``: how a reported delivery is known (« inauguration, année déduite »)."""
    plan_source = _on(plan_source or source)
    said_source, source = source, _on(source)
    if status == Status.UNKNOWN:
        source = said_source
        return f"pas encore publiée à cette date (source : {source})"
    if status == Status.DELIVERED:
        if certainty == Certainty.REPORTED:
            said = f"livrée {when(end)}" if end else "livrée"
            return f"{said} ({end_note})" if end_note else said
        return f"livraison prévue {when(end)} (annoncée {plan_source})" if end else "livraison prévue"
    if status == Status.UNDER_WAY:
        debut = when(start) if start else ""
        if certainty == Certainty.REPORTED:
            return f"en travaux {since(start)}" if start else "en travaux"
        said = f"travaux démarrés {debut}" if start_reported else f"démarrage prévu {debut}"
        if certainty == Certainty.UNKNOWN:
            return f"{said} — {NO_NEWS}"
        plan = f", livraison prévue {when(end)}" if end else ""
        return f"{said}{plan} (annoncé {plan_source})"
    if certainty == Certainty.REPORTED:
        return f"annoncée {source}"
    if certainty == Certainty.FORECAST:
        plan = f"livraison prévue {when(end)}" if end else f"démarrage prévu {when(start)}" if start else ""
        return f"annoncée {source}, {plan}" if plan else f"annoncée {source}"
    return f"annoncée {source} — {NO_NEWS}"
