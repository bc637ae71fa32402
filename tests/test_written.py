"""A Patch of a live part, as the written HTML follows it (dashboard/web/written.py ``patch_text``)."""

from __future__ import annotations

import json

import pytest
from dash import Patch, html

from dashboard.web import written


def test_assignments_of_texts_and_attributes_are_written_under_their_html_names():
    patch = Patch()
    patch["props"]["children"][2]["props"]["children"] = "livrée"
    patch["props"]["children"][0]["props"]["className"] = "row-new"
    patch["props"]["children"][1]["props"]["aria-label"] = 3
    assert json.loads(written.patch_text(patch)) == [
        [["props", "children", 2, "props", "children"], "livrée"],
        [["props", "children", 0, "props", "class"], "row-new"],
        [["props", "children", 1, "props", "aria-label"], 3],
    ]


def refused(patch: Patch) -> None:
    with pytest.raises(ValueError, match="written"):
        written.patch_text(patch)


def test_what_the_written_html_cannot_follow_is_refused():
    appended = Patch()
    appended["props"]["children"].append(html.Tr())
    refused(appended)  # not an assignment
    component = Patch()
    component["props"]["children"][0]["props"]["children"] = html.Span("x")
    refused(component)  # a component: React's to draw, not a text
    figure = Patch()
    figure["props"]["figure"] = "x"
    refused(figure)  # no attribute of the HTML
    bare = Patch()
    bare[0] = "x"
    refused(bare)  # not a prop
