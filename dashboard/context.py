"""What the callbacks need, prepared once from a dataset: geometry URLs, options, scales."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from dashboard import mapgeo
from dashboard.analysis import Years, filter_operations, milestone_years
from dashboard.dataset import Dataset
from dashboard.filters import FILTERS
from dashboard.schema import Acv, Derived, Geo, Op, Src
from dashboard.search import CommuneIndex
from dashboard.state import View, parse_view, view_query, year_range


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
    milestones: pd.DataFrame  # analysis.milestone_years of the operations: dates parsed once, not per request
    # Hash of the data files this context was built from (dashboard.live): pages compare it to see a reload.
    version: str = ""

    @property
    def default_year(self) -> int:
        return self.years[1]

    # Read on every callback: computed once per context (cached_property works on a frozen dataclass).
    @cached_property
    def acv_names(self) -> dict[str, str]:
        """Code → name of the region's Action Cœur de Ville communes."""
        return dict(sorted(zip(self.dataset.acv.index, self.dataset.acv[Acv.COMMUNE], strict=True)))

    @cached_property
    def departement_names(self) -> dict[str, str]:
        return dict(zip(self.dataset.departements[Geo.CODE], self.dataset.departements[Geo.NOM], strict=True))

    @cached_property
    def _headlines(self) -> dict[str, tuple[int, int]]:
        operations = self.dataset.operations
        per_commune = operations.groupby(Op.CODE_INSEE, observed=True)[Derived.LOGEMENTS_RETENUS]
        return {
            str(code): (int(count), int(total))
            for code, count, total in zip(
                per_commune.size().index, per_commune.size(), per_commune.sum(min_count=0), strict=True
            )
        }

    def headline(self, code: str | None = None) -> tuple[int, int]:
        """Operations and dwellings (published or counted from the mix) of a commune, or of the region,
        in the default view: every operation is shown there. Computed once, for pages' titles."""
        if code is None:
            frame = self.dataset.operations
            return len(frame), int(frame[Derived.LOGEMENTS_RETENUS].sum())
        return self._headlines.get(code, (0, 0))

    def commune_options(self) -> list[dict]:
        """Communes with an operation or in the ACV programme, the ones worth filtering on."""
        codes = set(self.dataset.operations[Op.CODE_INSEE]) | set(self.acv_names)
        names = self.dataset.communes[Geo.NOM]
        return sorted(
            ({"label": f"{names[c]} ({c})", "value": c} for c in codes if c in names.index),
            key=lambda option: option["label"],
        )

    @cached_property
    def vocabularies(self) -> dict[str, frozenset[str]]:
        """Filter key → the values a URL or a control may choose (dashboard.filters)."""
        return {spec.key: frozenset(spec.known(self)) for spec in FILTERS}

    def parse(self, search: str | None) -> View:
        return parse_view(search, years=self.years, vocabularies=self.vocabularies, filters=FILTERS)

    def query(self, view: View) -> str:
        return view_query(view, default_year=self.default_year, filters=FILTERS)

    def operations_in(self, view: View, *, ignore_place: bool = False) -> pd.DataFrame:
        """``analysis.filter_operations`` with the dates parsed once for all."""
        return filter_operations(
            self.dataset.operations,
            self.dataset.mix,
            view,
            filters=FILTERS,
            ignore_place=ignore_place,
            years=self.milestones,
        )

    def geo_assets(self) -> dict[str, mapgeo.GeoAsset]:
        return {asset.filename: asset for asset in (self.communes_asset, self.departements_asset)}


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
)


def compact(operations: pd.DataFrame) -> pd.DataFrame:
    """The same operations with ``CATEGORICAL_COLUMNS`` as categories (sorted: sorting is unchanged)."""
    return operations.astype({column: "category" for column in CATEGORICAL_COLUMNS if column in operations})


def build_context(dataset: Dataset) -> Context:
    operations = dataset.operations
    codes = set(operations[Op.CODE_INSEE]) | set(dataset.acv[Acv.CODE_INSEE])
    milestones = milestone_years(operations)
    dated = pd.concat([milestones[Years.STARTED], milestones[Years.DELIVERED]]).dropna()
    per_commune = operations.groupby(Op.CODE_INSEE)[Derived.LOGEMENTS_RETENUS].sum()
    return Context(
        dataset=dataclasses.replace(dataset, operations=compact(operations)),
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
        ),
        milestones=milestones,
    )
