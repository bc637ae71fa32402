"""Presenters, local officials, exports and accessibility, in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import openpyxl
import pytest
from PIL import Image

from tests.browser.conftest import start_server, wait_for_idle, wait_for_location, wait_for_map
from tests.conftest import REAL_DATA, REPO

AXE = REPO / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


def year_shown(page) -> str:
    return page.locator("#ctl-year [role=slider]").get_attribute("aria-valuenow")


def open_region(page, url: str) -> None:
    page.goto(url)
    wait_for_map(page)
    wait_for_idle(page)


def year_said(page) -> str:
    """The year the page's year line says, which comes with the key figures in one answer."""
    return page.locator("#region-figures .year-line").inner_text()


def wait_for_year(page, year: int) -> None:
    """Until the year line and the key figures say ``year`` (the state, not a time)."""
    page.wait_for_function(
        """year => { const line = document.querySelector('#region-figures .year-line');
            const figures = document.querySelector('#region-figures .kf-row');
            return line && figures && line.innerText.includes('fin ' + year)
                && figures.getAttribute('aria-label').includes('fin ' + year); }""",
        arg=year,
    )


def test_presentation_keys_step_and_play_the_years_and_escape_leaves(server, page):
    open_region(page.page, server.url + "/?annee=2021&presentation=1")
    assert page.page.locator(".shell.presenting").count() == 1
    assert not page.page.locator("#shell-controls .filters").is_visible()
    assert "fin 2021" in year_said(page.page)
    assert page.page.locator(".year-title").count() == 0  # the year is said with the figures only
    page.page.keyboard.press("ArrowLeft")
    wait_for_location(page.page, r"annee=2020")
    wait_for_year(page.page, 2020)
    page.page.keyboard.press("ArrowRight")
    wait_for_year(page.page, 2021)
    page.page.keyboard.press("PageDown")
    wait_for_year(page.page, 2022)
    page.page.keyboard.press(" ")  # play: one year every 2.5 s
    page.page.wait_for_selector("#ctl-play[aria-pressed=true]")
    wait_for_year(page.page, 2023)
    page.page.keyboard.press(" ")  # pause
    page.page.wait_for_selector("#ctl-play[aria-pressed=false]")
    wait_for_idle(page.page)
    paused_at = year_shown(page.page)
    page.page.wait_for_timeout(3_500)  # longer than a step of the player
    assert year_shown(page.page) == paused_at
    page.page.keyboard.press("Escape")
    page.page.wait_for_function("() => !document.querySelector('.presenting')")
    assert "presentation" not in page.page.url
    assert page.errors == []


def test_the_presentation_button_enters_the_mode_and_the_map_keeps_its_view(server, page):
    open_region(page.page, server.url + "/?annee=2022")
    page.page.click("#shell-present")
    page.page.wait_for_selector(".shell.presenting")
    assert "presentation=1" in page.page.url
    before = page.page.evaluate(
        "document.querySelector('#region-map .js-plotly-plot')._fullLayout.geo.lonaxis.range"
    )
    page.page.keyboard.press("ArrowLeft")
    wait_for_location(page.page, r"annee=2021")
    wait_for_idle(page.page)
    after = page.page.evaluate(
        "document.querySelector('#region-map .js-plotly-plot')._fullLayout.geo.lonaxis.range"
    )
    assert after == before


def test_copy_link_copies_the_current_view(server, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        open_region(page, server.url + "/?annee=2020&dep=02")
        page.click("#shell-copy")
        page.wait_for_function("() => navigator.clipboard.readText().then(t => t.includes('annee=2020'))")
        assert page.evaluate("navigator.clipboard.readText()") == page.url
    finally:
        context.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("chateau thierry", "Château-Thierry"),
        ("Château-Thierry", "Château-Thierry"),
        ("02168", "Château-Thierry"),
        ("COMPIEGNE", "Compiègne"),
    ],
)
def test_search_finds_a_commune_with_or_without_accents(server, page, typed, expected):
    page.page.goto(server.url + "/commune/62041")
    page.page.wait_for_selector("h1:has-text('Arras')")
    page.page.fill("#shell-search", typed)
    first = page.page.locator("#shell-search-results a").first
    first.wait_for()
    assert expected in first.inner_text()
    page.page.press("#shell-search", "Enter")
    page.page.wait_for_selector(f"h1:has-text('{expected}')")


