"""The view a URL describes: year and filters, read from and written to the query string.

A malformed query never fails: each bad value falls back to its default with a notice.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, urlencode

MIN_YEAR = 2018  # launch of Action Cœur de Ville
MAX_QUERY_CHARS = 2_000
MAX_VALUES = 50
MAX_YEAR_DIGITS = 6
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Q:
    """Query-string keys besides the filters' (dashboard.web.filters): French, users see and share them."""

    YEAR = "annee"
    PRESENT = "presentation"


class FilterSpec(Protocol):
    """What the URL needs of a filter (dashboard.web.filters.Filter)."""

    @property
    def key(self) -> str: ...
    @property
    def query(self) -> str: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class View:
    """Year shown (state at the end of it), the values chosen for each filter (an empty or absent filter
    is everything), the presentation mode."""

    year: int
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    presentation: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        # Only the filters with values, as tuples: two views that show the same thing compare equal.
        object.__setattr__(self, "selected", {k: tuple(v) for k, v in self.selected.items() if v})

    def of(self, key: str) -> tuple[str, ...]:
        """The values chosen for the filter ``key`` (``()``: everything)."""
        return self.selected.get(key, ())


def year_range(data_years: list[int], today: datetime.date | None = None) -> tuple[int, int]:
    """From the programme's launch (or the first dated milestone) to this year (or the last)."""
    this_year = (today or datetime.date.today()).year
    years = [year for year in data_years if year]
    return min([MIN_YEAR, *years]), max([this_year, *years])


def parse_view(
    search: str | None,
    *,
    years: tuple[int, int],
    vocabularies: Mapping[str, Collection[str]],
    filters: Sequence[FilterSpec],
    default_year: int | None = None,
) -> View:
    """The view of a query string such as ``?annee=2021&dep=60&statut=livrée``: each filter keeps the
    values of its vocabulary (``vocabularies[key]``); without a year, ``default_year`` (the latest
    source's), else the period's last."""
    notices: list[str] = []
    query = _query(search, len(filters), notices)

    def pick(spec: FilterSpec) -> tuple[str, ...]:
        values = query.get(spec.query, [])[:MAX_VALUES]
        allowed = vocabularies[spec.key]
        refused = [v for v in values if v not in allowed]
        if refused:
            shown = ", ".join(f"« {v[:30]} »" for v in refused[:3])
            notices.append(f"{spec.label} inconnu ignoré : {shown}.")
        return tuple(dict.fromkeys(v for v in values if v in allowed))

    year = _year(query, years, notices, default_year)
    return View(
        year=year,
        selected={spec.key: pick(spec) for spec in filters},
        presentation=query.get(Q.PRESENT, ["0"])[0] == "1",
        notices=tuple(notices),
    )


def _query(search: str | None, filters: int, notices: list[str]) -> dict[str, list[str]]:
    text = search.lstrip("?") if isinstance(search, str) else ""
    if len(text) > MAX_QUERY_CHARS:
        notices.append("Adresse trop longue : filtres ignorés.")
        text = ""
    if BAD_ESCAPE.search(text):
        notices.append("Adresse mal encodée : un « % » n'y est pas suivi de deux chiffres hexadécimaux.")
    try:
        return parse_qs(text, keep_blank_values=False, max_num_fields=MAX_VALUES * (filters + 2))
    except ValueError:
        notices.append("Adresse illisible : filtres ignorés.")
        return {}


def _year(
    query: dict[str, list[str]], years: tuple[int, int], notices: list[str], default: int | None
) -> int:
    first, last = years
    fallback = default if default is not None and first <= default <= last else last
    if Q.YEAR not in query:
        return fallback
    raw = query[Q.YEAR][0]
    # isascii: "²" and other Unicode digits pass isdigit() but not int()
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_YEAR_DIGITS else None
    if number is None:
        notices.append(f"Année « {raw[:10]} » illisible : {fallback} affichée.")
        return fallback
    if not first <= number <= last:
        notices.append(f"Année « {raw[:10]} » hors de la période {first}–{last} : {fallback} affichée.")
        return fallback
    return number


def view_query(view: View, *, default_year: int, filters: Sequence[FilterSpec]) -> str:
    """The query string of ``view`` (``""`` for the default view), stable for sharing."""
    pairs: list[tuple[str, str | int]] = []
    if view.year != default_year:
        pairs.append((Q.YEAR, view.year))
    for spec in filters:
        pairs.extend((spec.query, value) for value in view.of(spec.key))
    if view.presentation:
        pairs.append((Q.PRESENT, 1))
    return "?" + urlencode(pairs) if pairs else ""
