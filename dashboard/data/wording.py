"""The dashboard's French words for dates, counts, lists and the sources' publication, declared once and
built from structure (a parsed date, a count, the sources' dates), never by editing another sentence. At
the bottom layer: the validation report speaks French too (dashboard.data.places)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from babel.dates import format_date
from babel.numbers import format_decimal

from dashboard.data.parsing import PERIODS, PartialDate
from dashboard.data.sourcedates import SourceDate

LOCALE = "fr_FR"


def french_date(date: PartialDate | datetime.date) -> str:
    """A date at its precision: « 2023 », « septembre 2019 », « 4 mai 2020 », « 1er mai 2020 »."""
    if isinstance(date, PartialDate):
        if date.period:  # « été 2024 », « premier semestre 2021 »
            return f"{PERIODS[date.period][0]} {date.year}"
        if not date.month:
            return str(date.year)
        if not date.day:
            return format_date(datetime.date(date.year, date.month, 1), "MMMM y", locale=LOCALE)
        date = datetime.date(date.year, date.month, date.day)
    text = format_date(date, "d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if date.day == 1 else text


def count(value: int) -> str:
    """« 1 841 », with a narrow no-break space between thousands."""
    return format_decimal(value, format="#,##0", locale=LOCALE)


def plural(number: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 opération », « 13 opérations », « 0 opération »."""
    word = singular if number <= 1 else (plural_form or singular + "s")
    return f"{count(number)} {word}"


def and_list(names: Sequence[str], default: str = "") -> str:
    """« Oise », « Oise et Aisne », « Aisne, Nord et Oise »; ``default`` for an empty list."""
    names = [n for n in names if n]
    if not names:
        return default
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " et " + names[-1]


# Beyond this many publication dates, their span is said rather than each one.
MAX_DATES_LISTED = 3


def _years(dates: Mapping[str, SourceDate]) -> str:
    """« en 2020 (date estimée) et 2022 », or over many sources « de 2016 à 2026 (20 sources, 16 à date
    estimée) »: when the sources were published, in order; ``""`` if never said."""
    labels = sorted({(d.earliest, d.label, d.exact) for d in dates.values()})
    if len(labels) > MAX_DATES_LISTED:
        first = min(d.earliest.year for d in dates.values())
        last = max(d.latest.year for d in dates.values())
        estimated = sum(1 for d in dates.values() if not d.exact)
        return f"de {first} à {last} ({plural(len(dates), 'source')}, {count(estimated)} à date estimée)"
    listed = and_list([f"{label}{'' if exact else ' (date estimée)'}" for _, label, exact in labels])
    return f"en {listed}" if listed else ""


def sources_published(dates: Mapping[str, SourceDate]) -> str:
    """« Sources publiées en 2020 et 2022 (date estimée) », or « Date des sources inconnue »: a sentence."""
    years = _years(dates)
    return f"Sources publiées {years}" if years else "Date des sources inconnue"


def according_to_sources(dates: Mapping[str, SourceDate]) -> str:
    """« selon les sources publiées en 2020 et 2022 », or « selon des sources non datées »: within a
    sentence (« Situation fin 2022 selon … »)."""
    years = _years(dates)
    return f"selon les sources publiées {years}" if years else "selon des sources non datées"


SEARCH_KEY = "derniere_recherche"  # data/metadata.json: when the public record was last searched (AAAA-MM)


def search_line(metadata: Mapping) -> str:
    """« Dernière recherche de sources publiques : décembre 2026 », so that « sans nouvelles » means
    something; empty when the data does not say."""
    from dashboard.data.parsing import ParseError, parse_date

    value = metadata.get(SEARCH_KEY)
    try:
        date = parse_date(value) if isinstance(value, str) else None
    except ParseError:
        date = None
    return f"Dernière recherche de sources publiques : {french_date(date)}" if date else ""


def source_published(date: SourceDate | None) -> str:
    """« source publiée en 2022 », « source publiée en 2022, date estimée », « source non datée »."""
    if date is None:
        return "source non datée"
    return f"source publiée en {date.label}" + ("" if date.exact else ", date estimée")
