"""A version of the data prepared for display: what is derived once (dashboard.web.lookups), the URL codec
(dashboard.web.urlcodec), the maps' geometry documents (dashboard.web.mapassets), and the results requests
share, each kept in a bounded cache (dashboard.model.recent)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.data import mapgeo
from dashboard.data.dataset import Dataset
from dashboard.data.schema import PROGRAMME_ACV, Acv, Derived, Geo, Mix, Op, Partner, Src
from dashboard.model import planned
from dashboard.model.analysis import KeyFigures, key_figures, select_operations, with_status
from dashboard.model.chronology import Chrono, chronology
from dashboard.model.recent import Recent
from dashboard.model.search import CommuneIndex
from dashboard.model.state import View, year_range
from dashboard.web.filters import FILTERS
from dashboard.web.lookups import Lookups
from dashboard.web.mapassets import MapAssets
from dashboard.web.urlcodec import UrlCodec

RECENT_RESULTS = 64  # results kept by Caches.results (small: row orders and lists, not frames)
RECENT_YEARS = 40  # years whose statuses Context.at_year keeps (a programme's span, and some)
RECENT_PAGES = 16  # pages kept by Caches.pages (a region page of all of France: ~1 MB of components)
RECENT_FIGURES = 2048  # communes whose default key figures a page's head keeps (a few hundred bytes each)


class Caches:
    """What requests share, each through the one cache helper (``Recent``: bounded, thread-safe)."""

    def __init__(self) -> None:
        self.results = Recent(
            RECENT_RESULTS
        )  # what every year of a view shares: the table's rows, their order
        self.pages = Recent(RECENT_PAGES)  # whole pages, by query string
        self.statuses = Recent(RECENT_YEARS)  # every operation's status, by year
        self.figures = Recent(RECENT_FIGURES)  # a commune's key figures in the default view, by code


@dataclass(frozen=True)
class Context:
    """A dataset and everything derived from it for display; rebuilt only when the data changes."""

    lookups: Lookups
    url: UrlCodec
    geo: MapAssets
    caches: Caches = field(default_factory=Caches, compare=False, repr=False)
    # Hash of the data files this context was built from (versions.live): pages compare it to see a reload.
    version: str = ""

    @property
    def dataset(self) -> Dataset:
        return self.lookups.dataset

    @cached_property
    def acv_detail(self) -> KeyFigures:
        """What the sources detail of the programme, whatever the view: compared with its published totals."""
        view = View(year=self.lookups.default_year, selected={"programmes": (PROGRAMME_ACV,)})
        return key_figures(self.operations_in(view))

    @cached_property
    def acv_deliveries(self) -> tuple[str, list[str]]:
        """The programme's deliveries a source reports, in brief (``planned.brief``: the region's lead),
        whatever the view: computed once per version, in gunicorn's master at its first visit. Drawn again
        for every page, selecting the programme's operations wrote the reference count of their texts, which
        copied those pages of the master into each worker: +136 MiB a worker at its first page other than
        ``/`` (100,000 operations)."""
        operations = self.dataset.operations
        acv = operations[(operations[Op.PROGRAMME] == PROGRAMME_ACV).to_numpy()]
        return planned.brief(planned.deliveries(acv, self.dataset.milestones, self.dataset.source_dates))

    def at_year(self, year: int) -> pd.DataFrame:
        """Every operation with its status at the end of ``year`` (``analysis.with_status``), computed once
        per year: all of France took 11 ms of each year step, twice (the panels, the tables)."""
        return self.caches.statuses.get(
            year, lambda: with_status(self.dataset.operations, year, years=self.lookups.milestones)
        )

    def prepare_years(self) -> None:
        """Every year's statuses computed now (gunicorn's master, before it forks: the workers share them)."""
        first, last = self.lookups.years
        for year in range(first, last + 1):
            self.at_year(year)

    def operations_in(self, view: View, *, ignore_place: bool = False) -> pd.DataFrame:
        """``analysis.filter_operations``, from the statuses of the year computed once."""
        return select_operations(
            self.at_year(view.year), self.dataset.mix, view, filters=FILTERS, ignore_place=ignore_place
        )


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


# Parsed values (dates, the other published values) are Python objects, one per row, although few differ
# (100,000 synthetic operations: ~3,000 dates, 10 sets of other values). Every selection of rows writes the
# reference count of each object it takes, so a worker that filters the operations copies every page that
# holds one of them from the preloaded master: ~45 MiB per worker after a few full updates (issue 24,
# "Memory follow-up"). Equal values are therefore kept once each: what a row reads is unchanged. They are
# shared, so never modified (no code writes into a parsed value).
SHARED_VALUE_COLUMNS = (
    Derived.DEBUT,
    Derived.FIN,
    Derived.SOURCE_DATE,
    Derived.FIRST_KNOWN,
    Derived.PLANS_BEFORE,
    Derived.VARIANTES,
)


def compact(operations: pd.DataFrame) -> pd.DataFrame:
    """The same operations with ``CATEGORICAL_COLUMNS`` as categories (sorted: sorting is unchanged), the
    equal values of ``SHARED_VALUE_COLUMNS`` as one object each, each one's position (``Derived.POSITION``,
    which ``compact_mix`` gives the financing rows), and their ids as a plain index: taking
    the table's 50 rows from a string-typed index of 100,000 took 4 ms (pandas' StringArray.take), a tenth
    of a national year step."""
    kinds = {column: "category" for column in CATEGORICAL_COLUMNS if column in operations}
    compacted = operations.astype(kinds)
    for column in kinds:
        if len(compacted[column].cat.categories) <= PYTHON_CATEGORIES_AT_MOST:
            compacted[column] = python_categories(compacted[column])
    for column in SHARED_VALUE_COLUMNS:
        if column in compacted:
            compacted[column] = shared_values(compacted[column])
    compacted[Derived.POSITION] = np.arange(len(compacted), dtype=np.int64)
    # A copy of its own: without it, the values replaced above (one date object per row, the other
    # published values…) stayed alive beside the frame: 100,000 operations, 148,000 dates, 26 MiB.
    return plain_index(compacted.copy())


# A category of at most this many values keeps them as Python strings (``python_categories``): the
# vocabularies, the départements, the sources' names. More (the communes and their codes, ~35,000 over
# all of France, the dates) stay in Arrow: a worker reading them would copy the master's pages they lie
# on, bringing back the cost Arrow removed (issue 24).
PYTHON_CATEGORIES_AT_MOST = 1_000


def python_categories(column: pd.Series) -> pd.Series:
    """``column`` (a category) with its categories as Python strings, in the same order, not in Arrow: a
    request reads a few of them at a time (a table's rows, a state's words), and each read of Arrow's
    took and converted them anew. One string per distinct value, as before pyarrow (the rows stay
    integer codes)."""
    categories = column.cat.categories
    return column.cat.set_categories(pd.Index(categories.tolist(), dtype=object, name=categories.name))


def shared_values(column: pd.Series) -> pd.Series:
    """``column`` (objects) with equal values as one object each; a value that cannot be hashed is kept."""
    kept: dict[object, object] = {}

    def once(value: object) -> object:
        try:
            return kept.setdefault(_value_key(value), value)
        except TypeError:  # unhashable inside: kept as it is
            return value

    return pd.Series([once(value) for value in column], index=column.index, dtype=object, name=column.name)


def _value_key(value: object) -> object:
    """What makes two values the same one: their type too (1 and 1.0 are equal but not shown alike), and
    for the other published values, each name with its value's type and the order they were published in."""
    if isinstance(value, dict):
        return dict, tuple((name, type(item), item) for name, item in value.items())
    return type(value), value


