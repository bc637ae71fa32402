"""Planned against actual: the delivery first announced beside the one reported, computed by hand."""

import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.model import planned
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def found():
    dataset = load_dataset(REAL_DATA, Report())
    return {
        d.operation: d
        for d in planned.deliveries(dataset.operations, dataset.milestones, dataset.source_dates)
    }


def test_only_reported_deliveries_are_compared(found):
    assert set(found) == {
        "compiegne-rue-d-amiens",  # moved in on 1 December 2021 (year inferred)
        "soissons-rue-saint-christophe",  # inaugurated on 6 September 2022
        "amiens-zac-gare-la-vallee",  # delivered in November 2021
        "saint-quentin-marechal-juin-residence-etudiante",  # students in from September 2025
    }  # never a forecast whose year has passed (Arras 2023, Capucins 2022…)


@pytest.mark.parametrize(
    ("op_id", "announced", "delay"),
    [
        # the 2020 article's detailed passage: first half of 2021 (ends in June) → December 2021: 6 months
        ("compiegne-rue-d-amiens", "2021-S1", 6),
        # « à l'été 2025 » (ends in August) → September 2025: 1 month
        ("saint-quentin-marechal-juin-residence-etudiante", "2025-ete", 1),
        # no delivery date was announced before (the 2020 article: « laissera en 2021 place »)
        ("soissons-rue-saint-christophe", None, None),
        ("amiens-zac-gare-la-vallee", None, None),
    ],
)
def test_each_delay_is_months_from_the_first_announced_period(found, op_id, announced, delay):
    delivery = found[op_id]
    assert (delivery.announced.iso() if delivery.announced else None) == announced
    assert delivery.delay_months == delay


def test_the_summary_says_what_it_counts(found):
    text = planned.summary(found.values())
    assert text.startswith(
        "2 livraisons constatées dont la date avait été annoncée : en moyenne 4 mois de retard"
    )
    assert "2 autres livraisons constatées sans date annoncée auparavant" in text
    assert text.endswith("Les livraisons seulement prévues ne sont pas comptées.")
    assert planned.summary([]).startswith("Aucune livraison constatée")


def test_the_brief_gives_the_counts_and_one_line_per_delivery(found):
    words, lines = planned.brief(found.values())
    assert words == (
        "2 livraisons constatées dont la date avait été annoncée : en moyenne 4 mois de retard sur la "
        "première date annoncée ; 2 autres sans date annoncée auparavant. Les livraisons seulement prévues "
        "ne sont pas comptées."
    )
    assert lines == [  # each delivery named with its dates, those announced first
        "Compiègne, Résidence Square Acary : prévue au premier semestre 2021 (annonce de 2020), constatée le "
        "1er décembre 2021",
        "Saint-Quentin, Résidence universitaire Marguerite Yourcenar : prévue à l'été 2025 (annonce de "
        "2023–2024), constatée en septembre 2025",
        "Soissons, Résidence de la Croix d'Or : constatée le 6 septembre 2022, sans date annoncée auparavant",
        "Amiens, ZAC Gare la Vallée : constatée en novembre 2021, sans date annoncée auparavant",
    ]
    assert planned.brief([]) == (planned.NOTHING_REPORTED, [])
