"""The public pages with a draft or an earlier version, for the staff member who asked only: the page, its
callbacks, the freshness poll and the outlines follow the draft under a « brouillon, non publié » banner; a
visitor without a valid session (cookies copied, forged or signed by another key included) sees the version
published, and no answer made with a draft is ever kept for visitors. Plain HTTP (Flask's test client)."""

from __future__ import annotations

import json
import re
import time

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from dashboard.web.ids import Live
from tests.staff.conftest import BASE_URL, cell, csrf_of, publish, saved, staff_app, upload, workbook_of

OP, CODE = "cambrai-rue-de-sellen", "59122"
DRAFT_NAME = "Studios du brouillon de Sellen"
BANNER = "staff-view"  # the banner's id (Live.SHOWN)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return staff_app(tmp_path_factory.mktemp("viewing"))


@pytest.fixture(scope="module")
def draft(app):
    """A draft renaming an operation of Cambrai, uploaded by a logged-in staff member."""
    from tests.staff.conftest import log_in

    client = app.server.test_client()
    assert log_in(client).status_code == 302
    book = workbook_of(client)
    cell(book, "operations", "nom", OP).value = DRAFT_NAME
    response = upload(client, saved(book))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def staff_client(app):
    from tests.staff.conftest import log_in

    client = app.server.test_client()
    assert log_in(client).status_code == 302
    return client


def view(client, path: str, page: str = f"/commune/{CODE}"):
    token = csrf_of(client, "/gestion/")
    return client.post(path, data={"csrf": token, "page": page}, base_url=BASE_URL)


def page_of(client, path: str = f"/commune/{CODE}") -> str:
    response = client.get(path, base_url=BASE_URL)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def poll(client) -> dict:
    """The freshness poll's answer (dashboard.endpoints.freshness), as the page's renderer asks for it."""
    body = {
        "output": f"..{Live.BANNER}.children...{Live.LATEST}.data..",
        "outputs": [{"id": Live.BANNER, "property": "children"}, {"id": Live.LATEST, "property": "data"}],
        "inputs": [{"id": Live.POLL, "property": "n_intervals", "value": 1}],
        "state": [{"id": Live.LATEST, "property": "data", "value": {}}],
        "changedPropIds": [f"{Live.POLL}.n_intervals"],
    }
    response = client.post("/_dash-update-component", json=body, base_url=BASE_URL)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"][Live.LATEST]["data"]


def built_version(page: str) -> str:
    """The version the page says it was built from (the store ``Live.BUILT``, in the layout)."""
    found = re.search(r'"live-built"[^}]*?"data":\s*"([^"]+)"', page)
    assert found, "no built version in the page"
    return found.group(1)


def layout_of(client) -> dict:
    return client.get("/_dash-layout", base_url=BASE_URL).get_json()


def test_the_staff_member_who_asked_sees_the_draft_under_its_banner(app, draft):
    client = staff_client(app)
    response = view(client, f"{draft}/voir")
    assert response.status_code == 302 and response.headers["Location"] == f"/commune/{CODE}"
    page = page_of(client)
    assert DRAFT_NAME in page
    assert f"Brouillon n° {draft.rsplit('/', 1)[1]}, non publié" in page and BANNER in page
    layout = json.dumps(layout_of(client), ensure_ascii=False)
    assert f"Brouillon n° {draft.rsplit('/', 1)[1]}, non publié" in layout


