"""The data being served, reloaded when its files change on disk; wrong files never replace good data.

``LiveContext.get()`` looks at the files' stat at most every few seconds, from whichever request asks: no
thread to run. Each gunicorn worker keeps its own holder, and every holder follows the version accepted
last (``versions.accepted``): a worker forked later from a master holding older data, or another instance
on the same data folder, serves that version, never an older one.

A new version of the files is loaded once it is stable: its stat (size, modification time, inode)
unchanged across two looks at least ``SETTLE`` seconds apart, and no file modified less than ``SETTLE``
seconds ago. A writer that pauses longer than that in the middle of a file must write a temporary file
and rename it (atomic), as rsync, LibreOffice and most editors do; a version that drops any operation is
held « en attente de confirmation » anyway (``vetting.removals``, ``accepted.confirm_pending``).

Only regular files are read, never more than ``reader.MAX_FILE_BYTES`` each. Served by the app
(``background=True``), the look runs in a thread of its own: no request waits for a reload, and a reload
that does not end within ``LOAD_DEADLINE`` (a network mount gone stale) is reported by ``status()`` and
the pages' banner while the version already loaded goes on being served. One process of the host at a
time reads and validates a candidate (``StateDir.loading``); the others take its verdict.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import math
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.sharedctypes import RawValue
from pathlib import Path

from dashboard.data import dataset as ds
from dashboard.data import milestones as record
from dashboard.data import vetting
from dashboard.data.cog import HISTORY_FILE
from dashboard.data.mapgeo import GeoAsset
from dashboard.data.report import Issue, Report
from dashboard.data.wording import plural
from dashboard.versions.accepted import SHORT, Held, Lease, Pointer, StateDir, digest_of, read_files
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
    record.MILESTONES_FILE,
    record.FIGURES_FILE,
)
CHECK_EVERY = 2.0  # seconds between two looks at the files' stat: a handful of stat() calls
# A version seen for less than this, or with a file modified less than this ago, may still be being written
# (editors and spreadsheets do not all replace files atomically): it is loaded on a later look.
SETTLE = 5.0
KEEP_ASSETS = 4  # geometry documents of earlier versions still served, for pages drawn before a reload
UNEXPECTED = "erreur inattendue au chargement (détail dans le journal du serveur)"
UNEXPECTED_FILE = "données"  # the file at fault is not known
# A look at the files (read, validate, build) that lasts longer is reported as stalled; ~1 s for the shipped
# data, ~10 s for 100,000 operations on a busy host.
LOAD_DEADLINE = 60.0
STALLED = "bloque"  # the label of the "version" of a reload that does not end

Signature = tuple[tuple[str, int, int, int] | tuple[str], ...]


class DataError(RuntimeError):
    """The data folder cannot be loaded; the message is the full report."""


@dataclass(frozen=True)
class Failure:
    """A version of the files that was refused, and why."""

    version: str
    report: Report
    at: float  # wall-clock time of the attempt
    held: bool = False  # valid, but it removes operations: waiting for confirmation (the report lists them)

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
    if failure.held:
        return "Nouvelle version en attente de confirmation : des opérations disparaîtraient."
    if failure.version == STALLED:
        return "Le rechargement des données ne se termine pas."
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
        background: bool = False,
        deadline: float = LOAD_DEADLINE,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._check_every = check_every
        self._settle = settle
        self._loader = loader
        self._clock = clock
        self._wall_clock = wall_clock
        self._allow_shrink = allow_shrink
        self._background = background
        self._deadline = deadline
        self._store = StateDir(state_dir if state_dir is not None else _private_state_dir())
        self._lock = threading.Lock()  # held by the one thread that looks at the files
        self._starting = threading.Lock()  # held while a look's thread is started
        self._thread: threading.Thread | None = None
        # When the look running now began (NaN: none), in memory shared with the processes forked from this
        # one: a worker that never looks itself (``serve_forked``) still reports its master's look stalled.
        self._since = RawValue("d", math.nan)
        self._looks = True
        self._pid = os.getpid()
        self._old_assets: OrderedDict[str, GeoAsset] = OrderedDict()
        self._signature: Signature | None = file_signature(self.data_dir)
        self._state = self._start()
        self._next_check = self._clock() + self._check_every
        _reset_in_child(self)

    def get(self) -> Context:
        """The current context; a look at the files if the last one is older than ``check_every`` (in the
        background, or in this thread when the holder was made without ``background``)."""
        if os.getpid() != self._pid:
            self._after_fork()
        if self._looks and self._clock() >= self._next_check:
            if self._background:
                self._look_in_background()
            else:
                self._look()
        return self._state.context

    def _look(self) -> None:
        # One thread looks (and reloads, ~0.7 s for the shipped data); the others meanwhile go on with the
        # context they already had.
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._clock() >= self._next_check:
                self._since.value = self._clock()
                self._follow()
                self._refresh()
        finally:
            self._since.value = math.nan
            self._next_check = self._clock() + self._check_every
            self._lock.release()

    def _look_in_background(self) -> None:
        with self._starting:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._look, name="coeur-data-look", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the look running in the background, if any; whether it has ended (tests, benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def look_now(self) -> None:
        """One look at the files, in this thread, however recent the last one (gunicorn's master)."""
        self._next_check = self._clock()
        self._look()

    def serve_forked(self) -> None:
        """In a worker whose master looks at the files for it (gunicorn.conf.py): serve the version held at
        the fork and never load one; the master replaces its workers when what pages show changes."""
        self._looks = False

    def shown(self) -> tuple[str, str | None, int]:
        """What pages show: the hash of the version served, the version refused or held, if any, and the
        stamp of the version served (the same files accepted again are a newer version: pages say it)."""
        state = self._state
        return state.digest, state.failure.version if state.failure else None, stamp_of(state.accepted_at)

    @property
    def accepted_at(self) -> float:
        """When the version served was accepted (wall clock): versions are ordered by it."""
        return self._state.accepted_at

    @property
    def stamp(self) -> int:
        """The version served as a number that grows with each version accepted (microseconds of
        ``accepted_at``): what a browser remembers having seen (endpoints/versionorder.py)."""
        return stamp_of(self._state.accepted_at)

    def latest_stamp(self) -> int | None:
        """The stamp of the version accepted last by any process of the host (the state folder's pointer)."""
        pointer = self._store.pointer()
        return None if pointer is None else stamp_of(pointer.at)

    @property
    def check_every(self) -> float:
        return self._check_every

    def catch_up(self) -> None:
        """Serve the version accepted last, if it is not the one held (gunicorn's master calls this before
        forking a worker, so that a new worker starts with it instead of loading it itself). Not while a
        look is running: a stalled one must not stop the master from replacing a worker."""
        if self._lock.acquire(blocking=False):
            try:
                self._follow()
            finally:
                self._lock.release()

    def _after_fork(self) -> None:
        """A worker forked from the master holds the master's data: before it serves anything, it catches up
        with the version accepted since (gunicorn's post_fork hook does this before the worker serves)."""
        with self._lock:
            if os.getpid() != self._pid:
                if self._looks:
                    self._follow()
                self._pid = os.getpid()

    def _forked(self) -> None:
        """In a child just forked: the locks may have been held by a thread of the parent, which the child
        does not have; start afresh."""
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self._thread = None

    @property
    def stalled(self) -> float | None:
        """Seconds the look running now has lasted, if it is beyond the deadline."""
        since = self._since.value
        if math.isnan(since):
            return None
        lasted = self._clock() - since
        return lasted if lasted > self._deadline else None

    @property
    def failure(self) -> Failure | None:
        """Why the files on disk are not served: refused, held for confirmation, or a reload that does not
        end."""
        self.get()
        lasted = self.stalled
        if lasted is not None:
            message = (
                f"rechargement commencé il y a {lasted:.0f} s et toujours pas terminé : un fichier du "
                "dossier ne se lit pas jusqu'au bout (support réseau inaccessible ?)"
            )
            return Failure(STALLED, Report([Issue(UNEXPECTED_FILE, None, None, message)]), self._wall_clock())
        return self._state.failure

    @property
    def version(self) -> str:
        return self.get().version

    def geo_asset(self, name: str) -> GeoAsset | None:
        """A geometry document of the current data, or of a recent one (a page drawn before a reload)."""
        asset = self.get().geo.by_name().get(name)
        return asset if asset is not None else self._old_assets.get(name)

    def status(self) -> dict:
        """What a process supervisor needs to know, and nothing private (no path, no error text)."""
        context = self.get()
        state = self._state
        failure = state.failure
        stalled = self.stalled
        return {
            "status": "ok" if stalled is None else "stalled",
            "data_version": context.version,
            "data_hash": state.digest,
            "accepted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(state.accepted_at)),
            "data_date": context.dataset.metadata.get("date_donnees"),
            "operations": len(context.dataset.operations),
            "last_reload_failed": failure is not None and not failure.held,
            "failed_version": failure.version if failure and not failure.held else None,
            "errors": len(failure.errors) if failure and not failure.held else 0,
            "held_version": failure.version if failure and failure.held else None,
            "reload_stalled_seconds": None if stalled is None else round(stalled),
        }

    def _start(self) -> _State:
        """The files as they are; if they are refused or held, the version accepted last, if there is one."""
        refused: dict[str, str] = {}
        files = read_files(self.data_dir, WATCHED, refused)
        digest = digest_of(files, refused)
        pointer = self._store.pointer()
        accepted = self._store.folder(digest) if pointer is not None and pointer.digest == digest else None
        if accepted is not None and pointer is not None:  # the version accepted last: load its snapshot
            context, report = self._load(accepted, digest)
            if context is not None:
                return _State(context, None, digest, pointer.at)
        if refused:
            context, report = None, _refusal_report(refused)
        else:
            staged = self._store.stage(files)
            context, report = self._load(staged, digest)
            if context is None:
                self._store.discard(staged)
        fallback = (
            self._accepted_context(pointer) if pointer is not None and pointer.digest != digest else None
        )
        if context is not None and fallback is not None and pointer is not None:
            held = self._held(fallback, context, digest, staged)
            if held is not None:
                log.warning("data in %s held at start: it removes operations", self.data_dir)
                return _State(fallback, held, pointer.digest, pointer.at)
        if context is not None:
            self._store.keep(staged, digest)
            return self._accept(context, digest, previous=None)
        if fallback is None:
            raise DataError(report.render())
        log.warning("data in %s refused at start; serving the version accepted last", self.data_dir)
        failure = Failure(digest[:SHORT], report, self._wall_clock())
        self._store.record_refusal(digest, report, failure.at)
        return _State(fallback, failure, pointer.digest, pointer.at)  # type: ignore[union-attr]

    def _follow(self) -> None:
        """Serve the version another worker or instance accepted after the one served here."""
        state = self._state
        pointer = self._store.pointer()
        if pointer is None or pointer.at <= state.accepted_at:
            return
        if pointer.digest == state.digest:  # the same files accepted again: a newer stamp, nothing to load
            self._state = dataclasses.replace(state, accepted_at=pointer.at)
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
        with self._store.loading(self._deadline, self._wall_clock()) as lease:
            if lease is None:  # another process of the host is at it: its verdict comes by the state folder
                return
            refused: dict[str, str] = {}
            files = read_files(self.data_dir, WATCHED, refused)
            if file_signature(self.data_dir) != before:  # changed while being read: look again later
                return
            self._signature = before
            self._consider(files, refused, lease)

    def _decide(self, lease: Lease, verdict: Callable[[], None]) -> bool:
        """Write ``verdict`` unless another process published a version since this look began (it outlived
        its lease, and another process took over): then look again, from that version."""
        with self._store.deciding(lease) as current:
            if current:
                verdict()
                return True
        log.warning("data in %s: a verdict came too late (another process decided meanwhile)", self.data_dir)
        self._signature = None
        return False

    def _consider(self, files: dict[str, bytes | None], refused: dict[str, str], lease: Lease) -> None:
        digest = digest_of(files, refused)
        state = self._state
        if digest == state.digest:  # touched, or back to the version served: nothing to load
            if state.failure is not None:
                self._state = dataclasses.replace(state, failure=None)
            return
        if state.failure is not None and state.failure.version == digest[:SHORT]:
            return
        shared = self._shared_verdict(digest)
        if shared is not None:  # refused or held by another worker already: the same report, without loading
            self._state = dataclasses.replace(state, failure=shared)
            return
        if refused:  # a file not read (a pipe, a device, too big): nothing to load
            self._decide(lease, lambda: self._refuse(digest, _refusal_report(refused)))
            return
        staged = self._store.stage(files)
        context, report = self._load(staged, digest)
        if context is None:
            self._store.discard(staged)
            self._decide(lease, lambda: self._refuse(digest, report))
            return
        loaded = context

        def accept_or_hold() -> None:
            held = self._held(state.context, loaded, digest, staged)
            if held is not None:
                log.warning("data in %s held (version %s): removes operations", self.data_dir, held.version)
                self._state = dataclasses.replace(state, failure=held)
                return
            self._store.keep(staged, digest)
            log.info("data in %s reloaded: %s → %s", self.data_dir, state.context.version, loaded.version)
            self._remember_assets(state.context)
            self._state = self._accept(loaded, digest, previous=state)

        if not self._decide(lease, accept_or_hold):
            self._store.discard(staged)

    def _shared_verdict(self, digest: str) -> Failure | None:
        held = self._store.held()
        if held is not None and held.digest == digest:
            return _held_failure(held)
        shared = self._store.refusal(digest)
        return None if shared is None else Failure(digest[:SHORT], shared, self._wall_clock())

    def _refuse(self, digest: str, report: Report) -> None:
        log.warning(
            "data in %s not reloaded (version %s): %s",
            self.data_dir,
            digest[:SHORT],
            "; ".join(str(issue) for issue in report.errors[:3]),
        )
        failure = Failure(digest[:SHORT], report, self._wall_clock())
        self._state = dataclasses.replace(self._state, failure=failure)
        self._store.record_refusal(digest, report, failure.at)

    def _held(self, served: Context, context: Context, digest: str, staged: Path) -> Failure | None:
        """A version that removes operations from the one served, held (its snapshot kept) until someone
        confirms it; ``None`` if it removes none (or removals are allowed)."""
        report = Report()
        before, after = served.dataset.operations, context.dataset.operations
        if not vetting.removals(before, after, report, allowed=self._allow_shrink):
            return None
        held = Held(digest, len(after), report, self._wall_clock())
        self._store.hold(digest, staged, held.operations, report, held.at)
        return _held_failure(held)

    def _accept(self, context: Context, digest: str, previous: _State | None) -> _State:
        at = self._wall_clock()
        latest = self._store.pointer()
        for before in (previous and previous.accepted_at, latest and latest.at):
            if before:
                at = max(at, before + 1e-3)  # strictly after the version it replaces, here or on the host
        self._store.publish(Pointer(digest, len(context.dataset.operations), at))
        return _State(context, None, digest, at)

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
        for name, asset in context.geo.by_name().items():
            self._old_assets[name] = asset
            self._old_assets.move_to_end(name)
        while len(self._old_assets) > KEEP_ASSETS:
            self._old_assets.popitem(last=False)


def stamp_of(accepted_at: float) -> int:
    return round(accepted_at * 1_000_000)


def _refusal_report(refused: dict[str, str]) -> Report:
    report = Report()
    for name, why in refused.items():
        report.error(name, None, None, why)
    return report


def _held_failure(held: Held) -> Failure:
    return Failure(held.version, held.report, held.at, held=True)


def _reset_in_child(holder: LiveContext) -> None:
    """Have ``holder`` start afresh in a forked child (``LiveContext._forked``), as long as it exists."""
    reference = weakref.ref(holder)

    def reset() -> None:
        alive = reference()
        if alive is not None:
            alive._forked()  # its own hook

    os.register_at_fork(after_in_child=reset)


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
