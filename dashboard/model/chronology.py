"""What the sources let us say of an operation at the end of a year: its status, and how that is known.

A milestone (start of works, delivery) is *reported* when it is over before the row's latest source was
published, and *forecast* otherwise: a list of « opérations à venir » gives plans. At the end of a year N:

- before that source's publication, only reported milestones count; anything else is unknown;
- from then on, a forecast milestone whose date has come is a projection (« livraison prévue en 2023 »),
  and a state carried past the source with nothing planned after it is unknown (« travaux démarrés en
  2020 — pas d'information plus récente »).

When staff later enter dates from a newer source, the same rules turn those plans into facts.
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
    DATED: Final = "datee"  # at least one date: the operation has a place on the timeline


def _year(date: PartialDate | None) -> float:
    return float(date.year) if date is not None else np.nan


def _row(start, end, variants, published) -> tuple:
    variants = variants if isinstance(variants, dict) else {}
    other_start = variants.get(Op.DEBUT_TRAVAUX, start)
    other_end = variants.get(Op.LIVRAISON, end)
    has_other = Op.DEBUT_TRAVAUX in variants or Op.LIVRAISON in variants
    return (
        _year(start),
        reported(start, published),
        _year(end),
        reported(end, published),
        _year(other_start),
        reported(other_start, published),
        _year(other_end),
        reported(other_end, published),
        has_other,
        float(published.year) if published is not None else np.nan,
    )


def chronology(operations: pd.DataFrame) -> pd.DataFrame:
    """Years of each operation's milestones and whether each was reported; computed once per dataset."""
    columns = (Derived.DEBUT, Derived.FIN, Derived.VARIANTES, Derived.SOURCE_DATE)
    rows = [_row(*values) for values in zip(*(operations[c].tolist() for c in columns), strict=True)]
    names = [
        Chrono.START, Chrono.START_REPORTED, Chrono.END, Chrono.END_REPORTED,
        Chrono.OTHER_START, Chrono.OTHER_START_REPORTED, Chrono.OTHER_END, Chrono.OTHER_END_REPORTED,
        Chrono.HAS_OTHER, Chrono.AS_OF,
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
    return table


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
    (Status.ANNOUNCED, Certainty.FORECAST),
    (Status.ANNOUNCED, Certainty.UNKNOWN),
)


def _cases(start, start_rep, end, end_rep, as_of, year: int) -> list[np.ndarray]:
    """The conditions of the state at the end of ``year``, most certain first (NaN compares False)."""
    before, after, source_year = year < as_of, year >= as_of, year == as_of
    started = start_rep & (start <= year)
    planned = (~end_rep & (end > year)) | (~start_rep & (start > year))
    return [
        end_rep & (end <= year),  # delivered, said by a source published after the delivery
        before & started,  # works started, said later by the source
        before,  # the source is not yet published: nothing is known
        after & ~end_rep & (end <= year),  # a planned delivery whose date has come
        after & started & source_year,  # started, and the source of that same year says no more
        after & started & planned,  # started, delivery planned later
        after & started,  # started, and nothing since: « pas d'information plus récente »
        after & ~start_rep & (start <= year) & (planned | (start == year)),  # a planned start, this year
        after & ~start_rep & (start <= year),  # a planned start long past, and no plan after it
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
) -> tuple[np.ndarray, np.ndarray]:
    """Category codes of the status and the certainty at the end of ``year`` (arrays of one length)."""
    cases = _cases(start, start_rep, end, end_rep, as_of, year)
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
    return state_codes(
        start.astype(float),
        start_rep.astype(bool),
        end.astype(float),
        end_rep.astype(bool),
        chrono[Chrono.AS_OF].to_numpy(dtype=float),
        year,
    )


def as_categories(codes: np.ndarray, categories: tuple[str, ...], index: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index)


NO_NEWS: Final = "pas d'information plus récente"


def phrase(
    status: str,
    certainty: str,
    start: PartialDate | None,
    end: PartialDate | None,
    source: str,
    *,
    start_reported: bool = False,
) -> str:
    """The state in words, saying how it is known: « livraison prévue en 2023 (annoncée en 2020) »."""
    debut = french_date(start) if start else ""
    fin = french_date(end) if end else ""
    if status == Status.UNKNOWN:
        return f"pas encore publiée à cette date (source : {source})"
    if status == Status.DELIVERED:
        if certainty == Certainty.REPORTED:
            return f"livrée en {fin}" if fin else "livrée"
        return f"livraison prévue en {fin} (annoncée en {source})"
    if status == Status.UNDER_WAY:
        if certainty == Certainty.REPORTED:
            return f"en travaux depuis {debut}" if debut else "en travaux"
        said = f"travaux démarrés en {debut}" if start_reported else f"démarrage prévu en {debut}"
        if certainty == Certainty.UNKNOWN:
            return f"{said} — {NO_NEWS}"
        plan = f", livraison prévue en {fin}" if fin else ""
        return f"{said}{plan} (annoncé en {source})"
    if certainty == Certainty.REPORTED:
        return f"annoncée en {source}"
    if certainty == Certainty.FORECAST:
        plan = f"livraison prévue en {fin}" if fin else f"démarrage prévu en {debut}"
        return f"annoncée en {source}, {plan}"
    return f"annoncée en {source} — {NO_NEWS}"
