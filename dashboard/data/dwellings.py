"""How many dwellings an operation has, as the sources allow reading it: one figure or a range.

Readings: the published total, an explicit lower reading (``logements_min``), the sum of the published
financing, the sum of the counts of the published typology, and the totals another passage gives
(``variantes``). The figure is the range from the smallest to the largest reading; a typology item without
a count (« une résidence étudiante ») makes its sum a lower bound only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.data.schema import (
    LOGEMENTS_FROM_MIX,
    LOGEMENTS_FROM_TYPOLOGY,
    LOGEMENTS_PUBLISHED,
    LOGEMENTS_RANGE,
)

TYPOLOGY_SEPARATOR = ";"
_LEADING_COUNT = re.compile(r"([0-9]{1,9})\s")


@dataclass(frozen=True)
class TypologyCount:
    """The sum of the counts a typology publishes; ``open`` when an item has no count."""

    total: int
    open: bool


def typology_count(text: str) -> TypologyCount | None:
    """``56 studios; 31 chambres; 2 T2`` → 89; ``T2 à T4`` (no count at all) → None."""
    items = [item.strip() for item in text.split(TYPOLOGY_SEPARATOR) if item.strip()]
    counts = [_LEADING_COUNT.match(item + " ") for item in items]
    found = [int(match.group(1)) for match in counts if match]
    if not found:
        return None
    return TypologyCount(sum(found), open=len(found) < len(items))


@dataclass(frozen=True)
class Readings:
    """Every published way of counting an operation's dwellings."""

    published: int | None = None
    explicit_low: int | None = None
    mix_total: int | None = None
    typology: TypologyCount | None = None
    variants: tuple[int, ...] = ()

    def values(self) -> list[int]:
        closed = self.typology.total if self.typology and not self.typology.open else None
        candidates = (self.published, self.explicit_low, self.mix_total, closed, *self.variants)
        return [value for value in candidates if value is not None]

    @property
    def low(self) -> int | None:
        values = self.values()
        if values:
            return min(values)
        return self.typology.total if self.typology else None

    @property
    def high(self) -> int | None:
        """``None`` when unknown or open-ended (« au moins … »)."""
        values = self.values()
        return max(values) if values else None

    @property
    def origin(self) -> str:
        """``publié``, ``somme du financement``, ``somme de la typologie`` or ``fourchette`` (or ``""``)."""
        low, high = self.low, self.high
        if low is None:
            return ""
        if high is None:  # a typology with an item of unknown size: « au moins … »
            return LOGEMENTS_FROM_TYPOLOGY
        if low != high:
            return LOGEMENTS_RANGE
        if self.published is not None:
            return LOGEMENTS_PUBLISHED
        if self.mix_total is not None:
            return LOGEMENTS_FROM_MIX
        return LOGEMENTS_FROM_TYPOLOGY

    def explanation(self) -> str:
        """The readings in words, for a warning or a hover: « publié 30, financement 32 »."""
        parts = [
            ("publié", self.published),
            ("lecture basse", self.explicit_low),
            ("financement", self.mix_total),
            ("typologie", self.typology.total if self.typology else None),
        ]
        words = [f"{label} {value}" for label, value in parts if value is not None]
        words += [f"autre passage {value}" for value in self.variants]
        if self.typology and self.typology.open:
            words.append("un élément de la typologie sans nombre")
        return ", ".join(words)
