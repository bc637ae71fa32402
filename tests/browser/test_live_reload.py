"""The data file edited under a running server: open pages follow it, and never show a broken version."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from dashboard.cli import main
from tests.browser.conftest import start_server, wait_for_idle, wait_for_map

SHOTS = Path("/tmp/r23-shots")  # screenshots to look at, not compared

NEW_ROW = (
    "lille-essai,hors ACV,Lille,59350,Rue de l'Essai,,construction neuve,Opération ajoutée pour l'essai.,"
    "20,,20 PLUS,,,,,2024,,,,,,clesence-acv,,,,"
)
MARKERS = "#region-map .scattergeo .point"


def with_cell(text: str, line: int, column: str, value: str) -> str:
    """``text`` with one cell changed, every other byte kept (line numbers included)."""
    lines = text.split("\n")
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[line - 1]]))
    row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    lines[line - 1] = out.getvalue()
    return "\n".join(lines)


def operations_shown(page) -> str:
    card = page.locator(".kf-card", has=page.locator(".kf-label", has_text="dans la vue")).first
    return card.locator(".kf-value").inner_text().split(" ")[0]


@pytest.fixture
def live_server(real_data_copy: Path):
    state = real_data_copy.parent / "state"
    running = start_server(real_data_copy, reload_check_seconds=0.2, poll_seconds=1, state_dir=state)
    yield running
    running.stop()


def test_the_page_follows_the_data_file_and_never_shows_a_broken_version(live_server, page) -> None:
    csv_path = live_server.data_dir / "operations.csv"
    original = csv_path.read_text(encoding="utf-8")
    p = page.page
    p.goto(live_server.url + "/")
    wait_for_map(p)
    wait_for_idle(p)
    # A symbol per commune with operations, and the partner centres' names: counted from the shipped data.
    markers, shown = p.locator(MARKERS).count(), int(operations_shown(p))
    assert markers > 4 and shown > 0
    geometry_before = [url for url in page.requests if "/geo/communes-region-" in url]

    # A valid change: one more operation, in a commune the map did not colour yet.
    valid = original + NEW_ROW + "\n"
    with p.expect_navigation(timeout=20_000):  # the page reloads itself once the server has the new data
        csv_path.write_text(valid, encoding="utf-8")
    wait_for_map(p)
    wait_for_idle(p)
    assert p.locator(MARKERS).count() == markers + 1  # Lille joins the map
    assert operations_shown(p) == str(shown + 1)
    geometry_after = [url for url in page.requests if "/geo/communes-region-" in url]
    # A commune with operations is a symbol, never an area: the same outlines (ACV towns, partner
    # centres) serve the new version, at the same URL.
    assert geometry_after[-1] == geometry_before[-1]

    # An invalid change: the banner names the file and the first errors, the data shown stays.
    invalid = with_cell(with_cell(valid, 5, "logements", "beaucoup"), 7, "code_insee", "99999")
    csv_path.write_text(invalid, encoding="utf-8")
    banner = p.locator("#live-banner")
    banner.get_by_text("operations.csv n'a pas été rechargé : 2 erreurs.").wait_for(timeout=20_000)
    text = banner.inner_text()
    assert "operations.csv:5: logements: « beaucoup »" in text
    assert "operations.csv:7: code_insee: « 99999 »" in text
    assert p.locator(MARKERS).count() == markers + 1
    p.reload()
    wait_for_map(p)
    wait_for_idle(p)
    assert operations_shown(p) == str(shown + 1)
    banner.get_by_text("operations.csv n'a pas été rechargé").wait_for()
    assert csv_path.read_text(encoding="utf-8") == invalid  # the file is never touched

    # Valid again, but without the operation added: held until someone confirms the removal.
    csv_path.write_text(original, encoding="utf-8")
    banner.get_by_text("Nouvelle version en attente de confirmation").wait_for(timeout=20_000)
    assert "lille-essai (hors ACV, Lille) disparaîtrait" in banner.inner_text()
    assert operations_shown(p) == str(shown + 1)
    SHOTS.mkdir(exist_ok=True)
    banner.screenshot(path=str(SHOTS / "held-banner.png"))

    # Confirmed: the banner goes, the new data shows.
    state = live_server.data_dir.parent / "state"
    with p.expect_navigation(timeout=20_000):
        assert main(["confirm", "--data-dir", str(live_server.data_dir), "--state-dir", str(state)]) == 0
    wait_for_map(p)
    wait_for_idle(p)
    assert p.locator(MARKERS).count() == markers
    assert banner.inner_text() == ""
    assert page.errors == []
    assert page.foreign_requests() == []


def test_the_page_remembers_its_version_and_reloads_for_an_answer_from_a_newer_one(server, page) -> None:
    """assets/version.js: the page's version goes into the coeur_v cookie (sent with every request: a server
    still on an older version refuses it); an answer naming a newer version reloads the page, once."""
    p = page.page
    p.goto(server.url + "/")
    wait_for_map(p)
    wait_for_idle(p)
    stamp = int(p.locator('meta[name="coeur-version"]').get_attribute("content"))
    cookies = {cookie["name"]: cookie["value"] for cookie in p.context.cookies()}
    assert cookies["coeur_v"] == str(stamp)
    newer = stamp + 1

    def from_a_newer_version(route) -> None:  # as if another instance, ahead, had answered
        try:
            answer = route.fetch()
            route.fulfill(response=answer, headers={**answer.headers, "x-coeur-version": str(newer)})
        except PlaywrightError:  # the page is reloading: what it had asked is dropped
            pass

    p.route("**/_dash-update-component*", from_a_newer_version)
    p.evaluate("window.coeurBeforeReload = true")
    p.locator("#ctl-year [role=slider]").first.press("ArrowLeft")
    for _ in range(200):  # until a new document (the page's CSP forbids wait_for_function's eval)
        with contextlib.suppress(PlaywrightError):  # evaluated while the page reloads
            if p.evaluate("() => window.coeurBeforeReload") is None:
                break
        p.wait_for_timeout(100)
    p.unroute("**/_dash-update-component*")
    wait_for_map(p)
    cookies = {cookie["name"]: cookie["value"] for cookie in p.context.cookies()}
    assert cookies["coeur_v"] == str(newer)  # a version no process accepted: the server still answers
    assert p.locator('meta[name="coeur-version"]').get_attribute("content") == str(stamp)
    assert not page.errors
