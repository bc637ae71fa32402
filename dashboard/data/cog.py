"""Codes and names of communes gone since 2018, and the commune of today each leads to.

Read from ``communes-anciennes.csv`` beside ``communes.geojson`` (written by scripts/build_geography.py
from INSEE's movements) and carried by the commune frame (``attrs``), so that every reader of the
outlines (check, search, redirects) sees the same history without another argument.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from dashboard.data.reader import read_regular
from dashboard.data.report import ReadRefused, Report, unreadable
from dashboard.data.wording import french_date

SUFFIX = "-anciennes.csv"  # communes.geojson → communes-anciennes.csv
HISTORY_FILE = "communes" + SUFFIX
COLUMNS = ("ancien_code", "ancien_nom", "code", "nom", "date")
ATTRS_KEY = "anciennes_communes"
MAX_BYTES = 10 * 1024 * 1024
ARTICLES = ("l ", "la ", "le ", "les ")


def name_key(name: str, *, article: bool = False) -> str:
    """``L'Orée de Mormal`` → ``oree de mormal``: case, accents, punctuation and (unless ``article``) a
    leading article dropped."""
    plain = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "Oe"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    for mark in "-'’`.,;/()":
        plain = plain.replace(mark, " ")
    plain = " ".join(plain.split())
    for leading in () if article else ARTICLES:
        if plain.startswith(leading):
            return plain[len(leading) :]
    return plain


def de(name: str) -> str:
    """``de`` before a commune's name, contracted as French does: ``du Touquet``, ``des Hauts-Talican``."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if name[:1] in "AEIOUYÉÈÂÎÔ" else f"de {name}"


@dataclass(frozen=True)
class Former:
    """A code or name of ``date``'s eve, and the commune of today it is part of (or was renamed to)."""

    code: str
    name: str
    today: str
    today_name: str
    date: str

    @property
    def renamed(self) -> bool:
        return self.code == self.today

    def notice(self) -> str:
        """``Marconne fait partie de Hesdin-la-Forêt depuis le 1er janvier 2025``."""
        since = french_date(datetime.date.fromisoformat(self.date))
        if self.renamed:
            return f"{self.name} s'appelle {self.today_name} depuis le {since}"
        return f"{self.name} fait partie {de(self.today_name)} depuis le {since}"


@dataclass(frozen=True)
class History:
    """Former codes (gone from the list) and former names (of any code), looked up in O(1)."""

    entries: tuple[Former, ...] = ()
    by_code: dict[str, Former] = field(default_factory=dict)
    by_name: dict[str, tuple[Former, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: list[Former]) -> History:
        by_name: dict[str, list[Former]] = {}
        for entry in entries:
            by_name.setdefault(name_key(entry.name), []).append(entry)
        return cls(
            tuple(entries),
            {entry.code: entry for entry in entries if not entry.renamed},
            {key: tuple(found) for key, found in by_name.items()},
        )

    def __deepcopy__(self, memo: dict) -> History:
        return self  # immutable: pandas copies ``attrs`` deeply on every derived frame

    def former_code(self, code: str) -> Former | None:
        return self.by_code.get(code)

    def former_name(self, name: str, today: str | None = None) -> tuple[Former, ...]:
        """The former communes of that name (of today's commune ``today`` only, if given)."""
        found = self.by_name.get(name_key(name), ())
        return tuple(entry for entry in found if today is None or entry.today == today)


def read_history(path: Path, report: Report) -> History:
    """The history in ``path``; an empty one if there is no such file (a data folder of 2018 outlines)."""
    if not path.exists():
        return History()
    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except ReadRefused as error:
        report.error(path.name, None, None, str(error))
        return History()
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = unreadable(error) if isinstance(error, OSError) else "attendu un CSV en UTF-8"
        report.error(path.name, None, None, f"illisible : {reason}")
        return History()
    entries = []
    for line, row in enumerate(rows, start=2):
        values = [(row.get(column) or "").strip() for column in COLUMNS]
        if not all(values) or not _is_date(values[4]):
            report.error(path.name, line, None, f"attendu {', '.join(COLUMNS)} remplis, date AAAA-MM-JJ")
            continue
        entries.append(Former(*values))
    return History.of(entries)


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def attach(communes: gpd.GeoDataFrame, history: History) -> gpd.GeoDataFrame:
    communes.attrs[ATTRS_KEY] = history
    return communes


def history_of(communes: gpd.GeoDataFrame) -> History:
    """The history the outlines were loaded with (empty for outlines that came without one)."""
    found = communes.attrs.get(ATTRS_KEY)
    return found if isinstance(found, History) else History()
