"""The filters, declared once: each row says its key, its query-string name, its control, its label,
where its vocabulary comes from and how it filters. The URL parser and writer (dashboard.model.state), the
controls (dashboard.web.layout), the callbacks' signatures (dashboard.web.views), the guard, the browser-value
checks (dashboard.web.inputs) and the analysis all derive from ``FILTERS``: a new filter is one row."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from dashboard.data.schema import (
    DELIVERY_PLANNED,
    DELIVERY_REPORTED,
    FINANCING_CODES,
    FINANCING_LABELS,
    PROGRAMMES,
    STATUS_CHOICES,
    STATUS_CHOICES_KNOWN,
    Certainty,
    Derived,
    Geo,
    Op,
    Status,
)
from dashboard.model import analysis
from dashboard.web.ids import Ctl

if TYPE_CHECKING:
    from dashboard.web.lookups import Lookups

Options = list[dict[str, str]]
# (operations with their status, tenure mix, values chosen) → which operations are kept
Matcher = Callable[[pd.DataFrame, pd.DataFrame, tuple[str, ...]], Any]


@dataclass(frozen=True)
class Filter:
    key: str  # the View's name for the values chosen (View.of)
    query: str  # the query-string key, French: users see and share it
    control: str  # the dropdown's component id
    label: str  # the dropdown's label, and the name of a refused value in a notice
    heading: str  # the export header's name for the values chosen
    placeholder: str  # what an empty dropdown says: everything
    known: Callable[[Lookups], Collection[str]]  # the values a URL or a control may hold
    options: Callable[[Lookups], Options]  # the dropdown's choices
    matches: Matcher
    place: bool = False  # a place filter: a commune's page ignores it
    follows_year: bool = False  # what it keeps changes with the year: a year step redraws everything
    names: Callable[[Lookups], Mapping[str, str]] | None = None  # a value's name in the export header


def in_column(column: str) -> Matcher:
    return lambda frame, _mix, chosen: frame[column].isin(chosen)


def in_state(frame: pd.DataFrame, _mix: pd.DataFrame, chosen: tuple[str, ...]) -> Any:
    """Operations in one of the states ``chosen``: a delivery reported and a delivery planned apart."""
    status = frame[analysis.STATUS].to_numpy(dtype=object)
    reported = frame[analysis.CERTAINTY].to_numpy(dtype=object) == Certainty.REPORTED
    delivered = status == Status.DELIVERED
    keep = pd.Series(status).isin(chosen).to_numpy().copy()
    if DELIVERY_REPORTED in chosen:
        keep |= delivered & reported
    if DELIVERY_PLANNED in chosen:
        keep |= delivered & ~reported
    return keep


def with_financing(frame: pd.DataFrame, mix: pd.DataFrame, chosen: tuple[str, ...]) -> Any:
    """Operations whose tenure mix mentions one of ``chosen`` (a combined ``LLI/PLS`` counts for both)."""
    wanted = set(chosen)
    codes = analysis.codes_of(mix)
    return frame.index.isin(codes[codes.map(lambda found: bool(found & wanted))].index)


def plain(values: Collection[str]) -> Callable[[Lookups], Options]:
    return lambda _lookups: [{"label": value, "value": value} for value in values]


def fixed(values: Collection[str]) -> Callable[[Lookups], Collection[str]]:
    return lambda _lookups: values


def departement_options(lookups: Lookups) -> Options:
    names = lookups.departement_names
    return [{"label": f"{name} ({code})", "value": code} for code, name in sorted(names.items())]


def financing_options(_lookups: Lookups) -> Options:
    return [{"label": f"{code} — {FINANCING_LABELS[code]}", "value": code} for code in FINANCING_CODES]


def commune_names(lookups: Lookups) -> Mapping[str, str]:
    return dict(lookups.dataset.communes[Geo.NOM])


FILTERS: tuple[Filter, ...] = (
    Filter("departements", "dep", Ctl.DEPARTEMENT, "Département", "Départements", "Tous",
           known=lambda c: c.departement_names, options=departement_options,
           matches=in_column(Derived.DEPARTEMENT), place=True, names=lambda c: c.departement_names),
    Filter("communes", "commune", Ctl.COMMUNE, "Commune", "Communes", "Toutes",
           known=lambda c: c.dataset.communes.index, options=lambda c: c.commune_options(),
           matches=in_column(Op.CODE_INSEE), place=True, names=commune_names),
    Filter("programmes", "programme", Ctl.PROGRAMME, "Programme", "Programmes", "Tous",
           known=fixed(PROGRAMMES), options=plain(PROGRAMMES), matches=in_column(Op.PROGRAMME)),
    Filter("statuses", "statut", Ctl.STATUS, "Statut", "Statuts", "Tous",
           known=fixed(STATUS_CHOICES_KNOWN), options=plain(STATUS_CHOICES), matches=in_state,
           follows_year=True),
    Filter("codes", "financement", Ctl.CODE, "Financement", "Financements", "Tous",
           known=fixed(FINANCING_CODES), options=financing_options, matches=with_financing),
)  # fmt: skip
