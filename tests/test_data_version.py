"""One truth for the data version: every holder (worker, instance, a worker forked later from an older
master) serves the version accepted last; unstable, emptied or truncated files are never served."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.versions.live import LiveContext
from tests.conftest import HEADER, ROWS
from tests.test_live_reload import INVALID_ROWS, Clock, logements, write_rows

EDITED = [ROWS[0].replace(",11,11 PLI,", ",12,12 PLI,"), *ROWS[1:]]


def holder_on(world: Path, state: Path, clock: Clock, **options) -> LiveContext:
    return LiveContext(world, settle=0, clock=clock, state_dir=state, **options)


def test_a_worker_forked_from_an_older_master_serves_the_version_accepted_since(
    world: Path, tmp_path: Path
) -> None:
    state, clock = tmp_path / "state", Clock()
    master = holder_on(world, state, clock)
    worker = holder_on(world, state, Clock())  # another worker, which sees the edit
    write_rows(world, EDITED)
    worker._clock.advance()  # its own clock
    assert logements(worker, "sq-un") == 12
    write_rows(world, INVALID_ROWS)  # broken when the master forks a new worker
    assert logements(master, "sq-un") == 11  # the master itself has not looked since it started

    def child(pipe) -> None:
        pipe.send((logements(master, "sq-un"), master.status()["data_hash"]))

    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(target=child, args=(child_end,))
    process.start()
    served, digest = parent_end.recv()
    process.join(30)
    assert (served, digest) == (12, worker.status()["data_hash"])


def test_another_instance_follows_an_accepted_edit_and_neither_serves_a_broken_one(
    world: Path, tmp_path: Path
) -> None:
    state, first_clock, second_clock = tmp_path / "state", Clock(), Clock()
    first, second = holder_on(world, state, first_clock), holder_on(world, state, second_clock)
    write_rows(world, EDITED)
    first_clock.advance()
    second_clock.advance()
    assert logements(first, "sq-un") == logements(second, "sq-un") == 12
    assert first.status()["data_hash"] == second.status()["data_hash"]
    write_rows(world, INVALID_ROWS)
    first_clock.advance()
    second_clock.advance()
    assert logements(first, "sq-un") == logements(second, "sq-un") == 12
    assert first.failure is not None and second.failure is not None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "aucune opération : le fichier ne contient que l'en-tête"),
        (ROWS[:1], "2 opérations sur 3 disparaîtraient (fichier tronqué, vidé"),
    ],
    ids=["header-only", "two-thirds-gone"],
)
def test_an_emptied_or_truncated_file_is_held_with_a_french_error(
    world: Path, tmp_path: Path, rows: list[str], message: str
) -> None:
    clock = Clock()
    holder = holder_on(world, tmp_path / "state", clock)
    write_rows(world, rows)
    clock.advance()
    assert len(holder.get().dataset.operations) == 3
    assert message in str(holder.failure.errors[0])


def test_a_truncated_file_is_served_when_the_setting_allows_it(world: Path, tmp_path: Path) -> None:
    clock = Clock()
    holder = holder_on(world, tmp_path / "state", clock, allow_shrink=True)
    write_rows(world, ROWS[:1])
    clock.advance()
    assert len(holder.get().dataset.operations) == 1 and holder.failure is None


def test_a_version_is_loaded_only_once_unchanged_across_two_looks_settle_seconds_apart(
    world: Path, tmp_path: Path
) -> None:
    clock = Clock()
    clock.now = 2e9  # one clock for both: files dated "now" by the test are far in its past
    holder = LiveContext(world, settle=5, clock=clock, wall_clock=clock, state_dir=tmp_path / "state")
    write_rows(world, EDITED[:2])  # a first chunk
    clock.advance(2)
    assert logements(holder, "sq-un") == 11  # first seen: perhaps half written
    write_rows(world, EDITED)  # the rest, 4 s after the first chunk
    clock.advance(4)
    assert logements(holder, "sq-un") == 11  # changed since the last look: seen afresh
    clock.advance(2)
    assert logements(holder, "sq-un") == 11  # unchanged, but for 2 s only
    clock.advance(4)
    assert logements(holder, "sq-un") == 12 and len(holder.get().dataset.operations) == 3


def test_a_new_worker_counts_the_settle_time_from_the_first_look_of_any_worker(
    world: Path, tmp_path: Path
) -> None:
    """Workers replaced every few seconds still get to a stable version, and share its refusal."""
    clock = Clock()
    clock.now = 2e9
    state = tmp_path / "state"
    first = LiveContext(world, settle=5, clock=clock, wall_clock=clock, state_dir=state)
    newcomer = LiveContext(world, settle=5, clock=clock, wall_clock=clock, state_dir=state)
    newcomer._loader = refuse  # it must never need to load the broken version itself
    write_rows(world, INVALID_ROWS)
    clock.advance(2)
    assert first.failure is None  # seen, not yet stable
    clock.advance(6)
    assert "onze" in str(first.failure.errors[0])
    # The newcomer's own first look at these files: stable already, refused already.
    assert "onze" in str(newcomer.failure.errors[0])
    assert logements(newcomer, "sq-un") == 11


def refuse(data_dir: Path, report):
    """A loader that must not be called: the refusal is shared."""
    raise AssertionError("loaded again")


def test_a_restart_on_broken_files_serves_the_version_accepted_last(world: Path, tmp_path: Path) -> None:
    state, clock = tmp_path / "state", Clock()
    first = holder_on(world, state, clock)
    write_rows(world, EDITED)
    clock.advance()
    assert logements(first, "sq-un") == 12
    write_rows(world, INVALID_ROWS)
    restarted = holder_on(world, state, Clock())
    assert logements(restarted, "sq-un") == 12 and restarted.failure is not None


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], "operations.csv: aucune opération : le fichier ne contient que l'en-tête"),
        (
            [ROWS[0].replace(",11,11 PLI,", ",999999999,,"), *ROWS[1:]],
            "operations.csv:2: logements: « 999999999 » : plus de 2000 logements pour une opération",
        ),
        (
            [ROWS[0].replace(",s1,", ",inconnue,"), *ROWS[1:]],
            "operations.csv:2: source: « inconnue » : source absente de sources.csv",
        ),
    ],
    ids=["header-only", "implausible-dwellings", "unknown-source"],
)
def test_check_refuses_what_would_not_be_served(world: Path, tmp_path: Path, capsys, rows, expected) -> None:
    write_rows(world, rows)
    assert main(["check", "--data-dir", str(world), "--state-dir", str(tmp_path / "state")]) == 1
    assert expected in capsys.readouterr().out


def test_check_warns_about_markup_in_a_text(world: Path, tmp_path: Path, capsys) -> None:
    named = ROWS[0].replace(",Rue A,,", ',Rue A,<a href=""https://evil.example"">x</a>,')
    write_rows(world, [named, *ROWS[1:]])
    assert main(["check", "--data-dir", str(world), "--state-dir", str(tmp_path / "state")]) == 0
    assert "operations.csv:2: avertissement: nom: « <a href=" in capsys.readouterr().out


def test_check_refuses_a_file_that_removes_served_operations(world: Path, tmp_path: Path, capsys) -> None:
    state = tmp_path / "state"
    holder_on(world, state, Clock())  # the version served: 3 operations
    path = world.parent / "edited.csv"
    path.write_text("\n".join([HEADER, ROWS[0]]) + "\n", encoding="utf-8")
    command = ["check", str(path), "--data-dir", str(world), "--state-dir", str(state)]
    assert main(command) == 1
    out = capsys.readouterr().out
    assert "2 opérations sur 3 disparaîtraient" in out
    assert "operations.csv: id: co-deux (ACV, Compiègne) disparaîtrait" in out
    assert main([*command, "--allow-shrink"]) == 0
    assert os.listdir(world).count("edited.csv") == 0  # check wrote nothing into the data folder


def test_the_development_server_refuses_broken_data_with_the_report_and_no_traceback(
    world: Path, tmp_path: Path, capsys
) -> None:
    write_rows(world, INVALID_ROWS)
    assert main(["serve", "--data-dir", str(world), "--state-dir", str(tmp_path / "state")]) == 1
    err = capsys.readouterr().err
    assert "Données refusées, serveur non démarré" in err and "operations.csv:2: logements" in err
    assert "Traceback" not in err
