"""Pure computations on the dataset: status at a year, filters, key figures, tenure mix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.parsing import MIX_CODE_SEPARATOR, ParseError, parse_date, parse_variantes
from dashboard.schema import (
    FINANCING_CODES,
    LOGEMENTS_FROM_MIX,
    UNSPECIFIED_MIX,
    Derived,
    Mix,
    Op,
    Status,
)
from dashboard.state import View

if TYPE_CHECKING:
    from dashboard.filters import Filter

STATUS = "statut"
VARIANT_STATUS = "statut_autre_source"


def year_of(text: str) -> int | None:
    try:
        return parse_date(text).year if text else None
    except ParseError:
        return None


class Years:
    """Columns of the milestone years, parsed once per dataset (``milestone_years``)."""

    STARTED = "annee_debut"
    DELIVERED = "annee_livraison"
    HAS_VARIANT = "date_autre_source"  # another source publishes another start or delivery date
    VARIANT_STARTED = "annee_debut_autre_source"
    VARIANT_DELIVERED = "annee_livraison_autre_source"
    DATED = "datee"  # at least one date, from either source: the operation has a place on the timeline


def _years(texts: pd.Series) -> pd.Series:
    """``year_of`` of every cell, parsed once per distinct text; NaN where there is none (plain floats:
    comparing them to a year needs no mask)."""
    years = {text: year_of(text) for text in texts.unique()}
    return texts.map(years).astype("float64")


def _date_variants(text: str) -> dict[str, str] | None:
    """The start and delivery dates another source gives, ``None`` when it gives neither."""
    if not text:
        return None
    try:
        variants = dict(parse_variantes(text))
    except ParseError:
        return None
    dates: dict[str, str] = {
        column: variants[column] for column in (Op.DEBUT_TRAVAUX, Op.LIVRAISON) if column in variants
    }
    return dates or None


def milestone_years(operations: pd.DataFrame) -> pd.DataFrame:
    """Year of each operation's start and delivery, and of the other source's where one differs.

    A variant replaces only the dates it names; an unreadable one counts as no date, as it always has.
    Computed once per dataset (``Context``): a year change then compares numbers instead of parsing dates.
    """
    started, delivered = _years(operations[Op.DEBUT_TRAVAUX]), _years(operations[Op.LIVRAISON])
    variants = operations[Op.VARIANTES].map(_date_variants)
    has_variant = variants.notna()
    other_started, other_delivered = started.copy(), delivered.copy()
    for op_id, dates in variants[has_variant].items():
        if Op.DEBUT_TRAVAUX in dates:
            other_started[op_id] = year_of(dates[Op.DEBUT_TRAVAUX])
        if Op.LIVRAISON in dates:
            other_delivered[op_id] = year_of(dates[Op.LIVRAISON])
    years = pd.DataFrame(
        {
            Years.STARTED: started,
            Years.DELIVERED: delivered,
            Years.HAS_VARIANT: has_variant.astype(bool),
            Years.VARIANT_STARTED: other_started,
            Years.VARIANT_DELIVERED: other_delivered,
        },
        index=operations.index,
    )
    dates = [Years.STARTED, Years.DELIVERED, Years.VARIANT_STARTED, Years.VARIANT_DELIVERED]
    years[Years.DATED] = years[dates].notna().any(axis=1).astype(bool)
    return years


# A status is stored as a category: a year change then builds no string, and comparing is comparing codes.
# Categories in alphabetical order, so that sorting by status sorts as the words do.
STATUS_CATEGORIES = tuple(sorted((Status.DELIVERED, Status.UNDER_WAY, Status.ANNOUNCED)))
_DELIVERED, _UNDER_WAY, _ANNOUNCED = (
    STATUS_CATEGORIES.index(s) for s in (Status.DELIVERED, Status.UNDER_WAY, Status.ANNOUNCED)
)


def _status(started: pd.Series, delivered: pd.Series, year: int) -> np.ndarray:
    """Category codes: delivered if delivery ≤ year, under way if works started ≤ year, else announced."""
    is_delivered = delivered.to_numpy(dtype=float) <= year  # NaN (no date) compares False
    is_started = started.to_numpy(dtype=float) <= year
    return np.where(is_delivered, _DELIVERED, np.where(is_started, _UNDER_WAY, _ANNOUNCED)).astype(np.int8)


def _statuses(codes: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.Categorical.from_codes(codes, categories=STATUS_CATEGORIES), index=index)


def _aligned(operations: pd.DataFrame, years: pd.DataFrame | None) -> pd.DataFrame:
    if years is None:
        return milestone_years(operations)
    return years if years.index.equals(operations.index) else years.reindex(operations.index)


def status_at(operations: pd.DataFrame, year: int, *, years: pd.DataFrame | None = None) -> pd.Series:
    """Delivered if delivery ≤ year, under way if works started ≤ year, announced otherwise.

    ``years``: ``milestone_years`` of the whole dataset, if already computed.
    """
    years = _aligned(operations, years)
    return _statuses(_status(years[Years.STARTED], years[Years.DELIVERED], year), operations.index)


def variant_status_at(operations: pd.DataFrame, year: int, *, years: pd.DataFrame | None = None) -> pd.Series:
    """The status another published date would give, where the sources disagree on a date."""
    years = _aligned(operations, years)
    main = _status(years[Years.STARTED], years[Years.DELIVERED], year)
    other = _status(years[Years.VARIANT_STARTED], years[Years.VARIANT_DELIVERED], year)
    differs = years[Years.HAS_VARIANT].to_numpy(dtype=bool) & (main != other)
    return _statuses(np.where(differs, other, -1).astype(np.int8), operations.index)  # -1: no other status


def with_status(operations: pd.DataFrame, year: int, *, years: pd.DataFrame | None = None) -> pd.DataFrame:
    years = _aligned(operations, years)
    return operations.assign(
        **{
            STATUS: status_at(operations, year, years=years),
            VARIANT_STATUS: variant_status_at(operations, year, years=years),
        }
    )


def codes_of(mix: pd.DataFrame) -> pd.Series:
    """For each operation, the set of single codes its mix mentions (combined ones split)."""
    split = mix[Mix.CODE].str.split(MIX_CODE_SEPARATOR)
    return split.groupby(mix[Mix.ID]).agg(lambda parts: set().union(*parts))


def filter_operations(
    operations: pd.DataFrame,
    mix: pd.DataFrame,
    view: View,
    *,
    filters: Sequence[Filter],
    ignore_place: bool = False,
    years: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Operations shown in ``view``, with their status at the end of ``view.year``; each filter of
    ``filters`` (dashboard.filters.FILTERS) says how it keeps operations.

    ``years``: ``milestone_years(operations)``, computed once per dataset (``Context.milestones``).
    """
    frame = with_status(operations, view.year, years=years)
    keep = np.ones(len(frame), dtype=bool)
    for spec in filters:
        chosen = view.of(spec.key)
        if chosen and not (ignore_place and spec.place):
            keep &= np.asarray(spec.matches(frame, mix, chosen), dtype=bool)
    return frame if keep.all() else frame[keep]


