"""The data being served, reloaded when its files change on disk; wrong files never replace good data.

``LiveContext.get()`` looks at the files' stat at most every few seconds, from whichever request asks: no
thread to run, and each gunicorn worker keeps its own holder and finds the change on its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard import dataset as ds
from dashboard.context import Context, build_context
from dashboard.formatting import plural
from dashboard.history import HISTORY_FILE
from dashboard.mapgeo import GeoAsset
from dashboard.report import Issue, Report

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
)
CHECK_EVERY = 2.0  # seconds between two looks at the files' stat: a handful of stat() calls
# A file modified less than this ago may still be being written (editors and spreadsheets do not all
# replace files atomically): it is looked at again on the next check rather than loaded half-written.
SETTLE = 1.0
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


def content_version(data_dir: Path) -> str:
    """A short hash of the watched files' bytes: equal in every worker that reads the same files."""
    digest = hashlib.sha256()
    for name in WATCHED:
        try:
            body = (data_dir / name).read_bytes()
        except OSError:
            digest.update(f"{name}\0absent\0".encode())
            continue
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()[:12]


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
        loader: Callable[[Path, Report], ds.Dataset | None] = ds.load_dataset,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._check_every = check_every
        self._settle = settle
        self._loader = loader
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._old_assets: OrderedDict[str, GeoAsset] = OrderedDict()
        self._signature: Signature | None = file_signature(self.data_dir)
        version = content_version(self.data_dir)
        context, report = self._load(version)
        if context is None:
            raise DataError(report.render())
        self._state = _State(context, None)
        self._next_check = self._clock() + self._check_every

    def get(self) -> Context:
        """The current context, after a look at the files if the last one is older than ``check_every``."""
        if self._clock() >= self._next_check and self._lock.acquire(blocking=False):
            # One request looks (and reloads, ~0.7 s for the shipped data); the others meanwhile go on
            # with the context they already had.
            try:
                if self._clock() >= self._next_check:
                    self._refresh()
            finally:
                self._next_check = self._clock() + self._check_every
                self._lock.release()
        return self._state.context

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
            "operations": len(context.dataset.operations),
            "last_reload_failed": state.failure is not None,
            "failed_version": state.failure.version if state.failure else None,
            "errors": len(state.failure.errors) if state.failure else 0,
        }

    def _refresh(self) -> None:
        before = file_signature(self.data_dir)
        if before == self._signature or not self._settled(before):
            return
        version = content_version(self.data_dir)
        state = self._state
        if version == state.context.version:  # touched, or back to the version served: nothing to load
            self._signature = before
            if state.failure is not None:
                self._state = _State(state.context, None)
            return
        if state.failure is not None and state.failure.version == version:
            self._signature = before
            return
        context, report = self._load(version)
        # Changed again while being read: what was loaded may mix two versions, so look again next time.
        self._signature = before if file_signature(self.data_dir) == before else None
        if context is None:
            log.warning(
                "data in %s not reloaded (version %s): %s",
                self.data_dir,
                version,
                "; ".join(str(issue) for issue in report.errors[:3]),
            )
            self._state = _State(state.context, Failure(version, report, self._wall_clock()))
            return
        log.info("data in %s reloaded: version %s → %s", self.data_dir, state.context.version, version)
        self._remember_assets(state.context)
        self._state = _State(context, None)

    def _settled(self, signature: Signature) -> bool:
        now = self._wall_clock()
        return all(len(entry) == 1 or not 0 <= now - entry[1] / 1e9 < self._settle for entry in signature)

    def _load(self, version: str) -> tuple[Context | None, Report]:
        report = Report()
        try:
            dataset = self._loader(self.data_dir, report)
            context = (
                None if dataset is None else dataclasses.replace(build_context(dataset), version=version)
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
