"""Find a commune as people type: by name or INSEE code, whatever the accents, case, hyphens, apostrophes,
abbreviations (``st quentin``) or article (``touquet``); by a former name (``marconne``); or an operation
by its name, residence or street (``square acary``, ``rue carnot``), leading to its own page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.cog import history_of
from dashboard.data.places import departement_of, normalise
from dashboard.data.schema import Geo, Op

MAX_RESULTS = 8
MAX_QUERY_CHARS = 80
MIN_OPERATION_QUERY = 3  # characters before operations are searched: one letter would list them all
# Words people abbreviate, as typed once normalised (``St-Quentin``, ``Ste Marie``).
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
ARTICLES = ("l", "la", "le", "les")
LIGATURES = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"})


class Kind:
    """What a result stands for; communes first, then former names, then operations, among equals."""

    COMMUNE = 0
    FORMER = 1
    OPERATION = 2


def search_key(text: str) -> str:
    """``St-Quentin`` → ``saint quentin``, ``Lœuilly`` → ``loeuilly``: what queries and names compare on."""
    words = normalise(text.translate(LIGATURES)).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def without_article(key: str) -> str:
    """``le touquet paris plage`` → ``touquet paris plage`` (a name is found with or without it)."""
    first, _, rest = key.partition(" ")
    return rest if first in ARTICLES and rest else key


def rank(text: str, key: str) -> int | None:
    """0 the same, 1 starts with, 2 a word starts with, 3 contains; ``None`` if not found."""
    if key == text:
        return 0
    if key.startswith(text):
        return 1
    if f" {text}" in f" {key}":
        return 2
    return 3 if text in key else None


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    departement: str
    operations: int
    kind: int = Kind.COMMUNE
    title: str = ""  # what the result shows first: the operation's name, or the commune's
    detail: str = ""  # ``anciennement Marconne``, or the operation's street
    operation: str = ""  # an operation's id: the result opens its page (``/operation/<id>``)

    @property
    def href(self) -> str:
        """The page the result opens: the operation's own, or the commune's."""
        return f"/operation/{self.operation}" if self.operation else f"/commune/{self.code}"


@dataclass(frozen=True)
class _Entry:
    key: str
    short: str  # the key without its article
    kind: int
    code: str
    title: str
    detail: str = ""
    operation: str = ""


class CommuneIndex:
    """Names and codes of every commune, their former names and the operations' names and streets,
    normalised once."""

    def __init__(
        self,
        communes: pd.DataFrame,
        departements: dict[str, str],
        operations: pd.Series,
        *,
        listed: pd.DataFrame | None = None,
    ) -> None:
        self._codes = list(communes[Geo.CODE])
        self._names = dict(zip(communes[Geo.CODE], communes[Geo.NOM], strict=True))
        self._departements = departements
        self._operations = operations.to_dict()
        entries = [self._entry(name, Kind.COMMUNE, code, name) for code, name in self._names.items()]
        for former in history_of(communes).entries:
            if former.today in self._names:
                detail = f"anciennement {former.name}"
                entries.append(self._entry(former.name, Kind.FORMER, former.today, former.today_name, detail))
        self._entries = entries
        self._listed = OperationIndex(listed) if listed is not None and len(listed) else None

    @staticmethod
    def _entry(text: str, kind: int, code: str, title: str, detail: str = "") -> _Entry:
        key = search_key(text)
        return _Entry(key, without_article(key), kind, code, title, detail)

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[Match]:
        """Communes whose code starts with the query, or whose name (or former name) or one of whose
        operations contains it: exact, then prefix, then word prefix, then anywhere; communes with
        operations first among equals."""
        text = search_key((query or "")[:MAX_QUERY_CHARS])
        if not text:
            return []
        scored = self._by_code(text)
        if self._listed is not None and len(text) >= MIN_OPERATION_QUERY:
            for found, _, code, title, detail, op_id in self._listed.search(text, limit):
                entry = _Entry("", "", Kind.OPERATION, code, title, detail, op_id)
                scored.append((found, Kind.OPERATION, 0, len(title), title, code, entry))
        for entry in self._entries:
            exact = rank(text, entry.key)
            short = rank(text, entry.short) if entry.short != entry.key else None
            best = min((r for r in (exact, short) if r is not None), default=None)
            if best is not None:
                ops = self._operations.get(entry.code, 0)
                scored.append((best, entry.kind, -ops, len(entry.title), entry.title, entry.code, entry))
        scored.sort(key=lambda item: item[:6])
        return self._matches(scored, limit)

    def _by_code(self, text: str) -> list[tuple]:
        compact = text.replace(" ", "").upper()
        if not (compact.isalnum() and any(c.isdigit() for c in compact)):
            return []
        return [
            (0 if code == compact else 1, Kind.COMMUNE, -self._operations.get(code, 0), 0, "", code, None)
            for code in self._codes
            if code.startswith(compact)
        ]

    def _matches(self, scored: list[tuple], limit: int) -> list[Match]:
        """The best result of each commune (and each operation), at most ``limit``."""
        seen: set[tuple[str, str]] = set()
        matches = []
        for *_, code, entry in scored:
            operation = entry.operation if entry else ""
            if (code, operation) in seen:
                continue
            seen.add((code, operation))
            name = self._names[code]
            title = entry.title if entry else name
            detail = entry.detail if entry else ""
            kind = entry.kind if entry else Kind.COMMUNE
            departement = self._departements.get(departement_of(code), departement_of(code))
            ops = self._operations.get(code, 0)
            matches.append(Match(code, name, departement, ops, kind, title, detail, operation))
            if len(matches) == limit:
                break
        return matches


class OperationIndex:
    """The operations' names and streets, each distinct text normalised once and ranked once per query:
    100,000 synthetic operations hold about 30,000 distinct texts."""

    def __init__(self, operations: pd.DataFrame) -> None:
        frame = operations[[Op.ID, Op.CODE_INSEE, Op.NOM, Op.ADRESSE]].astype(object)
        frame = frame.where(frame.notna(), "")
        self._ids, self._codes = frame[Op.ID].tolist(), frame[Op.CODE_INSEE].tolist()
        self._names, self._streets = frame[Op.NOM].tolist(), frame[Op.ADRESSE].tolist()
        texts = pd.concat([frame[Op.NOM], frame[Op.ADRESSE]], ignore_index=True)
        rows = np.concatenate([np.arange(len(frame)), np.arange(len(frame))])[(texts != "").to_numpy()]
        texts = texts[texts != ""]
        positions, distinct = pd.factorize(texts)
        key_of_text = [search_key(text) for text in distinct]
        self._keys = sorted(set(key_of_text))
        number = {key: i for i, key in enumerate(self._keys)}
        key_numbers = np.array([number[key] for key in key_of_text], dtype=np.int64)[positions]
        self._rows = pd.Series(rows).groupby(key_numbers).indices  # key number → positions in ``rows``
        self._row_of = rows

    def search(self, text: str, limit: int) -> list[tuple[int, int, str, str, str, str]]:
        """``(rank, row, code, title, detail, id)`` of the ``limit`` best operations."""
        found = sorted((r, i) for i, key in enumerate(self._keys) if (r := rank(text, key)) is not None)
        results: dict[int, tuple] = {}
        for found_rank, number in found:
            for row in self._row_of[self._rows[number]]:
                if row not in results:
                    results[row] = (found_rank, int(row), *self._describe(int(row)))
                if len(results) == limit:
                    return list(results.values())
        return list(results.values())

    def _describe(self, row: int) -> tuple[str, str, str, str]:
        name, street = self._names[row], self._streets[row]
        return (
            self._codes[row],
            name or street or self._ids[row],
            street if name else "",
            str(self._ids[row]),
        )
