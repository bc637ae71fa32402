"""Dash Pages: each page's title and description in the HTML the server sends, real 404 statuses, and a
page weight that the layouts Dash writes into it do not swell."""

from __future__ import annotations

import json
import re

import dash
import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.web.ids import Shell
from tests.conftest import REAL_DATA

CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(data_dir=REAL_DATA)).server.test_client()


def head(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    description = re.search(r'<meta name="description" content="([^"]*)"', html)
    assert title and description
    return title.group(1), description.group(1)


def test_a_commune_page_names_the_commune_and_its_figures_in_its_title_and_description(client) -> None:
    answer = client.get("/commune/80021")
    assert answer.status_code == 200
    title, description = head(answer.get_data(as_text=True))
    assert title == "Amiens : 1 opération, 46 logements — Cœur de Ville"
    assert description.startswith(
        "Amiens (80021), Somme : 1 opération (hors programme) de Clésence, 46 logements"
    )
    assert "Sources publiées de 2016 à 2026 (20 sources, 16 à date estimée)" in description
    assert answer.get_data(as_text=True).count('name="description"') == 1


def test_a_range_and_a_partner_commune_are_said_as_such_in_the_page_head(client) -> None:
    title, description = head(client.get("/commune/60612").get_data(as_text=True))
    title, description = head(client.get("/commune/60159").get_data(as_text=True))
    assert title == "Compiègne : 2 opérations, 69 à 87 logements — Cœur de Ville"
    assert "2 opérations du programme Action Cœur de Ville de Clésence, 69 à 87 logements" in description
    title, description = head(client.get("/commune/02168").get_data(as_text=True))
    assert title == "Château-Thierry : centre-ville cité par les sources, détail non publié — Cœur de Ville"
    assert "0" not in title


def test_a_commune_without_operation_says_so_in_its_title_rather_than_counting_zeros(client) -> None:
    title, _ = head(client.get("/commune/02408").get_data(as_text=True))  # Laon: an ACV town, none published
    assert title == "Laon : aucune opération publiée — Cœur de Ville"


def test_the_region_page_has_its_own_title_and_figures(client) -> None:
    title, description = head(client.get("/?annee=2021").get_data(as_text=True))
    assert title == "Cœur de Ville — Clésence — Hauts-de-France"
    assert (
        "Clésence a publié 27 programmes et 882 logements (2022) ; 33 opérations et 864 logements (2021)"
        in description
    )
    assert "les sources en détaillent 12 opérations (431 à 449 logements)" in description


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/commune/99999", "Commune introuvable — Cœur de Ville"),
        ("/commune/<b>", "Commune introuvable — Cœur de Ville"),
        ("/nowhere", "Page introuvable — Cœur de Ville"),
        ("/404", "Page introuvable — Cœur de Ville"),
    ],
)
def test_unknown_pages_are_real_404s_with_a_french_title(client, url: str, title: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 404
    assert head(answer.get_data(as_text=True))[0] == title


def test_a_name_in_the_title_is_escaped(tmp_path) -> None:
    from tests.conftest import write_world

    world = write_world(tmp_path / "data")
    for name in ("communes.geojson", "operations.csv"):
        path = world / name
        path.write_text(
            path.read_text(encoding="utf-8").replace("Amiens", "Am</title><b>iens"), encoding="utf-8"
        )
    html = (
        create_app(Settings(data_dir=world)).server.test_client().get("/commune/80021").get_data(as_text=True)
    )
    assert "<title>Am&lt;/title&gt;&lt;b&gt;iens : " in html


def test_the_shell_url_is_dash_pages_own_location() -> None:
    assert dash.page_container.children[0].id == Shell.URL
    assert dash.page_container.children[1].id == Shell.PAGE


def test_the_layout_written_into_each_page_holds_ids_only(client) -> None:
    html = client.get("/").get_data(as_text=True)
    layout = json.loads(CONFIG.search(html).group(1))["validation_layout"]
    components = layout["props"]["children"]
    ids = {json.dumps(c["props"]["id"], sort_keys=True) for c in components}
    assert {'"region-map"', '"commune-map"', '"ctl-commune"', '"_pages_content"', '"live-poll"'} <= ids
    assert all(set(c["props"]) == {"id"} for c in components)  # no options, figures or texts
    start, end = html.index('<div id="first-screen"'), html.index('<script id="_dash-config"')
    scaffold = html[:start] + html[end:]  # the page written for people to read at once aside (prerender.py)
    start = scaffold.index('<script type="application/json" id="first-page"')
    end = scaffold.index("</script>", start) + len("</script>")
    scaffold = scaffold[:start] + scaffold[end:]  # and the same page for the renderer (prerender.page_layout)
    assert len(scaffold.encode()) < 15_000  # 25,699 bytes when the whole shell and every page were written in


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/", ["Opérations publiées", "Situation fin 2025", "opérations", "Carte des opérations"]),
        ("/?annee=2020&dep=60", ["Oise", "Situation fin 2020", "Oise (60)"]),
        ("/commune/60159", ['<h1 class="page-title">Compiègne</h1>', "Fin 2025, selon les sources"]),
    ],
)
def test_each_page_is_written_into_its_html_for_its_view(client, path, words) -> None:
    html = client.get(path).get_data(as_text=True)
    written = html[html.index('<div id="first-screen"') : html.index('<script id="_dash-config"')]
    for word in words:
        assert word in written, word
    assert written.count('id="react-entry-point"') == 0  # beside the app's entry, not in it


