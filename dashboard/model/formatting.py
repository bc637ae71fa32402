"""French formatting of the figures a person reads: ``1 841 m²``, ``3,3 M€``, ``novembre 2021``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.numbers import format_decimal

from dashboard.data.schema import LOGEMENTS_PUBLISHED, LOGEMENTS_RANGE

LOCALE = "fr_FR"
UNKNOWN = "non publié"
UNKNOWN_DWELLINGS = "nombre de logements non publié"  # a sum where no operation publishes its number


def is_missing(value: object) -> bool:
    """``None``, NaN or pandas' NA: a value that was not published."""
    try:
        return value is None or bool(value != value)  # only NaN differs from itself
    except TypeError:  # pandas' NA refuses to be a bool
        return True


def number(value: float | int | None, *, unit: str = "", decimals: int = 0) -> str:
    """``1 841`` with a narrow no-break space, or ``non publié`` when unknown."""
    if value is None or is_missing(value):  # "is None" for mypy
        return UNKNOWN
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=LOCALE)
    return f"{text}\u00a0{unit}" if unit else text


def euros(value: float | None) -> str:
    """``3,3 M€`` from a million up, ``850 000 €`` below."""
    if value is None or is_missing(value):
        return UNKNOWN
    if abs(value) >= 1_000_000:
        return number(value / 1_000_000, unit="M€", decimals=1)
    return number(value, unit="€")


def dwellings(
    low: object,
    high: object,
    origin: str,
    *,
    detailed: bool = False,
    write: Callable[[Any], str] | None = None,
) -> str:
    """« 39 à 55 ⚠ (deux lectures) », « 18 (calculé) », « au moins 74 (calculé) », « non publié »;
    ``detailed``: how a computed number was computed (« 18 (calculé : somme du financement) »); ``write``:
    how to write a number (``number`` by default)."""
    text: Callable[[Any], str] = write or number
    if is_missing(low):
        return UNKNOWN
    if is_missing(high):
        return f"au moins {text(low)} (calculé)"
    if int(high) != int(low) or origin == LOGEMENTS_RANGE:  # type: ignore[call-overload]
        return f"{text(low)} à {text(high)} ⚠ (deux lectures des sources)"
    if origin in ("", LOGEMENTS_PUBLISHED):
        return text(low)
    return f"{text(low)} (calculé : {origin})" if detailed else f"{text(low)} (calculé)"
