"""The view a URL describes: year and filters, read from and written to the query string.

A malformed query never fails: each bad value falls back to its default with a notice.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from dashboard.schema import FINANCING_CODES, PROGRAMMES, STATUSES

MIN_YEAR = 2018  # launch of Action Cœur de Ville
MAX_QUERY_CHARS = 2_000
MAX_VALUES = 50
MAX_YEAR_DIGITS = 6
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


class Q:
    """Query-string keys (French: they are seen and shared by the users)."""

    YEAR = "annee"
    DEPARTEMENT = "dep"
    COMMUNE = "commune"
    PROGRAMME = "programme"
    STATUS = "statut"
    CODE = "financement"
    PRESENT = "presentation"


@dataclass(frozen=True)
class View:
    """Year shown (state at the end of it) and the filters; empty filter = everything."""

    year: int
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    presentation: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)


def year_range(data_years: list[int], today: datetime.date | None = None) -> tuple[int, int]:
    """From the programme's launch (or the first dated milestone) to this year (or the last)."""
    this_year = (today or datetime.date.today()).year
    years = [year for year in data_years if year]
    return min([MIN_YEAR, *years]), max([this_year, *years])


def parse_view(
    search: str | None,
    *,
    years: tuple[int, int],
    departements: set[str],
    communes: set[str],
    default_year: int | None = None,
) -> View:
    """The view of a query string such as ``?annee=2021&dep=60&statut=livrée``; without ``annee``, the
    ``default_year`` (the latest source's), else the period's last year."""
    notices: list[str] = []
    text = search.lstrip("?") if isinstance(search, str) else ""
    if len(text) > MAX_QUERY_CHARS:
        notices.append("Adresse trop longue : filtres ignorés.")
        text = ""
    if BAD_ESCAPE.search(text):
        notices.append("Adresse mal encodée : un « % » n'y est pas suivi de deux chiffres hexadécimaux.")
    try:
        query = parse_qs(text, keep_blank_values=False, max_num_fields=MAX_VALUES * 7)
    except ValueError:
        notices.append("Adresse illisible : filtres ignorés.")
        query = {}

    def pick(key: str, allowed, label: str) -> tuple[str, ...]:
        values = query.get(key, [])[:MAX_VALUES]
        kept = tuple(dict.fromkeys(v for v in values if v in allowed))
        refused = [v for v in values if v not in allowed]
        if refused:
            shown = ", ".join(f"« {v[:30]} »" for v in refused[:3])
            notices.append(f"{label} inconnu ignoré : {shown}.")
        return kept

    first, last = years
    year = default_year if default_year is not None and first <= default_year <= last else last
    if Q.YEAR in query:
        raw = query[Q.YEAR][0]
        # isascii: "²" and other Unicode digits pass isdigit() but not int()
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_YEAR_DIGITS else None
        if number is None:
            notices.append(f"Année « {raw[:10]} » illisible : {year} affichée.")
        elif first <= number <= last:
            year = number
        else:
            notices.append(f"Année « {raw[:10]} » hors de la période {first}–{last} : {year} affichée.")
    return View(
        year=year,
        departements=pick(Q.DEPARTEMENT, departements, "Département"),
        communes=pick(Q.COMMUNE, communes, "Commune"),
        programmes=pick(Q.PROGRAMME, PROGRAMMES, "Programme"),
        statuses=pick(Q.STATUS, STATUSES, "Statut"),
        codes=pick(Q.CODE, FINANCING_CODES, "Financement"),
        presentation=query.get(Q.PRESENT, ["0"])[0] == "1",
        notices=tuple(notices),
    )


def view_query(view: View, *, default_year: int) -> str:
    """The query string of ``view`` (``""`` for the default view), stable for sharing."""
    pairs: list[tuple[str, str | int]] = []
    if view.year != default_year:
        pairs.append((Q.YEAR, view.year))
    for key, values in (
        (Q.DEPARTEMENT, view.departements),
        (Q.COMMUNE, view.communes),
        (Q.PROGRAMME, view.programmes),
        (Q.STATUS, view.statuses),
        (Q.CODE, view.codes),
    ):
        pairs.extend((key, value) for value in values)
    if view.presentation:
        pairs.append((Q.PRESENT, 1))
    return "?" + urlencode(pairs) if pairs else ""


def with_year(view: View, year: int) -> View:
    return replace(view, year=year)
