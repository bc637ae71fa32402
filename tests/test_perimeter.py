"""The perimeter setting: parsed and checked, prepared from the national reference, served."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder

from dashboard.app import create_app
from dashboard.cli import parser
from dashboard.data import perimeter as territory
from dashboard.data.dataset import load_dataset
from dashboard.data.perimeter import Perimeter, PerimeterError
from dashboard.data.report import Report
from dashboard.figures import maps
from dashboard.model.state import View
from dashboard.settings import Settings
from dashboard.web.context import build_context
from dashboard.web.lookups import MAX_COMMUNE_OPTIONS
from dashboard.web.pages import region
from tests import synthetic
from tests.conftest import REAL_DATA
from tests.dash_requests import CALLBACK_URL, callback_body, find_callback

pytestmark = pytest.mark.slow  # wide perimeters (all of France): the fast loop leaves them out

HAUTS_DE_FRANCE_AND_ILE_DE_FRANCE = "region:32,region:11"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("region:32", Perimeter(frozenset({"32"}))),
        (" Region:32 , REGION:11 ", Perimeter(frozenset({"11", "32"}))),
        ("departement:60,departement:2a", Perimeter(departements=frozenset({"60", "2A"}))),
        ("region:32,departement:75", Perimeter(frozenset({"32"}), frozenset({"75"}))),
        ("france", Perimeter(everything=True)),
        ("region:32,france", Perimeter(everything=True)),
    ],
)
def test_a_perimeter_is_read_from_its_setting(text: str, expected: Perimeter) -> None:
    assert territory.parse(text) == expected
    assert territory.parse(expected.text) == expected  # the canonical text gives it back


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "périmètre vide"),
        ("hauts-de-france", "« hauts-de-france » : attendu region:<code>, departement:<code> ou france"),
        ("regoin:32", "« regoin:32 » : attendu region:<code>"),
        ("region:", "« region: » : attendu"),
        ("region:99", "region:99 : code inconnu du Code officiel géographique 2026"),
        ("departement:20", "departement:20 : code inconnu"),  # Corsica is 2A and 2B since 1976
        ("region:<script>", "attendu region:<code>"),
    ],
)
def test_a_wrong_setting_says_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(PerimeterError, match=re.escape(message)):
        territory.check(text)


def test_the_command_line_refuses_a_wrong_perimeter_with_its_reason(capsys) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["check", "--perimeter", "region:99"])
    assert "argument --perimeter: region:99 : code inconnu" in capsys.readouterr().err


def test_the_environment_sets_the_perimeter(monkeypatch) -> None:
    monkeypatch.setenv("COEUR_PERIMETER", "departement:60")
    assert Settings.from_env().perimeter == Perimeter(departements=frozenset({"60"}))
    assert parser().parse_args([]).perimeter == Perimeter(departements=frozenset({"60"}))
    monkeypatch.setenv("COEUR_PERIMETER", "")
    assert Settings.from_env().perimeter is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("region:32", "Hauts-de-France"),
        (HAUTS_DE_FRANCE_AND_ILE_DE_FRANCE, "Hauts-de-France et Île-de-France"),
        ("departement:60,departement:02", "Aisne et Oise"),
        ("region:04", "La Réunion"),
        ("france", "France"),
    ],
)
def test_the_perimeter_is_named_as_the_cog_names_its_parts(text: str, name: str) -> None:
    assert territory.read_areas().name(territory.parse(text)) == name


def test_hauts_de_france_prepared_from_the_national_reference_is_the_shipped_data_folder() -> None:
    prepared = territory.prepare(territory.parse("region:32"), Report())
    assert prepared is not None
    shipped = json.loads((REAL_DATA / "communes.geojson").read_text(encoding="utf-8"))["features"]
    names = {feature["properties"]["code"]: feature["properties"]["nom"] for feature in shipped}
    assert names == prepared.communes["nom"].to_dict()
    assert sorted(prepared.departements.index) == ["02", "59", "60", "62", "80"]
    former = territory.history.history_of(prepared.communes).former_code("62549")
    assert former is not None and former.today_name == "Hesdin-la-Forêt"


def test_the_national_reference_holds_every_commune_of_france_once() -> None:
    reference = territory.REFERENCE_DIR
    codes: list[str] = []
    for path in sorted((reference / "communes").glob("*.geojson.gz")):
        features = json.loads(gzip.decompress(path.read_bytes()))["features"]
        codes += [feature["properties"]["code"] for feature in features]
    metadata = json.loads((reference / "metadata.json").read_text(encoding="utf-8"))
    assert len(codes) == len(set(codes))
    # COG 2026: 34,875 communes; 7 restored after 2018 from communes merged before it have no 2018 outline
    assert len(codes) + len(metadata["communes_sans_contour"]) == 34_875
    assert len(list((reference / "communes").glob("*.geojson.gz"))) == 101


@pytest.fixture(scope="module")
def two_regions(tmp_path_factory) -> Path:
    """Synthetic operations over Hauts-de-France and Île-de-France."""
    perimeter = territory.parse(HAUTS_DE_FRANCE_AND_ILE_DE_FRANCE)
    return synthetic.write_data_dir(tmp_path_factory.mktemp("two") / "data", 600, perimeter=perimeter)


def test_operations_outside_the_data_folders_outlines_load_over_a_wider_perimeter(two_regions: Path) -> None:
    assert load_dataset(two_regions, Report()) is None  # Île-de-France is not in the shipped outlines
    report = Report()
    dataset = load_dataset(two_regions, report, perimeter=territory.parse(HAUTS_DE_FRANCE_AND_ILE_DE_FRANCE))
    assert dataset is not None, report.render()
    departements = set(dataset.operations["code_insee"].str[:2])
    assert {"77", "78", "59", "60"} <= departements
    assert dataset.metadata["perimetre"] == "Hauts-de-France et Île-de-France"
    assert set(dataset.acv.index) >= {"60159", "77284", "78361"}  # Compiègne, Meaux, Mantes-la-Jolie


def test_two_regions_are_served_with_their_name(two_regions: Path) -> None:
    settings = Settings(data_dir=two_regions, perimeter=territory.parse(HAUTS_DE_FRANCE_AND_ILE_DE_FRANCE))
    client = create_app(settings).server.test_client()
    region = client.get("/")
    assert region.status_code == 200
    page = region.get_data(as_text=True)
    assert "<title>Cœur de Ville — Clésence — Hauts-de-France et Île-de-France</title>" in page
    versailles = client.get("/commune/78646")
    assert versailles.status_code == 200
    assert "<title>Versailles" in versailles.get_data(as_text=True)
    assert client.get("/commune/69123").status_code == 404  # Lyon: not in this perimeter


@pytest.fixture(scope="module")
def france(tmp_path_factory) -> Path:
    """Synthetic operations over all of France."""
    return synthetic.write_data_dir(
        tmp_path_factory.mktemp("fr") / "data", 3_000, perimeter=Perimeter(everything=True)
    )


@pytest.fixture(scope="module")
def france_context(france: Path):
    report = Report()
    dataset = load_dataset(france, report, perimeter=Perimeter(everything=True))
    assert dataset is not None, report.render()
    return build_context(dataset)


def test_all_of_france_is_drawn_one_symbol_per_departement_until_one_is_chosen(france_context) -> None:
    context = france_context
    assert context.lookups.by_departement and len(context.lookups.departement_names) == 101
    frame = context.operations_in(View(year=2022))
    unit = region.map_unit(context, View(year=2022))
    assert unit is not None
    data = maps.region_trace_data(
        frame, context.lookups.acv_names, largest_commune=context.lookups.largest_commune, unit=unit
    )
    keys = [key[0] for index in maps.CLASS_TRACES for key in data[index]["customdata"]]
    assert len(keys) == len(set(keys)) == frame["departement"].nunique()
    assert all(key.startswith(maps.DEPARTEMENT_KEY) for key in keys)
    hovers = [text for index in maps.CLASS_TRACES for text in data[index]["hovertext"]]
    assert all(maps.DEPARTEMENT_HINT in text for text in hovers)
    # The same operations counted either way: the symbols add up to the whole view.
    counts = sum(int(re.search(r"([\d\u202f]+) opération", t).group(1).replace("\u202f", "")) for t in hovers)
    assert counts == len(frame)
    oise = View(year=2022, selected={"departements": ("60",)})
    assert region.map_unit(context, oise) is None  # the Oise chosen: its communes again
    shown = context.operations_in(oise)
    by_commune = maps.region_trace_data(
        shown, context.lookups.acv_names, largest_commune=context.lookups.largest_commune
    )
    codes = {key[0] for index in maps.CLASS_TRACES for key in by_commune[index]["customdata"]}
    assert codes == set(shown["code_insee"].astype(str)) and all(code.startswith("60") for code in codes)


def test_overseas_operations_belong_to_their_own_departement(france_context) -> None:
    operations = france_context.dataset.operations
    overseas = operations[operations["code_insee"].astype(str).str.startswith("97")]
    assert len(overseas)  # the synthetic operations reach overseas communes
    assert set(overseas["departement"].astype(str)) <= {"971", "972", "973", "974", "976"}
    frame = france_context.operations_in(View(year=2022))
    unit = region.map_unit(france_context, View(year=2022))
    data = maps.region_trace_data(frame, france_context.lookups.acv_names, largest_commune=1, unit=unit)
    names = [text for index in maps.CLASS_TRACES for text in data[index]["hovertext"]]
    assert any(name.startswith("<b>La Réunion</b>") for name in names)
    assert all(lon == lon for index in maps.CLASS_TRACES for lon in data[index]["lon"])  # no NaN


def test_the_national_map_fetches_only_departements_and_programme_towns(france_context) -> None:
    assets = {asset.name: json.loads(asset.body) for asset in france_context.geo.by_name().values()}
    towns = {feature["id"] for feature in assets["communes-region"]["features"]}
    assert towns == set(france_context.lookups.acv_names) | set(france_context.lookups.partner_points)
    assert len(assets["departements"]["features"]) == len(assets["departements-apercu"]["features"]) == 101
    sizes = {asset.name: len(asset.body) for asset in france_context.geo.by_name().values()}
    assert sum(sizes.values()) < 2_000_000, sizes  # raw; what travels is compressed (README: brotli)


@pytest.fixture(scope="module")
def france_app(france: Path):
    return create_app(Settings(data_dir=france, perimeter=Perimeter(everything=True)))


def test_all_of_france_is_served(france_app) -> None:
    client = france_app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "<title>Cœur de Ville — Clésence — France</title>" in page.get_data(as_text=True)
    assert client.get("/commune/97411").status_code == 200  # Saint-Denis, La Réunion
    assert client.get("/commune/2A004").status_code == 200  # Ajaccio


def test_a_national_commune_filter_lists_the_busiest_communes(france_context) -> None:
    context = france_context
    assert context.lookups.communes_capped
    listed = {option["value"] for option in context.lookups.commune_options()}
    assert len(listed) == MAX_COMMUNE_OPTIONS
    counts = context.dataset.operations["code_insee"].astype(str).value_counts()
    others = counts[~counts.index.isin(listed)]
    assert min(counts[list(listed)]) >= others.max()  # the communes with the most operations
    quiet = others.index[-1]
    assert quiet in {option["value"] for option in context.lookups.commune_options((quiet,))}  # chosen: kept


@pytest.mark.parametrize(
    ("typed", "found"),
    [("st quentin", "02691"), ("touquet", "62826"), ("hesdin la foret", "62447"), ("marconne", "62447")],
)
def test_text_typed_in_a_national_commune_filter_finds_any_commune(france_context, typed, found) -> None:
    options = france_context.lookups.commune_options(("75056",), found=typed)
    assert options[0]["value"] == "75056"  # what was chosen stays chosen
    assert found in [option["value"] for option in options[1:]]
    assert all(option["search"] == typed for option in options)  # the dropdown's own filter keeps them


def test_the_commune_filter_asks_the_server_only_over_a_wide_perimeter(france_app) -> None:
    wide = france_app
    key = find_callback(wide, "ctl-commune.search_value")
    typed = {"ctl-commune.search_value": "st quentin", "ctl-commune.value": []}
    answer = wide.server.test_client().post(CALLBACK_URL, json=callback_body(wide, key, typed))
    assert answer.status_code == 200
    options = answer.get_json()["response"]["ctl-commune"]["options"]
    assert options[0]["value"] == "02691"
    shipped = create_app(Settings(data_dir=REAL_DATA))  # a region: every commune is listed already
    answer = shipped.server.test_client().post(CALLBACK_URL, json=callback_body(shipped, key, typed))
    assert answer.status_code == 204


def test_an_address_choosing_an_unlisted_commune_gives_the_filter_its_option(france_app) -> None:
    wide = france_app
    key = find_callback(wide, "ctl-reset.n_clicks")
    values = {"shell-nav.data": {"search": "?commune=80001"}, "shell-url.search": "?commune=80001"}
    answer = wide.server.test_client().post(CALLBACK_URL, json=callback_body(wide, key, values))
    response = answer.get_json()["response"]
    assert response["ctl-commune"]["value"] == ["80001"]
    assert "80001" in {option["value"] for option in response["ctl-commune"]["options"]}


def test_a_year_step_on_the_national_overview_only_restyles_its_symbols(france_context) -> None:
    context = france_context
    view = View(year=2021)
    patch = region.year_panels(context, context.operations_in(view), view).map.to_plotly_json()
    locations = {tuple(operation["location"]) for operation in patch["operations"]}
    first = maps.CLASS_TRACES[0]
    assert locations == {("data", first, *key.split(".")) for key in maps.STYLE_KEYS}
    colours = next(op for op in patch["operations"] if op["location"][-1] == "color")["params"]["value"]
    assert len(colours) == context.dataset.operations["departement"].nunique()
    # The same styles, in the same order, as the whole figure of that year draws.
    frame = context.operations_in(view)
    drawn = maps.region_trace_data(frame, {}, largest_commune=1, unit=region.map_unit(context, view))[first]
    assert colours == drawn["marker.color"] and len(set(colours)) > 1
    # A département chosen: commune symbols again, each class trace with its own style back.
    oise = View(year=2021, selected={"departements": ("60",)})
    full = region.panels(context, context.operations_in(oise), oise).map.to_plotly_json()
    assigned = {tuple(op["location"]): op["params"]["value"] for op in full["operations"]}
    for rank, index in enumerate(maps.CLASS_TRACES):
        assert assigned[("data", index, "marker", "color")] == maps.class_style(rank)["marker.color"]


def test_the_national_map_s_table_lists_what_the_map_draws_a_row_per_departement(france_context) -> None:
    context = france_context
    view = View(year=2021)
    frame = context.operations_in(view)
    drawn = region.map_table(context, frame, view, "?annee=2021")
    table = json.loads(json.dumps(drawn, cls=PlotlyJSONEncoder))
    body = table["props"]["children"][2]["props"]["children"]
    assert len(body) == frame["departement"].nunique()
    first = body[0]["props"]["children"]
    link = first[0]["props"]["children"]["props"]
    assert re.fullmatch(r"/\?(.*&)?dep=\d[\dAB]\d?(&.*)?", link["href"]) and "annee=2021" in link["href"]
    assert re.search(r"\d+ (livrées?|en travaux|annoncées?|inconnues?)", first[3]["props"]["children"])
    # A year step patches the status cell of the same rows, and the links' year.
    later = View(year=2023)
    patch = region.map_table_year_patch(context, context.operations_in(later), later, "", "k")
    operations = patch.to_plotly_json()["operations"]
    links = [op["params"]["value"] for op in operations if op["location"][-1] == "href"]
    assert len(operations) == 2 * len(body) and len(links) == len(body)
    assert all("dep=" in href and "annee=2023" in href for href in links)
    oise = View(year=2021, selected={"departements": ("60",)})
    communes = region.map_table(context, context.operations_in(oise), oise, "?dep=60")
    headings = [cell.children for cell in communes.children[1].children.children]
    assert headings[0] == "Commune"  # a département chosen: its communes, as the map draws them


def test_a_perimeter_across_the_ocean_is_drawn_by_departement_with_its_overseas_part_in_an_inset(
    tmp_path: Path,
) -> None:
    chosen = territory.parse("region:32,region:04")  # Hauts-de-France and La Réunion
    data = synthetic.write_data_dir(tmp_path / "data", 200, perimeter=chosen)
    dataset = load_dataset(data, Report(), perimeter=chosen)
    assert dataset is not None
    context = build_context(dataset)
    assert context.lookups.by_departement  # six départements, few communes: by département all the same
    west, south, east, north = context.lookups.view_bounds(View(year=2022))
    assert east - west < 10 and north - south < 4  # Hauts-de-France and an inset: not 52° of ocean
    reunion = context.lookups.view_bounds(View(year=2022, selected={"departements": ("974",)}))
    assert 55 < reunion[0] < reunion[2] < 56 and -22 < reunion[1] < reunion[3] < -20.5
