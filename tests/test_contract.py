"""The shipped data against the published sources: every operation and figure is there."""

import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.data.schema import Derived, Op, Total
from tests.conftest import REAL_DATA

# Each operation's published figures, and the start and delivery the chronology follows: the record's
# choice (data/jalons.csv: reported first, then the newest source, then the most precise date).
PUBLISHED = [
    # id, code_insee, logements, financements, surface, commerces, debut, livraison, duree
    ("arras-rue-diderot", "62041", 89, "89 PLAI", None, None, "", "2023", None),
    ("cambrai-rue-neuve-des-capucins", "59122", 11, "11 PLUS", 723, None, "", "2022", None),
    ("cambrai-rue-de-sellen", "59122", 11, "", 364, None, "", "", 18),
    # 2020: delivery 2022; a 2023 page (attached by inference): works from March 2023, delivery end 2024
    ("beauvais-rue-carnot", "60057", None, "5 PLS; 13 PLI", 430, 1, "2023-03", "2024", None),
    ("saint-quentin-rue-de-la-sous-prefecture", "02691", 5, "", 123, 1, "", "2020", None),
    ("saint-quentin-rue-du-mail", "02691", 11, "11 PLI", 509, None, "", "", 12),
    ("senlis-avenue-de-bismont", "60612", 50, "6 PSLA; 44 LU/PLS", 7600, None, "2021", "", None),
    # delivery announced for 2021 (2020), for 2022 (La Gazette de l'Oise), « d'ici 2025 » (the latest page)
    ("senlis-quartier-ordener", "60612", 109, "64 PLAI/LU; 45 PLAI", 6298, None, "", "2025", None),
    # first stone on 7 October (2022 inferred), opening announced for 2024
    (
        "compiegne-quai-des-roses",
        "60159",
        31,
        "6 PLS; 10 LU; 16 PSLA",
        1841,
        None,
        "2022-10-07",
        "2024",
        None,
    ),
    (
        "compiegne-rue-d-amiens",
        "60159",
        None,  # 39 = 31 + 8 (zoom) is a sum, not a published total
        "29 LLI/PLS; 18 LU/PLS; 8 PSLA",
        3395,
        None,
        "2019-09",
        "2021-12-01",  # 39 households moved in on 1 December (2021 inferred)
        None,
    ),
    # inaugurated on 6 September 2022
    ("soissons-rue-saint-christophe", "02722", 16, "8 PSLA; 8 PLS", 1920, 1, "2020-02", "2022-09-06", None),
    ("amiens-zac-gare-la-vallee", "80021", None, "", None, None, "", "2021-11", None),  # 40 + 6
    ("creil-bords-de-l-oise", "60175", 42, "42 LLI", None, None, "", "2025", None),
    (
        "saint-quentin-marechal-juin-logements-collectifs",
        "02691",
        44,
        "",
        None,
        None,
        "2022-09-16",
        "2024-ete",
        None,
    ),
    (
        "saint-quentin-marechal-juin-maisons-de-marianne",
        "02691",
        30,
        "",
        None,
        None,
        "2022-09-16",
        "2024-ete",
        None,
    ),
    # a second first stone on 2 July 2024 (the newest sources); students in since September (2025 inferred)
    (
        "saint-quentin-marechal-juin-residence-etudiante",
        "02691",
        None,
        "",
        None,
        None,
        "2024-07-02",
        "2025-09",
        None,
    ),
    ("senlis-allees-de-beauval", "60612", None, "", None, None, "", "", None),
]

