"""Find a commune by name or INSEE code, whatever the accents, case, hyphens or apostrophes."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.places import normalise
from dashboard.schema import Geo

MAX_RESULTS = 8
MAX_QUERY_CHARS = 80


@dataclass(frozen=True)
class Match:
    code: str
    name: str
    departement: str
    operations: int


class CommuneIndex:
    """Names and codes of every commune, normalised once."""

    def __init__(self, communes: pd.DataFrame, departements: dict[str, str], operations: pd.Series) -> None:
        self._codes = list(communes[Geo.CODE])
        self._names = list(communes[Geo.NOM])
        self._keys = [normalise(name) for name in self._names]
        self._departements = departements
        self._operations = operations.to_dict()

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[Match]:
        """Communes whose code starts with, or whose name contains, the query: exact, then prefix,
        then word prefix, then anywhere; communes with operations first among equals."""
        text = normalise((query or "")[:MAX_QUERY_CHARS])
        if not text:
            return []
        scored = []
        compact = text.replace(" ", "")
        for code, name, key in zip(self._codes, self._names, self._keys, strict=True):
            if (
                compact.isalnum()
                and code.lower().startswith(compact.lower())
                and any(c.isdigit() for c in compact)
            ):
                rank = 0 if code.lower() == compact.lower() else 1
            elif key == text:
                rank = 0
            elif key.startswith(text):
                rank = 1
            elif f" {text}" in f" {key}":
                rank = 2
            elif text in key:
                rank = 3
            else:
                continue
            operations = self._operations.get(code, 0)
            scored.append((rank, -operations, len(name), name, code))
        scored.sort()
        return [
            Match(code, name, self._departements.get(code[:2], code[:2]), -ops)
            for _, ops, _, name, code in scored[:limit]
        ]
