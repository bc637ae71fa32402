"""The data being served, reloaded when its files change on disk; wrong files never replace good data.

``LiveContext.get()`` looks at the files' stat at most every few seconds, from whichever request asks: no
thread to run. Each gunicorn worker keeps its own holder, and every holder follows the version accepted
last (``versions.accepted``): a worker forked later from a master holding older data, or another instance
on the same data folder, serves that version, never an older one.

A new version of the files is loaded once it is stable: its stat (size, modification time, inode)
unchanged across two looks at least ``SETTLE`` seconds apart, and no file modified less than ``SETTLE``
seconds ago. A writer that pauses longer than that in the middle of a file must write a temporary file
and rename it (atomic), as rsync, LibreOffice and most editors do; a version that would lose more than
half of the operations at once is held anyway (``vetting.check_shrink``).
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.data import dataset as ds
from dashboard.data import vetting
from dashboard.data.cog import HISTORY_FILE
from dashboard.data.mapgeo import GeoAsset
from dashboard.data.report import Issue, Report
from dashboard.model.formatting import plural
from dashboard.versions.accepted import SHORT, Pointer, StateDir, digest_of, read_files
from dashboard.web.context import Context, build_context

log = logging.getLogger(__name__)

# Every file load_dataset reads. A change to any of them is a new version of the data.
WATCHED = (
    ds.OPERATIONS_FILE,
    ds.COMMUNES_FILE,
    ds.DEPARTEMENTS_FILE,
    ds.ACV_FILE,
    ds.TOTALS_FILE,
    ds.SOURCES_FILE,
    ds.METADATA_FILE,
    HISTORY_FILE,
    ds.PARTNERS_FILE,
)
CHECK_EVERY = 2.0  # seconds between two looks at the files' stat: a handful of stat() calls
# A version seen for less than this, or with a file modified less than this ago, may still be being written
# (editors and spreadsheets do not all replace files atomically): it is loaded on a later look.
SETTLE = 5.0
KEEP_ASSETS = 4  # geometry documents of earlier versions still served, for pages drawn before a reload
UNEXPECTED = "erreur inattendue au chargement (détail dans le journal du serveur)"
UNEXPECTED_FILE = "données"  # the file at fault is not known

Signature = tuple[tuple[str, int, int, int] | tuple[str], ...]


class DataError(RuntimeError):
    """The data folder cannot be loaded; the message is the full report."""


@dataclass(frozen=True)
class Failure:
    """A version of the files that was refused, and why."""

    version: str
    report: Report
    at: float  # wall-clock time of the attempt

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.report.sorted() if issue.severity == "erreur"]


@dataclass(frozen=True)
class _State:
    context: Context
    failure: Failure | None
    digest: str  # sha256 of the files of the context served
    accepted_at: float  # wall-clock time at which that version was accepted (here or by another worker)


def file_signature(data_dir: Path) -> Signature:
    """Modification time, size and inode of each watched file: cheap, and changed by any write or rename."""
    entries: list[tuple[str, int, int, int] | tuple[str]] = []
    for name in WATCHED:
        try:
            stat = (data_dir / name).stat()
        except OSError:
            entries.append((name,))
            continue
        entries.append((name, stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(entries)


def failure_summary(failure: Failure) -> str:
    """``operations.csv n'a pas été rechargé : 2 erreurs.``"""
    errors = failure.errors
    files = list(dict.fromkeys(issue.file for issue in errors))
    if files in ([], [UNEXPECTED_FILE]):
        return "Les données n'ont pas été rechargées : erreur inattendue."
    if len(files) == 1:
        who = f"{files[0]} n'a pas été rechargé"
    else:
        who = f"{', '.join(files[:-1])} et {files[-1]} n'ont pas été rechargés"
    return f"{who} : {plural(len(errors), 'erreur')}."


