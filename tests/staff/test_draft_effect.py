"""The staff preview's key figures, before → after: said as the public pages say them, an unknown never 0."""

from __future__ import annotations

import re

import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import Certainty, Status
from dashboard.model import analysis
from dashboard.store import draft as drafts
from tests.conftest import REAL_DATA, in_states

D, F, R = Status.DELIVERED, Certainty.FORECAST, Certainty.REPORTED


def said(figures: analysis.KeyFigures) -> dict[str, str]:
    return {label: words(figures) for label, words in drafts.FIGURES}


@pytest.mark.parametrize(
    ("rows", "delivered", "dwellings"),
    [
        ([(D, R, None, None)], "1 opération livrée sans nombre publié", "1 opération sans nombre publié"),
        ([(D, R, None, None), (D, R, 39, 55)], "39 + 1 opération livrée sans nombre publié", "39 + 1 opé"),
        ([(D, R, 39, 55), (D, F, None, None)], "39", "39 + 1 opération sans nombre publié"),
        ([(D, F, 5, 5)], "0", "5"),  # no delivery reported: a true zero
    ],
)
def test_a_sum_of_dwellings_says_the_operations_it_leaves_out(rows, delivered, dwellings):
    figures = said(analysis.key_figures(in_states(*rows)))
    assert figures["Logements livrés (constaté)"] == delivered
    assert figures["Logements (lecture basse)"].startswith(dwellings)


def test_the_shipped_preview_counts_saint_quentin_s_residence_as_unknown():
    context = drafts.context_of(load_dataset(REAL_DATA, Report()))
    effect = drafts.effect(context, context)
    rows = {label: (before, after) for label, before, after in effect.figures}
    before, after = rows["Logements livrés (constaté)"]
    # the student residence, moved in from September 2025, publishes no number of dwellings
    assert before == after and re.fullmatch(r"\d[\d\u202f]* \+ 1 opération livrée sans nombre publié", before)
    assert rows["Livraisons constatées"][0] != "0"
