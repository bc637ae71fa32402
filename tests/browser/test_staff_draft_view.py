"""A staff member opens the public site with their draft, in Chromium: the banner « brouillon, non publié »
and the draft's changed figure on the commune page, through polls that never reload it; the same address
without a session shows the version published; leaving the view brings the published version back."""

from __future__ import annotations

import io
import threading

import openpyxl
import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.endpoints.staff.auth import hash_password
from dashboard.settings import Settings, StaffSettings
from tests.staff.conftest import PASSWORD, USER, cell, staff_data

pytestmark = pytest.mark.browser

OP, CODE = "cambrai-rue-de-sellen", "59122"
DRAFT_NAME = "Studios du brouillon de Sellen"
DWELLINGS = "40"  # was 11: Cambrai's 22 dwellings become 51 with the draft


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("draft-view")
    settings = Settings(
        data_dir=staff_data(root / "data"),
        state_dir=root / "state",
        staff=StaffSettings(secret_key="clé de l'aperçu " * 4),
        poll_seconds=0.5,  # the page asks often: a reload loop would show within a few polls
    )
    app = create_app(settings)
    app.server.extensions["coeur_staff"].store.set_user(USER, hash_password(PASSWORD))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://localhost:{server.server_port}"  # localhost: a secure context for the cookie
    server.shutdown()


def changed_workbook(app, folder) -> str:
    """The workbook as downloaded, with the operation renamed and its dwellings changed."""
    area = app.server.extensions["coeur_staff"]
    from dashboard.store import workbook

    body = workbook.to_workbook(area.head_files(), area.names)
    book = openpyxl.load_workbook(io.BytesIO(body))
    cell(book, "operations", "nom", OP).value = DRAFT_NAME
    cell(book, "operations", "logements", OP).value = DWELLINGS
    path = folder / "brouillon.xlsx"
    book.save(path)
    return str(path)


def dwellings_card(page) -> str:
    """The live page's key figure, once the page written into the HTML has given way to it (until then the
    live page is drawn beneath, hidden: its text reads empty)."""
    page.locator("#first-screen").wait_for(state="detached")
    card = page.locator("#react-entry-point #_pages_content .kf-card", has_text="logements")
    return card.first.inner_text()


def test_a_draft_shown_to_its_staff_member_only(site, browser, tmp_path):
    app, url = site
    staff = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{url}/gestion/connexion")
    page.fill("#identifiant", USER)
    page.fill("#mot_de_passe", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("h1:has-text('Version publiée')")
    page.set_input_files("#fichier", changed_workbook(app, tmp_path))
    page.get_by_role("button", name="Déposer et vérifier").click()
    page.wait_for_selector("h1:has-text('Brouillon')")
    page.select_option("#page", f"/commune/{CODE}")
    page.get_by_role("button", name="Ouvrir le site avec ce brouillon").click()

    page.wait_for_url(f"**/commune/{CODE}")
    banner = page.locator("#react-entry-point #staff-view")  # the live page's (the first screen has one too)
    banner.wait_for()
    assert "Brouillon n° 1, non publié" in banner.inner_text()
    page.locator(f"#_pages_content >> text={DRAFT_NAME}").first.wait_for()
    assert "51" in dwellings_card(page)
    polls: list[int] = []
    page.on("response", lambda r: polls.append(1) if "_dash-update-component" in r.url else None)
    page.evaluate("window.stillTheSamePage = true")
    for _ in range(240):  # several polls answered: a page that reloaded would have lost the mark
        if len(polls) >= 4:
            break
        page.wait_for_timeout(250)
    assert len(polls) >= 4, "the page stopped polling"
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#react-entry-point #staff-view").count() == 1
    page.screenshot(path=str(tmp_path / "brouillon.png"), full_page=False)

    visitor = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    public = visitor.new_page()
    public.set_default_timeout(60_000)
    public.goto(f"{url}/commune/{CODE}")
    public.locator("#_pages_content >> text=Rue de Sellen").first.wait_for()
    assert public.locator("#staff-view").count() == 0
    assert public.locator(f"text={DRAFT_NAME}").count() == 0
    assert "22" in dwellings_card(public)
    visitor.close()

    page.get_by_role("button", name="Voir la version publiée").click()
    page.locator("#react-entry-point #staff-view").wait_for(state="detached")
    page.locator("#_pages_content >> text=Rue de Sellen").first.wait_for()
    assert page.url == f"{url}/commune/{CODE}"  # back on the page read, with the version published
    assert "22" in dwellings_card(page)
    staff.close()
