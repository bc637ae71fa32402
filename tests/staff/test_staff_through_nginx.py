"""The staff area through the production setup (scripts/serve-production.sh: nginx in front of two gunicorn
instances, COEUR_STAFF=1, a public address set): log in, CSRF, an upload over nginx's limit refused by nginx
with its French page, a workbook uploaded and published, served by the public pages through nginx; the
OpenID Connect redirect URI on the public address whatever Host the request names. Plain HTTP, the session
cookie carried by hand (it is Secure: a client library would not send it over http://127.0.0.1)."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import openpyxl
import pytest

from tests.conftest import REPO
from tests.staff.conftest import cell, saved, staff_data
from tests.staff.discovery import discovery_server
from tests.test_production import NGINX, free_pair, free_port, get

pytestmark = [
    pytest.mark.proxy,
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.access(NGINX, os.X_OK),
        reason="nginx absent: `apt-get install nginx` (scripts/setup.sh --test installs it)",
    ),
]
PUBLIC_URL = "https://coeur.example.fr"
USER, PASSWORD = "paul.martin", "un mot de passe de production"
NEW_NAME = "Résidence publiée derrière nginx"
OP, CODE = "cambrai-rue-de-sellen", "59122"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


class Browser:
    """Requests to nginx with the cookies set by the answers kept by hand (Secure ones included)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=sent)
        try:
            answer = OPENER.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            status, content, received = answer.status, answer.read(), answer.headers
        for header in received.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return status, content, received

    def get(self, path: str, headers: dict | None = None):
        return self.send("GET", path, headers=headers)

    def form(self, path: str, fields: dict):
        body = urlencode(fields, doseq=True).encode()
        return self.send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf(self, path: str) -> str:
        status, page, _ = self.get(path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()

    def upload(self, body: bytes, name: str = "classeur.xlsx"):
        boundary = uuid.uuid4().hex
        token = self.csrf("/gestion/")
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n',
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n",
        ]
        data = "".join(parts).encode() + body + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.send("POST", "/gestion/depot", data, headers)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("staff-nginx")
    data = staff_data(root / "data")
    state = root / "state"
    with discovery_server() as issuer:
        env = dict(
            os.environ,
            COEUR_STAFF="1",
            COEUR_WORKERS="1",
            COEUR_STATE_DIR=str(state),
            COEUR_PUBLIC_URL=PUBLIC_URL,
            COEUR_SECRET_KEY="clé des instances de production " * 2,
            COEUR_OIDC_ISSUER=issuer,
            COEUR_OIDC_CLIENT_ID="coeur",
            COEUR_OIDC_CLIENT_SECRET="secret",
            COEUR_OIDC_GROUPS="gestion",
        )
        account = subprocess.run(
            [sys.executable, "-m", "dashboard", "add-user", USER, "--password-stdin"]
            + ["--data-dir", str(data), "--state-dir", str(state)],
            input=PASSWORD + "\n",
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert account.returncode == 0, account.stderr
        proxy, first = free_port(), free_pair()
        command = [
            str(REPO / "scripts" / "serve-production.sh"),
            *("--port", str(proxy), "--first-app-port", str(first), "--instances", "2"),
            *("--data-dir", str(data), "--run-dir", str(root / "run")),
        ]
        log = (root / "serve.log").open("wb")
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if all(get(f"http://127.0.0.1:{p}/healthz")[0] == 200 for p in (proxy, first, first + 1)):
                        break
                except OSError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, (
                    root / "serve.log"
                ).read_text()
                time.sleep(0.5)
            yield f"http://127.0.0.1:{proxy}"
        finally:
            process.send_signal(signal.SIGTERM)  # the script stops the instances and nginx it started
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def logged_in(url: str) -> Browser:
    browser = Browser(url)
    token = browser.csrf("/gestion/connexion")
    status, _, headers = browser.form(
        "/gestion/connexion", {"csrf": token, "identifiant": USER, "mot_de_passe": PASSWORD}
    )
    assert status == 302 and headers["Location"] == "/gestion/", status
    assert "coeur_gestion" in browser.cookies
    return browser


def test_a_login_without_its_csrf_token_is_refused_and_one_with_it_enters(site):
    browser = Browser(site)
    browser.get("/gestion/connexion")
    status, page, _ = browser.form("/gestion/connexion", {"identifiant": USER, "mot_de_passe": PASSWORD})
    assert status == 403 and "formulaire expiré" in page.decode()
    staff = logged_in(site)
    status, page, headers = staff.get("/gestion/")
    assert status == 200 and "Version publiée" in page.decode()
    assert headers["Cache-Control"] == "no-store"
    status, page, _ = staff.send(
        "POST", "/gestion/depot", b"", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 403 and "formulaire expiré" in page.decode()  # no token: refused by the app


def test_an_upload_over_the_limit_is_refused_by_nginx_with_its_french_page(site):
    staff = logged_in(site)
    status, page, headers = staff.upload(b"x" * (22 * 2**20), "enorme.xlsx")
    assert status == 413
    assert "Requête trop volumineuse" in page.decode("utf-8")
    assert headers.get("Content-Security-Policy")  # nginx's own page, with the security headers
    status, page, _ = staff.send("POST", "/gestion/connexion", b"x" * (300 * 1024))  # elsewhere: 256 KB
    assert status == 413 and "Requête trop volumineuse" in page.decode("utf-8")


def test_a_workbook_published_through_nginx_is_served_to_the_public(site):
    staff = logged_in(site)
    status, body, _ = staff.get("/gestion/classeur.xlsx")
    assert status == 200
    book = openpyxl.load_workbook(io.BytesIO(body))
    cell(book, "operations", "nom", OP).value = NEW_NAME
    status, _, headers = staff.upload(saved(book))
    assert status == 302, status
    draft = headers["Location"]
    seen = re.search(rb'name="version_vue" value="(\d+)"', staff.get(draft)[1]).group(1).decode()
    token = staff.csrf(draft)
    status, _, headers = staff.form(
        f"{draft}/publier", {"csrf": token, "note": "nom publié derrière nginx", "version_vue": seen}
    )
    assert status == 302 and headers["Location"] == "/gestion/historique"
    assert "nom publié derrière nginx" in staff.get("/gestion/historique")[1].decode()
    visitor = Browser(site)
    for _ in range(120):  # each instance looks every 2 s, then loads the version: both within seconds
        pages = [visitor.get(f"/commune/{CODE}")[1].decode() for _ in range(4)]  # both instances answer
        if all(NEW_NAME in page for page in pages):
            break
        time.sleep(0.5)
    assert all(NEW_NAME in page for page in pages)


def test_the_redirect_uri_through_nginx_is_on_the_public_address(site):
    status, _, headers = Browser(site).get("/gestion/oidc", {"Host": "evil.example"})
    assert status == 302
    uri = parse_qs(urlsplit(headers["Location"]).query)["redirect_uri"][0]
    assert uri == f"{PUBLIC_URL}/gestion/oidc/retour"
