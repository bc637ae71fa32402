"""Only what can be read safely is read: a pipe, a device or a folder in place of a data file is a French
error (on screen and in ``check``), reads are bounded by the bytes read, and a reload that does not end
never blocks serving."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from dashboard.cli import check
from dashboard.data.reader import MAX_FILE_BYTES, read_bytes, read_regular
from dashboard.data.report import ReadRefused, Report
from dashboard.endpoints.freshness import banner
from dashboard.versions import live
from dashboard.versions.accepted import StateDir
from dashboard.versions.live import LiveContext, failure_summary
from tests.conftest import ROWS
from tests.test_live_reload import Clock, CountingLoader, logements, write_rows

EDITED = [ROWS[0].replace(",11,11 PLI,", ",12,12 PLI,"), *ROWS[1:]]
FIFO = "tube nommé (FIFO) à la place d'un fichier : attendu un fichier ordinaire"
DEVICE = "périphérique (caractères) à la place d'un fichier : attendu un fichier ordinaire"
FOLDER = "dossier à la place d'un fichier : attendu un fichier ordinaire"


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def dev_zero(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


def folder(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


SPECIAL = [(fifo, FIFO), (dev_zero, DEVICE), (folder, FOLDER)]
SPECIAL_IDS = ["fifo", "dev-zero", "folder"]


def in_thread(function, *args):
    """``function(*args)`` in a thread; a read that blocks would hang the test run instead of failing it."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function(*args)), daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "blocked"
    return result[0]


