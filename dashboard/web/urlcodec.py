"""The view ⇄ the query string, for the data being served: its years, the codes its filters know, the
year a bare address shows (dashboard.model.state does the reading and writing)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.model.state import View, parse_view, view_query
from dashboard.web.filters import FILTERS


@dataclass(frozen=True)
class UrlCodec:
    years: tuple[int, int]
    default_year: int
    vocabularies: Mapping[str, frozenset[str]]

    def parse(self, search: str | None) -> View:
        """The view of a query string (``?annee=2022&dep=80``), what it could not read in its notices."""
        return parse_view(
            search,
            years=self.years,
            vocabularies=self.vocabularies,
            filters=FILTERS,
            default_year=self.default_year,
        )

    def query(self, view: View) -> str:
        """The query string of ``view`` (``""`` for the default view)."""
        return view_query(view, default_year=self.default_year, filters=FILTERS)

    def steady_key(self, view: View) -> str:
        """The view without its year: the same operations, whatever the year (no filter follows it)."""
        return self.query(dataclasses.replace(view, year=self.default_year, presentation=False))
