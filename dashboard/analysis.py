"""Pure computations on the dataset: status at a year, filters, key figures, tenure mix."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.parsing import MIX_CODE_SEPARATOR, ParseError, parse_date, parse_variantes
from dashboard.schema import (
    FINANCING_CODES, LOGEMENTS_FROM_MIX, UNSPECIFIED_MIX, Derived, Mix, Op, Status,
)
from dashboard.state import View

STATUS = "statut"
VARIANT_STATUS = "statut_autre_source"


def year_of(text: str) -> int | None:
    try:
        return parse_date(text).year if text else None
    except ParseError:
        return None


def status_at(operations: pd.DataFrame, year: int) -> pd.Series:
    """Delivered if delivery ≤ year, under way if works started ≤ year, announced otherwise."""
    delivered = operations[Op.LIVRAISON].map(year_of)
    started = operations[Op.DEBUT_TRAVAUX].map(year_of)
    status = pd.Series(Status.ANNOUNCED, index=operations.index, dtype="string")
    status[started.notna() & (started <= year)] = Status.UNDER_WAY
    status[delivered.notna() & (delivered <= year)] = Status.DELIVERED
    return status


def variant_status_at(operations: pd.DataFrame, year: int) -> pd.Series:
    """The status another published date would give, where the sources disagree on a date."""
    out = pd.Series(pd.NA, index=operations.index, dtype="string")
    for op_id, text in operations[Op.VARIANTES].items():
        if not text:
            continue
        try:
            variants = dict(parse_variantes(text))
        except ParseError:
            continue
        if not {Op.LIVRAISON, Op.DEBUT_TRAVAUX} & variants.keys():
            continue
        row = operations.loc[[op_id]].copy()
        for column in (Op.LIVRAISON, Op.DEBUT_TRAVAUX):
            if column in variants:
                row[column] = variants[column]
        other = status_at(row, year).iloc[0]
        main = status_at(operations.loc[[op_id]], year).iloc[0]
        if other != main:
            out[op_id] = other
    return out


def with_status(operations: pd.DataFrame, year: int) -> pd.DataFrame:
    return operations.assign(**{STATUS: status_at(operations, year), VARIANT_STATUS: variant_status_at(operations, year)})


def codes_of(mix: pd.DataFrame) -> pd.Series:
    """For each operation, the set of single codes its mix mentions (combined ones split)."""
    split = mix[Mix.CODE].str.split(MIX_CODE_SEPARATOR)
    return split.groupby(mix[Mix.ID]).agg(lambda parts: set().union(*parts))


def filter_operations(operations: pd.DataFrame, mix: pd.DataFrame, view: View, *, ignore_place: bool = False) -> pd.DataFrame:
    """Operations shown in ``view``, with their status at the end of ``view.year``."""
    frame = with_status(operations, view.year)
    keep = pd.Series(True, index=frame.index)
    if view.departements and not ignore_place:
        keep &= frame[Derived.DEPARTEMENT].isin(view.departements)
    if view.communes and not ignore_place:
        keep &= frame[Op.CODE_INSEE].isin(view.communes)
    if view.programmes:
        keep &= frame[Op.PROGRAMME].isin(view.programmes)
    if view.statuses:
        keep &= frame[STATUS].isin(view.statuses)
    if view.codes:
        wanted = set(view.codes)
        codes = codes_of(mix)
        keep &= frame.index.map(lambda op_id: bool(codes.get(op_id, set()) & wanted)).astype(bool)
    return frame[keep]


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
    cost_eur: float
    cost_known: int
    delivered: int
    under_way: int
    announced: int


def key_figures(frame: pd.DataFrame) -> KeyFigures:
    dwellings = frame[Derived.LOGEMENTS_RETENUS]
    status = frame[STATUS] if STATUS in frame else pd.Series(dtype="string")
    return KeyFigures(
        operations=len(frame),
        dwellings=int(dwellings.sum()),
        dwellings_computed=int((frame[Derived.LOGEMENTS_ORIGINE] == LOGEMENTS_FROM_MIX).sum()),
        dwellings_unknown=int(dwellings.isna().sum()),
        dwellings_delivered=int(dwellings[status == Status.DELIVERED].sum()) if len(status) else 0,
        dwellings_under_way=int(dwellings[status == Status.UNDER_WAY].sum()) if len(status) else 0,
        surface_m2=int(frame[Op.SURFACE_M2].sum()),
        surface_unknown=int(frame[Op.SURFACE_M2].isna().sum()),
        shops=int(frame[Op.COMMERCES].sum()),
        cost_eur=float(frame[Op.BUDGET_EUR].sum()),
        cost_known=int(frame[Op.BUDGET_EUR].notna().sum()),
        delivered=int((status == Status.DELIVERED).sum()),
        under_way=int((status == Status.UNDER_WAY).sum()),
        announced=int((status == Status.ANNOUNCED).sum()),
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
