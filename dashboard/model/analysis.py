"""Pure computations on the dataset: status at a year, filters, key figures, tenure mix."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from dashboard.data.milestones import PlanAsOf
from dashboard.data.parsing import MIX_CODE_SEPARATOR
from dashboard.data.schema import (
    DELIVERY_PLANNED,
    DELIVERY_REPORTED,
    FINANCING_CODES,
    LOGEMENTS_FROM_MIX,
    LOGEMENTS_FROM_TYPOLOGY,
    LOGEMENTS_RANGE,
    STATUS_PLURALS,
    UNSPECIFIED_MIX,
    Certainty,
    Derived,
    Mix,
    Op,
    Status,
)
from dashboard.data.sourcedates import reported
from dashboard.model import chronology as chronology_module
from dashboard.model.chronology import Chrono, as_categories, chronology, phrase, states
from dashboard.model.state import View


class Keeps(Protocol):
    """How one filter keeps operations, as the model needs it (the web layer's ``Filter`` is one): the
    view's key of its chosen values, whether it is a place filter, and the matcher."""

    @property
    def key(self) -> str: ...
    @property
    def place(self) -> bool: ...
    @property
    def matches(self) -> Callable[[pd.DataFrame, pd.DataFrame, tuple[str, ...]], Any]: ...


STATUS = "statut"
CERTAINTY = "certitude"
VARIANT_STATUS = "statut_autre_source"
VARIANT_CERTAINTY = "certitude_autre_source"
STATE_WORDS = "etat_en_mots"  # the state in words, added for exports (``with_words``)
# Where the year's state follows an earlier plan than the record's choice (a forecast published later is
# not yet known): that plan (milestones.PlanAsOf), for the state's words; absent when no row has one.
PLAN_OF_YEAR = "prevision_de_l_annee"

STATUS_CATEGORIES = chronology_module.STATUS_CATEGORIES
CERTAINTY_CATEGORIES = chronology_module.CERTAINTY_CATEGORIES


def _aligned(operations: pd.DataFrame, years: pd.DataFrame | None) -> pd.DataFrame:
    if years is None:
        return chronology(operations)
    return years if years.index.equals(operations.index) else years.reindex(operations.index)


def status_at(operations: pd.DataFrame, year: int, *, years: pd.DataFrame | None = None) -> pd.Series:
    """The status at the end of ``year`` that the sources support (``chronology``)."""
    codes, _ = states(_aligned(operations, years), year)
    return as_categories(codes, STATUS_CATEGORIES, operations.index)


def with_status(operations: pd.DataFrame, year: int, *, years: pd.DataFrame | None = None) -> pd.DataFrame:
    """The operations with their status and its certainty at the end of ``year``, and the other passage's
    status and certainty where another published date changes them (missing elsewhere)."""
    chrono = _aligned(operations, years)
    status, certainty = states(chrono, year)
    other_status, other_certainty = states(chrono, year, other=True)
    differs = chrono[Chrono.HAS_OTHER].to_numpy(dtype=bool) & (
        (status != other_status) | (certainty != other_certainty)
    )
    none, index = np.int8(-1), operations.index
    earlier = chronology_module.plans_at(chrono, year)
    plans = {}
    if earlier:  # the few rows whose state follows the plan known that year carry it, for their words
        column = np.full(len(index), None, dtype=object)
        for position, plan in earlier.items():
            column[position] = plan
        plans[PLAN_OF_YEAR] = pd.Series(column, index=index, dtype=object)
    return operations.assign(
        **{
            STATUS: as_categories(status, STATUS_CATEGORIES, index),
            CERTAINTY: as_categories(certainty, CERTAINTY_CATEGORIES, index),
            VARIANT_STATUS: as_categories(np.where(differs, other_status, none), STATUS_CATEGORIES, index),
            VARIANT_CERTAINTY: as_categories(
                np.where(differs, other_certainty, none), CERTAINTY_CATEGORIES, index
            ),
            **plans,
        }
    )


def followed(row_start, row_end, started, plan_label, plan) -> tuple:
    """``(start, end, start_reported, plan_label)`` the state's words say: the row's (the record's choice),
    or the plan known at the year shown where it differs (``PLAN_OF_YEAR``)."""
    if isinstance(plan, PlanAsOf):
        return plan.start, plan.end, plan.start_reported, plan.plan_label
    return row_start, row_end, started, plan_label


def codes_of(mix: pd.DataFrame) -> pd.Series:
    """For each operation, the set of single codes its mix mentions (combined ones split)."""
    split = mix[Mix.CODE].str.split(MIX_CODE_SEPARATOR)
    return split.groupby(mix[Mix.ID]).agg(lambda parts: set().union(*parts))


def filter_operations(
    operations: pd.DataFrame,
    mix: pd.DataFrame,
    view: View,
    *,
    filters: Sequence[Keeps],
    ignore_place: bool = False,
    years: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Operations shown in ``view``, with their status at the end of ``view.year``; each filter of
    ``filters`` (dashboard.web.filters.FILTERS) says how it keeps operations.

    ``years``: ``chronology(operations)``, computed once per dataset (``Lookups.milestones``).
    """
    statused = with_status(operations, view.year, years=years)
    return select_operations(statused, mix, view, filters=filters, ignore_place=ignore_place)


def select_operations(
    statused: pd.DataFrame,
    mix: pd.DataFrame,
    view: View,
    *,
    filters: Sequence[Keeps],
    ignore_place: bool = False,
) -> pd.DataFrame:
    """The operations of ``statused`` (``with_status`` at ``view.year``) that ``view``'s filters keep: a
    new frame, whatever is kept (``statused`` may be shared)."""
    keep = np.ones(len(statused), dtype=bool)
    for spec in filters:
        chosen = view.of(spec.key)
        if chosen and not (ignore_place and spec.place):
            keep &= np.asarray(spec.matches(statused, mix, chosen), dtype=bool)
    return statused.copy(deep=False) if keep.all() else statused[keep]


def communes_among(frame: pd.DataFrame, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` have an operation in ``frame``: asked of the few ACV towns and partner centres,
    not by listing the tens of thousands of communes of a national view."""
    column = frame[Op.CODE_INSEE]
    # A NumPy mask: a boolean Series would make pandas hash the 100,000 ids of the index to align it.
    return {str(code) for code in column[column.isin(list(codes)).to_numpy()].unique().tolist()}


def phrases(frame: pd.DataFrame) -> pd.Series:
    """Each operation's state in words (after ``with_status``): « livraison prévue en 2023 (annoncée… »."""
    columns = (STATUS, CERTAINTY, Derived.DEBUT, Derived.FIN, Derived.SOURCE_LABEL, Derived.SOURCE_DATE)
    known = frame[PLAN_OF_YEAR].tolist() if PLAN_OF_YEAR in frame else [None] * len(frame)
    words = []
    for status, certainty, start, end, label, _, first, plan, note, started, of_year in zip(
        *(frame[c].tolist() for c in columns),
        _or_blank(frame, Derived.FIRST_LABEL),
        _or_blank(frame, Derived.PLAN_LABEL),
        _or_blank(frame, Derived.FIN_NOTE),
        _start_flags(frame),
        known,
        strict=True,
    ):
        start, end, started, plan = followed(start, end, started, plan, of_year)
        words.append(
            phrase(
                status,
                certainty,
                start,
                end,
                first or label,
                start_reported=started,
                plan_source=plan,
                end_note=note,
            )
        )
    return pd.Series(words, index=frame.index, dtype="string")


def _or_blank(frame: pd.DataFrame, column: str) -> list:
    """A column the loader adds from the record, or empty texts for a frame built without it."""
    return (
        [v if isinstance(v, str) else "" for v in frame[column].tolist()]
        if column in frame
        else [""] * len(frame)
    )


def _start_flags(frame: pd.DataFrame) -> list[bool]:
    """Whether each start of works was over when a source said so (the record's flag where loaded)."""
    if Derived.DEBUT_CONSTATE in frame:
        return [bool(v) for v in frame[Derived.DEBUT_CONSTATE].tolist()]
    return [
        reported(s, p)
        for s, p in zip(frame[Derived.DEBUT].tolist(), frame[Derived.SOURCE_DATE].tolist(), strict=True)
    ]


# A state's one label everywhere a single word is shown (filters, map table, exports): a delivery is said
# reported or planned, never « livrée » for a forecast.
STATE_LABELS: Final = {
    (Status.DELIVERED, Certainty.REPORTED): (DELIVERY_REPORTED, "livraisons constatées"),
    (Status.DELIVERED, Certainty.FORECAST): (DELIVERY_PLANNED, "livraisons prévues"),
    (Status.DELIVERED, Certainty.UNKNOWN): (DELIVERY_PLANNED, "livraisons prévues"),
}


def state_label(status: str, certainty: str, *, plural: bool = False) -> str:
    """« livraison constatée », « livraison prévue », or the status (« en travaux »)."""
    found = STATE_LABELS.get((status, certainty))
    if found:
        return found[plural]
    return STATUS_PLURALS.get(status, status) if plural else status


def with_words(frame: pd.DataFrame) -> pd.DataFrame:
    """The operations (after ``with_status``) with their state in words, and their status said with its
    certainty where it is a delivery (« livraison prévue »): what an export writes."""
    labels = [
        state_label(str(s), str(c))
        for s, c in zip(frame[STATUS].tolist(), frame[CERTAINTY].tolist(), strict=True)
    ]
    return frame.assign(
        **{STATE_WORDS: phrases(frame), STATUS: pd.Series(labels, index=frame.index, dtype="string")}
    )


@dataclass(frozen=True)
class Range:
    """A number of dwellings as the sources allow it: ``low`` to ``high``; ``high`` is ``None`` when some
    operation has no upper bound (« au moins »)."""

    low: int
    high: int | None

    @property
    def exact(self) -> bool:
        return self.high == self.low


def readings(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper readings of the dwellings, as floats (NaN: unknown)."""
    low = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)
    return low, frame[Derived.LOGEMENTS_MAX].to_numpy(dtype=float, na_value=np.nan)


def dwelling_range(low: np.ndarray, high: np.ndarray) -> Range:
    """Sums of the lower and upper readings (``readings``) of the operations whose dwellings are known."""
    known = ~np.isnan(low)
    open_ended = bool((known & np.isnan(high)).any())
    return Range(int(np.nansum(low)), None if open_ended else int(np.nansum(high[known])))


def state_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each operation's (status, certainty) as a small integer, and the pair each integer stands for:
    factorised once, so that grouping by state compares integers, not 100,000 pairs of texts."""
    statuses, status_values = _small_codes(frame[STATUS])
    certainties, certainty_values = _small_codes(frame[CERTAINTY])
    keys = [(status, certainty) for status in status_values for certainty in certainty_values]
    return statuses * max(len(certainty_values), 1) + certainties, keys


def _small_codes(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each value as a small integer, and the value each integer stands for: the category's own code where
    the column is categorical with nothing missing (``with_status``), factorised otherwise (all of France:
    factorising both columns again took a tenth of a year step's key figures)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if not len(codes) or codes.min() >= 0:
            return codes.astype(np.intp), values.cat.categories.tolist()
    found, uniques = pd.factorize(values, use_na_sentinel=False)
    return found, list(uniques)


@dataclass(frozen=True)
class KeyFigures:
    """Totals of the operations shown, with how many operations each total leaves out or reads two ways."""

    operations: int
    dwellings: int  # the lower reading (``dwelling_range.low``)
    dwellings_computed: int  # operations whose dwellings are a sum, not a published total
    dwellings_unknown: int
    dwellings_delivered: int  # delivery reported by a source (lower reading)
    dwellings_under_way: int  # works start reported and not delivered (lower reading)
    surface_m2: int
    surface_unknown: int
    shops: int
    shops_known: int  # operations whose number of commercial units is published
    cost_eur: float
    cost_known: int
    delivered: int
    under_way: int
    announced: int
    unknown: int = 0  # operations with no source yet at that date
    dwellings_range: Range = Range(0, 0)
    dwellings_ambiguous: int = 0  # operations whose dwellings are a range
    # (status, certainty) → operations and their dwellings, for « livrés : 46 constatés, 150 à 195 prévus ».
    by_state: dict[tuple[str, str], tuple[int, Range]] = field(default_factory=dict)
    # (status, certainty) → its operations whose number of dwellings is not published: the sum above leaves
    # them out, and a state where every one is unknown is unknown, not 0.
    unknown_by_state: dict[tuple[str, str], int] = field(default_factory=dict)

    def dwellings_in(self, status: str, certainty: str) -> Range:
        """The sum of the published numbers (``dwellings_unknown_in`` says how many it leaves out)."""
        return self.by_state.get((status, certainty), (0, Range(0, 0)))[1]

    def dwellings_unknown_in(self, status: str, certainty: str) -> int:
        return self.unknown_by_state.get((status, certainty), 0)

    def operations_in(self, status: str, certainty: str) -> int:
        return self.by_state.get((status, certainty), (0, Range(0, 0)))[0]

    @property
    def deliveries_reported(self) -> int:
        """Operations whose delivery a source reports (« livraison constatée »)."""
        return self.operations_in(Status.DELIVERED, Certainty.REPORTED)

    @property
    def deliveries_planned(self) -> int:
        """Operations whose planned delivery date has come, never reported (« livraison prévue »)."""
        return self.delivered - self.deliveries_reported


COMPUTED_ORIGINS = (LOGEMENTS_FROM_MIX, LOGEMENTS_FROM_TYPOLOGY, LOGEMENTS_RANGE)


def _by_state(
    frame: pd.DataFrame,
) -> tuple[dict[tuple[str, str], tuple[int, Range]], dict[tuple[str, str], int]]:
    """Operations and their dwellings by state, and the operations of each state without a published
    number of dwellings."""
    if STATUS not in frame or CERTAINTY not in frame:
        return {}, {}
    pairs, keys = state_pairs(frame)
    low, high = readings(frame)
    known = ~np.isnan(low)
    # Summed per pair in one pass each (the rule of dwelling_range), not one mask per pair.
    counts = np.bincount(pairs)
    lows = np.bincount(pairs, weights=np.where(known, low, 0.0))
    highs = np.bincount(pairs, weights=np.where(known, np.nan_to_num(high), 0.0))
    open_ended = np.bincount(pairs, weights=(known & np.isnan(high)).astype(float)) > 0
    unknowns = np.bincount(pairs, weights=(~known).astype(float))
    found: dict[tuple[str, str], tuple[int, Range]] = {}
    unknown: dict[tuple[str, str], int] = {}
    for pair in np.flatnonzero(counts).tolist():
        high_sum = None if open_ended[pair] else int(highs[pair])
        found[keys[pair]] = (int(counts[pair]), Range(int(lows[pair]), high_sum))
        if unknowns[pair]:
            unknown[keys[pair]] = int(unknowns[pair])
    return dict(sorted(found.items())), dict(sorted(unknown.items()))


@dataclass(frozen=True)
class Totals:
    """What the key figures count whatever the year: a view's operations are the same every year, only
    their states move, so that a year step may keep these (all of France: 2.6 ms of the 4 ms of
    ``key_figures``)."""

    operations: int
    dwellings_range: Range
    dwellings_computed: int
    dwellings_unknown: int
    dwellings_ambiguous: int
    surface_m2: int
    surface_unknown: int
    shops: int
    shops_known: int
    cost_eur: float
    cost_known: int


def totals_of(frame: pd.DataFrame) -> Totals:
    low, high = readings(frame)
    return Totals(
        operations=len(frame),
        dwellings_range=dwelling_range(low, high),
        dwellings_computed=int(frame[Derived.LOGEMENTS_ORIGINE].isin(COMPUTED_ORIGINS).sum()),
        dwellings_unknown=int(np.isnan(low).sum()),
        dwellings_ambiguous=int((~np.isnan(low) & (np.isnan(high) | (high != low))).sum()),
        surface_m2=int(frame[Op.SURFACE_M2].sum()),
        surface_unknown=int(frame[Op.SURFACE_M2].isna().sum()),
        shops=int(frame[Op.COMMERCES].sum()),
        shops_known=int(frame[Op.COMMERCES].notna().sum()),
        cost_eur=float(frame[Op.BUDGET_EUR].sum()),
        cost_known=int(frame[Op.BUDGET_EUR].notna().sum()),
    )


def key_figures(frame: pd.DataFrame, totals: Totals | None = None) -> KeyFigures:
    """The key figures of ``frame``; ``totals``: ``totals_of`` the same operations, kept from another year."""
    totals = totals_of(frame) if totals is None else totals
    by_state, unknown_by_state = _by_state(frame)

    def count(status: str) -> int:
        return sum(n for (s, _), (n, _) in by_state.items() if s == status)

    def reported(status: str) -> int:
        return by_state.get((status, Certainty.REPORTED), (0, Range(0, 0)))[1].low

    return KeyFigures(
        operations=totals.operations,
        dwellings=totals.dwellings_range.low,
        dwellings_computed=totals.dwellings_computed,
        dwellings_unknown=totals.dwellings_unknown,
        dwellings_delivered=reported(Status.DELIVERED),
        dwellings_under_way=reported(Status.UNDER_WAY),
        surface_m2=totals.surface_m2,
        surface_unknown=totals.surface_unknown,
        shops=totals.shops,
        shops_known=totals.shops_known,
        cost_eur=totals.cost_eur,
        cost_known=totals.cost_known,
        delivered=count(Status.DELIVERED),
        under_way=count(Status.UNDER_WAY),
        announced=count(Status.ANNOUNCED),
        unknown=count(Status.UNKNOWN),
        dwellings_range=totals.dwellings_range,
        dwellings_ambiguous=totals.dwellings_ambiguous,
        by_state=by_state,
        unknown_by_state=unknown_by_state,
    )


def code_order(code: str) -> tuple[int, str]:
    """Most to least social, a combined code right after its most social part."""
    parts = code.split(MIX_CODE_SEPARATOR)
    if code == UNSPECIFIED_MIX:
        return (len(FINANCING_CODES) + 1, code)
    ranks = [FINANCING_CODES.index(p) if p in FINANCING_CODES else len(FINANCING_CODES) for p in parts]
    return (min(ranks), code if len(parts) > 1 else "")


def mix_of(frame: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """The financing rows of ``frame``'s operations."""
    if _by_position(frame, mix):
        positions = mix[Mix.POSITION].to_numpy()
        return mix[_among(positions, frame[Derived.POSITION].to_numpy())]
    return mix[mix[Mix.ID].isin(frame.index).to_numpy()]


def _by_position(frame: pd.DataFrame, mix: pd.DataFrame) -> bool:
    """Whether ``frame`` and ``mix`` carry the operations' positions (``web.context.compact``). Matching the
    ids instead hashes every id shown, and reading a Python string writes its reference count: with
    100,000 operations, each gunicorn worker copied ~110 MiB of the preloaded master's pages in one full
    update (issue 24, README « Where the memory goes »)."""
    return Derived.POSITION in frame.columns and Mix.POSITION in mix.columns


def _among(positions: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """For each of ``positions`` (-1: none), whether it is one of ``chosen``."""
    size = int(max(positions.max(initial=-1), chosen.max(initial=-1))) + 1
    marked = np.zeros(size + 1, dtype=bool)  # the last cell stands for -1, never marked
    marked[chosen] = True
    return marked[np.where(positions < 0, size, positions)]


def mix_summary(frame: pd.DataFrame, mix: pd.DataFrame, *, shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dwellings and operations by published code (combined codes kept), plus ``non précisé``; ``shown``:
    ``mix_of(frame, mix)`` when the caller has it."""
    shown = mix_of(frame, mix) if shown is None else shown
    by_position = _by_position(frame, mix)
    by_code = shown.groupby(Mix.CODE, sort=False).agg(
        logements=(Mix.LOGEMENTS, "sum"), operations=(Mix.POSITION if by_position else Mix.ID, "nunique")
    )
    if by_position:
        with_mix = _among(frame[Derived.POSITION].to_numpy(), shown[Mix.POSITION].to_numpy())
    else:
        with_mix = frame.index.isin(shown[Mix.ID])
    # As numbers: taking rows (even of one column, with its index of ids) reads a Python object per row.
    without = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)[~with_mix]
    if len(without):
        by_code.loc[UNSPECIFIED_MIX] = [int(np.nansum(without)), len(without)]
    by_code = by_code.reset_index().rename(columns={Mix.CODE: "code"})
    by_code["ordre"] = by_code["code"].map(code_order)
    return by_code.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)


@dataclass(frozen=True)
class MixGap:
    """Why the financing chart does not add up to the dwellings shown: operation, mix sum, dwellings."""

    operation: str
    name: str
    mix_total: int
    dwellings: Range


def mix_gaps(frame: pd.DataFrame, mix: pd.DataFrame, *, shown: pd.DataFrame | None = None) -> list[MixGap]:
    """Operations whose published financing counts other dwellings than their (lower) reading."""
    shown = mix_of(frame, mix) if shown is None else shown
    if _by_position(frame, mix):  # the operations' positions, not their ids (``_by_position``)
        totals = shown.groupby(Mix.POSITION)[Mix.LOGEMENTS].sum()
        positions = frame[Derived.POSITION].to_numpy()
        row_of = np.full(int(positions.max(initial=-1)) + 1, -1)
        row_of[positions] = np.arange(len(frame))
        rows = row_of[totals.index.to_numpy()]
    else:
        totals = shown.groupby(Mix.ID)[Mix.LOGEMENTS].sum()
        rows = frame.index.get_indexer(totals.index)
    # Compared on whole arrays: one row at a time took seconds over 100,000 operations; only the rows that
    # differ are then read (their texts).
    low = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)[rows]
    summed = totals.to_numpy(dtype="int64")
    differs = ~np.isnan(low) & (np.nan_to_num(low).astype("int64") != summed)
    columns = [Derived.LOGEMENTS_RETENUS, Derived.LOGEMENTS_MAX, Op.COMMUNE, Op.NOM, Op.ADRESSE]
    gaps = []
    for (op_id, row), total in zip(
        frame.iloc[rows[differs]][columns].iterrows(), summed[differs], strict=True
    ):
        low_value, high = row[Derived.LOGEMENTS_RETENUS], row[Derived.LOGEMENTS_MAX]
        name = f"{row[Op.COMMUNE]}, {row[Op.NOM] or row[Op.ADRESSE]}"
        gaps.append(
            MixGap(
                str(op_id),
                name,
                int(total),
                Range(int(low_value), None if pd.isna(high) else int(high)),
            )
        )
    return gaps
