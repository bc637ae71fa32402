"""A map click opens the page of what the symbol stands for: an operation's symbol (the commune map) its
operation's page, a commune's symbol or area its commune's page, a département's symbol chooses it."""

from __future__ import annotations

import pytest
from dash import no_update

from dashboard.app import create_app
from dashboard.figures import maps
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web import inputs
from dashboard.web.pages import commune, region
from dashboard.web.views import current_context
from tests.conftest import REAL_DATA


def click(*custom) -> dict:
    return {"points": [{"customdata": list(custom) if len(custom) > 1 else custom[0]}]}


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(data_dir=REAL_DATA))


@pytest.mark.parametrize(
    ("clicked", "path"),
    [
        (click("02722", "soissons-rue-saint-christophe"), "/operation/soissons-rue-saint-christophe"),
        (click("02722"), "/commune/02722"),  # the commune's own area, or a neighbour's
        (click(["60159"]), "/commune/60159"),
        (click("02722", "no-such-operation"), "/commune/02722"),  # an id the data no longer holds
        (click("02722", 7), "/commune/02722"),
        ({"points": []}, no_update),
        (None, no_update),
    ],
)
def test_a_click_on_the_commune_map_opens_what_the_symbol_stands_for(app, clicked, path):
    with app.server.app_context():
        assert commune.open_from_map(clicked) == path


def test_a_click_on_a_region_symbol_opens_its_commune(app):
    with app.server.app_context():
        answer = region.open_from_map(click(["60612"]))
    assert answer["pathname"] == "/commune/60612"


def test_each_operation_symbol_of_the_commune_map_carries_its_commune_and_id(app):
    with app.server.app_context():
        context = current_context()
    frame = context.operations_in(View(year=2025), ignore_place=True)
    senlis = frame[frame["code_insee"] == "60612"]
    data = maps.commune_marker_data(senlis, largest_op=context.lookups.largest_op)
    carried = [custom for index in maps.COMMUNE_CLASS_TRACES for custom in data[index]["customdata"]]
    assert sorted(carried) == [["60612", op_id] for op_id in sorted(senlis.index)]
    assert all(inputs.clicked_operation({"points": [{"customdata": c}]}) == c[1] for c in carried)
    hovers = [text for index in maps.COMMUNE_CLASS_TRACES for text in data[index]["hovertext"]]
    assert all(text.endswith(maps.OPERATION_HINT) for text in hovers)
