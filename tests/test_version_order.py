"""Never backwards (endpoints/versionorder.py): every answer names the version it comes from, and a process
still serving an older version than the browser has seen refuses it (503, French, Retry-After) instead of
answering from that older version; a cookie naming a version no process accepted is ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.endpoints import versionorder
from dashboard.settings import Settings
from dashboard.versions.accepted import StateDir, publish_files, read_files
from dashboard.versions.live import WATCHED, stamp_of

ENCODING = {"Accept-Encoding": "br"}


@pytest.fixture
def app(world: Path, tmp_path: Path):
    # No look at the files during a test: a version published meanwhile is not followed (the process is
    # behind, as an instance whose master has not switched yet).
    settings = Settings(data_dir=world, reload_check_seconds=3600, state_dir=tmp_path / "state")
    return create_app(settings)


def stamp_of_app(app) -> int:
    return app.server.extensions["coeur_live"].stamp


def newer_version(world: Path, state: Path) -> int:
    """A version accepted by another process of the host (the state folder's pointer) after this one's."""
    pointer = publish_files(state, read_files(world, WATCHED), 3)
    return stamp_of(pointer.at)


@pytest.mark.parametrize("path", ["/", "/commune/80021", "/_dash-layout", "/healthz", "/assets/style.css"])
def test_every_answer_names_the_version_it_comes_from(app, path) -> None:
    answer = app.server.test_client().get(path, headers=ENCODING)
    assert answer.status_code == 200
    assert answer.headers[versionorder.HEADER] == str(stamp_of_app(app))


def test_a_page_writes_its_version_for_the_browser_to_remember(app) -> None:
    page = app.server.test_client().get("/").get_data(as_text=True)
    found = re.search(r'<meta name="coeur-version" content="(\d+)">', page)
    assert found is not None and int(found.group(1)) == stamp_of_app(app)


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/healthz"])
def test_a_browser_that_has_seen_a_newer_version_is_refused_in_french_until_this_process_has_it(
    app, world: Path, tmp_path: Path, path: str
) -> None:
    client = app.server.test_client()
    kept = client.get(path, headers=ENCODING)  # this version's answer, kept by the version cache
    newer = newer_version(world, tmp_path / "state")
    client.set_cookie(versionorder.COOKIE, str(newer))
    answer = client.get(path, headers=ENCODING)
    assert answer.status_code == 503 and answer.data != kept.data
    assert answer.headers["Retry-After"] == "1" and answer.headers[versionorder.BEHIND] == "1"
    assert answer.headers["Cache-Control"] == "no-store" and "ETag" not in answer.headers
    assert "Content-Security-Policy" in answer.headers  # the app's own headers
    said = answer.json["detail"] if answer.is_json else answer.get_data(as_text=True)
    assert "version plus récente des données" in said
    app.server.extensions["coeur_live"].look_now()  # the process takes the newer version
    assert client.get(path, headers=ENCODING).status_code == 200


def test_a_refused_page_asks_again_by_itself_and_keeps_its_style(app, world: Path, tmp_path: Path) -> None:
    client = app.server.test_client()
    client.set_cookie(versionorder.COOKIE, str(newer_version(world, tmp_path / "state")))
    page = client.get("/commune/80021")
    assert page.status_code == 503 and page.headers["Refresh"] == "2"
    assert client.get("/assets/style.css").status_code == 200  # no data version changes it


def test_a_callback_from_a_browser_ahead_is_refused_with_a_french_json_answer(
    app, world: Path, tmp_path: Path
) -> None:
    client = app.server.test_client()
    client.set_cookie(versionorder.COOKIE, str(newer_version(world, tmp_path / "state")))
    answer = client.post("/_dash-update-component", json={"output": "x.y", "inputs": []})
    assert answer.status_code == 503
    assert answer.json["detail"] == versionorder.MESSAGE


@pytest.mark.parametrize("offset", [-1, 0])
def test_a_browser_that_has_seen_this_version_or_an_older_one_is_answered(app, offset: int) -> None:
    client = app.server.test_client()
    client.set_cookie(versionorder.COOKIE, str(stamp_of_app(app) + offset))
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999", "abc", "-5", "1" * 40])
def test_a_cookie_naming_a_version_no_process_accepted_is_ignored(app, value: str) -> None:
    client = app.server.test_client()
    client.set_cookie(versionorder.COOKIE, value)
    assert client.get("/").status_code == 200
    assert app.server.extensions["coeur_version_order"].refused == 0


def test_the_version_cookie_alone_leaves_answers_shared_and_any_other_cookie_private(app) -> None:
    client = app.server.test_client()
    cache = app.server.extensions["coeur_version_cache"]
    client.set_cookie(versionorder.COOKIE, str(stamp_of_app(app)))
    first = client.get("/", headers=ENCODING)
    hits = cache.stats()["hits"]
    again = client.get("/", headers=ENCODING)
    assert first.headers["ETag"] == again.headers["ETag"] and cache.stats()["hits"] == hits + 1
    client.set_cookie("session", "abc")
    own = client.get("/", headers=ENCODING)
    assert own.status_code == 200 and "ETag" not in own.headers


@pytest.mark.parametrize(
    ("header", "alone"),
    [
        ("coeur_v=1733472000000000", True),
        (" coeur_v=17; ", True),
        ("coeur_v=17; session=abc", False),
        ("session=abc", False),
        ("coeur_v=abc", False),
    ],
)
def test_only_the_version_cookie_alone_counts_as_no_visitor_content(header: str, alone: bool) -> None:
    assert versionorder.only_version_cookie(header) is alone


def test_versions_accepted_one_after_another_have_growing_stamps(world: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    stamps = [stamp_of(publish_files(state, read_files(world, WATCHED), 3, at=1e9).at) for _ in range(3)]
    assert stamps == sorted(set(stamps))
    assert StateDir(state).pointer() is not None
