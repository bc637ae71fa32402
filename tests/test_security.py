"""configure_security: headers on every response, no versions shown, bodies capped, errors in French."""

from __future__ import annotations

import http.client
import json
import logging
import re
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard import cli
from dashboard.app import create_app
from dashboard.endpoints import security
from dashboard.endpoints.security import QuietRequestHandler, content_security_policy, frame_origin
from dashboard.model import analysis
from dashboard.settings import Settings
from tests.dash_requests import CALLBACK_URL, callback_body, find_output


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from tests.conftest import write_world

    return create_app(Settings(data_dir=write_world(tmp_path_factory.mktemp("world") / "data")))


@pytest.fixture
def client(app):
    return app.server.test_client()


def directives(policy: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def test_pages_allow_this_origin_only_and_dash_inline_scripts_by_hash(app, client) -> None:
    page = client.get("/")
    policy = directives(page.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert set(policy["script-src"][1:]) == set(app.csp_hashes())
    assert len(policy["script-src"]) == 1 + len(app.csp_hashes())  # 'self', then one hash per inline script
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    # Every inline script of the page is one the policy allows.
    for script in re.findall(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
        page.get_data(as_text=True),
        flags=re.S,
    ):
        import base64
        import hashlib

        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]


@pytest.mark.parametrize(
    "url", ["/", "/commune/02691", "/assets/style.css", "/_dash-layout", "/healthz", "/nowhere", "/geo/nope"]
)
def test_every_response_carries_the_security_headers(client, url: str) -> None:
    headers = client.get(url).headers
    assert "Content-Security-Policy" in headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Permissions-Policy"].startswith("camera=()")
    assert "Server" not in headers and "X-Powered-By" not in headers


def test_callback_answers_carry_them_too(app, client) -> None:
    answer = client.post(CALLBACK_URL, json=callback_body(app, find_output(app, "live-banner.children")))
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_configured_origins_may_frame_the_dashboard_and_x_frame_options_goes(world: Path) -> None:
    app = create_app(
        Settings(data_dir=world, frame_ancestors=("https://intranet.example.org", "https://*.example.fr"))
    )
    headers = app.server.test_client().get("/").headers
    assert directives(headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'self'",
        "https://intranet.example.org",
        "https://*.example.fr",
    ]
    assert "X-Frame-Options" not in headers  # it cannot name a list of origins


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://a.example; script-src *",
        "'unsafe-inline'",
        "javascript:alert(1)",
        "https://a example",
        "data:",
        "https://a.example/chemin",
        "",
    ],
)
def test_an_origin_that_could_widen_the_policy_is_refused(origin: str) -> None:
    with pytest.raises(ValueError, match="origine invalide"):
        frame_origin(origin)


def test_origins_come_from_the_environment_and_the_command_line(monkeypatch) -> None:
    monkeypatch.setenv("COEUR_FRAME_ANCESTORS", "https://a.example https://b.example:8443")
    assert Settings.from_env().frame_ancestors == ("https://a.example", "https://b.example:8443")
    served = []
    monkeypatch.setattr(cli, "serve", lambda settings: served.append(settings) or 0)
    assert cli.main(["--frame-ancestors", "https://a.example/", "http://localhost:3000"]) == 0
    assert served[0].frame_ancestors == ("https://a.example", "http://localhost:3000")
    with pytest.raises(SystemExit):
        cli.main(["--frame-ancestors", "*"])


def test_the_policy_is_a_plain_list_of_directives() -> None:
    policy = content_security_policy(["'sha256-abc='"], ("https://a.example",))
    assert policy.startswith(
        "default-src 'self'; script-src 'self' 'sha256-abc='; style-src 'self' 'unsafe-inline'"
    )
    assert policy.endswith("frame-ancestors 'self' https://a.example")


def dash_config(client) -> dict:
    page = client.get("/").get_data(as_text=True)
    return json.loads(
        re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page).group(1)
    )


