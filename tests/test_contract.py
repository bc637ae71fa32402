"""The shipped data against the published sources: every operation and figure is there."""

import pytest

from dashboard.dataset import load_dataset
from dashboard.report import Report
from dashboard.schema import Derived, Op, Total
from tests.conftest import REAL_DATA

# What the two articles publish, operation by operation (None: not published).
PUBLISHED = [
    # id, code_insee, logements, financements, surface, commerces, debut, livraison, duree
    ("arras-rue-diderot", "62041", 89, "89 PLAI", None, None, "", "2023", None),
    ("cambrai-rue-neuve-des-capucins", "59122", 11, "11 PLUS", 723, None, "", "2022", None),
    ("cambrai-rue-de-sellen", "59122", 11, "", 364, None, "", "", 18),
    ("beauvais-rue-carnot", "60057", None, "5 PLS; 13 PLI", 430, 1, "", "2022", None),
    ("saint-quentin-rue-de-la-sous-prefecture", "02691", 5, "", 123, 1, "", "2020", None),
    ("saint-quentin-rue-du-mail", "02691", 11, "11 PLI", 509, None, "", "", 12),
    ("senlis-avenue-de-bismont", "60612", 50, "6 PSLA; 44 LU/PLS", 7600, None, "2021", "", None),
    ("senlis-quartier-ordener", "60612", None, "64 PLAI/LU; 45 PLAI", 6298, None, "", "2021", None),
    ("compiegne-quai-des-roses", "60159", 30, "6 PLS; 10 LU; 16 PSLA", 1841, None, "2020", "", None),
    (
        "compiegne-rue-d-amiens",
        "60159",
        39,
        "29 LLI/PLS; 18 LU/PLS; 8 PSLA",
        3395,
        None,
        "2019-09",
        "2020",
        None,
    ),
    ("soissons-rue-saint-christophe", "02722", 16, "8 PSLA; 8 PLS", 1920, 1, "2020-02", "", None),
    ("saint-quentin-friche-marechal-juin", "02691", None, "", None, None, "", "", None),
    ("amiens-zac-gare-la-vallee", "80021", 46, "", None, None, "", "2021-11", None),
]


@pytest.fixture(scope="module")
def loaded():
    report = Report()
    dataset = load_dataset(REAL_DATA, report)
    assert dataset is not None, report.render()
    return dataset, report


def test_the_shipped_data_has_no_error(loaded):
    _, report = loaded
    assert report.errors == []


def test_every_published_operation_is_present_once(loaded):
    dataset, _ = loaded
    assert sorted(dataset.operations[Op.ID]) == sorted(row[0] for row in PUBLISHED)


@pytest.mark.parametrize("published", PUBLISHED, ids=[row[0] for row in PUBLISHED])
def test_each_operation_keeps_its_published_figures(loaded, published):
    dataset, _ = loaded
    op_id, code, logements, mix, surface, commerces, debut, livraison, duree = published
    row = dataset.operations.loc[op_id]
    assert row[Op.CODE_INSEE] == code
    assert (
        None if row[Op.LOGEMENTS] is dataset.operations[Op.LOGEMENTS].dtype.na_value else row[Op.LOGEMENTS]
    ) == logements
    assert row[Op.FINANCEMENTS] == mix
    for column, value in ((Op.SURFACE_M2, surface), (Op.COMMERCES, commerces), (Op.DUREE_MOIS, duree)):
        assert (None if row[column] is dataset.operations[column].dtype.na_value else row[column]) == value
    assert row[Op.DEBUT_TRAVAUX] == debut
    assert row[Op.LIVRAISON] == livraison


def test_budgets_are_the_published_costs(loaded):
    dataset, _ = loaded
    budgets = dataset.operations[Op.BUDGET_EUR].dropna().to_dict()
    assert budgets == {"compiegne-rue-d-amiens": 5_900_000, "soissons-rue-saint-christophe": 3_300_000}


def test_senlis_is_the_one_in_the_oise_not_the_pas_de_calais(loaded):
    dataset, _ = loaded
    senlis = dataset.operations[dataset.operations[Op.COMMUNE] == "Senlis"]
    assert set(senlis[Op.CODE_INSEE]) == {"60612"}


def test_only_the_published_street_point_is_not_at_commune_precision(loaded):
    dataset, _ = loaded
    precise = dataset.operations[dataset.operations[Op.PRECISION_GEO] != "commune"]
    assert list(precise.index) == ["beauvais-rue-carnot"]
    assert (precise.iloc[0][Op.LONGITUDE], precise.iloc[0][Op.LATITUDE]) == (2.084133, 49.432234)
    assert dataset.operations[Op.LONGITUDE].notna().all()


@pytest.mark.parametrize(
    ("op_id", "fragment"),
    [
        ("compiegne-quai-des-roses", "totalise 32 logements, pour 30"),
        ("compiegne-rue-d-amiens", "totalise 55 logements, pour 39"),
        ("compiegne-rue-d-amiens", "divergentes, 2020 et 2021"),
        ("soissons-rue-saint-christophe", "1972"),
        ("senlis-quartier-ordener", "109 logements comptés d'après le financement"),
    ],
)
def test_known_conflicts_are_reported_as_warnings(loaded, op_id, fragment):
    _, report = loaded
    assert any(op_id in issue.message and fragment in issue.message for issue in report.warnings)


def test_dwellings_without_a_published_total_are_marked_as_computed(loaded):
    dataset, _ = loaded
    row = dataset.operations.loc["beauvais-rue-carnot"]
    assert row[Derived.LOGEMENTS_RETENUS] == 18
    assert row[Derived.LOGEMENTS_ORIGINE] == "somme du financement"
    unknown = dataset.operations.loc["saint-quentin-friche-marechal-juin"]
    assert unknown[Derived.LOGEMENTS_RETENUS] is dataset.operations[Derived.LOGEMENTS_RETENUS].dtype.na_value


def test_published_totals_keep_both_values_where_sources_differ(loaded):
    dataset, _ = loaded
    totals = dataset.totals
    parc = totals[totals[Total.INDICATEUR] == "clesence_logements"]
    assert sorted(parc[Total.VALEUR]) == [45795, 47000]
    assert set(parc[Total.SOURCE]) == {"clesence-acv", "clesence-tous-les-fronts"}
    for indicator, value in (
        ("acv_programmes", 27),
        ("acv_logements", 882),
        ("acv_centres_villes", 11),
        ("acv_investissement", 15_000_000),
    ):
        assert list(totals.loc[totals[Total.INDICATEUR] == indicator, Total.VALEUR]) == [value]


def test_the_region_has_its_acv_communes(loaded):
    dataset, _ = loaded
    assert len(dataset.acv) == 25
    assert set(dataset.operations[Op.CODE_INSEE]) - {"80021"} <= set(dataset.acv.index)