# What the 2020 list published of each date, kept in the record whatever a later page says.
PUBLISHED_IN_2020 = [
    ("arras-rue-diderot", "livraison", "2023"),
    ("beauvais-rue-carnot", "livraison", "2022"),
    ("senlis-quartier-ordener", "livraison", "2021"),
    ("compiegne-quai-des-roses", "debut_travaux", "2020"),
    ("compiegne-rue-d-amiens", "livraison", "2020"),
    ("compiegne-rue-d-amiens", "livraison", "2021-S1"),
    ("compiegne-rue-d-amiens", "debut_travaux", "2019-09"),
    ("soissons-rue-saint-christophe", "debut_travaux", "2020-02"),
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


@pytest.mark.parametrize(("op_id", "kind", "date"), PUBLISHED_IN_2020)
def test_the_2020_dates_stay_in_the_record(loaded, op_id, kind, date):
    dataset, _ = loaded
    rows = dataset.milestones
    chosen = rows[(rows["operation"] == op_id) & (rows["type"] == kind) & (rows["source"] == "clesence-acv")]
    assert date in chosen["date"].tolist()


def test_budgets_are_the_published_costs(loaded):
    dataset, _ = loaded
    budgets = dataset.operations[Op.BUDGET_EUR].dropna().to_dict()
    assert budgets == {
        "compiegne-rue-d-amiens": 5_900_000,
        "soissons-rue-saint-christophe": 3_300_000,
        "creil-bords-de-l-oise": 8_200_000,  # « coût de l'opération pour Clésence »
    }


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
        ("compiegne-quai-des-roses", "totalise 32 logements, pour 31"),
        ("compiegne-quai-des-roses", "de 30 à 32 logements selon la lecture"),
        ("compiegne-rue-d-amiens", "de 39 à 55 logements selon la lecture (financement 55, typologie 39)"),
        ("compiegne-rue-d-amiens", "passages de la même source en désaccord (clesence-acv) — 2020"),
        ("compiegne-rue-d-amiens", "date déduite, non publiée telle quelle — Année absente de la page. 2021"),
        ("senlis-quartier-ordener", "prévisions successives — 2021 (clesence-acv, prévu) → 2022"),
        (
            "saint-quentin-marechal-juin-residence-etudiante",
            "premiere_pierre, sources en désaccord — 2022-09-16",
        ),
        ("senlis-avenue-de-bismont", "inférence, non publiée telle quelle — « 3 ensembles de 50 logements »"),
        ("amiens-zac-gare-la-vallee", "inférence, non publiée telle quelle — « hors ACV » est déduit"),
        ("compiegne-rue-d-amiens", "inférence, non publiée telle quelle — Le rattachement de la Résidence"),
        ("compiegne-rue-d-amiens", "inférence, non publiée telle quelle — « 8 PSLA »"),
        ("soissons-rue-saint-christophe", "1972"),
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
        "compiegne-quai-des-roses": (30, 32, "fourchette"),
        "compiegne-rue-d-amiens": (39, 55, "fourchette"),
        "amiens-zac-gare-la-vallee": (46, 46, "somme de la typologie"),
        "senlis-allees-de-beauval": (46, 46, "somme de la typologie"),
        # five capacities, no published number of dwellings, and 43 + 4 rooms is no total: unknown
        "saint-quentin-marechal-juin-residence-etudiante": (pd.NA, None, ""),
    }


def _or_none(value):
    return None if pd.isna(value) else value


def test_the_programme_is_left_unstated_where_the_source_does_not_state_it(loaded):
    dataset, _ = loaded
    programmes = dataset.operations[Op.PROGRAMME].value_counts().to_dict()
    assert programmes == {"ACV": 12, "hors ACV": 1, "NPRU": 2, "non précisé": 2}
    assert (
        dataset.operations.at["saint-quentin-marechal-juin-residence-etudiante", Op.PROGRAMME]
        == "non précisé"
    )


def test_every_source_has_a_publication_date_with_its_basis(loaded):
    dataset, _ = loaded
    dates = {
        source: (d.label, d.earliest.isoformat(), d.latest.isoformat())
        for source, d in dataset.source_dates.items()
    }
    assert dates == {
        "clesence-acv": ("2020", "2020-05-04", "2020-05-27"),  # reprinted by acpresse.fr on 27 May 2020
        "clesence-tous-les-fronts": ("2022", "2022-01-01", "2022-12-31"),
    } | {
        source: dates[source]
        for source in dates
        if source not in ("clesence-acv", "clesence-tous-les-fronts")
    }
    assert len(dates) == 20
    assert (
        dataset.sources.set_index("source").at["clesence-tous-les-fronts", "editeur"].startswith("La Gazette")
    )
    assert all(d.basis for d in dataset.source_dates.values())  # every date says why


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
    for indicator, value in (("acv_investissement", 15_000_000),):
        assert list(totals.loc[totals[Total.INDICATEUR] == indicator, Total.VALEUR]) == [value]
    assert sorted(set(totals.loc[totals[Total.INDICATEUR] == "acv_centres_villes", Total.VALEUR])) == [11]


@pytest.mark.parametrize(
    ("indicator", "claims"),
    [
        ("acv_programmes", {(27, "2022"), (33, "2021")}),
        ("acv_logements", {(882, "2022"), (864, "2021")}),
    ],
)
def test_the_programme_totals_are_two_dated_claims_side_by_side(loaded, indicator, claims):
    totals = loaded[0].totals
    rows = totals[totals[Total.INDICATEUR] == indicator]
    assert set(zip(rows[Total.VALEUR], rows[Total.ANNEE], strict=True)) == claims


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
