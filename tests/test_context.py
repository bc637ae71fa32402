"""The context keeps repeated texts as categories: same values, same order, for less memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow
import pytest

from dashboard.app import create_app
from dashboard.data.dataset import load_dataset
from dashboard.data.parsing import PartialDate
from dashboard.data.report import Report
from dashboard.data.schema import PROGRAMME_ACV, Derived, Mix, Status
from dashboard.model import analysis
from dashboard.model.analysis import Range, filter_operations
from dashboard.model.chronology import Chrono
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web import components
from dashboard.web.context import (
    CATEGORICAL_COLUMNS,
    PYTHON_CATEGORIES_AT_MOST,
    RECENT_RESULTS,
    SHARED_VALUE_COLUMNS,
    build_context,
    shared_values,
)
from dashboard.web.filters import FILTERS
from dashboard.web.pages.region import first_rows
from tests.synthetic import write_data_dir


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(write_data_dir(tmp_path_factory.mktemp("ctx") / "data", 400), Report())


def test_few_categories_are_python_strings_in_their_order(dataset):
    operations = build_context(dataset).dataset.operations
    for column in CATEGORICAL_COLUMNS:
        categories = operations[column].cat.categories
        few = len(categories) <= PYTHON_CATEGORIES_AT_MOST
        assert (categories.dtype == object) == few, column
        assert categories.tolist() == sorted(set(dataset.operations[column].dropna())), column
    assert operations.columns.dtype == object


def test_repeated_texts_become_categories_with_the_same_values(dataset):
    operations = build_context(dataset).dataset.operations
    for column in CATEGORICAL_COLUMNS:
        assert operations[column].dtype == "category", column
        assert operations[column].tolist() == dataset.operations[column].tolist(), column


@pytest.mark.parametrize("column", sorted(set(CATEGORICAL_COLUMNS) & components.SORTABLE))
def test_sorting_by_a_category_is_sorting_by_its_text(dataset, column):
    compacted = build_context(dataset).dataset.operations
    assert list(components.sort_frame(compacted, column, True).index) == list(
        components.sort_frame(dataset.operations, column, True).index
    )


def test_recent_results_are_computed_once_per_key_and_the_oldest_are_dropped(dataset):
    context = build_context(dataset)
    calls: list[int] = []

    def compute(value: int) -> int:
        calls.append(value)
        return value * 2

    assert context.caches.results.get(("k", 1), lambda: compute(1)) == 2
    assert context.caches.results.get(("k", 1), lambda: compute(1)) == 2
    assert calls == [1]
    for value in range(2, 2 + RECENT_RESULTS):
        context.caches.results.get(("k", value), lambda value=value: compute(value))
    context.caches.results.get(("k", 1), lambda: compute(1))  # pushed out by the newer ones: computed again
    assert calls.count(1) == 2


def test_the_steady_key_ignores_the_year_and_nothing_else(dataset):
    context = build_context(dataset)
    oise = {"departements": ("60",)}
    assert context.url.steady_key(View(year=2019, selected=oise)) == context.url.steady_key(
        View(year=2024, selected=oise)
    )
    assert context.url.steady_key(View(year=2019, selected=oise)) != context.url.steady_key(View(year=2019))


@pytest.mark.parametrize(
    ("column", "descending"),
    [("commune", False), ("nom", True), ("logements_retenus", True), ("livraison", False)],
)
def test_a_year_step_with_kept_rows_patches_what_a_fresh_computation_does(dataset, column, descending):
    context = build_context(dataset)
    sort = {"column": column, "descending": descending}
    for year in (2020, 2021, 2022):
        frame = context.operations_in(View(year=year))
        kept = context.caches.results.get(
            ("table-rows", "all", column, descending), lambda frame=frame: first_rows(frame, sort)
        )
        fresh = components.table_year_patch(frame, search="", sort=sort).to_plotly_json()
        assert components.table_year_patch(frame.iloc[kept], search="", sort=sort).to_plotly_json() == fresh
        assert components.ordered_year_patch(frame.iloc[kept], search="").to_plotly_json() == fresh


@pytest.mark.parametrize(
    "selected",
    [{}, {"departements": ("60",)}, {"statuses": ("livrée",)}, {"codes": ("PLAI",), "programmes": ("ACV",)}],
)
def test_the_statuses_kept_per_year_select_what_a_fresh_filtering_does(dataset, selected):
    context = build_context(dataset)
    context.prepare_years()
    for year in (2018, 2021, 2024):
        view = View(year=year, selected=selected)
        fresh = filter_operations(
            context.dataset.operations,
            context.dataset.mix,
            view,
            filters=FILTERS,
            years=context.lookups.milestones,
        )
        pd.testing.assert_frame_equal(context.operations_in(view), fresh)
        assert context.at_year(year) is context.at_year(year)  # computed once


def test_a_view_s_frame_can_be_changed_without_changing_the_kept_year(dataset):
    context = build_context(dataset)
    frame = context.operations_in(View(year=2022))
    frame["commune"] = "x"
    assert (context.at_year(2022)["commune"] != "x").all()


def test_equal_parsed_values_are_kept_once_and_read_the_same():
    """Memory (issue 24): one object per distinct value, so a worker's row selections write few pages; what a
    row reads is unchanged, and values that are equal but shown differently (1 and 1.0) stay apart."""
    column = pd.Series(
        [
            PartialDate(2021, 3),
            PartialDate(2021, 3),
            None,
            {"livraison": PartialDate(2022)},
            {"livraison": PartialDate(2022)},
            {"logements": 1},
            {"logements": 1.0},
            [1],
        ],
        index=list("abcdefgh"),
        dtype=object,
    )
    shared = shared_values(column)
    assert shared.index.equals(column.index)
    assert list(shared) == list(column)
    assert shared["a"] is shared["b"]
    assert shared["d"] is shared["e"]
    assert shared["f"] is not shared["g"] and isinstance(shared["g"]["logements"], float)
    assert shared["h"] is column["h"]  # unhashable: kept as it is


@pytest.mark.parametrize(
    "view",
    [
        View(year=2024),
        View(year=2024, selected={"statuses": (Status.DELIVERED,)}),
        View(year=2024, selected={"programmes": (PROGRAMME_ACV,)}),
    ],
    ids=["all", "delivered", "programme"],
)
def test_the_financing_rows_read_by_position_are_those_read_by_id(dataset, view):
    """The served context selects the financing rows by the operations' positions (issue 24: comparing
    ids read every id, copying the master's pages into each worker); the answers are those by ids."""
    context = build_context(dataset)
    frame, mix = context.operations_in(view), context.dataset.mix
    by_id_frame = frame.drop(columns=Derived.POSITION)
    by_id_mix = mix.drop(columns=Mix.POSITION)
    assert len(frame) and Derived.POSITION in frame and Mix.POSITION in mix
    assert analysis.mix_of(frame, mix).index.equals(analysis.mix_of(by_id_frame, by_id_mix).index)
    pd.testing.assert_frame_equal(
        analysis.mix_summary(frame, mix), analysis.mix_summary(by_id_frame, by_id_mix)
    )
    assert analysis.mix_gaps(frame, mix) == analysis.mix_gaps(by_id_frame, by_id_mix)


