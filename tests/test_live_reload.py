"""LiveContext: the data files are reloaded when they change; a wrong version never replaces good data."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.schema import Derived
from dashboard.versions import live
from dashboard.versions.live import DataError, LiveContext, failure_summary
from tests.conftest import HEADER, ROWS

INVALID_ROWS = [ROWS[0].replace(",11,11 PLI,", ",onze,11 PLI,"), ROWS[1], ROWS[2].replace("80021", "99999")]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float = live.CHECK_EVERY) -> None:
        self.now += seconds


class CountingLoader:
    def __init__(self, delay: float = 0.0) -> None:
        self.calls = 0
        self.delay = delay
        self._lock = threading.Lock()

    def __call__(self, data_dir: Path, report):
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)
        return load_dataset(data_dir, report)


def write_rows(world: Path, rows: list[str]) -> bytes:
    body = ("\n".join([HEADER, *rows]) + "\n").encode()
    (world / "operations.csv").write_bytes(body)
    return body


def look_now(holder: LiveContext) -> None:
    """The app's holder looks in the background: let a look that started before the files changed end,
    then one look at the files as they are now."""
    assert holder.wait(timeout=60)
    holder.get()
    assert holder.wait(timeout=60)


def logements(holder: LiveContext, op_id: str) -> int:
    return int(holder.get().dataset.operations.at[op_id, Derived.LOGEMENTS_RETENUS])


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def loader() -> CountingLoader:
    return CountingLoader()


@pytest.fixture
def holder(world: Path, clock: Clock, loader: CountingLoader) -> LiveContext:
    return LiveContext(world, settle=0, clock=clock, loader=loader)


def test_an_unchanged_folder_is_loaded_once(
    holder: LiveContext, clock: Clock, loader: CountingLoader
) -> None:
    first = holder.get()
    for _ in range(5):
        clock.advance()
        assert holder.get() is first
    assert loader.calls == 1


def test_a_valid_change_is_served_after_the_next_check(
    holder: LiveContext, world: Path, clock: Clock
) -> None:
    before = holder.get()
    write_rows(world, [ROWS[0].replace(",11,11 PLI,", ",12,12 PLI,"), *ROWS[1:]])
    assert holder.get() is before  # not looked at yet: the check is spaced
    clock.advance()
    assert logements(holder, "sq-un") == 12
    assert holder.version != before.version and len(holder.version) == 12
    assert holder.failure is None


def test_an_invalid_file_keeps_the_last_valid_data_and_names_its_first_errors(
    holder: LiveContext, world: Path, clock: Clock
) -> None:
    served = holder.get()
    written = write_rows(world, INVALID_ROWS)
    clock.advance()
    assert holder.get() is served
    failure = holder.failure
    assert failure is not None
    assert failure_summary(failure) == "operations.csv n'a pas été rechargé : 2 erreurs."
    assert [str(issue) for issue in failure.errors] == [
        "operations.csv:2: logements: « onze » n'est pas un nombre entier : attendu par ex. « 1841 »",
        "operations.csv:4: code_insee: « 99999 » : code INSEE inconnu parmi les communes du périmètre "
        "(départements 02, 60, 80)",
    ]
    assert (world / "operations.csv").read_bytes() == written  # never "repaired" on disk


def test_fixing_the_file_clears_the_failure_and_serves_the_new_data(
    holder: LiveContext, world: Path, clock: Clock
) -> None:
    write_rows(world, INVALID_ROWS)
    clock.advance()
    assert holder.failure is not None
    write_rows(world, [ROWS[0].replace(",11,11 PLI,", ",13,13 PLI,"), *ROWS[1:]])
    clock.advance()
    assert holder.failure is None
    assert logements(holder, "sq-un") == 13


def test_going_back_to_the_served_version_clears_the_failure_without_loading(
    holder: LiveContext, world: Path, clock: Clock, loader: CountingLoader
) -> None:
    original = (world / "operations.csv").read_bytes()
    write_rows(world, INVALID_ROWS)
    clock.advance()
    assert holder.failure is not None
    (world / "operations.csv").write_bytes(original)
    clock.advance()
    assert holder.failure is None
    assert loader.calls == 2  # the start and the invalid version


def test_the_same_broken_content_is_not_loaded_again(
    holder: LiveContext, world: Path, clock: Clock, loader: CountingLoader
) -> None:
    write_rows(world, INVALID_ROWS)
    clock.advance()
    assert holder.failure is not None
    os.utime(world / "operations.csv")  # touched: new time, same bytes
    clock.advance()
    assert holder.failure is not None
    assert loader.calls == 2


def test_touching_a_file_without_changing_it_reloads_nothing(
    holder: LiveContext, world: Path, clock: Clock, loader: CountingLoader
) -> None:
    before = holder.get()
    os.utime(world / "communes.geojson", ns=(1, 1))
    clock.advance()
    assert holder.get() is before
    assert loader.calls == 1


def test_every_file_the_dataset_reads_is_watched(holder: LiveContext, world: Path, clock: Clock) -> None:
    before = holder.version
    metadata = world / "metadata.json"
    metadata.write_text(
        metadata.read_text(encoding="utf-8").replace("{", '{"essai": 1, ', 1), encoding="utf-8"
    )
    clock.advance()
    assert holder.version != before
    assert holder.get().dataset.metadata["essai"] == 1


def test_a_file_still_being_written_is_loaded_once_it_has_settled(world: Path, clock: Clock) -> None:
    wall = Clock()
    holder = LiveContext(world, settle=1.0, clock=clock, wall_clock=wall)
    before = holder.get()
    write_rows(world, [ROWS[0].replace(",11,11 PLI,", ",12,12 PLI,"), *ROWS[1:]])
    modified = wall.now - 0.2
    os.utime(world / "operations.csv", (modified, modified))
    clock.advance()
    assert holder.get() is before  # modified 0.2 s ago: perhaps half written
    wall.advance(1.0)
    clock.advance()
    assert logements(holder, "sq-un") == 12


def test_a_missing_file_is_a_failure_that_names_it(holder: LiveContext, world: Path, clock: Clock) -> None:
    served = holder.get()
    (world / "operations.csv").unlink()
    clock.advance()
    assert holder.get() is served
    assert failure_summary(holder.failure) == "operations.csv n'a pas été rechargé : 1 erreur."


def test_an_unexpected_exception_while_loading_is_a_failure_not_a_crash(
    world: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def loader(data_dir, report):
        calls.append(data_dir)
        if len(calls) > 1:
            raise ValueError("a case no validator foresaw")
        return load_dataset(data_dir, report)

    holder = LiveContext(world, settle=0, clock=clock, loader=loader)
    served = holder.get()
    write_rows(world, ROWS[:2])
    clock.advance()
    assert holder.get() is served
    assert failure_summary(holder.failure) == "Les données n'ont pas été rechargées : erreur inattendue."
    assert "journal du serveur" in str(holder.failure.errors[0])
    assert "a case no validator foresaw" not in str(holder.failure.errors[0])


def test_geometry_of_the_previous_version_is_still_served(
    holder: LiveContext, world: Path, clock: Clock
) -> None:
    old_names = set(holder.get().geo.by_name())
    acv = (world / "acv-communes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in acv if not line.startswith("60159,")]  # Compiègne leaves the programme:
    (world / "acv-communes.csv").write_text("".join(kept), encoding="utf-8")  # the outlines drawn change
    clock.advance()
    new_names = set(holder.get().geo.by_name())
    assert old_names != new_names
    for name in old_names | new_names:
        assert holder.geo_asset(name) is not None
    assert holder.geo_asset("communes-region-000000000000.geojson") is None


def test_concurrent_requests_during_a_reload_load_once_and_all_get_valid_data(
    world: Path, clock: Clock
) -> None:
    loader = CountingLoader()
    holder = LiveContext(world, settle=0, clock=clock, loader=loader)
    old = holder.get()
    loader.delay = 0.3
    write_rows(world, [ROWS[0].replace(",11,11 PLI,", ",12,12 PLI,"), *ROWS[1:]])
    clock.advance()
    seen, errors = [], []

    def ask() -> None:
        try:
            seen.append(holder.get())
        except Exception as error:  # the test reports any
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert len(seen) == 16 and all(context is old or context is holder.get() for context in seen)
    assert loader.calls == 2
    assert logements(holder, "sq-un") == 12


def test_invalid_data_at_start_is_refused_with_the_report(world: Path) -> None:
    write_rows(world, INVALID_ROWS)
    with pytest.raises(DataError, match=r"operations\.csv:2: logements"):
        LiveContext(world)


def test_the_status_says_whether_the_last_reload_failed_and_nothing_private(
    holder: LiveContext, world: Path, clock: Clock
) -> None:
    ok = holder.status()
    assert ok["data_hash"].startswith(ok["data_version"]) and len(ok["data_hash"]) == 64
    assert ok.pop("accepted_at").endswith("Z") and ok.pop("data_hash")
    assert ok == {
        "status": "ok",
        "data_version": holder.version,
        "data_date": holder.get().dataset.metadata.get("date_donnees"),
        "operations": 3,
        "last_reload_failed": False,
        "failed_version": None,
        "errors": 0,
        "held_version": None,
        "reload_stalled_seconds": None,
    }
    write_rows(world, INVALID_ROWS)
    clock.advance()
    failed = holder.status()
    assert failed["status"] == "ok" and failed["last_reload_failed"] is True and failed["errors"] == 2
    assert failed["data_version"] == ok["data_version"]
    assert str(world) not in repr(failed) and "onze" not in repr(failed)


def settled(folder: Path) -> None:
    """Date every file ten seconds back, as if written a while ago (no waiting for them to settle)."""
    past = time.time() - 10
    for path in folder.iterdir():
        os.utime(path, (past, past))


def poll_banner(client) -> dict:
    answer = client.post(
        "/_dash-update-component",
        json={
            "output": "..live-banner.children...live-latest.data..",
            "outputs": [
                {"id": "live-banner", "property": "children"},
                {"id": "live-latest", "property": "data"},
            ],
            "inputs": [{"id": "live-poll", "property": "n_intervals", "value": 1}],
            "state": [{"id": "live-latest", "property": "data", "value": None}],
            "changedPropIds": ["live-poll.n_intervals"],
        },
    )
    assert answer.status_code == 200
    return answer.get_json()["response"]


def test_healthz_and_the_banner_follow_a_refused_then_fixed_file(world: Path) -> None:
    from dashboard.app import create_app
    from dashboard.settings import Settings

    settings = Settings(data_dir=world, reload_check_seconds=0, reload_settle_seconds=0)
    app = create_app(settings)
    client, holder = app.server.test_client(), app.server.extensions["coeur_live"]

    def looked() -> None:
        look_now(holder)

    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.headers["Cache-Control"] == "no-store"
    assert healthy.get_json()["last_reload_failed"] is False
    assert poll_banner(client)["live-banner"]["children"] is None

    original = (world / "operations.csv").read_bytes()
    write_rows(world, INVALID_ROWS)
    settled(world)
    looked()
    health = client.get("/healthz").get_json()
    assert (
        health["last_reload_failed"] is True and health["data_version"] == healthy.get_json()["data_version"]
    )
    answer = poll_banner(client)
    text = repr(answer["live-banner"]["children"])
    assert "operations.csv n'a pas été rechargé : 2 erreurs." in text
    assert "operations.csv:2: logements: « onze »" in text
    assert answer["live-latest"]["data"] == {
        "version": health["data_version"],
        "refused": health["failed_version"],
        "at": holder.accepted_at,
    }

    (world / "operations.csv").write_bytes(original)
    settled(world)
    looked()
    assert client.get("/healthz").get_json()["last_reload_failed"] is False
    assert poll_banner(client)["live-banner"]["children"] is None