@pytest.mark.parametrize(("make", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_a_special_file_in_place_of_a_data_file_is_refused_in_french(
    tmp_path: Path, make, message: str
) -> None:
    path = tmp_path / "operations.csv"
    make(path)
    report = Report()
    assert in_thread(read_bytes, path, report, MAX_FILE_BYTES) is None
    assert [str(issue) for issue in report.errors] == [f"operations.csv: {message}"]


def test_a_file_bigger_than_the_cap_is_refused_without_being_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "operations.csv"
    with path.open("wb") as file:
        file.truncate(200 * 1024 * 1024)  # 200 MB, sparse: nothing written to disk
    read: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(
        ReadRefused, match=r"fichier trop gros \(209715200 octets\) : au plus 104857600 octets"
    ):
        read_regular(path, MAX_FILE_BYTES)
    assert read == []


def test_a_read_stops_at_the_cap_whatever_the_file_system_announces(tmp_path: Path, monkeypatch) -> None:
    """A file that grows while read (or whose size the file system misreports) is read up to the cap + 1."""
    path = tmp_path / "operations.csv"
    path.write_bytes(b"x" * 10)
    read: list[int] = []
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or b"y" * n)  # never ends, like /dev/zero
    with pytest.raises(ReadRefused, match="fichier trop gros"):
        read_regular(path, 3_000_000)
    assert sum(read) == 3_000_001


@pytest.mark.parametrize(("make", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_a_live_reload_refuses_a_special_file_and_then_serves_a_valid_edit(
    world: Path, tmp_path: Path, make, message: str
) -> None:
    clock = Clock()
    holder = LiveContext(world, settle=0, clock=clock, state_dir=tmp_path / "state")
    make(world / "operations.csv")
    clock.advance()
    failure = in_thread(lambda: holder.failure)
    assert failure is not None and [str(issue) for issue in failure.errors] == [f"operations.csv: {message}"]
    assert failure_summary(failure) == "operations.csv n'a pas été rechargé : 1 erreur."
    assert holder.status()["last_reload_failed"] is True and logements(holder, "sq-un") == 11
    folder_or_file = world / "operations.csv"
    if folder_or_file.is_dir() and not folder_or_file.is_symlink():
        folder_or_file.rmdir()
    else:
        folder_or_file.unlink()
    write_rows(world, EDITED)
    clock.advance()
    assert logements(holder, "sq-un") == 12 and holder.failure is None


@pytest.mark.parametrize(("make", "message"), SPECIAL, ids=SPECIAL_IDS)
def test_check_refuses_a_special_file_in_french(world: Path, tmp_path: Path, capsys, make, message) -> None:
    path = tmp_path / "operations.csv"
    make(path)
    assert in_thread(check, path, world) == 1
    out = capsys.readouterr().out
    assert f"operations.csv: {message}" in out and "Traceback" not in out


def test_check_gives_up_on_a_read_that_never_ends(world: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """A read blocked in the system (here: opening a pipe no one writes to, as a stale network mount would
    block) is cut by ``check``'s deadline with a French error."""
    pipe = tmp_path / "stale"
    os.mkfifo(pipe)

    def blocked(*_args, **_kwargs):
        with open(pipe, "rb") as stuck:  # blocks until a writer comes: none will
            return stuck.read()

    monkeypatch.setattr("dashboard.cli.vetting.load_checked", blocked)
    assert check(world / "operations.csv", world, state_dir=tmp_path / "state", seconds=0.5) == 1
    out = capsys.readouterr().out
    assert "vérification abandonnée après 0 s : un fichier ne se lit pas jusqu'au bout" in out


class BlockingLoader(CountingLoader):
    """Loads at once, until ``block`` is set: then waits for ``release`` (a read stuck on a stale mount)."""

    def __init__(self) -> None:
        super().__init__()
        self.block, self.release, self.entered = threading.Event(), threading.Event(), threading.Event()

    def __call__(self, data_dir: Path, report):
        if self.block.is_set():
            self.entered.set()
            self.release.wait()
        return super().__call__(data_dir, report)


def test_a_reload_that_does_not_end_is_reported_and_never_blocks_serving(world: Path, tmp_path: Path) -> None:
    clock, loader = Clock(), BlockingLoader()
    holder = LiveContext(
        world, settle=0, clock=clock, loader=loader, state_dir=tmp_path / "state", background=True
    )
    served = holder.get()
    loader.block.set()
    write_rows(world, EDITED)
    clock.advance()
    assert holder.get() is served  # the look runs in its own thread
    assert loader.entered.wait(timeout=60)
    assert holder.status()["status"] == "ok"  # not yet past the deadline
    clock.advance(live.LOAD_DEADLINE + 1)
    for _ in range(3):  # requests go on being answered, with the data already loaded
        assert holder.get() is served
    status = holder.status()
    assert status["status"] == "stalled" and status["reload_stalled_seconds"] == live.LOAD_DEADLINE + 1
    failure = holder.failure
    assert (
        failure is not None and failure_summary(failure) == "Le rechargement des données ne se termine pas."
    )
    assert "ne se lit pas jusqu'au bout" in repr(banner(failure))

    loader.release.set()
    assert holder.wait(timeout=60)
    assert logements(holder, "sq-un") == 12
    assert holder.failure is None and holder.status()["status"] == "ok"


def test_a_stalled_look_stops_the_other_processes_of_the_host_for_its_lease_only(
    world: Path, tmp_path: Path
) -> None:
    """Two holders on one state folder stand for two processes of the host: the first one's look stalls
    while it holds the host's lease; once the lease has run out, the second validates and serves the edit,
    and the first one's verdict, when it comes, is dropped (another was published meanwhile): it follows."""
    state, wall = tmp_path / "state", Clock()
    stuck_clock, other_clock, loader = Clock(), Clock(), BlockingLoader()
    stuck = LiveContext(
        world, settle=0, clock=stuck_clock, wall_clock=wall, loader=loader, state_dir=state, background=True
    )
    other = LiveContext(world, settle=0, clock=other_clock, wall_clock=wall, state_dir=state)
    loader.block.set()
    write_rows(world, EDITED)
    stuck_clock.advance()
    stuck.get()
    assert loader.entered.wait(timeout=60)  # stalled, holding the lease
    other_clock.advance()
    assert logements(other, "sq-un") == 11  # the lease is the stalled one's: not looked at
    wall.advance(live.LOAD_DEADLINE + 1)
    other_clock.advance()
    assert logements(other, "sq-un") == 12  # the lease ran out: validated and served
    published = StateDir(state).pointer()
    assert published is not None and published.digest == other.shown()[0]

    loader.release.set()
    assert stuck.wait(timeout=60)
    assert StateDir(state).pointer() == published  # the late verdict was not written
    stuck_clock.advance()
    stuck.get()
    assert stuck.wait(timeout=60)
    assert logements(stuck, "sq-un") == 12 and stuck.shown() == other.shown()


def test_the_lease_of_a_process_that_died_ends_at_once(tmp_path: Path) -> None:
    store = StateDir(tmp_path / "state")
    child = os.fork()
    if child == 0:  # a process that takes the lease and dies holding it
        with store.loading(3600.0) as lease:
            os._exit(0 if lease is not None else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with store.loading(3600.0) as lease:
        assert lease is not None
        with store.loading(3600.0) as second:  # while this one runs, no other
            assert second is None


def test_direction_controls_are_warned_by_check_and_removed_from_what_is_shown(world: Path, capsys) -> None:
    from dashboard.data.vetting import load_checked

    write_rows(world, [ROWS[0].replace(",Un,", ",Un \u202egnp.exe\u202c,"), *ROWS[1:]])
    report = Report()
    dataset = load_checked(world, report)
    assert dataset is not None
    assert "\u202e" not in dataset.operations.at["sq-un", "description"]
    assert dataset.operations.at["sq-un", "description"] == "Un gnp.exe"
    assert check(world / "operations.csv", world) == 0
    out = capsys.readouterr().out
    assert (
        "operations.csv:2: avertissement: description: caractère de contrôle de direction (U+202C, U+202E) "
        "retiré : invisible, il peut inverser ou masquer le texte affiché"
    ) in out
