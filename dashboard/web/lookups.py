"""What is derived once from a dataset for display: names by code, scales, the map's unit, the filters'
vocabularies, the Commune filter's options, the map's frames. Read on every callback, computed once per
version of the data (``cached_property`` works on a frozen dataclass)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from dashboard.data import mapgeo
from dashboard.data.dataset import Dataset
from dashboard.data.mapgeo import bounds
from dashboard.data.places import departement_of
from dashboard.data.schema import OVERSEAS_PREFIX, Acv, Derived, Geo, Op, Partner
from dashboard.model.chronology import Chrono
from dashboard.model.search import CommuneIndex
from dashboard.model.state import View
from dashboard.web.filters import FILTERS

# Beyond either, the map draws one symbol per département until one is chosen (Hauts-de-France: 5
# départements, 11 communes with operations; with Île-de-France: 13 départements; all of France: 101).
DEPARTEMENTS_BY_COMMUNE = 15
MAX_COMMUNE_OPTIONS = 100  # communes listed in the Commune filter at most (typing finds the others)
FOUND_OPTIONS = 20  # communes offered for text typed in the Commune filter
COMMUNES_BY_SYMBOL = 400  # a symbol per commune beyond that is a blur of overlaps, and heavy to send


@dataclass(frozen=True)
class Lookups:
    """A dataset (its operations compacted: dashboard.web.context) and what is derived from it once."""

    dataset: Dataset
    years: tuple[int, int]
    region_bounds: tuple[float, float, float, float]
    largest_op: int
    largest_commune: int
    source_titles: dict[str, str]
    commune_index: CommuneIndex
    milestones: pd.DataFrame  # chronology of the operations: milestone years and how each is known, once
    sources_year: int = 0  # year of the latest source: what the first screen shows

    @property
    def default_year(self) -> int:
        """The year of the latest source: later years are projections, and the first screen states facts
        where the sources give them."""
        first, last = self.years
        return min(max(self.sources_year, first), last) if self.sources_year else last

    @cached_property
    def acv_names(self) -> dict[str, str]:
        """Code → name of the region's Action Cœur de Ville communes."""
        return dict(sorted(zip(self.dataset.acv.index, self.dataset.acv[Acv.COMMUNE], strict=True)))

    @cached_property
    def dated(self) -> np.ndarray:
        """Whether each served operation has at least one date (a place on the calendar), by its position
        (``Derived.POSITION``): the chronology is built from the operations, one row each in their order
        (``build_context``; checking it here would read every id in each worker, see ``any_dated``)."""
        return self.milestones[Chrono.DATED].to_numpy(dtype=bool)

    def any_dated(self, frame: pd.DataFrame) -> bool:
        """Whether any operation of ``frame`` (some of the served ones) has a date. Read by their positions:
        asking by their ids read every id string of the frame, and a worker reading the 100,000 ids copies
        the master's pages they lie on, ~50 MiB (issue 24, README « Where the memory goes »)."""
        if Derived.POSITION in frame.columns:
            return bool(self.dated[frame[Derived.POSITION].to_numpy()].any())
        dated = self.milestones[Chrono.DATED]
        return bool(dated.reindex(frame.index, fill_value=False).to_numpy(dtype=bool).any())

    @cached_property
    def departement_names(self) -> dict[str, str]:
        return dict(zip(self.dataset.departements[Geo.CODE], self.dataset.departements[Geo.NOM], strict=True))

    @cached_property
    def by_departement(self) -> bool:
        """Whether the perimeter is too wide, its operations too scattered, or its parts an ocean apart, for
        one symbol per commune: the map then draws one per département (overseas ones in insets) until a
        département is chosen."""
        departements = len(self.dataset.departements)
        communes = self.dataset.operations[Op.CODE_INSEE].nunique()
        overseas = {code.startswith(OVERSEAS_PREFIX) for code in self.departement_names}
        return (
            departements > DEPARTEMENTS_BY_COMMUNE
            or (departements > 1 and communes > COMMUNES_BY_SYMBOL)
            or len(overseas) == 2  # metropolitan and overseas: one frame for both would shrink each to dots
        )

    @cached_property
    def overview_departements(self) -> gpd.GeoDataFrame:
        """The départements as the national overview draws them: overseas ones beside metropolitan France."""
        return mapgeo.with_insets(self.dataset.departements)

    @cached_property
    def departement_points(self) -> pd.DataFrame:
        """Name and a point inside each département (``name``, ``lon``, ``lat``) where its symbol stands on
        the overview (overseas: in its inset)."""
        areas = self.overview_departements
        points = areas.geometry.representative_point()
        return pd.DataFrame(
            {"name": areas[Geo.NOM], "lon": points.x.round(3), "lat": points.y.round(3)},  # ~100 m
            index=areas.index.astype(str),
        )

    @cached_property
    def largest_departement(self) -> int:
        operations = self.dataset.operations
        totals = operations.groupby(Derived.DEPARTEMENT, observed=True)[Derived.LOGEMENTS_RETENUS].sum()
        return max(int(totals.max()), 1) if len(totals) else 1

    @cached_property
    def perimeter_name(self) -> str:
        """The territory shown: « Hauts-de-France », « Hauts-de-France et Île-de-France », « France ».
        The data's metadata says it (or the perimeter setting); else the départements of the outlines."""
        named = self.dataset.metadata.get("perimetre")
        if isinstance(named, str) and named.strip():
            return named.strip()[:120]
        names = sorted(self.departement_names.values())
        return ", ".join(names[:-1]) + (" et " if len(names) > 1 else "") + (names[-1] if names else "")

    @cached_property
    def _listed_communes(self) -> tuple[str, ...]:
        """The Commune filter's communes: those with an operation or in the ACV programme; over a wide
        perimeter, the ``MAX_COMMUNE_OPTIONS`` communes with the most operations (the dropdown indexes
        every option as the page opens: 2,245 options took 0.7 s, the 245 ACV towns of France 0.1 s);
        typing finds the others, ``commune_options(found=…)``)."""
        counts = self.dataset.operations[Op.CODE_INSEE].value_counts()
        with_operations = [str(code) for code in counts.index[counts.to_numpy() > 0].tolist()]
        codes = (
            with_operations[:MAX_COMMUNE_OPTIONS]
            if self.communes_capped
            else [*self.acv_names, *with_operations]
        )
        return tuple(code for code in dict.fromkeys(codes) if code in self.dataset.communes.index)

    @cached_property
    def communes_capped(self) -> bool:
        """Whether the Commune filter lists only some of the communes with operations."""
        return self.dataset.operations[Op.CODE_INSEE].nunique() > MAX_COMMUNE_OPTIONS

    def commune_options(self, chosen: Iterable[str] = (), *, found: str = "") -> list[dict]:
        """The Commune filter's options: the listed communes and those ``chosen``, or, for text typed in it,
        ``chosen`` and the communes the search box would find (« st quentin », a former name); these carry
        the text so that the dropdown's own filtering keeps them."""
        names = self.dataset.communes[Geo.NOM]
        if found:
            matches = [match.code for match in self.commune_index.search(found, limit=FOUND_OPTIONS)]
            codes = list(dict.fromkeys([*chosen, *matches]))
        else:
            codes = list(dict.fromkeys([*self._listed_communes, *chosen]))
        options = [{"label": f"{names[c]} ({c})", "value": c} for c in codes if c in names.index]
        if found:
            return [{**option, "search": found} for option in options]
        return sorted(options, key=lambda option: option["label"])

    @cached_property
    def vocabularies(self) -> dict[str, frozenset[str]]:
        """Filter key → the values a URL or a control may choose (dashboard.web.filters)."""
        return {spec.key: frozenset(spec.known(self)) for spec in FILTERS}

    @cached_property
    def partner_points(self) -> dict[str, tuple[str, float, float]]:
        """Code → (name, lon, lat) of the communes the sources name with no operation detailed."""
        named = set(self.dataset.partners[Partner.CODE_INSEE]) - set(self.dataset.operations[Op.CODE_INSEE])
        communes = self.dataset.communes
        codes = sorted(code for code in named if code in communes.index)
        points = communes.geometry[codes].representative_point()
        return {
            code: (communes.at[code, Geo.NOM], float(p.x), float(p.y))
            for code, p in zip(codes, points, strict=True)
        }

    def partner_points_in(
        self, view_bounds: tuple[float, float, float, float]
    ) -> dict[str, tuple[str, float, float]]:
        """The partners a map framed on ``view_bounds`` shows, each named at a point of its visible part:
        a town across the chosen département's edge (Château-Thierry beside the Oise) had its name cut by
        the frame, its own point lying outside; a town wholly outside is left out."""
        points = self.partner_points
        minx, miny, maxx, maxy = view_bounds
        outside = [
            code
            for code, (_, lon, lat) in points.items()
            if not (minx <= lon <= maxx and miny <= lat <= maxy)
        ]
        if not outside:
            return points
        frame = box(minx, miny, maxx, maxy)
        seen = self.dataset.communes.geometry[outside].intersection(frame)
        moved = {
            code: (points[code][0], float(p.x), float(p.y))
            for code, shape in seen.items()
            if not shape.is_empty
            for p in [shape.representative_point()]
        }
        return {
            code: moved.get(code, point)
            for code, point in points.items()
            if code not in outside or code in moved
        }

    def partners_of(self, code: str) -> pd.DataFrame:
        partners = self.dataset.partners
        return partners[partners[Partner.CODE_INSEE] == code]

    def view_bounds(self, view: View) -> tuple[float, float, float, float]:
        """The map's frame: the départements filtered, else the region."""
        departements = self.dataset.departements
        if view.of("departements"):
            chosen = departements[departements[Geo.CODE].isin(view.of("departements"))]
            if len(chosen):
                return bounds(chosen, margin=0.04)
        if not self.by_departement:
            return self.region_bounds
        holding = {departement_of(code) for code in view.of("communes")}
        if holding:  # communes chosen over a national perimeter: their départements
            return bounds(departements[departements[Geo.CODE].isin(holding)], margin=0.04)
        return self.overview_bounds

    @cached_property
    def overview_bounds(self) -> tuple[float, float, float, float]:
        return bounds(self.overview_departements, margin=0.02)
