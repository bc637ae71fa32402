"""The staff area over plain HTTP: nothing without a session, the workbook's round trip, the report of a wrong
upload, preview, publish, history, restore, and two people publishing from the same base."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
import sqlalchemy as sa
from flask.sessions import SecureCookieSessionInterface

from dashboard.endpoints.staff.auth import hash_password
from dashboard.store.db import SessionRow
from tests.staff.conftest import (
    BASE_URL,
    PASSWORD,
    USER,
    cell,
    csrf_of,
    log_in,
    publish,
    saved,
    upload,
    workbook_of,
)


def staff_rules(app) -> list[tuple[str, str]]:
    """Every staff route with each method it takes, its parameters filled in."""
    found = []
    for rule in app.server.url_map.iter_rules():
        if not rule.rule.startswith("/gestion") or rule.endpoint == "staff.static":
            continue
        path = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_staff_route_refuses_a_request_without_a_session(app, anonymous):
    rules = staff_rules(app)
    assert len(rules) >= 12
    for method, path in rules:
        if path in ("/gestion/connexion", "/gestion/oidc", "/gestion/oidc/retour"):
            continue
        response = anonymous.open(path, method=method, base_url=BASE_URL)
        if method == "GET":
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].startswith("/gestion/connexion"), path
        else:
            assert response.status_code == 401, (method, path)
            assert "session absente ou expirée" in response.get_data(as_text=True)


def test_a_wrong_password_is_refused_and_logged(app, area):
    client = app.server.test_client()
    response = log_in(client, USER, "pas le bon")
    assert response.status_code == 401
    assert "identifiant ou mot de passe incorrect" in response.get_data(as_text=True)
    assert client.get("/gestion/", base_url=BASE_URL).status_code == 302
    assert any(e.action == "connexion refusée" and e.actor == USER for e in area.store.audit_log())


def test_logins_are_refused_after_five_failures_even_with_the_right_password(app, area):
    client = app.server.test_client()
    for _ in range(5):
        assert log_in(client, "quelqu.un", "mauvais").status_code == 401
    area.store.set_user("quelqu.un", hash_password(PASSWORD))
    response = log_in(client, "quelqu.un", PASSWORD)
    assert response.status_code == 401
    assert "trop de tentatives" in response.get_data(as_text=True)


def test_the_session_cookie_is_secure_httponly_and_samesite(app):
    client = app.server.test_client()
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert (
        "coeur_gestion=" in cookie
        and "Secure" in cookie
        and "HttpOnly" in cookie
        and "SameSite=Lax" in cookie
    )


def test_a_form_without_its_csrf_token_is_refused(staff):
    response = staff.post("/gestion/depot", data={}, base_url=BASE_URL)
    assert response.status_code == 403
    assert "formulaire expiré" in response.get_data(as_text=True)


def test_logout_ends_the_session(app):
    client = app.server.test_client()
    log_in(client)
    token = csrf_of(client, "/gestion/")
    assert client.post("/gestion/deconnexion", data={"csrf": token}, base_url=BASE_URL).status_code == 302
    assert client.get("/gestion/", base_url=BASE_URL).status_code == 302


def copied(client, app):
    """Another client holding a copy of ``client``'s session cookie (stolen, or a second browser)."""
    cookie = client.get_cookie("coeur_gestion", domain="localhost")
    assert cookie is not None
    copy = app.server.test_client()
    copy.set_cookie("coeur_gestion", cookie.value, domain="localhost")
    return copy


