"""Properties of loading as a whole: random edits of a valid file, random GeoJSON, never an exception.

A result of ``None`` always comes with at least one error saying why.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.data import geo
from dashboard.data.reader import read_table
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS
from dashboard.data.validate import validate_operations
from tests.bad_inputs import BASE, csv_text, write_base

pytestmark = pytest.mark.slow  # hypothesis draws hundreds of cases: the fast loop leaves them out

EXAMPLES = settings(max_examples=200, deadline=None)
BASE_TEXT = csv_text(BASE)
# What a hand edit in a text editor or a spreadsheet adds: digits, separators, quotes, codes.
EDIT_ALPHABET = '0123456789-.,;|/="\r\n \tPLAIUSaéz\ufeff+@<>'


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    return geo.load_areas(
        write_base(tmp_path_factory.mktemp("world") / "data") / "communes.geojson", Report()
    )


edits = st.lists(
    st.tuples(st.integers(0, len(BASE_TEXT)), st.integers(0, 5), st.text(alphabet=EDIT_ALPHABET, max_size=6)),
    min_size=1,
    max_size=8,
)


@EXAMPLES
@given(changes=edits)
def test_any_hand_edit_of_a_valid_file_ends_in_the_report(communes, changes):
    content = BASE_TEXT
    for position, deleted, inserted in changes:
        content = content[:position] + inserted + content[position + deleted :]
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "operations.csv"
        path.write_text(content, encoding="utf-8")
        table = read_table(path, OPERATION_COLUMNS, report)
        operations = None if table is None else validate_operations(table, path.name, communes, report)
    assert operations is not None or report.errors
    assert all(issue.message.strip() for issue in report.issues)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(),
    st.text(max_size=5),
    st.sampled_from(
        ["Polygon", "MultiPolygon", "Point", "Feature", "FeatureCollection", "02691", "EPSG:2154"]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["type", "features", "properties", "geometry", "coordinates", "code", "nom", "crs", "name"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=30,
)
rings = st.lists(st.lists(st.lists(st.floats(-200, 200), min_size=0, max_size=3), max_size=6), max_size=3)
geometries = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "LineString", "GeometryCollection"]),
        "coordinates": rings | json_values,
    }
)
features = st.fixed_dictionaries(
    {
        "type": st.just("Feature") | json_values,
        "properties": st.fixed_dictionaries(
            {"code": st.text(max_size=5) | json_values, "nom": st.text(max_size=5)}
        )
        | json_values,
        "geometry": geometries | json_values,
    }
)
collections = st.fixed_dictionaries(
    {"type": st.just("FeatureCollection"), "features": st.lists(features, max_size=4) | json_values},
    optional={"crs": json_values},
)


@EXAMPLES
@given(collections | json_values)
def test_any_json_as_commune_outlines_ends_in_the_report(value):
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "communes.geojson"
        path.write_text(json.dumps(value), encoding="utf-8")
        areas = geo.load_areas(path, report)
    assert areas is not None or report.errors