def test_each_operation_has_a_prefilled_error_report_link_once_an_address_is_set(server, page, tmp_path):
    page.page.goto(server.url + "/commune/02722")
    page.page.wait_for_selector("#commune-operations .op-sheet")
    assert page.page.locator("a.report-link").count() == 0  # no address configured: no link
    data = tmp_path / "data"
    shutil.copytree(REAL_DATA, data)
    reporting = start_server(data, report_url="mailto:signalement@ville.example?subject=Erreur {id}")
    try:
        page.page.goto(reporting.url + "/commune/02722")
        page.page.wait_for_selector("#commune-operations .op-sheet")
        href = page.page.locator("#op-soissons-rue-saint-christophe a.report-link").get_attribute("href")
    finally:
        reporting.stop()
    assert href == "mailto:signalement@ville.example?subject=Erreur soissons-rue-saint-christophe"


@pytest.fixture
def hostile_server(tmp_path):
    """A copy of the data whose text fields hold formulas and markup."""
    data = tmp_path / "data"
    shutil.copytree(REAL_DATA, data)
    path = data / "operations.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "Rue Diderot,Résidence Nobel", '"=HYPERLINK(""http://evil"")","<script>alert(1)</script>"'
    )
    text = text.replace(",Rue Carnot,", ",+33 1 23 45,")
    path.write_text(text, encoding="utf-8")
    running = start_server(data)
    yield running
    running.stop()


def test_the_csv_export_has_the_view_on_top_the_rows_shown_and_no_live_formula(
    hostile_server, page, tmp_path
):
    open_region(page.page, hostile_server.url + "/?annee=2021&dep=62&dep=60")
    with page.page.expect_download() as download:
        page.page.click("#shell-export-csv")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "coeur-de-ville_hauts-de-france_2021.csv"
    raw = saved.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8")), delimiter=";"))
    assert rows[2] == ["Filtres : Départements : Oise, Pas-de-Calais"]  # sorted, whatever the URL order
    assert rows[3] == ["Année : 2021 (situation à la fin de l'année)"]
    header_at = next(i for i, row in enumerate(rows) if row[:1] == ["id"])
    header, body = rows[header_at], rows[header_at + 1 :]
    assert {row[0] for row in body} == {
        "arras-rue-diderot",
        "beauvais-rue-carnot",
        "compiegne-quai-des-roses",
        "compiegne-rue-d-amiens",
        "creil-bords-de-l-oise",
        "senlis-allees-de-beauval",
        "senlis-avenue-de-bismont",
        "senlis-quartier-ordener",
    }
    arras = next(row for row in body if row[0] == "arras-rue-diderot")
    assert arras[header.index("adresse")] == '\'=HYPERLINK("http://evil")'
    assert arras[header.index("nom")] == "<script>alert(1)</script>"
    beauvais = next(row for row in body if row[0] == "beauvais-rue-carnot")
    assert beauvais[header.index("adresse")] == "'+33 1 23 45"
    assert arras[header.index("code_insee")] == '="62041"'  # a constant: shown as the text 62041
    for row in body:
        for cell in row:
            constant = re.fullmatch(r'="\d+"', cell)
            assert constant or (not cell.startswith(("=", "+", "@")) and not re.match(r"-\D", cell))


