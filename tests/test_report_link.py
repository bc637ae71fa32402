""" "Signaler une erreur": shown only when the operator gives an address (COEUR_REPORT_URL)."""

from __future__ import annotations

import json

import plotly
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.model import analysis
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web import components
from dashboard.web.filters import FILTERS
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def row():
    dataset = load_dataset(REAL_DATA, Report())
    shown = analysis.filter_operations(dataset.operations, dataset.mix, View(year=2021), filters=FILTERS)
    return shown.loc["compiegne-rue-d-amiens"]


def rendered(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_no_report_link_without_an_address(row):
    assert "Signaler une erreur" not in rendered(components.operation_sheet(row, sources={}, report_url=""))


def test_the_report_link_names_the_operation(row):
    sheet = components.operation_sheet(row, sources={}, report_url="https://signalement.example/?op={id}")
    assert "Signaler une erreur" in rendered(sheet)
    assert "https://signalement.example/?op=compiegne-rue-d-amiens" in rendered(sheet)


@pytest.mark.parametrize(("value", "expected"), [(None, ""), ("  ", ""), ("mailto:a@b.fr", "mailto:a@b.fr")])
def test_the_address_comes_from_coeur_report_url(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("COEUR_REPORT_URL", raising=False)
    else:
        monkeypatch.setenv("COEUR_REPORT_URL", value)
    assert Settings.from_env().report_url == expected
    assert Settings().report_url == ""
