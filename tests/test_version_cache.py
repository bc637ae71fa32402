"""What every visitor of a data version gets alike is computed once per version (endpoints/versioncache.py):
kept with an ETag naming the version, answered 304 on revalidation, never served once the version changed,
and never kept for a request that carries a visitor's own cookie or credentials."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.endpoints.versioncache import ETAG_PREFIX, VersionCache
from dashboard.settings import Settings
from tests.dash_requests import callback_body, find_output
from tests.test_live_reload import look_now

ENCODING = {"Accept-Encoding": "br"}


def settled(world: Path) -> None:
    """The files look written a while ago: the next look at them loads them (settle 0)."""
    past = time.time() - 10
    for path in world.iterdir():
        os.utime(path, (past, past))


@pytest.fixture
def app(world: Path, tmp_path: Path):
    settings = Settings(
        data_dir=world, reload_check_seconds=0, reload_settle_seconds=0, state_dir=tmp_path / "state"
    )
    return create_app(settings)


def cache_of(app) -> VersionCache:
    return app.server.extensions["coeur_version_cache"]


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/_dash-dependencies", "/commune/80021"])
def test_a_page_asked_again_is_the_same_bytes_from_the_cache_with_a_version_etag(app, path) -> None:
    client = app.server.test_client()
    first = client.get(path, headers=ENCODING)
    hits = cache_of(app).stats()["hits"]
    again = client.get(path, headers=ENCODING)
    assert first.status_code == again.status_code == 200
    assert first.headers["ETag"].startswith(ETAG_PREFIX) and again.headers["ETag"] == first.headers["ETag"]
    assert again.data == first.data and again.headers["Content-Encoding"] == "br"
    assert cache_of(app).stats()["hits"] == hits + 1
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]


def test_a_browser_holding_the_page_gets_a_304_without_a_body(app) -> None:
    client = app.server.test_client()
    etag = client.get("/", headers=ENCODING).headers["ETag"]
    again = client.get("/", headers={**ENCODING, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/", headers={**ENCODING, "If-None-Match": 'W/"v-autre"'}).status_code == 200


def test_each_encoding_and_query_has_its_own_answer(app) -> None:
    client = app.server.test_client()
    brotli = client.get("/", headers=ENCODING)
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    other_year = client.get("/?annee=2020", headers=ENCODING)
    assert "Content-Encoding" not in plain.headers and b"<html" in plain.data
    assert len({brotli.headers["ETag"], plain.headers["ETag"], other_year.headers["ETag"]}) == 3


def test_a_repeated_callback_is_answered_from_the_cache(app) -> None:
    client = app.server.test_client()
    body = year_change_body(app, 2022)
    first = client.post("/_dash-update-component", json=body, headers=ENCODING)
    hits = cache_of(app).stats()["hits"]
    again = client.post("/_dash-update-component", json=body, headers=ENCODING)
    assert first.status_code == 200 and again.data == first.data
    assert cache_of(app).stats()["hits"] == hits + 1
    assert again.headers["Cache-Control"] == "no-store"  # for the browser: still never kept
    other = client.post("/_dash-update-component", json=year_change_body(app, 2021), headers=ENCODING)
    assert other.headers["ETag"] != first.headers["ETag"]


def test_no_answer_outlives_its_data_version(app, world: Path) -> None:
    client = app.server.test_client()
    body = year_change_body(app, 2022)
    before_page = client.get("/", headers=ENCODING)
    before_callback = client.post("/_dash-update-component", json=body, headers=ENCODING)
    version = client.get("/healthz").get_json()["data_version"]

    metadata = world / "metadata.json"
    changed = metadata.read_text(encoding="utf-8").replace("}", ', "note": "nouvelle version"}', 1)
    metadata.write_text(changed, encoding="utf-8")
    settled(world)
    look_now(app.server.extensions["coeur_live"])
    assert client.get("/healthz").get_json()["data_version"] != version
    page = client.get("/", headers=ENCODING)
    callback = client.post("/_dash-update-component", json=body, headers=ENCODING)
    assert page.headers["ETag"] != before_page.headers["ETag"]
    assert callback.headers["ETag"] != before_callback.headers["ETag"]
    held = client.get("/", headers={**ENCODING, "If-None-Match": before_page.headers["ETag"]})
    assert held.status_code == 200  # the old version's tag is not the current one
    assert cache_of(app).stats()["answers"] == 2  # the older version's answers are gone


@pytest.mark.parametrize("header", ["Cookie", "Authorization"])
def test_a_visitor_s_own_request_is_neither_kept_nor_answered_from_the_cache(app, header) -> None:
    client = app.server.test_client()
    client.get("/", headers=ENCODING)
    stats = cache_of(app).stats()
    if header == "Cookie":  # the test client sends its own cookie jar in place of a Cookie header
        client.set_cookie("session", "abc")
        own = client.get("/", headers=ENCODING)
    else:
        own = client.get("/", headers={**ENCODING, header: "Basic YTpi"})
    assert own.status_code == 200 and "ETag" not in own.headers
    after = cache_of(app).stats()
    assert (after["hits"], after["answers"]) == (stats["hits"], stats["answers"])


def fake_app(answers: list[tuple[str, list[tuple[str, str]], bytes]]):
    calls = []

    def application(environ, start_response):
        status, headers, body = answers[len(calls) % len(answers)]
        calls.append(environ["PATH_INFO"])
        start_response(status, headers)
        return [body]

    return application, calls


def call(cache: VersionCache, path: str = "/", **environ) -> tuple[str, dict, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(cache({"REQUEST_METHOD": "GET", "PATH_INFO": path, **environ}, start_response))
    return seen["status"], seen["headers"], body


@pytest.mark.parametrize(
    "status, headers",
    [
        ("404 NOT FOUND", []),
        ("500 INTERNAL SERVER ERROR", []),
        ("302 FOUND", [("Location", "/")]),
        ("200 OK", [("Set-Cookie", "session=abc")]),
    ],
)
def test_errors_redirects_and_answers_setting_a_cookie_are_never_kept(status, headers) -> None:
    application, calls = fake_app([(status, headers, b"x")])
    cache = VersionCache(application, version=lambda: "v1", routes=lambda environ: True)
    for _ in range(2):
        answered, sent, _ = call(cache)
        assert answered == status and "ETag" not in sent
    assert len(calls) == 2


def test_the_store_keeps_to_its_size_dropping_the_least_recent() -> None:
    application, calls = fake_app([("200 OK", [], b"x" * 400)])
    cache = VersionCache(application, version=lambda: "v1", routes=lambda environ: True, max_bytes=1000)
    for path in ("/a", "/b", "/c", "/a"):
        call(cache, path)
    assert calls == ["/a", "/b", "/c", "/a"] and cache.stats()["bytes"] <= 1000


def test_an_answer_made_while_the_version_changed_is_not_kept() -> None:
    versions = iter(["v1", "v2", "v2", "v2", "v2"])
    application, calls = fake_app([("200 OK", [], b"x")])
    cache = VersionCache(application, version=lambda: next(versions), routes=lambda environ: True)
    _, sent, _ = call(cache)
    assert "ETag" not in sent  # asked under v1, answered under v2: which version's bytes is unknown
    call(cache)
    call(cache)
    assert len(calls) == 2  # the second asked under v2 and kept; the third from the store


def year_change_body(app, year: int) -> dict:
    """The region's key figures for ``year``, as the browser asks them on a year step."""
    output = find_output(app, "region-figures.children")
    return callback_body(app, output, {"region-ready.data": True, "ctl-year.value": year}, ["ctl-year.value"])


def test_nothing_is_kept_while_the_version_is_unknown() -> None:
    """A reload that does not end: the banner counts its seconds, no answer may be kept meanwhile."""
    application, calls = fake_app([("200 OK", [], b"x")])
    cache = VersionCache(application, version=lambda: None, routes=lambda environ: True)
    for _ in range(2):
        _, sent, _ = call(cache)
        assert "ETag" not in sent
    assert len(calls) == 2 and cache.stats()["answers"] == 0