def test_the_spreadsheet_exports_download_the_commune_shown(server, page, tmp_path):
    page.page.goto(server.url + "/commune/02691?annee=2021")
    page.page.wait_for_selector("#commune-operations .op-sheet")
    saved = {}
    for button in ("#shell-export-xlsx", "#shell-export-tidy"):
        with page.page.expect_download() as download:
            page.page.click(button)
        saved[button] = tmp_path / download.value.suggested_filename
        download.value.save_as(saved[button])
    assert saved["#shell-export-xlsx"].name == "coeur-de-ville_saint-quentin_2021.xlsx"
    book = openpyxl.load_workbook(saved["#shell-export-xlsx"])
    assert book.sheetnames == ["Opérations", "Vue", "Dictionnaire"]
    codes = {row[3] for row in book["Opérations"].iter_rows(min_row=2, values_only=True)}
    assert codes == {"02691"}
    assert saved["#shell-export-tidy"].name == "coeur-de-ville_saint-quentin_2021_tableau.csv"
    assert saved["#shell-export-tidy"].read_bytes()[3:].startswith(b'"id";"programme"')


def test_markup_in_the_data_is_shown_as_text(hostile_server, page):
    page.page.goto(hostile_server.url + "/commune/62041")
    page.page.wait_for_selector("#commune-operations .op-sheet")
    assert page.page.locator("#op-arras-rue-diderot h3").inner_text() == "<script>alert(1)</script>"
    assert page.page.evaluate("document.querySelectorAll('#commune-operations script').length") == 0
    assert page.errors == []


def test_the_png_export_gives_an_image_named_after_what_it_shows(server, page, tmp_path):
    page.page.goto(server.url + "/commune/60159?annee=2021")
    wait_for_map(page.page, "commune-map")
    wait_for_idle(page.page)
    with page.page.expect_download() as download:
        page.page.locator("#commune-map").locator("xpath=..").locator(".png-button").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "coeur-de-ville_compiegne_2021.png"
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1600, 900)  # fit for a slide
    layout = page.page.evaluate("window.coeurLastImage.layout")
    assert layout["title"]["text"] == "<b>Carte — Compiègne — situation fin 2021</b>"
    caption = layout["annotations"][-1]["text"].replace("<br>", " ")  # wrapped to the image's width
    assert "Périmètre : Compiègne" in caption and "Sources : " in caption
    assert "Sources publiées de 2016 à 2026" in caption and "fichier modifié le 2026-12-06" in caption
    assert page.foreign_requests() == []


def test_a_png_of_the_region_names_its_filters(server, page, tmp_path):
    open_region(page.page, server.url + "/?annee=2021&dep=60")
    wait_for_idle(page.page)
    with page.page.expect_download() as download:
        page.page.locator("#region-mix").locator("xpath=..").locator(".png-button").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1600, 900)
    layout = page.page.evaluate("window.coeurLastImage.layout")
    title = "Logements par financement — Hauts-de-France — situation fin 2021"
    assert layout["title"]["text"] == f"<b>{title}</b>"
    assert "Filtres : Départements : Oise" in layout["annotations"][-1]["text"].replace("<br>", " ")
    assert page.foreign_requests() == []


def colour_near(image, box, rgb, tolerance=40) -> bool:
    """Whether some pixel of ``box`` (left, top, right, bottom) is within ``tolerance`` of ``rgb``."""
    pixels = image.crop(box).get_flattened_data()
    return any(sum(abs(a - b) for a, b in zip(pixel[:3], rgb, strict=True)) <= tolerance for pixel in pixels)


def rgb_of(colour: str) -> tuple[int, int, int]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(part)) for part in re.findall(r"[\d.]+", colour)[:3])