def routed(client, path: str) -> str:
    """Dash Pages' router callback drawing ``path``, as the renderer asks for it (the page's content)."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    response = client.post("/_dash-update-component", json=body, base_url=BASE_URL)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_page_callbacks_follow_the_draft_for_its_staff_member_only(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir")
    assert DRAFT_NAME in routed(client, f"/commune/{CODE}")
    assert DRAFT_NAME not in routed(app.server.test_client(), f"/commune/{CODE}")


def test_the_embedded_card_says_it_shows_a_draft(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir")
    card = client.get(f"/integration/commune/{CODE}", base_url=BASE_URL)
    assert card.headers["Cache-Control"] == "private, no-store"
    assert f"Brouillon n° {draft.rsplit('/', 1)[1]}, non publié" in card.get_data(as_text=True)
    assert "non publié</strong>" not in page_of(app.server.test_client(), f"/integration/commune/{CODE}")


def test_a_visitor_sees_the_published_version_at_the_same_address(app, draft):
    view(staff_client(app), f"{draft}/voir")
    visitor = app.server.test_client()
    page = page_of(visitor)
    assert DRAFT_NAME not in page and BANNER not in page
    latest = poll(visitor)
    assert "view" not in latest and latest["version"] == app.server.extensions["coeur_live"].version


def test_copied_forged_or_foreign_cookies_never_show_the_draft(app, draft):
    staff = staff_client(app)
    view(staff, f"{draft}/voir")
    interface = SecureCookieSessionInterface()
    with app.server.test_request_context():
        genuine = interface.get_signing_serializer(app.server)
    assert genuine is not None
    draft_id = draft.rsplit("/", 1)[1]
    foreign = URLSafeTimedSerializer(
        "une autre clé",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"},
    )
    forged = {"gestion_vue": f"brouillon:{draft_id}", "gestion_jeton": "un-jeton-inventé"}
    for value in (
        json.dumps(forged),  # unsigned
        foreign.dumps(forged),  # signed with another key
        genuine.dumps(forged),  # signed with the app's key, but no such session in the database
    ):
        visitor = app.server.test_client()
        visitor.set_cookie("coeur_gestion", value, domain="localhost")
        page = page_of(visitor)
        assert DRAFT_NAME not in page and BANNER not in page, value
        assert "view" not in poll(visitor)


def test_a_copy_of_the_cookie_shows_the_draft_no_more_once_its_session_is_logged_out(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir")
    copy = app.server.test_client()
    copy.set_cookie("coeur_gestion", client.get_cookie("coeur_gestion", domain="localhost").value)
    assert DRAFT_NAME in page_of(copy)
    token = csrf_of(client, "/gestion/")
    client.post("/gestion/deconnexion", data={"csrf": token}, base_url=BASE_URL)
    page = page_of(copy)
    assert DRAFT_NAME not in page and BANNER not in page
    assert "view" not in poll(copy)


def test_the_draft_page_polls_its_own_version_and_never_reloads(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir")
    built = built_version(json.dumps(layout_of(client)))
    latest = poll(client)
    assert latest["version"] == built == latest["view"] == f"brouillon-{draft.rsplit('/', 1)[1]}"


def test_the_outlines_a_draft_page_names_are_served_to_its_staff_member(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir", page="/")
    page = page_of(client, "/")
    names = set(re.findall(r"/geo/([\w.-]+\.geojson)", page))
    assert names
    for name in names:
        assert client.get(f"/geo/{name}", base_url=BASE_URL).status_code == 200


def test_answers_made_with_a_draft_are_private_and_never_kept(app, draft):
    cache = app.server.extensions["coeur_version_cache"]
    client = staff_client(app)
    view(client, f"{draft}/voir")
    response = client.get(f"/commune/{CODE}", base_url=BASE_URL)
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]
    assert "ETag" not in response.headers or not response.headers["ETag"].startswith('W/"v-')
    visitor = app.server.test_client()
    for _ in range(2):
        assert DRAFT_NAME not in page_of(visitor)
    with cache._lock:
        kept = list(cache._answers.values())
    assert kept and not any(DRAFT_NAME.encode() in answer.body for answer in kept)


def test_an_answer_the_app_made_with_a_draft_is_not_kept_even_without_a_cookie():
    """The version cache keys on the version actually used: the app's mark (web/shown.py) wins."""
    from dashboard.endpoints.versioncache import VersionCache
    from dashboard.web.shown import ENVIRON_KEY

    def app(environ, start_response):
        environ[ENVIRON_KEY] = "brouillon-1"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"brouillon"]

    cache = VersionCache(app, version=lambda: "v1", routes=lambda _environ: True)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": None}
    headers: list = []
    body = b"".join(cache(environ, lambda status, h, exc=None: headers.extend(h)))
    assert body == b"brouillon"
    assert cache.stats()["answers"] == 0
    assert not any(name == "ETag" for name, _ in headers)


def test_leaving_the_view_shows_the_published_version_again(app, draft):
    client = staff_client(app)
    view(client, f"{draft}/voir")
    assert DRAFT_NAME in page_of(client)
    token = csrf_of(client, "/gestion/")
    assert client.post("/gestion/vue/quitter", data={"csrf": token}, base_url=BASE_URL).status_code == 302
    assert DRAFT_NAME not in page_of(client) and BANNER not in page_of(client)
    assert "view" not in poll(client)


def test_the_dashboard_at_an_earlier_version(app, draft):
    area = app.server.extensions["coeur_staff"]
    client = staff_client(app)
    first = area.head().id
    assert publish(client, draft, "nouveau nom à Cambrai", first).status_code == 302
    visitor = app.server.test_client()
    holder, before = app.server.extensions["coeur_live"], app.server.extensions["coeur_live"].version
    for _ in range(100):  # the background look may hold the lock for a moment: look again after it
        holder.wait()
        holder.look_now()
        if holder.version != before:
            break
        time.sleep(0.1)
    assert DRAFT_NAME in page_of(visitor)  # published: everyone sees it
    response = view(client, f"/gestion/version/{first}/voir")
    assert response.status_code == 302
    page = page_of(client)
    assert DRAFT_NAME not in page and f"Version {first} du " in page
    assert f"Le public voit la version {area.head().id}." in page
    assert DRAFT_NAME in page_of(visitor)