def plain_index(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by its ids as Python strings (``compact``); frames aligned with the operations
    need the same index type, or every lookup converts 100,000 ids. Its column names too: pandas 3 keeps
    them in Arrow, and every column read converted its name."""
    return frame.set_axis(frame.index.astype(object)).set_axis(frame.columns.astype(object), axis=1)


def compact_mix(mix: pd.DataFrame, operations: pd.DataFrame) -> pd.DataFrame:
    """The financing rows with their operation and code as categories (grouping 140,000 of them by
    operation hashed as many strings at every request), and their operation's position in ``operations``
    (``compact``; -1 for none): a request selects the rows of the operations it shows by these integers
    (``analysis.mix_of``)."""
    compacted = mix.astype({Mix.ID: "category", Mix.CODE: "category"})
    compacted[Mix.POSITION] = operations.index.get_indexer(mix[Mix.ID].astype(object)).astype(np.int64)
    return compacted


def build_context(dataset: Dataset) -> Context:
    operations = dataset.operations
    served = compact(operations)
    # The map draws as areas only the ACV towns and the partner centres (communes with operations are
    # symbols): their outlines alone travel, whatever the number of operations (all of France included).
    codes = set(dataset.acv[Acv.CODE_INSEE]) | set(dataset.partners[Partner.CODE_INSEE])
    milestones = plain_index(chronology(operations))
    dated = pd.concat([milestones[Chrono.START], milestones[Chrono.END]]).dropna()
    source_years = [date.year for date in operations[Derived.SOURCE_DATE] if date is not None]
    per_commune = operations.groupby(Op.CODE_INSEE)[Derived.LOGEMENTS_RETENUS].sum()
    lookups = Lookups(
        dataset=dataclasses.replace(dataset, operations=served, mix=compact_mix(dataset.mix, served)),
        years=year_range([int(y) for y in dated if y]),
        region_bounds=mapgeo.bounds(dataset.departements, margin=0.02),
        # at least 1: markers are sized against it, and no operation may publish a number of dwellings
        largest_op=max(
            int(operations[Derived.LOGEMENTS_RETENUS].fillna(0).max()) if len(operations) else 0, 1
        ),
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
    return Context(
        lookups=lookups,
        url=UrlCodec(lookups.years, lookups.default_year, lookups.vocabularies),
        geo=MapAssets(
            communes=mapgeo.region_communes(dataset.communes, codes),
            departements=mapgeo.departements_outline(dataset.departements),
            lookups=lookups,
        ),
    )