@pytest.mark.parametrize(
    ("path", "graph"), [("/commune/60159?annee=2021", "commune-map"), ("/?annee=2021", "region-map")]
)
def test_the_map_png_carries_its_legend_and_a_caption_inside_the_image(server, page, tmp_path, path, graph):
    page.page.goto(server.url + path)
    wait_for_map(page.page, graph)
    wait_for_idle(page.page)
    with page.page.expect_download() as download:
        page.page.locator(f"#{graph}").locator("xpath=..").locator(".png-button").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    image = Image.open(saved).convert("RGB")
    width, height = image.size
    layout = page.page.evaluate("window.coeurLastImage.layout")
    margin = layout["margin"]
    # Nothing drawn in the right margin, the whole height: no caption line, legend word or title runs past.
    right = image.crop((width - margin["r"] + 4, 0, width, height))
    assert right.getextrema() == ((255, 255), (255, 255), (255, 255))
    assert image.crop((0, height - 8, width, height)).getextrema() == ((255, 255), (255, 255), (255, 255))
    # The caption is drawn below the map, every line of it (its words are there, in more than one line).
    caption = layout["annotations"][-1]["text"]
    assert caption.count("<br>") >= 2 and "Sources : " in caption
    below = image.crop((0, height - margin["b"] + 20, width, height))
    assert below.getextrema() != ((255, 255), (255, 255), (255, 255))
    # The legend: every entry of the page's HTML legend, its symbol drawn in its colour in the right column.
    entries = page.page.locator(f"#{graph}").locator("xpath=ancestor::section").locator(".legend-list li")
    names = [name.strip() for name in entries.all_inner_texts()]
    drawn = [a["text"].replace("<br>", " ") for a in layout["annotations"] if a.get("name") == "legend-entry"]
    assert drawn == names and len(names) >= 7
    column = (round(width * 0.6), margin["t"], width - margin["r"], height - margin["b"])
    for shape in layout["shapes"]:
        assert colour_near(image, column, rgb_of(shape["line"].get("color") or shape["fillcolor"]))
    assert page.errors == []


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                       targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return result


@pytest.mark.parametrize("path", ["/?annee=2021", "/commune/60159", "/?presentation=1", "/commune/99999"])
def test_the_accessibility_audit_finds_no_serious_violation(server, browser, path):
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/setup.sh --test installs it (npm ci --prefix tests/a11y)")
    # Our Content-Security-Policy rightly refuses an injected script: the audit alone may bypass it.
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(server.url + path)
        page.wait_for_selector(".page")
        wait_for_idle(page)
        page.wait_for_timeout(500)
        violations = run_axe(page)
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_every_control_is_reachable_from_the_keyboard(server, page):
    open_region(page.page, server.url + "/")
    reached = set()
    for _ in range(40):
        page.page.keyboard.press("Tab")
        reached.add(
            page.page.evaluate(
                "document.activeElement.id || document.activeElement.getAttribute('role')"
                " || document.activeElement.tagName"
            )
        )
    for control in (
        "shell-search",
        "shell-present",
        "shell-export-csv",
        "ctl-year-prev",
        "ctl-year-next",
        "ctl-play",
        "ctl-reset",
        "slider",
    ):
        assert control in reached, control
    outline = page.page.evaluate(
        "(() => { document.getElementById('ctl-year-prev').focus();"
        " return getComputedStyle(document.activeElement).outlineStyle; })()"
    )
    assert outline != "none"


def test_a_filter_can_be_chosen_from_the_keyboard(server, page):
    open_region(page.page, server.url + "/?annee=2021")
    page.page.focus("#ctl-departement")
    assert page.page.evaluate("document.activeElement.id") == "ctl-departement"
    name = page.page.evaluate("""(() => { const b = document.getElementById('ctl-departement');
        return b.getAttribute('aria-labelledby').split(' ')
            .map(id => document.getElementById(id)?.innerText || '').join(' '); })()""")
    assert name.startswith("Département")
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("[role=listbox], [role=option]")
    page.page.keyboard.type("Oise")
    page.page.wait_for_function("() => [...document.querySelectorAll('[role=option]')].length === 1")
    page.page.keyboard.press("ArrowDown")
    page.page.keyboard.press("Enter")
    wait_for_location(page.page, r"dep=60")
    page.page.keyboard.press("Escape")
    assert "Oise" in page.page.locator("#ctl-departement").inner_text()
