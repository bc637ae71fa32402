"""The staff area's state: its database, and the folder the site serves, kept equal to the version published
last (every worker and every instance on the database follows it within a few seconds)."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from dashboard.data.dataset import OPERATIONS_FILE
from dashboard.settings import Settings, StaffSettings
from dashboard.store import tables
from dashboard.store.db import FIRST_AUTHOR, Conflict, Store, Version, default_url
from dashboard.store.draft import Checked, counts
from dashboard.store.tables import Files
from dashboard.versions.accepted import publish_files, read_files
from dashboard.versions.live import WATCHED
from dashboard.web.context import Context

SERVED = "publiee"  # the published version's tables, beside links to the data folder's reference files
MARKER = ".version"  # id of the version the folder holds, written last
SECRET_FILE = "secret_key"
VIEWS_KEPT = 2  # drafts or versions kept prepared for display per process (each as big as the data)
LIVE_STATE = "etat"  # the accepted-version folder of the served data (versions.accepted), this host's
log = logging.getLogger(__name__)


@dataclass
class Area:
    """Everything the staff routes share in one process."""

    settings: Settings
    staff: StaffSettings
    store: Store
    served_dir: Path
    names: tuple[str, ...]  # the tables staff edit
    check_every: float = 2.0
    get_context: Callable[[], Context] | None = None  # the data served (versions.live), set by register
    oauth: Any = None  # Authlib's client when an identity provider is configured
    checked: LRUCache[int, Checked] = field(default_factory=lambda: LRUCache(maxsize=8))  # drafts validated
    # Drafts and versions shown in the public pages to a staff member (staff.viewing), by (kind, id).
    contexts: LRUCache[tuple[str, int], Context] = field(default_factory=lambda: LRUCache(maxsize=VIEWS_KEPT))
    building: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checked_at: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def live_state_dir(self) -> Path:
        return live_state_dir(self.settings)

    def head(self) -> Version:
        head = self.store.head()
        assert head is not None  # seeded at start
        return head

    def head_files(self) -> Files:
        return self.store.files(self.head().id)

    def follow(self, *, now: float | None = None, force: bool = False) -> None:
        """Make the served folder hold the version published last, looking at most every ``check_every``
        seconds (from whichever request asks: no thread)."""
        now = time.monotonic() if now is None else now
        if not force and now - self._checked_at < self.check_every:
            return
        if not self._lock.acquire(blocking=False):
            return  # another thread of this process is at it
        try:
            self._checked_at = now
            head_id = self.store.head_id()
            if head_id is not None and served_version(self.served_dir) != head_id:
                files = self.store.files(head_id)
                write_served(self.served_dir, files, head_id)
                # Accepted at once by every worker of this host (no wait for the files to settle, and the
                # removals were ticked one by one): the files were validated before they were published.
                operations = counts({OPERATIONS_FILE: files[OPERATIONS_FILE]}).get(OPERATIONS_FILE, 0)
                publish_files(self.live_state_dir, read_files(self.served_dir, WATCHED), operations)
                log.info("staff: version %s now in %s", head_id, self.served_dir)
        except Exception:  # the database unreachable: keep serving what is there
            log.exception("staff: could not follow the published version")
        finally:
            self._lock.release()


def prepare(settings: Settings) -> Area:
    """The area of ``settings``: its database (seeded with the data folder's tables as the first version)
    and the served folder, holding the version published last."""
    assert settings.staff is not None
    folder = settings.staff_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Store(settings.staff.database_url or default_url(folder))
    names = tables.editable_names(settings.data_dir)
    if store.head() is None:
        files = {name: (settings.data_dir / name).read_bytes() for name in names}
        store.seed(files, counts(files))
    _add_new_tables(store, settings.data_dir, names)
    served = folder / SERVED
    link_reference_files(settings.data_dir, served, names)
    area = Area(settings, settings.staff, store, served, names, settings.reload_check_seconds)
    area.follow(force=True)
    return area


def _add_new_tables(store: Store, data_dir: Path, names: tuple[str, ...]) -> None:
    """A table that appeared in the data folder since (a new kind of data) joins the published version."""
    head = store.head()
    assert head is not None
    files = store.files(head.id)
    new = [name for name in names if name not in files]
    if not new:
        return
    files.update({name: (data_dir / name).read_bytes() for name in new})
    note = f"Nouvelle table du dossier de données : {', '.join(new)}"
    with contextlib.suppress(Conflict):  # another worker added it first
        store.publish(files, head.id, FIRST_AUTHOR, note, counts(files), note)


def live_state_dir(settings: Settings) -> Path:
    return settings.staff_dir / LIVE_STATE


def link_reference_files(data_dir: Path, served: Path, names: tuple[str, ...]) -> None:
    """The outlines, the ACV list and the metadata stay the data folder's: linked, not copied."""
    served.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in Path(data_dir).iterdir():
        if path.name in names or not path.is_file():
            continue
        target = served / path.name
        if target.is_symlink() and target.resolve() == path.resolve():
            continue
        temporary = served / f".{path.name}.link-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        temporary.symlink_to(path.resolve())
        os.replace(temporary, target)


def served_version(served: Path) -> int | None:
    try:
        return int((served / MARKER).read_text().strip())
    except (OSError, ValueError):
        return None


def write_served(served: Path, files: Files, version_id: int) -> None:
    """Each table replaced atomically, then the marker; the site reloads them once they stay unchanged
    (dashboard.versions.live)."""
    for name, body in files.items():
        _atomic_write(served / name, body)
    for stale in set(p.name for p in served.glob("*.csv") if not p.is_symlink()) - set(files):
        with contextlib.suppress(OSError):
            (served / stale).unlink()
    _atomic_write(served / MARKER, str(version_id).encode())


def _atomic_write(target: Path, body: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, target)


def secret_key(settings: Settings) -> str:
    """The configured key, else one generated once in the state folder, shared by this host's workers."""
    assert settings.staff is not None
    if settings.staff.secret_key:
        return settings.staff.secret_key
    path = settings.staff_dir / SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    handle, temporary = tempfile.mkstemp(dir=settings.staff_dir, prefix=".secret-")
    with os.fdopen(handle, "w") as out:
        out.write(key)
    try:
        os.link(temporary, path)  # never replaces a key another worker wrote first
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return path.read_text().strip()
