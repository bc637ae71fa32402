"""What the callbacks need, prepared once from a dataset: geometry URLs, options, scales."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import geopandas as gpd
import pandas as pd

from dashboard.data import mapgeo
from dashboard.data.dataset import Dataset
from dashboard.data.mapgeo import bounds
from dashboard.data.places import departement_of
from dashboard.data.schema import OVERSEAS_PREFIX, PROGRAMME_ACV, Acv, Derived, Geo, Mix, Op, Partner, Src
from dashboard.model.analysis import KeyFigures, key_figures, select_operations, with_status
from dashboard.model.chronology import Chrono, chronology
from dashboard.model.recent import Recent
from dashboard.model.search import CommuneIndex
from dashboard.model.state import View, parse_view, view_query, year_range
from dashboard.web.filters import FILTERS

RECENT_RESULTS = 64  # results kept by Context.recent (small: row orders and lists, not frames)
RECENT_YEARS = 40  # years whose statuses Context.at_year keeps (a programme's span, and some)
RECENT_PAGES = 16  # pages kept by Context.recent_page (a region page of all of France: ~1 MB of components)
T = TypeVar("T")
# Beyond either, the map draws one symbol per département until one is chosen (Hauts-de-France: 5
# départements, 11 communes with operations; with Île-de-France: 13 départements; all of France: 101).
DEPARTEMENTS_BY_COMMUNE = 15
MAX_COMMUNE_OPTIONS = 100  # communes listed in the Commune filter at most (typing finds the others)
FOUND_OPTIONS = 20  # communes offered for text typed in the Commune filter
COMMUNES_BY_SYMBOL = 400  # a symbol per commune beyond that is a blur of overlaps, and heavy to send


@dataclass(frozen=True)
class Context:
    """A dataset and everything derived from it for display; rebuilt only when the data changes."""

    dataset: Dataset
    communes_asset: mapgeo.GeoAsset
    departements_asset: mapgeo.GeoAsset
    years: tuple[int, int]
    region_bounds: tuple[float, float, float, float]
    largest_op: int
    largest_commune: int
    source_titles: dict[str, str]
    commune_index: CommuneIndex
    milestones: pd.DataFrame  # chronology of the operations: milestone years and how each is known, once
    sources_year: int = 0  # year of the latest source: what the first screen shows
    # Hash of the data files this context was built from (versions.live): pages compare it to see a reload.
    version: str = ""

    @property
    def default_year(self) -> int:
        """The year of the latest source: later years are projections, and the first screen states facts
        where the sources give them."""
        first, last = self.years
        return min(max(self.sources_year, first), last) if self.sources_year else last

    # Read on every callback: computed once per context (cached_property works on a frozen dataclass).
    @cached_property
    def acv_names(self) -> dict[str, str]:
        """Code → name of the region's Action Cœur de Ville communes."""
        return dict(sorted(zip(self.dataset.acv.index, self.dataset.acv[Acv.COMMUNE], strict=True)))

    @cached_property
    def dated_ids(self) -> frozenset[str]:
        """The operations with at least one date, a place on the calendar."""
        dated = self.milestones[Chrono.DATED]
        return frozenset(dated.index[dated.to_numpy(dtype=bool)])

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

    def parse(self, search: str | None) -> View:
        return parse_view(
            search,
            years=self.years,
            vocabularies=self.vocabularies,
            filters=FILTERS,
            default_year=self.default_year,
        )

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

    def partners_of(self, code: str) -> pd.DataFrame:
        partners = self.dataset.partners
        return partners[partners[Partner.CODE_INSEE] == code]

    @cached_property
    def page_figures(self) -> dict[str, KeyFigures]:
        """Commune code → its key figures in the default view, filled as pages' heads ask for them."""
        return {}

    @cached_property
    def acv_detail(self) -> KeyFigures:
        """What the sources detail of the programme, whatever the view: compared with its published totals."""
        view = View(year=self.default_year, selected={"programmes": (PROGRAMME_ACV,)})
        return key_figures(self.operations_in(view))

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

    def query(self, view: View) -> str:
        return view_query(view, default_year=self.default_year, filters=FILTERS)

    @cached_property
    def _recent(self) -> Recent:
        return Recent(RECENT_RESULTS)

    def recent(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its result for the same ``key`` if it is among the last few asked: what every
        year of a view shares (the table's rows, their order) is computed once, not at each step."""
        return self._recent.get(key, compute)

    @cached_property
    def _recent_pages(self) -> Recent:
        return Recent(RECENT_PAGES)

    def recent_page(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``recent`` for whole pages, fewer of them."""
        return self._recent_pages.get(key, compute)

    def steady_key(self, view: View) -> str:
        """The view without its year: the same operations, whatever the year (no filter follows it)."""
        return self.query(dataclasses.replace(view, year=self.default_year, presentation=False))

    @cached_property
    def _statuses(self) -> Recent:
        return Recent(RECENT_YEARS)

    def at_year(self, year: int) -> pd.DataFrame:
        """Every operation with its status at the end of ``year`` (``analysis.with_status``), computed once
        per year: all of France took 11 ms of each year step, twice (the panels, the tables)."""
        return self._statuses.get(
            year, lambda: with_status(self.dataset.operations, year, years=self.milestones)
        )

    def prepare_years(self) -> None:
        """Every year's statuses computed now (gunicorn's master, before it forks: the workers share them)."""
        first, last = self.years
        for year in range(first, last + 1):
            self.at_year(year)

    def operations_in(self, view: View, *, ignore_place: bool = False) -> pd.DataFrame:
        """``analysis.filter_operations``, from the statuses of the year computed once."""
        return select_operations(
            self.at_year(view.year), self.dataset.mix, view, filters=FILTERS, ignore_place=ignore_place
        )

    @cached_property
    def overview_asset(self) -> mapgeo.GeoAsset:
        """The départements drawn coarser for the map of a wide perimeter (one symbol per département)."""
        if not self.by_departement:
            return self.departements_asset
        return mapgeo.departements_outline(
            self.overview_departements, mapgeo.OVERVIEW_TOLERANCE, name="departements-apercu"
        )

    def communes_url(self, by_departement: bool) -> str:
        """The towns' outlines; an overview draws none, so it names a document already fetched."""
        return self.departements_url(True) if by_departement else f"/geo/{self.communes_asset.filename}"

    def departements_url(self, by_departement: bool) -> str:
        return f"/geo/{(self.overview_asset if by_departement else self.departements_asset).filename}"

    def geo_assets(self) -> dict[str, mapgeo.GeoAsset]:
        assets = (self.communes_asset, self.departements_asset, self.overview_asset)
        return {asset.filename: asset for asset in assets}


# Text columns with few distinct values (codes, names, vocabularies, dates) are kept as categories: each
# text once, and integer codes per row. A request then reads small arrays instead of 100,000 Python strings:
# faster, and the preloaded master's memory stays shared with its workers (reading a Python object writes
# its reference count, which copies its whole page into the worker that read it).
CATEGORICAL_COLUMNS = (
    Op.CODE_INSEE,
    Op.COMMUNE,
    Op.PROGRAMME,
    Op.NATURE,
    Op.PRECISION_GEO,
    Op.SOURCE,
    Op.DEBUT_TRAVAUX,
    Op.LIVRAISON,
    Op.VARIANTES,
    Derived.DEPARTEMENT,
    Derived.LOGEMENTS_ORIGINE,
    Derived.SOURCE_LABEL,
)


def compact(operations: pd.DataFrame) -> pd.DataFrame:
    """The same operations with ``CATEGORICAL_COLUMNS`` as categories (sorted: sorting is unchanged), and
    their ids as a plain index: taking the table's 50 rows from a string-typed index of 100,000 took 4 ms
    (pandas' StringArray.take), a tenth of a national year step."""
    kinds = {column: "category" for column in CATEGORICAL_COLUMNS if column in operations}
    return plain_index(operations.astype(kinds))


def plain_index(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by its ids as Python strings (``compact``); frames aligned with the operations
    need the same index type, or every lookup converts 100,000 ids."""
    return frame.set_axis(frame.index.astype(object))


def compact_mix(mix: pd.DataFrame) -> pd.DataFrame:
    """The financing rows with their operation and code as categories: grouping 140,000 of them by
    operation hashed as many strings at every request."""
    return mix.astype({Mix.ID: "category", Mix.CODE: "category"})


def build_context(dataset: Dataset) -> Context:
    operations = dataset.operations
    # The map draws as areas only the ACV towns and the partner centres (communes with operations are
    # symbols): their outlines alone travel, whatever the number of operations (all of France included).
    codes = set(dataset.acv[Acv.CODE_INSEE]) | set(dataset.partners[Partner.CODE_INSEE])
    milestones = plain_index(chronology(operations))
    dated = pd.concat([milestones[Chrono.START], milestones[Chrono.END]]).dropna()
    source_years = [date.year for date in operations[Derived.SOURCE_DATE] if date is not None]
    per_commune = operations.groupby(Op.CODE_INSEE)[Derived.LOGEMENTS_RETENUS].sum()
    return Context(
        dataset=dataclasses.replace(dataset, operations=compact(operations), mix=compact_mix(dataset.mix)),
        communes_asset=mapgeo.region_communes(dataset.communes, codes),
        departements_asset=mapgeo.departements_outline(dataset.departements),
        years=year_range([int(y) for y in dated if y]),
        region_bounds=mapgeo.bounds(dataset.departements, margin=0.02),
        largest_op=int(operations[Derived.LOGEMENTS_RETENUS].max()) if len(operations) else 1,
        largest_commune=int(per_commune.max()) if len(per_commune) else 1,
        source_titles=dict(zip(dataset.sources[Src.SOURCE], dataset.sources[Src.TITRE], strict=True)),
        commune_index=CommuneIndex(
            dataset.communes,
            dict(zip(dataset.departements[Geo.CODE], dataset.departements[Geo.NOM], strict=True)),
            operations[Op.CODE_INSEE].value_counts(),
            listed=operations,
        ),
        milestones=milestones,
        sources_year=max(source_years, default=0),
    )
