"""How a number of dwellings is written: one rule for the table, the sheets and the map's hovers."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.figures.common import integer
from dashboard.model import formatting

TWO_READINGS = "39 à 55 ⚠ (deux lectures des sources)"


@pytest.mark.parametrize(
    ("low", "high", "origin", "table", "hover"),
    [
        (1841, 1841, "publié", "1\u202f841", "1\u202f841"),
        (18, 18, "somme du financement", "18 (calculé)", "18 (calculé : somme du financement)"),
        (74, pd.NA, "somme de la typologie", "au moins 74 (calculé)", "au moins 74 (calculé)"),
        (39, 55, "fourchette", TWO_READINGS, TWO_READINGS),
        (pd.NA, pd.NA, "", "non publié", "non publié"),
    ],
)
def test_a_number_of_dwellings_says_how_it_is_known(low, high, origin, table, hover) -> None:
    assert formatting.dwellings(low, high, origin) == table
    assert formatting.dwellings(low, high, origin, detailed=True, write=integer) == hover