def test_a_copied_cookie_stops_working_once_its_session_is_logged_out(app):
    client = app.server.test_client()
    log_in(client)
    copy = copied(client, app)
    assert copy.get("/gestion/", base_url=BASE_URL).status_code == 200  # the same session, until…
    token = csrf_of(client, "/gestion/")
    assert client.post("/gestion/deconnexion", data={"csrf": token}, base_url=BASE_URL).status_code == 302
    response = copy.get("/gestion/", base_url=BASE_URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/gestion/connexion")
    assert copy.post("/gestion/depot", data={}, base_url=BASE_URL).status_code == 401


@pytest.mark.parametrize(
    ("column", "ago"),
    [("seen_at", datetime.timedelta(minutes=31)), ("created_at", datetime.timedelta(hours=10, minutes=1))],
    ids=["unused-for-31-minutes", "opened-more-than-10-hours-ago"],
)
def test_a_session_that_timed_out_is_ended_for_every_copy_of_its_cookie(app, area, column, ago):
    client = app.server.test_client()
    log_in(client)
    copy = copied(client, app)
    with area.store.engine.begin() as connection:  # the session's clock moved back, as if time had passed
        moment = datetime.datetime.now(datetime.UTC) - ago
        connection.execute(sa.update(SessionRow).values({column: moment}))
    for someone in (client, copy):
        assert someone.get("/gestion/", base_url=BASE_URL).status_code == 302
    with area.store.session() as session:
        assert "expirée" in set(session.scalars(sa.select(SessionRow.ended_why)))
    log_in(client)  # a new login opens a new session
    assert client.get("/gestion/", base_url=BASE_URL).status_code == 200
    assert copy.get("/gestion/", base_url=BASE_URL).status_code == 302


def test_the_cookie_holds_a_token_whose_hash_alone_is_stored(app, area):
    client = app.server.test_client()
    log_in(client)
    with app.server.test_request_context():
        serializer = SecureCookieSessionInterface().get_signing_serializer(app.server)
    assert serializer is not None
    content = serializer.loads(client.get_cookie("coeur_gestion", domain="localhost").value)
    assert set(content) == {"gestion_jeton", "gestion_csrf", "_permanent"} and USER not in str(content)
    token = content["gestion_jeton"]
    with area.store.session() as session:
        hashes = set(session.scalars(sa.select(SessionRow.token_hash)))
    assert token not in hashes and hashlib.sha256(token.encode()).hexdigest() in hashes


def test_public_pages_stay_open_and_set_no_cookie(anonymous):
    response = anonymous.get("/healthz", base_url=BASE_URL)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_workbook_has_a_sheet_per_table_and_one_explaining_columns(staff):
    book = workbook_of(staff)
    assert book.sheetnames[:4] == ["operations", "sources", "chiffres_publies", "communes_partenaires"]
    assert book.sheetnames[-1] == "colonnes"
    sheet = book["operations"]
    assert [c.value for c in sheet[1]][:4] == ["id", "programme", "commune", "code_insee"]
    codes = [row[3] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in codes)  # codes as text, and typed later as text too:
    assert sheet.column_dimensions["D"].number_format == "@"
    rules = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert "ACV" in rules["B2"] and "réhabilitation" in rules["G2"]
    explained = {(r[0].value, r[2].value): r[3].value for r in book["colonnes"].iter_rows(min_row=2)}
    assert "code INSEE" in explained[("operations", "code_insee")]


def test_the_workbook_uploaded_unchanged_is_an_empty_change(staff):
    response = upload(staff, saved(workbook_of(staff)))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = staff.get(response.headers["Location"], base_url=BASE_URL).get_data(as_text=True)
    assert "Aucun changement." in page
    assert "Aucune opération ne change d'état." in page


def test_errors_name_sheet_row_column_value_and_expectation_and_nothing_is_kept(staff, area):
    drafts_before = len(area.store.audit_log())
    book = workbook_of(staff)
    cell(book, "operations", "code_insee", "arras-rue-diderot").value = 2691
    cell(book, "operations", "logements", "cambrai-rue-de-sellen").value = "onze"
    response = upload(staff, saved(book))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "« 2691 » : code lu comme un nombre, zéro initial perdu ? attendu un code à 5 caractères" in page
    row = cell(book, "operations", "logements", "cambrai-rue-de-sellen").row
    assert re.search(rf"<td>operations</td><td>{row}</td><td>I \(logements\)</td><td>« onze »", page)
    assert "Rien n'a été enregistré comme version." in page
    refused = area.store.audit_log()[0]
    assert refused.action == "dépôt refusé" and "2691" in refused.detail
    assert len(area.store.audit_log()) == drafts_before + 2  # the download and the refused upload


def test_a_change_is_previewed_then_published_with_a_required_note_then_restored(staff, area):
    head = area.head()
    book = workbook_of(staff)
    cell(book, "operations", "livraison", "cambrai-rue-de-sellen").value = "2021"
    response = upload(staff, saved(book))
    assert response.status_code == 302
    draft = response.headers["Location"]
    page = staff.get(draft, base_url=BASE_URL).get_data(as_text=True)
    assert (
        '<td>cambrai-rue-de-sellen</td><td>livraison</td><td class="avant">(vide)</td>'
        '<td class="apres">2021</td>' in page
    )
    assert "<td>livraison prévue en 2021 (annoncée en 2020)</td>" in page  # its state, a forecast
    assert publish(staff, draft, "", head.id).status_code == 422
    response = publish(staff, draft, "Livraison de Cambrai confirmée par le service", head.id)
    assert response.status_code == 302
    new = area.head()
    assert new.id == head.id + 1 and new.author == USER and new.parent_id == head.id
    assert new.summary == "operations : 1 modif."
    assert b"cambrai-rue-de-sellen" in (area.served_dir / "operations.csv").read_bytes()
    assert (
        "2021"
        in (area.served_dir / "operations.csv").read_text().split("cambrai-rue-de-sellen")[1].split("\n")[0]
    )
    history = staff.get("/gestion/historique", base_url=BASE_URL).get_data(as_text=True)
    assert "Livraison de Cambrai confirmée par le service" in history
    compared = staff.get(f"/gestion/comparer?de={head.id}&a={new.id}", base_url=BASE_URL).get_data(
        as_text=True
    )
    assert "<td>livraison</td>" in compared
    token = csrf_of(staff, "/gestion/historique")
    restored = staff.post(
        f"/gestion/version/{head.id}/restaurer",
        data={"csrf": token, "note": "retour en arrière"},
        base_url=BASE_URL,
    )
    assert restored.status_code == 302
    latest = area.head()
    assert latest.id == new.id + 1 and latest.restored_from == head.id and latest.digest == head.digest
    assert len(area.store.versions()) >= 3  # nothing erased


def test_a_removed_row_stays_unless_its_removal_is_ticked(staff, area):
    book = workbook_of(staff)
    row = cell(book, "operations", "id", "amiens-zac-gare-la-vallee").row
    book["operations"].delete_rows(row)
    draft = upload(staff, saved(book)).headers["Location"]
    page = staff.get(draft, base_url=BASE_URL).get_data(as_text=True)
    assert "supprimer amiens-zac-gare-la-vallee" in page
    head = area.head()
    publish(staff, draft, "rien n'est coché", head.id)
    assert b"amiens-zac-gare-la-vallee" in area.store.files(area.head().id)["operations.csv"]
    draft = upload(staff, saved(book)).headers["Location"]
    publish(staff, draft, "suppression voulue", area.head().id, ("operations.csv:amiens-zac-gare-la-vallee",))
    assert b"amiens-zac-gare-la-vallee" not in area.store.files(area.head().id)["operations.csv"]


def test_the_second_of_two_staff_publishing_from_one_base_is_told_and_loses_nothing(app, area):
    first, second = app.server.test_client(), app.server.test_client()
    log_in(first)
    log_in(second)
    base = area.head()
    one, two = workbook_of(first), workbook_of(second)
    cell(one, "operations", "commerces", "cambrai-rue-de-sellen").value = "2"
    cell(two, "operations", "duree_mois", "cambrai-rue-de-sellen").value = "20"
    draft_one = upload(first, saved(one)).headers["Location"]
    draft_two = upload(second, saved(two)).headers["Location"]
    assert publish(first, draft_one, "commerces", base.id).status_code == 302
    response = publish(second, draft_two, "durée", base.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"la version {base.id + 1} a été publiée par {USER} depuis" in page
    assert "La différence ci-dessous est calculée par rapport à la version" in page
    assert ">durée</textarea>" in page  # the note typed is kept
    assert area.head().id == base.id + 1
    assert publish(second, draft_two, "durée, après relecture", base.id + 1).status_code == 302
    assert area.head().id == base.id + 2


@pytest.mark.parametrize("path", ["/gestion/", "/gestion/historique", "/gestion/journal"])
def test_staff_pages_are_not_cached_nor_indexed(staff, path):
    response = staff.get(path, base_url=BASE_URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="fr">' in response.get_data(as_text=True)
