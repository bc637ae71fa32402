"""Removals through the data folder are held until confirmed, and the state folder stays bounded: refused
versions keep their report, not their files; snapshots are pruned by count and size."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.endpoints.freshness import banner
from dashboard.versions import accepted
from dashboard.versions.accepted import StateDir, confirm_pending, publish_files, read_files
from dashboard.versions.live import WATCHED, LiveContext, failure_summary
from tests.conftest import HEADER, ROWS, write_world
from tests.test_live_reload import INVALID_ROWS, Clock, write_rows

# Thirteen operations: the three test rows, each under several ids.
THIRTEEN = [ROWS[n % 3].replace(ROWS[n % 3].split(",")[0], f"op-{n:02d}", 1) for n in range(13)]


def operations(holder: LiveContext) -> int:
    return len(holder.get().dataset.operations)


def snapshots(state: Path) -> list[str]:
    return sorted(path.name for path in (state / accepted.SNAPSHOTS).iterdir())


@pytest.fixture
def thirteen(tmp_path: Path) -> Path:
    return write_world(tmp_path / "data", THIRTEEN)


def test_a_writer_pausing_at_8_of_13_rows_is_never_served(thirteen: Path, tmp_path: Path) -> None:
    """Two workers on one host; the writer stops 7 s (more than the settle time) after 8 rows."""
    clock = Clock()
    clock.now = 2e9  # wall and monotonic clocks in one: the files the test writes are in its past
    state = tmp_path / "state"
    workers = [
        LiveContext(thirteen, settle=5, clock=clock, wall_clock=clock, state_dir=state) for _ in range(2)
    ]
    served = []
    write_rows(thirteen, THIRTEEN[:8])
    for _ in range(8):  # 7 s, a look every second
        clock.advance(1)
        served += [operations(worker) for worker in workers]
    held = workers[0].failure
    assert held is not None and held.held
    assert (
        failure_summary(held)
        == "Nouvelle version en attente de confirmation : des opérations disparaîtraient."
    )
    assert [str(issue) for issue in held.errors][1:3] == [
        "operations.csv: id: op-08 (hors ACV, Amiens) disparaîtrait",
        "operations.csv: id: op-09 (ACV, Saint-Quentin) disparaîtrait",
    ]
    assert "5 opérations sur 13 disparaîtraient" in str(held.errors[0])
    assert workers[1].status()["held_version"] == held.version
    write_rows(thirteen, THIRTEEN)  # the writer ends
    for _ in range(8):
        clock.advance(1)
        served += [operations(worker) for worker in workers]
    assert set(served) == {13}
    assert all(worker.failure is None for worker in workers)


def test_a_removal_is_served_once_confirmed_by_the_command(thirteen: Path, tmp_path: Path, capsys) -> None:
    clock, state = Clock(), tmp_path / "state"
    holder = LiveContext(thirteen, settle=0, clock=clock, state_dir=state)
    write_rows(thirteen, THIRTEEN[1:])
    clock.advance()
    assert operations(holder) == 13 and holder.failure.held
    assert "Nouvelle version en attente" in repr(banner(holder.failure))
    command = ["confirm", "--data-dir", str(thirteen), "--state-dir", str(state)]
    assert main(command) == 0
    out = capsys.readouterr().out
    assert "op-00 (ACV, Saint-Quentin) disparaîtrait" in out and "confirmée (12 opérations)" in out
    clock.advance()
    assert operations(holder) == 12 and holder.failure is None
    assert main(command) == 1  # nothing left to confirm
    assert "Aucune version en attente de confirmation." in capsys.readouterr().err


def test_the_staff_area_confirms_only_the_version_it_was_shown(thirteen: Path, tmp_path: Path) -> None:
    clock, state = Clock(), tmp_path / "state"
    holder = LiveContext(thirteen, settle=0, clock=clock, state_dir=state)
    write_rows(thirteen, THIRTEEN[1:])
    clock.advance()
    shown = holder.failure.version
    write_rows(thirteen, THIRTEEN[2:])  # another removal since the page was drawn
    clock.advance()
    assert holder.failure.version != shown
    assert confirm_pending(state, shown) is None
    confirmed = confirm_pending(state, holder.failure.version)
    assert confirmed is not None and confirmed.operations == 11
    clock.advance()
    assert operations(holder) == 11


def test_removals_are_served_at_once_with_the_override(thirteen: Path, tmp_path: Path) -> None:
    clock = Clock()
    holder = LiveContext(thirteen, settle=0, clock=clock, state_dir=tmp_path / "state", allow_shrink=True)
    write_rows(thirteen, THIRTEEN[:8])
    clock.advance()
    assert operations(holder) == 8 and holder.failure is None


def test_a_restart_on_a_removal_serves_the_version_accepted_last_and_holds_it(
    thirteen: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    LiveContext(thirteen, settle=0, clock=Clock(), state_dir=state)
    write_rows(thirteen, THIRTEEN[:8])
    restarted = LiveContext(thirteen, settle=0, clock=Clock(), state_dir=state)
    assert operations(restarted) == 13 and restarted.failure.held


def test_five_refused_versions_keep_their_reports_and_no_copy_of_their_files(
    world: Path, tmp_path: Path
) -> None:
    clock, state = Clock(), tmp_path / "state"
    holder = LiveContext(world, settle=0, clock=clock, state_dir=state)
    before = snapshots(state)
    for n in range(5):
        big_cell = "x" * 50_000  # each refused version a little bigger than the data itself
        write_rows(world, [INVALID_ROWS[0].replace("Rue A", f"Rue {n} {big_cell}"), *INVALID_ROWS[1:]])
        clock.advance()
        assert holder.failure is not None and not holder.failure.held
    assert snapshots(state) == before  # the accepted one only
    store = StateDir(state)
    reports = [store.refusal(digest) for digest in store._read(accepted.REFUSED)]
    assert len(reports) == 5 and all("onze" in str(report.errors[0]) for report in reports)


def test_snapshots_are_pruned_by_count_and_size_never_the_accepted_one(
    world: Path, tmp_path: Path, monkeypatch
) -> None:
    clock, state = Clock(), tmp_path / "state"
    holder = LiveContext(world, settle=0, clock=clock, state_dir=state)
    for n in range(8):
        write_rows(world, [ROWS[0].replace(",11,11 PLI,", f",{20 + n},{20 + n} PLI,"), *ROWS[1:]])
        clock.advance()
        assert holder.failure is None
    assert len(snapshots(state)) == accepted.KEEP_SNAPSHOTS
    size = sum(path.stat().st_size for path in (state / accepted.SNAPSHOTS / snapshots(state)[0]).iterdir())
    monkeypatch.setattr(accepted, "MAX_SNAPSHOT_BYTES", size + 1)  # room for one
    write_rows(world, [ROWS[0].replace(",11,11 PLI,", ",40,40 PLI,"), *ROWS[1:]])
    clock.advance()
    served = holder.status()["data_hash"]
    assert snapshots(state) == [served]


def test_code_can_publish_file_bytes_as_a_new_version(world: Path, tmp_path: Path) -> None:
    """The entry point of the staff area: bytes it validated itself, served by every holder that follows."""
    clock, state = Clock(), tmp_path / "state"
    holder = LiveContext(world, settle=0, clock=clock, state_dir=state)
    files = read_files(world, WATCHED)
    files["operations.csv"] = ("\n".join([HEADER, *ROWS[:2]]) + "\n").encode()
    pointer = publish_files(state, files, operations=2)
    clock.advance()
    assert holder.status()["data_hash"] == pointer.digest and operations(holder) == 2