def test_pages_do_not_name_the_python_dash_or_plotly_versions(client) -> None:
    config = dash_config(client)
    for key in security.HIDDEN_CONFIG:
        assert key not in config
    assert config["disable_version_check"] is True
    assert config["requests_pathname_prefix"] == "/"  # what the renderer needs is still there
    page = client.get("/").get_data(as_text=True)
    assert sys.version.split()[0] not in page and "GCC" not in page and "dash-version.plotly.com" not in page


def test_the_werkzeug_server_of_the_command_line_does_not_name_itself(app) -> None:
    for handler, named in ((QuietRequestHandler, False), (None, True)):
        options = {"request_handler": handler} if handler else {}
        server = make_server("127.0.0.1", 0, app.server, threaded=True, **options)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", "/healthz")
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
            assert ("Werkzeug" in (answer.getheader("Server") or "")) is named
            assert answer.getheader("Date")
        finally:
            server.shutdown()
            thread.join(timeout=10)


def test_debug_mode_is_off_unless_asked_for(monkeypatch, world: Path) -> None:
    monkeypatch.delenv("COEUR_DEBUG", raising=False)
    assert Settings().debug is False and Settings.from_env().debug is False
    monkeypatch.setenv("COEUR_DEBUG", "true")  # only "1" turns it on
    assert Settings.from_env().debug is False
    monkeypatch.setenv("COEUR_DEBUG", "1")
    assert Settings.from_env().debug is True
    runs = []
    monkeypatch.setattr("dash.Dash.run", lambda self, **options: runs.append(options))
    assert cli.main(["--data-dir", str(world)]) == 0
    assert runs[-1]["debug"] is False and runs[-1]["request_handler"] is QuietRequestHandler
    assert cli.main(["serve", "--data-dir", str(world), "--debug"]) == 0
    assert runs[-1]["debug"] is True
    app = create_app(Settings(data_dir=world))
    assert app.server.debug is False
    assert app.server.test_client().get("/_reload-hash").status_code == 404  # debug-only endpoint


class Remember(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unexpected_error_is_a_french_500_without_trace_and_is_logged(app, client, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail /srv/coeur/data")

    monkeypatch.setattr(analysis, "key_figures", broken)
    remember = Remember()
    logging.getLogger("dashboard.endpoints.security").addHandler(remember)
    try:
        answer = client.post(
            CALLBACK_URL,
            json=callback_body(app, find_output(app, "region-figures.children"), {"region-ready.data": True}),
        )
    finally:
        logging.getLogger("dashboard.endpoints.security").removeHandler(remember)
    assert answer.status_code == 500
    assert answer.get_json() == {"erreur": "Erreur interne", "detail": security.ERRORS[500][1]}
    text = answer.get_data(as_text=True)
    assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text
    assert remember.records and remember.records[0].exc_info[0] is RuntimeError


def test_an_unexpected_error_on_a_page_is_a_small_french_page(app, monkeypatch) -> None:
    from dashboard.web import pages

    monkeypatch.setattr(pages, "route", lambda *args: 1 / 0)
    # An address no other test asked: the answer to one already asked is kept (endpoints/versioncache.py).
    answer = app.server.test_client().get("/commune/02691?erreur=1")
    assert answer.status_code == 500
    text = answer.get_data(as_text=True)
    assert '<html lang="fr">' in text and "Erreur interne" in text and "ZeroDivision" not in text


def test_bodies_over_the_cap_are_refused_with_a_413(client) -> None:
    answer = client.post(
        CALLBACK_URL, data=b"[" * (security.MAX_BODY_BYTES + 1), content_type="application/json"
    )
    assert answer.status_code == 413
    assert answer.get_json()["erreur"] == "Requête trop volumineuse"


def test_healthz_is_never_cached_and_names_no_path(client, world: Path) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json()["status"] == "ok"
    assert "/" not in json.dumps(answer.get_json())
