"""The shipped data against the published sources: every operation and figure is there."""

import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import Derived, Op, Total
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
        None,  # 39 = 31 + 8 (zoom) is a sum, not a published total
        "29 LLI/PLS; 18 LU/PLS; 8 PSLA",
        3395,
        None,
        "2019-09",
        "2020",
        None,
    ),
    ("soissons-rue-saint-christophe", "02722", 16, "8 PSLA; 8 PLS", 1920, 1, "2020-02", "", None),
    ("saint-quentin-friche-marechal-juin", "02691", None, "", None, None, "", "", None),
    ("amiens-zac-gare-la-vallee", "80021", None, "", None, None, "", "2021-11", None),  # 40 + 6
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
        ("compiegne-quai-des-roses", "de 30 à 32 logements selon la lecture"),
        ("compiegne-rue-d-amiens", "de 39 à 55 logements selon la lecture (financement 55, typologie 39)"),
        ("compiegne-rue-d-amiens", "divergentes, 2020 et 2021"),
        ("compiegne-rue-d-amiens", "inférence, non publiée telle quelle — Le rattachement de la Résidence"),
        ("compiegne-rue-d-amiens", "inférence, non publiée telle quelle — « 8 PSLA »"),
        ("soissons-rue-saint-christophe", "1972"),
        (
            "senlis-quartier-ordener",
            "de 64 à 109 logements selon la lecture (lecture basse 64, financement 109)",
        ),
        ("saint-quentin-friche-marechal-juin", "au moins 74 logements d'après la typologie"),
        ("amiens-zac-gare-la-vallee", "46 logements comptés d'après la typologie"),
        ("arras-rue-diderot", "livraison 2023 est une prévision"),
        ("senlis-avenue-de-bismont", "debut_travaux 2021 est une prévision"),
    ],
)
def test_known_conflicts_are_reported_as_warnings(loaded, op_id, fragment):
    _, report = loaded
    assert any(op_id in issue.message and fragment in issue.message for issue in report.warnings)


def test_dwellings_without_a_published_total_are_marked_as_computed(loaded):
    dataset, _ = loaded
    found = {
        op_id: (
            row[Derived.LOGEMENTS_RETENUS],
            _or_none(row[Derived.LOGEMENTS_MAX]),
            row[Derived.LOGEMENTS_ORIGINE],
        )
        for op_id, row in dataset.operations.iterrows()
        if row[Derived.LOGEMENTS_ORIGINE] != "publié"
    }
    assert found == {
        "beauvais-rue-carnot": (18, 18, "somme du financement"),
        "senlis-quartier-ordener": (64, 109, "fourchette"),
        "compiegne-quai-des-roses": (30, 32, "fourchette"),
        "compiegne-rue-d-amiens": (39, 55, "fourchette"),
        "saint-quentin-friche-marechal-juin": (74, None, "somme de la typologie"),  # au moins 74
        "amiens-zac-gare-la-vallee": (46, 46, "somme de la typologie"),
    }


def _or_none(value):
    return None if pd.isna(value) else value


def test_the_programme_is_left_unstated_where_the_source_does_not_state_it(loaded):
    dataset, _ = loaded
    programmes = dataset.operations[Op.PROGRAMME].value_counts().to_dict()
    assert programmes == {"ACV": 11, "hors ACV": 1, "non précisé": 1}
    assert dataset.operations.at["saint-quentin-friche-marechal-juin", Op.PROGRAMME] == "non précisé"


def test_every_source_has_a_publication_date_with_its_basis(loaded):
    dataset, _ = loaded
    dates = {
        source: (d.label, d.earliest.isoformat(), d.latest.isoformat())
        for source, d in dataset.source_dates.items()
    }
    assert dates == {
        "clesence-acv": ("2020", "2020-05-04", "2020-12-31"),
        "clesence-tous-les-fronts": ("2022", "2022-01-01", "2022-12-31"),
    }
    assert all("« " in d.basis for d in dataset.source_dates.values())  # the basis quotes the text


def test_partner_communes_are_the_eleven_centres_named_by_the_sources(loaded):
    dataset, _ = loaded
    named = dataset.partners.groupby("source")["commune"].apply(set).to_dict()
    assert named["clesence-acv"] == {
        "Senlis",
        "Cambrai",
        "Compiègne",
        "Soissons",
        "Beauvais",
        "Arras",
        "Saint-Quentin",
        "Château-Thierry",
    }
    assert named["clesence-tous-les-fronts"] == named["clesence-acv"] | {"Lens", "Liévin", "Valenciennes"}


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


@pytest.mark.parametrize(
    ("indicator", "value", "passage"),
    [
        ("clesence_logements_41000", 41_000, "41 000 logements dont 33 000"),
        ("clesence_logements_collectifs", 33_000, "33 000 logements collectifs"),
        ("clesence_logements_individuels", 8_000, "8 000 logements individuels"),
        ("clesence_nouveaux_menages", 5_618, "5 618 nouveaux ménages"),
        ("clesence_residences_thematiques", 120, "120 résidences"),
        ("clesence_departements", 9, "9 départements"),
        ("clesence_regions", 2, "2 régions"),
        ("clesence_rang_filiale", 2, "2e filiale"),
        ("clesence_rang_esh_hdf", 3, "3e Entreprise sociale"),
        ("acv_rang_contributeur", 1, "premier bailleur contributeur"),
        ("acv_part_investissements", 10, "10% des investissements"),
        ("acv_part_parc_social", 9, "9% du parc social"),
        ("acv_part_operations", 7, "7% des opérations"),
    ],
)
def test_every_published_figure_is_there_with_its_passage(loaded, indicator, value, passage):
    dataset, _ = loaded
    rows = dataset.totals[dataset.totals[Total.INDICATEUR] == indicator]
    assert list(rows[Total.VALEUR]) == [value]
    assert passage in rows[Total.CITATION].iloc[0]


def test_the_implausible_investment_keeps_its_value_and_carries_a_caveat(loaded):
    dataset, _ = loaded
    row = dataset.totals[dataset.totals[Total.INDICATEUR] == "acv_investissement"].iloc[0]
    assert row[Total.VALEUR] == 15_000_000
    assert "9,2 M€" in row[Total.REMARQUE]


def test_the_region_has_its_acv_communes(loaded):
    dataset, _ = loaded
    assert len(dataset.acv) == 25
    assert set(dataset.operations[Op.CODE_INSEE]) - {"80021"} <= set(dataset.acv.index)
