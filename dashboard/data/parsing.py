"""Parsers of the cell formats of the data contract: numbers, partial dates, tenure mixes.

Each parser takes the text of one cell and returns a value or raises ``ParseError`` whose
message (French, read by the people who keep the file) says what was expected.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from dashboard.data.schema import FINANCING_CODES

MIX_ITEM_SEPARATOR = ";"
MIX_CODE_SEPARATOR = "/"
VARIANT_SEPARATOR = "|"

# Spaces a spreadsheet or a French writer puts between thousands.
_THOUSANDS = re.compile(r"[ \u00a0\u202f]")
# ASCII digits only: ``\d`` would also take Arabic-Indic or full-width digits for numbers.
_INTEGER = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"-[0-9]*[1-9][0-9]*(?:[.,][0-9]+)?")
_DECIMAL = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?")
_COORDINATE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MIX_ITEM = re.compile(r"([0-9]+)\s+([A-Za-z]+(?:\s*/\s*[A-Za-z]+)*)")
_MIX_REVERSED = re.compile(r"([A-Za-z]+(?:\s*/\s*[A-Za-z]+)*)\s*([0-9]+)")

MIN_YEAR, MAX_YEAR = 1900, 2100
# Beyond these a cell is a typo (or a pasted blob), and Python would refuse int() past 4300 digits.
MAX_INTEGER_DIGITS = 9
MAX_DECIMAL_DIGITS = 12
# Longest piece of a cell repeated in a message: a pasted page would drown the report.
MAX_QUOTED_CHARS = 60


class ParseError(ValueError):
    """A cell that does not follow its format; the message says what was expected."""


def shorten(text: str) -> str:
    """A cell as a message shows it: on one line, its start only when it is very long."""
    start = text[:MAX_QUOTED_CHARS].replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ↵ ")
    return start if len(text) <= MAX_QUOTED_CHARS else f"{start}…"


def quote(text: str) -> str:
    """``« text »`` for a message, on one line, shortened when the cell is very long."""
    if len(text) <= MAX_QUOTED_CHARS:
        return f"« {shorten(text)} »"
    return f"« {shorten(text)} » ({len(text)} caractères)"


def parse_integer(text: str) -> int:
    """A whole, non-negative count such as ``1841`` or ``1 841``."""
    compact = _THOUSANDS.sub("", text.strip())
    if _NEGATIVE.fullmatch(compact):
        raise ParseError(f"{quote(text)} est négatif : attendu un nombre entier positif ou nul")
    if not _INTEGER.fullmatch(compact):
        raise ParseError(f"{quote(text)} n'est pas un nombre entier : attendu par ex. « 1841 »")
    if len(compact.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ParseError(f"{quote(text)} est trop grand : attendu au plus {MAX_INTEGER_DIGITS} chiffres")
    return int(compact)


def parse_decimal(text: str) -> Decimal:
    """A non-negative amount with a decimal point or comma: ``3300000``, ``3 300 000,50``."""
    compact = _THOUSANDS.sub("", text.strip())
    if _NEGATIVE.fullmatch(compact):
        raise ParseError(f"{quote(text)} est négatif : attendu un montant positif ou nul")
    match = _DECIMAL.fullmatch(compact)
    if not match:
        raise ParseError(f"{quote(text)} n'est pas un nombre : attendu par ex. « 3300000 » ou « 3300000,5 »")
    if len(match.group(1).lstrip("0")) > MAX_DECIMAL_DIGITS:
        raise ParseError(
            f"{quote(text)} est trop grand : attendu au plus {MAX_DECIMAL_DIGITS} chiffres avant la virgule"
        )
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
        raise ParseError(f"{quote(text)} n'est pas un nombre") from error


def parse_coordinate(text: str) -> float:
    """A longitude or latitude in decimal degrees, point or comma: ``2.084133``."""
    compact = text.strip().replace(",", ".")
    if not _COORDINATE.fullmatch(compact):
        raise ParseError(
            f"{quote(text)} n'est pas une coordonnée : attendu des degrés décimaux, par ex. « 2.084133 »"
        )
    return float(compact)


# Parts of a year a milestone may be published at (« premier semestre 2021 », « été 2024 »): its code in a
# file, its words, and its months (seasons by the calendar's months: spring is March to May, winter
# December of the year to February of the next one is read as December to February of that year's end).
PERIODS: Final = {
    "S1": ("premier semestre", "semestre", 1, 6),
    "S2": ("second semestre", "semestre", 7, 12),
    "printemps": ("printemps", "saison", 3, 5),
    "ete": ("été", "saison", 6, 8),
    "automne": ("automne", "saison", 9, 11),
    "hiver": ("hiver", "saison", 12, 12),
}


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at the precision it was published: a year, a half-year or season (``period``), a month or a
    day."""

    year: int
    month: int | None = None
    day: int | None = None
    period: str | None = None  # a key of PERIODS, with no month nor day

    @property
    def precision(self) -> str:
        if self.period:
            return PERIODS[self.period][1]
        return "jour" if self.day else "mois" if self.month else "année"

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.period:
            parts.append(self.period)
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def earliest(self) -> tuple[int, int, int]:
        """First day the date may stand for."""
        if self.period:
            return (self.year, PERIODS[self.period][2], 1)
        return (self.year, self.month or 1, self.day or 1)

    def latest(self) -> tuple[int, int, int]:
        """Last day the date may stand for."""
        month = PERIODS[self.period][3] if self.period else self.month or 12
        return (self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return self.iso()


def parse_date(text: str) -> PartialDate:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, kept at that precision."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ParseError(f"{quote(text)} n'est pas une date : attendu AAAA, AAAA-MM ou AAAA-MM-JJ")
    year, month, day = (int(group) if group else None for group in match.groups())
    assert year is not None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ParseError(f"{quote(text)} : année {year} hors de la plage {MIN_YEAR}–{MAX_YEAR}")
    if month is not None and not 1 <= month <= 12:
        raise ParseError(f"{quote(text)} : mois {month} impossible, attendu 01 à 12")
    if day is not None and month is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ParseError(f"{quote(text)} : jour {day} impossible, ce mois a {last} jours")
    return PartialDate(year, month, day)


_PERIOD = re.compile(r"([0-9]{4})-(S1|S2|printemps|ete|automne|hiver)")


def parse_milestone_date(text: str) -> PartialDate:
    """``parse_date``'s formats, and a half-year or a season: ``2021-S1``, ``2017-printemps``."""
    match = _PERIOD.fullmatch(text.strip())
    if not match:
        try:
            return parse_date(text)
        except ParseError as error:
            raise ParseError(
                f"{quote(text)} n'est pas une date : attendu AAAA, AAAA-MM, AAAA-MM-JJ, un semestre "
                "(AAAA-S1, AAAA-S2) ou une saison (AAAA-printemps, AAAA-ete, AAAA-automne, AAAA-hiver)"
            ) from error
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ParseError(f"{quote(text)} : année {year} hors de la plage {MIN_YEAR}–{MAX_YEAR}")
    return PartialDate(year, period=match.group(2))


@dataclass(frozen=True)
class MixItem:
    """One published item of a tenure mix: ``29 LLI/PLS`` is 29 dwellings of LLI or PLS."""

    dwellings: int
    codes: tuple[str, ...]

    @property
    def code(self) -> str:
        return MIX_CODE_SEPARATOR.join(self.codes)


def parse_financements(text: str) -> tuple[MixItem, ...]:
    """``N CODE`` items separated by ``;``, codes joined by ``/`` where not split."""
    items = []
    for raw in text.split(MIX_ITEM_SEPARATOR):
        item = raw.strip()
        if not item:
            raise ParseError(f"{quote(text)} : élément vide, un « ; » en trop ?")
        match = _MIX_ITEM.fullmatch(item)
        if not match:
            raise ParseError(f"{quote(item)} : {_mix_syntax_hint(item)}")
        codes = tuple(code.strip().upper() for code in match.group(2).split(MIX_CODE_SEPARATOR))
        unknown = [code for code in codes if code not in FINANCING_CODES]
        if unknown:
            raise ParseError(
                f"{quote(item)} : code {', '.join(unknown)} inconnu, attendu l'un de "
                f"{', '.join(FINANCING_CODES)}"
            )
        if len(set(codes)) != len(codes):
            raise ParseError(f"{quote(item)} : code répété")
        if len(match.group(1).lstrip("0")) > MAX_INTEGER_DIGITS:
            raise ParseError(f"{quote(item)} : nombre de logements trop grand")
        dwellings = int(match.group(1))
        if dwellings == 0:
            raise ParseError(f"{quote(item)} : nombre de logements nul")
        items.append(MixItem(dwellings, codes))
    return tuple(items)


def _mix_syntax_hint(item: str) -> str:
    """What a malformed mix item most likely needs."""
    if "," in item:
        return "éléments séparés par « , » : attendu « ; », par ex. « 29 PLAI; 3 PLS »"
    reversed_item = _MIX_REVERSED.fullmatch(item)
    if reversed_item:
        code, count = reversed_item.groups()
        return f"le nombre vient avant le code : attendu {quote(f'{count} {code}')}"
    return "attendu un nombre puis un code, par ex. « 29 LLI/PLS », éléments séparés par « ; »"


def format_financements(items: tuple[MixItem, ...]) -> str:
    """The canonical text of a mix; ``parse_financements`` reads it back unchanged."""
    return f"{MIX_ITEM_SEPARATOR} ".join(f"{item.dwellings} {item.code}" for item in items)


def parse_variantes(text: str) -> tuple[tuple[str, str], ...]:
    """``champ=valeur`` items separated by ``|``: another published value of a field."""
    pairs = []
    for raw in text.split(VARIANT_SEPARATOR):
        if not raw.strip():
            raise ParseError(f"{quote(text)} : élément vide, un « | » en trop ?")
        name, equals, value = raw.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise ParseError(
                f"{quote(raw.strip())} : attendu « champ=valeur », par ex. « livraison=2021 », "
                "éléments séparés par « | »"
            )
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)