def test_the_financing_gaps_read_by_position_name_their_operations():
    """On the shipped data, whose financing counts other dwellings for two operations."""
    context = build_context(load_dataset(Path(__file__).resolve().parent.parent / "data", Report()))
    gaps = analysis.mix_gaps(context.operations_in(View(year=2022)), context.dataset.mix)
    assert {gap.operation: (gap.mix_total, gap.dwellings) for gap in gaps} == {
        "compiegne-quai-des-roses": (32, Range(30, 32)),
        "compiegne-rue-d-amiens": (55, Range(39, 55)),
    }


def test_each_financing_row_knows_its_operation_s_position(dataset):
    context = build_context(dataset)
    operations, mix = context.dataset.operations, context.dataset.mix
    assert operations[Derived.POSITION].tolist() == list(range(len(operations)))
    known = mix[Mix.POSITION].to_numpy() >= 0
    assert known.all()
    assert operations.index[mix[Mix.POSITION].to_numpy()].tolist() == mix[Mix.ID].astype(object).tolist()


SHIPPED = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("source", ["synthetic", "shipped"])
def test_whether_any_operation_is_dated_reads_the_same_by_position_as_by_id(dataset, source):
    """The year step asks whether the calendar draws any shown operation by their positions (issue 24:
    asking by ids read every id, ~50 MiB of the master's pages copied into each worker): the chronology
    is one row per served operation in their order, and each answer is the one by ids."""
    context = build_context(dataset if source == "synthetic" else load_dataset(SHIPPED, Report()))
    lookups, operations = context.lookups, context.dataset.operations
    assert lookups.milestones.index.equals(operations.index)
    dated = lookups.milestones[Chrono.DATED].to_numpy(dtype=bool)
    assert dated.any() and lookups.dated.tolist() == dated.tolist()
    undated = operations[~dated]
    frames = [
        operations,
        operations.iloc[:0],
        operations[dated].iloc[-1:],
        undated,
        pd.concat([undated, operations[dated].iloc[:1]]),
        *(context.operations_in(View(year=year)) for year in range(*lookups.years)),
    ]
    for frame in frames:
        by_id = frame.drop(columns=Derived.POSITION)
        expected = bool(frame.index.isin(lookups.milestones.index[dated]).any())
        assert lookups.any_dated(frame) is expected
        assert lookups.any_dated(by_id) is expected


def test_no_column_keeps_a_python_object_per_row(dataset):
    """A selection of rows writes the reference count of every Python object it takes: a worker forked
    from gunicorn's master then copies every page holding one (issue 24). Texts live in Arrow buffers;
    the few columns of parsed values keep each distinct value once."""
    operations = build_context(dataset).dataset.operations
    for column in operations.columns:
        values = operations[column].array
        if isinstance(operations[column].dtype, pd.StringDtype):
            assert isinstance(values, pd.arrays.ArrowStringArray), column
        elif operations[column].dtype == object:
            distinct = {id(value) for value in values}
            assert len(distinct) <= len({_key(value) for value in values}), column
            assert column in SHARED_VALUE_COLUMNS or distinct == {id(None)}, column


def _key(value: object) -> object:
    return repr(value) if isinstance(value, dict) else value


def test_the_app_s_arrow_buffers_come_from_the_c_library_s_allocator(tmp_path):
    """gunicorn's heap trim (``malloc_trim``) gives back only what the C library's allocator holds."""
    create_app(Settings(data_dir=write_data_dir(tmp_path / "data", 20), state_dir=tmp_path / "state"))
    assert pyarrow.default_memory_pool().backend_name == "system"