@pytest.mark.parametrize("path", ["/?presentation=1", "/commune/99999", "/nulle-part"])
def test_the_slide_and_unknown_pages_are_drawn_live_only(client, path) -> None:
    assert 'id="first-screen"' not in client.get(path).get_data(as_text=True)


def test_the_figures_of_titles_are_those_of_the_default_view() -> None:
    from dashboard.app import load_context
    from dashboard.data.schema import Op
    from dashboard.model.analysis import key_figures
    from dashboard.model.state import View
    from dashboard.web.pages.commune import _default_figures

    context = load_context(Settings(data_dir=REAL_DATA))
    shown = context.operations_in(View(year=context.lookups.default_year))
    for code in sorted(set(shown[Op.CODE_INSEE])):
        figures = key_figures(shown[shown[Op.CODE_INSEE] == code])
        assert _default_figures(context, code)[1] == figures, code
        assert _default_figures(context, code)[1] is _default_figures(context, code)[1]  # computed once


def test_the_region_s_lead_selects_the_programme_s_operations_once_per_version(monkeypatch) -> None:
    from dashboard.app import load_context
    from dashboard.model import planned
    from dashboard.model.state import View
    from dashboard.web.pages import region

    context, selected = load_context(Settings(data_dir=REAL_DATA)), []
    deliveries = planned.deliveries
    monkeypatch.setattr(planned, "deliveries", lambda *args: selected.append(1) or deliveries(*args))
    views = [View(year=2020), View(year=2025, selected={"departements": ("60",)})]
    leads = [str(region.lead(context, view).to_plotly_json()) for view in views * 2]
    assert selected == [1]  # each page drawn read every operation again: copied into each worker
    assert leads[:2] == leads[2:] and "Action Cœur de Ville" in leads[0]


def test_a_written_page_is_kept_for_the_same_address_and_data_only() -> None:
    from dashboard.model.recent import Recent

    recent, drawn = Recent(size=2), []

    def draw(name: str):
        return lambda: drawn.append(name) or f"<p>{name}</p>"

    assert recent.get(("v1", "/"), draw("a")) == "<p>a</p>"
    assert recent.get(("v1", "/"), draw("again")) == "<p>a</p>"  # kept
    recent.get(("v2", "/"), draw("b"))  # other data: drawn anew
    recent.get(("v2", "/?annee=2020"), draw("c"))  # the least recent, ("v1", "/"), is dropped
    recent.get(("v1", "/"), draw("d"))
    assert drawn == ["a", "b", "c", "d"]


@pytest.mark.parametrize("years", [(2018, 2026), (2018, 2027), (2014, 2031)])
def test_the_year_slider_names_the_last_year_and_never_two_neighbours(years) -> None:
    from types import SimpleNamespace

    from dashboard.web.ids import Ctl
    from dashboard.web.layout import year_control

    context = SimpleNamespace(lookups=SimpleNamespace(years=years, default_year=years[1]))
    slider = next(c for c in year_control(context)._traverse() if getattr(c, "id", None) == Ctl.YEAR)
    named = sorted(year for year, text in slider.marks.items() if text)
    assert named[-1] == years[1]
    assert all(later - earlier >= 2 for earlier, later in zip(named, named[1:], strict=False))


def test_an_operation_page_names_the_operation_and_its_state_for_a_shared_link(client) -> None:
    answer = client.get("/operation/soissons-rue-saint-christophe")
    assert answer.status_code == 200
    title, description = head(answer.get_data(as_text=True))
    assert title == "Résidence de la Croix d&#x27;Or, Soissons — Cœur de Ville"
    assert "16 logements ; fin 2025, livrée le 6 septembre 2022 (inauguration)" in description
    assert "Historique daté : 9 jalons, chacun avec sa source" in description
    assert "Dernière recherche de sources publiques : décembre 2026" in description


def test_an_unknown_operation_is_a_404(client) -> None:
    answer = client.get("/operation/nulle-part")
    assert answer.status_code == 404
    assert head(answer.get_data(as_text=True))[0] == "Opération introuvable — Cœur de Ville"
