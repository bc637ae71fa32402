"""The staff area end to end in Chromium, against a real OpenID Connect provider started here (npm's
oidc-provider, tests/oidc/): log in, download the workbook, change it (openpyxl, then LibreOffice), upload,
read the errors, fix, preview, publish, see the public page change on a second instance, restore, see it
back; a person outside the allowed group is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import openpyxl
import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.settings import Settings, StaffSettings
from tests.conftest import REPO
from tests.servers import free_port
from tests.staff.conftest import cell, staff_data
from tests.test_export import calc

OIDC = REPO / "tests" / "oidc"
GROUP = "gestion-donnees"
NEW_NAME = "Résidence des Tilleuls"
SECRET = "secret-du-client-de-test"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    if shutil.which("node") is None or not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc needs `npm ci --prefix tests/oidc` (scripts/setup.sh --test)")
    port = free_port()
    return port, tmp_path_factory.mktemp("oidc")


@pytest.fixture(scope="module")
def instances(provider, tmp_path_factory):
    """Two instances (two state folders: two hosts) on one database, the first one known to the provider."""
    port, folder = provider
    root = tmp_path_factory.mktemp("staff-e2e")
    data = staff_data(root / "data")
    database = f"sqlite:///{root / 'gestion.sqlite3'}"
    staff = StaffSettings(
        database_url=database,
        secret_key="clé des deux instances " * 3,
        oidc_issuer=f"http://127.0.0.1:{port}",
        oidc_client_id="coeur",
        oidc_client_secret=SECRET,
        oidc_groups=(GROUP,),
    )
    servers, urls = [], []
    for n in (1, 2):
        app = create_app(
            Settings(
                data_dir=data,
                state_dir=root / f"hote-{n}",
                staff=staff,
                reload_check_seconds=0.2,
                reload_settle_seconds=0.5,
            )
        )
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls.append(f"http://localhost:{server.server_port}")  # localhost: a secure context for cookies
    config = {
        "port": port,
        "clients": [
            {
                "client_id": "coeur",
                "client_secret": SECRET,
                "redirect_uris": [f"{url}/gestion/oidc/retour" for url in urls],
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ],
        "accounts": {
            "marie": {"email": "marie.dupont@clesence.test", "email_verified": True, "groups": [GROUP]},
            "intrus": {"email": "intrus@exemple.test", "email_verified": True, "groups": ["autre"]},
        },
    }
    (folder / "config.json").write_text(json.dumps(config))
    node = subprocess.Popen(
        ["node", str(OIDC / "server.mjs"), str(folder / "config.json")],
        stdout=subprocess.PIPE,
        stderr=(folder / "provider.log").open("w"),
        text=True,
    )
    assert node.stdout is not None
    lines = [node.stdout.readline() for _ in range(1)]
    while lines[-1] and not lines[-1].startswith("ready") and len(lines) < 20:  # warnings first (Node 20)
        lines.append(node.stdout.readline())
    assert lines[-1].startswith("ready"), f"the provider did not start: {lines}"
    yield urls
    node.terminate()
    node.wait(timeout=10)
    for server in servers:
        server.shutdown()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    page.route("https://fonts.googleapis.com/**", lambda route: route.abort())  # the provider's page asks
    page.set_default_timeout(60_000)
    yield page
    context.close()


def log_in(page, url: str, account: str) -> None:
    page.goto(f"{url}/gestion/")
    page.get_by_role("link", name="Se connecter avec le compte de l'entreprise").click()
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", "peu importe")
    page.click("button[type=submit]")
    if page.locator("button:has-text('Continue')").count():
        page.click("button:has-text('Continue')")


def download(page, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le classeur").click()
    target = tmp_path / "classeur.xlsx"
    info.value.save_as(target)
    return target


def upload(page, url: str, path: Path) -> None:
    page.goto(f"{url}/gestion/")
    page.set_input_files("#fichier", str(path))
    page.get_by_role("button", name="Déposer et vérifier").click()


def served_name(page, url: str, expected: bool) -> None:
    """Until Cambrai's page on ``url`` shows (or no longer shows) the new name: every instance follows."""
    for _ in range(60):
        page.goto(f"{url}/commune/59122")
        page.wait_for_selector("text=Rue de Sellen")
        if (page.locator(f"text={NEW_NAME}").count() > 0) == expected:
            return
        page.wait_for_timeout(1000)
    pytest.fail(f"{url} never served the version {'with' if expected else 'without'} {NEW_NAME}")


def test_staff_log_in_change_the_workbook_publish_and_restore(instances, browser_page, tmp_path):
    page = browser_page
    first, second = instances
    log_in(page, first, "marie")
    page.wait_for_selector("h1:has-text('Version publiée')")
    assert page.locator("text=marie.dupont@clesence.test").count() == 1
    workbook = download(page, tmp_path)

    book = openpyxl.load_workbook(workbook)
    cell(book, "operations", "nom", "cambrai-rue-de-sellen").value = NEW_NAME
    cell(book, "operations", "livraison", "cambrai-rue-de-sellen").value = "2021"
    cell(book, "operations", "code_insee", "cambrai-rue-de-sellen").value = 2691
    wrong = tmp_path / "faux.xlsx"
    book.save(wrong)
    upload(page, first, wrong)
    page.wait_for_selector("h1:has-text('Dépôt refusé')")
    row = cell(book, "operations", "code_insee", "cambrai-rue-de-sellen").row
    error = page.locator("tr.ligne-erreur").first
    assert [error.locator("td").nth(i).inner_text() for i in range(4)] == [
        "erreur",
        "operations",
        str(row),
        "D (code_insee)",
    ]
    assert "zéro initial perdu" in error.inner_text()

    cell(book, "operations", "code_insee", "cambrai-rue-de-sellen").value = "59122"
    fixed = tmp_path / "corrige.xlsx"
    book.save(fixed)
    through_calc = calc(fixed, tmp_path)  # opened and saved again by LibreOffice Calc
    upload(page, first, through_calc)
    page.wait_for_selector("h1:has-text('Brouillon')")
    assert page.locator(f"td.apres:has-text('{NEW_NAME}')").count() == 1
    forecast = "livraison prévue en 2021 (annoncée en 2020)"  # a forecast, in the public pages' words
    assert (
        page.locator(f"tr:has(td:text-is('cambrai-rue-de-sellen')):has(td:text-is('{forecast}'))").count()
        == 1
    )
    page.fill("#note", "Nom et livraison de la résidence de Cambrai, d'après le service")
    page.get_by_role("button", name="Publier comme nouvelle version").click()
    page.wait_for_selector("text=publiée : le site la sert")
    page.screenshot(path=str(tmp_path / "historique.png"), full_page=True)

    public = page.context.new_page()
    served_name(public, second, expected=True)  # the other instance serves it too

    page.goto(f"{first}/gestion/historique")
    page.fill("#note-1", "Retour à la version initiale")
    page.get_by_role("button", name="Restaurer la version 1").click()
    page.wait_for_selector("text=restaurée comme version")
    served_name(public, second, expected=False)


def test_a_person_outside_the_allowed_group_is_refused(instances, browser_page):
    page = browser_page
    log_in(page, instances[0], "intrus")
    page.wait_for_selector("h1:has-text('Accès refusé')")
    assert page.locator("text=intrus@exemple.test n'est pas autorisé à gérer les données").count() == 1
    page.goto(f"{instances[0]}/gestion/historique")
    assert "/gestion/connexion" in page.url
