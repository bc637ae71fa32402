"""Search as people type: abbreviations, optional articles, former names, operations (real data)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
from dashboard.model.search import CommuneIndex, Kind, search_key, without_article
from dashboard.web.context import build_context
from tests.conftest import REAL_DATA


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    return build_context(load_dataset(REAL_DATA, Report())).lookups.commune_index


@pytest.mark.parametrize(
    ("query", "code", "title", "operation"),
    [
        ("st-quentin", "02691", "Saint-Quentin", ""),
        ("st quentin", "02691", "Saint-Quentin", ""),
        ("St Quentin", "02691", "Saint-Quentin", ""),
        ("saint-quentin", "02691", "Saint-Quentin", ""),
        ("ste austreberthe", "62447", "Hesdin-la-Forêt", ""),  # a former name, abbreviated
        ("la madeleine", "59368", "La Madeleine", ""),
        ("madeleine", "59368", "La Madeleine", ""),
        ("touquet", "62826", "Le Touquet-Paris-Plage", ""),
        ("le touquet", "62826", "Le Touquet-Paris-Plage", ""),
        ("hesdin la foret", "62447", "Hesdin-la-Forêt", ""),
        ("Hesdin-la-Forêt", "62447", "Hesdin-la-Forêt", ""),
        ("marconne", "62447", "Hesdin-la-Forêt", ""),  # former name, before Marconnelle
        ("guignicourt", "02360", "Villeneuve-sur-Aisne", ""),
        ("loeuilly", "80485", "Ô-de-Selle", ""),  # œ typed as oe
        ("compiegne", "60159", "Compiègne", ""),
        ("60159", "60159", "Compiègne", ""),
        ("square acary", "60159", "Résidence Square Acary", "compiegne-rue-d-amiens"),
        ("croix d'or", "02722", "Résidence de la Croix d'Or", "soissons-rue-saint-christophe"),
        ("Croix-d’Or", "02722", "Résidence de la Croix d'Or", "soissons-rue-saint-christophe"),
        ("rue carnot", "60057", "Rue Carnot", "beauvais-rue-carnot"),
        (
            "maréchal juin",
            "02691",
            "Écoquartier du Maréchal Juin",
            "saint-quentin-marechal-juin-logements-collectifs",
        ),
    ],
)
def test_search_cases(index, query, code, title, operation):
    first = index.search(query)[0]
    assert (first.code, first.title, first.operation) == (code, title, operation)


def test_a_former_name_says_so(index):
    first = index.search("marconne")[0]
    assert (first.kind, first.detail, first.name) == (Kind.FORMER, "anciennement Marconne", "Hesdin-la-Forêt")
    assert [m.name for m in index.search("marconne")][:2] == ["Hesdin-la-Forêt", "Marconnelle"]


def test_an_operation_leads_to_its_own_page(index):
    match = index.search("square acary")[0]
    assert (match.kind, match.name, match.detail) == (Kind.OPERATION, "Compiègne", "Rue d'Amiens")
    assert match.href == "/operation/compiegne-rue-d-amiens"


def test_a_commune_leads_to_its_page(index):
    assert index.search("compiegne")[0].href == "/commune/60159"


def test_each_commune_appears_once(index):
    codes = [m.code for m in index.search("hesdin") if not m.operation]
    assert len(codes) == len(set(codes)) and codes[0] == "62447"


def test_one_or_two_letters_do_not_list_operations(index):
    assert all(m.kind != Kind.OPERATION for m in index.search("ru"))
    assert len(index.search("a")) == 8


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("St-Quentin", "saint quentin"),
        ("Ste-Marie", "sainte marie"),
        ("Lœuilly", "loeuilly"),
        ("Stella", "stella"),
    ],
)
def test_search_keys_expand_abbreviations(text, key):
    assert search_key(text) == key


def test_articles_are_optional():
    assert without_article("le touquet paris plage") == "touquet paris plage"
    assert without_article("les") == "les"  # a name that is only an article stays


def test_an_index_without_operations_still_finds_communes():
    communes = pd.DataFrame({"code": ["02691"], "nom": ["Saint-Quentin"]})
    index = CommuneIndex(communes, {"02": "Aisne"}, pd.Series(dtype=int))
    assert index.search("st quentin")[0].code == "02691"
    assert index.search("rue carnot") == []