@dataclass(frozen=True)
class KeyFigures:
    """Totals of the operations shown, with how many operations each total leaves out."""

    operations: int
    dwellings: int
    dwellings_computed: int  # operations whose dwellings come from the mix, not a published total
    dwellings_unknown: int
    dwellings_delivered: int
    dwellings_under_way: int
    surface_m2: int
    surface_unknown: int
    shops: int
    shops_known: int  # operations whose number of commercial units is published
    cost_eur: float
    cost_known: int
    delivered: int
    under_way: int
    announced: int


def key_figures(frame: pd.DataFrame) -> KeyFigures:
    dwellings = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)
    if STATUS in frame:
        status = frame[STATUS]
        delivered, under_way, announced = (
            (status == s).to_numpy(dtype=bool) for s in (Status.DELIVERED, Status.UNDER_WAY, Status.ANNOUNCED)
        )
    else:
        delivered = under_way = announced = np.zeros(len(frame), dtype=bool)
    return KeyFigures(
        operations=len(frame),
        dwellings=int(np.nansum(dwellings)),
        dwellings_computed=int((frame[Derived.LOGEMENTS_ORIGINE] == LOGEMENTS_FROM_MIX).sum()),
        dwellings_unknown=int(np.isnan(dwellings).sum()),
        dwellings_delivered=int(np.nansum(dwellings[delivered])),
        dwellings_under_way=int(np.nansum(dwellings[under_way])),
        surface_m2=int(frame[Op.SURFACE_M2].sum()),
        surface_unknown=int(frame[Op.SURFACE_M2].isna().sum()),
        shops=int(frame[Op.COMMERCES].sum()),
        shops_known=int(frame[Op.COMMERCES].notna().sum()),
        cost_eur=float(frame[Op.BUDGET_EUR].sum()),
        cost_known=int(frame[Op.BUDGET_EUR].notna().sum()),
        delivered=int(delivered.sum()),
        under_way=int(under_way.sum()),
        announced=int(announced.sum()),
    )


def code_order(code: str) -> tuple[int, str]:
    """Most to least social, a combined code right after its most social part."""
    parts = code.split(MIX_CODE_SEPARATOR)
    if code == UNSPECIFIED_MIX:
        return (len(FINANCING_CODES) + 1, code)
    ranks = [FINANCING_CODES.index(p) if p in FINANCING_CODES else len(FINANCING_CODES) for p in parts]
    return (min(ranks), code if len(parts) > 1 else "")


def mix_summary(frame: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """Dwellings and operations by published code (combined codes kept), plus ``non précisé``."""
    shown = mix[mix[Mix.ID].isin(frame.index)]
    by_code = shown.groupby(Mix.CODE, sort=False).agg(
        logements=(Mix.LOGEMENTS, "sum"), operations=(Mix.ID, "nunique")
    )
    without = frame[~frame.index.isin(shown[Mix.ID])]
    known = without[Derived.LOGEMENTS_RETENUS].dropna()
    if len(without):
        by_code.loc[UNSPECIFIED_MIX] = [int(known.sum()), len(without)]
    by_code = by_code.reset_index().rename(columns={Mix.CODE: "code"})
    by_code["ordre"] = by_code["code"].map(code_order)
    return by_code.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)
