"""The context keeps repeated texts as categories: same values, same order, for less memory."""

from __future__ import annotations

import pytest

from bench.synthetic import write_data_dir
from dashboard import components
from dashboard.context import CATEGORICAL_COLUMNS, build_context
from dashboard.dataset import load_dataset
from dashboard.report import Report


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(write_data_dir(tmp_path_factory.mktemp("ctx") / "data", 400), Report())


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