class LiveContext:
    """Thread-safe holder of the ``Context`` being served and of the last refused version, if any."""

    def __init__(
        self,
        data_dir: Path,
        *,
        check_every: float = CHECK_EVERY,
        settle: float = SETTLE,
        loader: Callable[[Path, Report], ds.Dataset | None] = vetting.load_checked,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        state_dir: Path | None = None,
        allow_shrink: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._check_every = check_every
        self._settle = settle
        self._loader = loader
        self._clock = clock
        self._wall_clock = wall_clock
        self._allow_shrink = allow_shrink
        self._store = StateDir(state_dir if state_dir is not None else _private_state_dir())
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._old_assets: OrderedDict[str, GeoAsset] = OrderedDict()
        self._signature: Signature | None = file_signature(self.data_dir)
        self._state = self._start()
        self._next_check = self._clock() + self._check_every

    def get(self) -> Context:
        """The current context, after a look at the files if the last one is older than ``check_every``."""
        if os.getpid() != self._pid:
            self._after_fork()
        if self._clock() >= self._next_check and self._lock.acquire(blocking=False):
            # One request looks (and reloads, ~0.7 s for the shipped data); the others meanwhile go on
            # with the context they already had.
            try:
                if self._clock() >= self._next_check:
                    self._follow()
                    self._refresh()
            finally:
                self._next_check = self._clock() + self._check_every
                self._lock.release()
        return self._state.context

    def catch_up(self) -> None:
        """Serve the version accepted last, if it is not the one held (gunicorn's master calls this before
        forking a worker, so that a new worker starts with it instead of loading it itself)."""
        with self._lock:
            self._follow()

    def _after_fork(self) -> None:
        """A worker forked from the master holds the master's data: before it serves anything, it catches up
        with the version accepted since (every request of the new worker waits for that, once)."""
        with self._lock:
            if os.getpid() != self._pid:
                self._follow()
                self._pid = os.getpid()

    @property
    def failure(self) -> Failure | None:
        """The last refused version of the files, while they are in that state."""
        self.get()
        return self._state.failure

    @property
    def version(self) -> str:
        return self.get().version

    def geo_asset(self, name: str) -> GeoAsset | None:
        """A geometry document of the current data, or of a recent one (a page drawn before a reload)."""
        asset = self.get().geo_assets().get(name)
        return asset if asset is not None else self._old_assets.get(name)

    def status(self) -> dict:
        """What a process supervisor needs to know, and nothing private (no path, no error text)."""
        context = self.get()
        state = self._state
        return {
            "status": "ok",
            "data_version": context.version,
            "data_hash": state.digest,
            "accepted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(state.accepted_at)),
            "data_date": context.dataset.metadata.get("date_donnees"),
            "operations": len(context.dataset.operations),
            "last_reload_failed": state.failure is not None,
            "failed_version": state.failure.version if state.failure else None,
            "errors": len(state.failure.errors) if state.failure else 0,
        }

    def _start(self) -> _State:
        """The files as they are; if they are refused, the version accepted last, if there is one."""
        files = read_files(self.data_dir, WATCHED)
        digest = digest_of(files)
        pointer = self._store.pointer()
        context, report = self._load(self._store.snapshot(files)[1], digest)
        if context is not None and pointer is not None and pointer.digest != digest:
            context = self._unless_shrunk(pointer.operations, context, report)
        if context is not None:
            if pointer is not None and pointer.digest == digest:
                return _State(context, None, digest, pointer.at)
            return self._accept(context, digest, previous=None)
        fallback = self._accepted_context(pointer)
        if fallback is None:
            raise DataError(report.render())
        log.warning("data in %s refused at start; serving the version accepted last", self.data_dir)
        failure = Failure(digest[:SHORT], report, self._wall_clock())
        return _State(fallback, failure, pointer.digest, pointer.at)  # type: ignore[union-attr]

    def _follow(self) -> None:
        """Serve the version another worker or instance accepted after the one served here."""
        state = self._state
        pointer = self._store.pointer()
        if pointer is None or pointer.digest == state.digest or pointer.at <= state.accepted_at:
            return
        context = self._accepted_context(pointer)
        if context is None:
            return
        log.info("data in %s: following version %s", self.data_dir, pointer.version)
        self._remember_assets(state.context)
        failure = state.failure if state.failure and state.failure.version != pointer.version else None
        self._state = _State(context, failure, pointer.digest, pointer.at)

    def _accepted_context(self, pointer: Pointer | None) -> Context | None:
        folder = self._store.folder(pointer.digest) if pointer is not None else None
        if folder is None:
            return None
        context, report = self._load(folder, pointer.digest)  # type: ignore[union-attr]
        if context is None:
            log.warning("accepted version %s no longer loads: %s", pointer.version, report.render()[:300])  # type: ignore[union-attr]
        return context

    def _refresh(self) -> None:
        before = file_signature(self.data_dir)
        if before == self._signature or not self._stable(before):
            return
        files = read_files(self.data_dir, WATCHED)
        if file_signature(self.data_dir) != before:  # changed while being read: look again later
            return
        self._signature = before
        self._consider(files)

    def _consider(self, files: dict[str, bytes | None]) -> None:
        digest = digest_of(files)
        state = self._state
        if digest == state.digest:  # touched, or back to the version served: nothing to load
            if state.failure is not None:
                self._state = dataclasses.replace(state, failure=None)
            return
        if state.failure is not None and state.failure.version == digest[:SHORT]:
            return
        shared = self._store.refusal(digest)
        if shared is not None:  # refused by another worker already: the same report, without loading
            failure = Failure(digest[:SHORT], shared, self._wall_clock())
            self._state = dataclasses.replace(state, failure=failure)
            return
        context, report = self._load(self._store.snapshot(files)[1], digest)
        if context is not None:
            context = self._unless_shrunk(len(state.context.dataset.operations), context, report)
        if context is None:
            log.warning(
                "data in %s not reloaded (version %s): %s",
                self.data_dir,
                digest[:SHORT],
                "; ".join(str(issue) for issue in report.errors[:3]),
            )
            failure = Failure(digest[:SHORT], report, self._wall_clock())
            self._state = dataclasses.replace(state, failure=failure)
            self._store.record_refusal(digest, report)
            return
        log.info("data in %s reloaded: %s → %s", self.data_dir, state.context.version, context.version)
        self._remember_assets(state.context)
        self._state = self._accept(context, digest, previous=state)

    def _accept(self, context: Context, digest: str, previous: _State | None) -> _State:
        at = self._wall_clock()
        if previous is not None:
            at = max(at, previous.accepted_at + 1e-3)  # strictly after the version it replaces
        self._store.publish(Pointer(digest, len(context.dataset.operations), at))
        return _State(context, None, digest, at)

    def _unless_shrunk(self, before: int, context: Context, report: Report) -> Context | None:
        vetting.check_shrink(before, len(context.dataset.operations), report, allowed=self._allow_shrink)
        return context if report.ok else None

    def _stable(self, signature: Signature) -> bool:
        """Seen unchanged, by this or another worker, at a look ``settle`` seconds ago at least, and no file
        modified since (the first look is shared: a worker replaced every few seconds still gets there)."""
        wall = self._wall_clock()
        first = self._store.first_seen([list(entry) for entry in signature], wall)
        recent = any(len(entry) > 1 and 0 <= wall - entry[1] / 1e9 < self._settle for entry in signature)
        return not recent and wall - first >= self._settle

    def _load(self, folder: Path, digest: str) -> tuple[Context | None, Report]:
        report = Report()
        try:
            dataset = self._loader(folder, report)
            context = (
                None
                if dataset is None
                else dataclasses.replace(build_context(dataset), version=digest[:SHORT])
            )
        except Exception:  # a file no check foresaw must not take the running site down with it
            log.exception("loading %s failed unexpectedly", self.data_dir)
            report.error(UNEXPECTED_FILE, None, None, UNEXPECTED)
            return None, report
        if context is None and report.ok:
            report.error(UNEXPECTED_FILE, None, None, UNEXPECTED)
        return context, report

    def _remember_assets(self, context: Context) -> None:
        for name, asset in context.geo_assets().items():
            self._old_assets[name] = asset
            self._old_assets.move_to_end(name)
        while len(self._old_assets) > KEEP_ASSETS:
            self._old_assets.popitem(last=False)


def _private_state_dir() -> Path:
    """A state folder for a holder that shares its versions with no one (tests, ``load_context``): removed
    at exit by the process that made it, not by a worker forked from it."""
    folder = Path(tempfile.mkdtemp(prefix="coeur-state-"))
    owner = os.getpid()

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(remove)
    return folder
