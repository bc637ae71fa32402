"""The accepted version of the data, one truth for every worker and every instance on one host.

A version of the data files is first copied into a snapshot named by the hash of the bytes copied: what is
validated, served and named by that hash are the same bytes, even if the files change meanwhile. Once a
version is accepted, ``accepted.json`` (replaced atomically) points at its snapshot. Every worker follows
that pointer, including one forked later from a master that still holds older data, and can load the
accepted version from its snapshot even when the data folder itself is broken at that moment.

Only accepted versions (and one held for confirmation) are kept as snapshots: a refused version keeps its
report, not a copy of its files. Snapshots are pruned by count (``KEEP_SNAPSHOTS``) and by total size
(``MAX_SNAPSHOT_BYTES``), never the accepted or the held one.

A version that removes operations is held « en attente de confirmation » (``pending.json``) until someone
confirms it: ``python -m dashboard confirm``, or ``confirm_pending`` from the code (the staff area). Code
that publishes a version of its own (the staff area's explicit edits) calls ``publish_files``.

The state folder is never the user's data folder (the app does not write there).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from dashboard.data.reader import MAX_FILE_BYTES, read_regular
from dashboard.data.report import Issue, Report, unreadable

POINTER = "accepted.json"
SEEN = "seen.json"  # the files' stat as last seen by any worker, and since when it has not changed
REFUSED = (
    "refused.json"  # the reports of the versions refused lately: a new worker shows one without reloading
)
PENDING = "pending.json"  # the version held until someone confirms the removals it makes
# The one process of the host that reads, validates and snapshots a candidate holds a lease (LEASE: its id and
# until when), taken and given back under a lock (LOCK) held only for those few bytes and for the writes of a
# verdict: a process whose look stalls (a stale network mount) stops the others for the lease's time at most.
LOCK = "load.lock"
LEASE = "load.lease"
LOCK_WAIT = 5.0  # seconds to get the short lock before giving up this look (it is held for milliseconds)
MAX_SHARED_ISSUES = 50
KEEP_REFUSALS = 20  # reports of refused versions kept (a few lines each; never their files)
SNAPSHOTS = "versions"
KEEP_SNAPSHOTS = 4  # the accepted one and a few recent ones (a worker may still be loading one of them)
MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024  # older snapshots go first once the folder holds more than this
STALE_STAGING_SECONDS = 3600.0  # a half-written snapshot this old was left by a process that died
SHORT = 12  # characters of the hash used as the version label (page reloads, /healthz)


@dataclass(frozen=True)
class Pointer:
    digest: str  # sha256 of the snapshot's files
    operations: int
    at: float  # wall-clock time of the acceptance

    @property
    def version(self) -> str:
        return self.digest[:SHORT]


def digest_of(files: dict[str, bytes | None], refused: dict[str, str] | None = None) -> str:
    """The hash of a version: each file's name, length and bytes, in the order given (absent: marked; not
    read, for a reason in ``refused``: marked with the reason)."""
    digest = hashlib.sha256()
    for name, body in files.items():
        if refused and name in refused:
            digest.update(f"{name}\0refused\0{refused[name]}\0".encode())
            continue
        if body is None:
            digest.update(f"{name}\0absent\0".encode())
            continue
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()


def read_files(
    folder: Path, names: tuple[str, ...], refused: dict[str, str] | None = None
) -> dict[str, bytes | None]:
    """Each file's bytes, ``None`` when it is absent or not read; why it was not read goes to ``refused``
    (in French: a pipe or a device in its place, too big, unreadable). Only regular files are read, never
    more than ``MAX_FILE_BYTES`` each (see ``reader.read_regular``)."""
    files: dict[str, bytes | None] = {}
    for name in names:
        try:
            files[name] = read_regular(folder / name, MAX_FILE_BYTES)
        except FileNotFoundError:
            files[name] = None
        except OSError as error:
            files[name] = None
            if refused is not None:
                refused[name] = unreadable(error)
    return files


@dataclass(frozen=True)
class Lease:
    """This process's turn at reading and validating a candidate (``StateDir.loading``)."""

    token: str
    basis: tuple[str, float] | None  # the version accepted when it was taken (digest, at)


def _running(lease: dict) -> bool:
    """Whether the process that took ``lease`` still runs (on this host: the state folder is local)."""
    try:
        pid = int(lease.get("pid", 0))
        if pid <= 0:
            return False
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, TypeError):  # another user's process (EPERM): running
        return True
    return True


@dataclass(frozen=True)
class Held:
    """A version that removes operations, waiting for someone to confirm it."""

    digest: str
    operations: int
    report: Report  # one line per operation that would disappear
    at: float

    @property
    def version(self) -> str:
        return self.digest[:SHORT]


class StateDir:
    """Snapshots and the pointer to the accepted one, in a folder private to this user (0700)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / SNAPSHOTS).mkdir(parents=True, exist_ok=True, mode=0o700)

    def stage(self, files: dict[str, bytes | None]) -> Path:
        """A new folder holding exactly ``files``, to load, then keep (``keep``) or remove (``discard``)."""
        work = Path(tempfile.mkdtemp(dir=self.root / SNAPSHOTS, prefix=".new-"))
        for name, body in files.items():
            if body is not None:
                (work / name).write_bytes(body)
        return work

    def keep(self, staged: Path, digest: str) -> Path:
        """``staged`` as the snapshot of ``digest`` (renamed into place: never seen half-written)."""
        target = self.root / SNAPSHOTS / digest
        try:
            staged.rename(target)
        except OSError:  # another process put the same version there first
            shutil.rmtree(staged, ignore_errors=True)
        return target

    @staticmethod
    def discard(staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def snapshot(self, files: dict[str, bytes | None]) -> tuple[str, Path]:
        """The folder holding exactly ``files`` (written once, renamed into place), and their hash."""
        digest = digest_of(files)
        target = self.root / SNAPSHOTS / digest
        if not target.is_dir():
            target = self.keep(self.stage(files), digest)
        return digest, target

    def folder(self, digest: str) -> Path | None:
        target = self.root / SNAPSHOTS / digest
        return target if target.is_dir() else None

    @contextlib.contextmanager
    def loading(self, lease_seconds: float, now: float | None = None) -> Iterator[Lease | None]:
        """A lease on reading and validating a candidate, if no other process of the host holds one that
        is still running (``None`` then: the others wait for its verdict through the state folder). It
        ends after ``lease_seconds`` even if its holder does not give it back (a look that stalls): another
        process may then look; the late one's verdict is dropped if another was published meanwhile
        (``deciding``). A lease whose process died ends at once."""
        lease = self._take_lease(lease_seconds, time.time() if now is None else now)
        try:
            yield lease
        finally:
            if lease is not None:
                with self._short_lock() as locked:
                    if locked and self._lease_owner() == lease.token:
                        with contextlib.suppress(OSError):
                            (self.root / LEASE).unlink()

    @contextlib.contextmanager
    def deciding(self, lease: Lease) -> Iterator[bool]:
        """Around the writes of a verdict on a candidate: whether it may be written, i.e. no other process
        published a version since ``lease`` was taken (else the candidate may be older than what it
        published). Under the short lock: no other verdict is written meanwhile."""
        with self._short_lock() as locked:
            pointer = self.pointer()
            current = (pointer.digest, pointer.at) if pointer is not None else None
            yield locked and current == lease.basis

    def _take_lease(self, seconds: float, now: float) -> Lease | None:
        with self._short_lock() as locked:
            if not locked:
                return None
            held = self._read(LEASE)
            if isinstance(held, dict) and _running(held) and float(held.get("until", 0)) > now:
                return None
            pointer = self.pointer()
            basis = (pointer.digest, pointer.at) if pointer is not None else None
            lease = Lease(f"{os.getpid()}-{uuid.uuid4().hex}", basis)
            held = {"token": lease.token, "pid": os.getpid(), "since": now, "until": now + seconds}
            self._write(LEASE, held)
            return lease

    def _lease_owner(self) -> str | None:
        held = self._read(LEASE)
        return str(held.get("token")) if isinstance(held, dict) else None

    @contextlib.contextmanager
    def _short_lock(self) -> Iterator[bool]:
        """The lock of the state folder, held for a few file operations (released by the system if the
        process dies); False if it could not be had within ``LOCK_WAIT``."""
        handle = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        yield False
                        return
                    time.sleep(0.01)
            yield True
        finally:
            os.close(handle)  # releases the lock

    def pointer(self) -> Pointer | None:
        raw = self._read(POINTER)
        try:
            return Pointer(str(raw["digest"]), int(raw["operations"]), float(raw["at"]))  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return None

    def publish(self, pointer: Pointer) -> None:
        self._write(POINTER, {"digest": pointer.digest, "operations": pointer.operations, "at": pointer.at})
        held = self.held()
        if held is not None and held.digest == pointer.digest:
            with contextlib.suppress(OSError):
                (self.root / PENDING).unlink()
        self.prune()

    def first_seen(self, signature: list, now: float) -> float:
        """Since when the files have had ``signature`` (a JSON-able stat of each), as seen by any worker or
        instance sharing this folder: ``now`` if none has seen it before."""
        seen = self._read(SEEN)
        if isinstance(seen, dict) and seen.get("signature") == signature:
            return float(seen.get("at", now))
        self._write(SEEN, {"signature": signature, "at": now})
        return now

    def refusal(self, digest: str) -> Report | None:
        """The report of ``digest`` if it is one of the versions refused lately."""
        refused = self._read(REFUSED)
        entry = refused.get(digest) if isinstance(refused, dict) else None
        try:
            return Report([Issue(**issue) for issue in entry["issues"]])  # type: ignore[index]
        except (KeyError, TypeError):
            return None

    def record_refusal(self, digest: str, report: Report, at: float | None = None) -> None:
        """Keep the report of a refused version (the ``KEEP_REFUSALS`` latest ones), never its files."""
        refused = self._read(REFUSED)
        kept = {
            key: entry
            for key, entry in (refused.items() if isinstance(refused, dict) else [])
            if isinstance(entry, dict) and key != digest
        }
        issues = [asdict(issue) for issue in report.sorted()[:MAX_SHARED_ISSUES]]
        kept[digest] = {"issues": issues, "at": time.time() if at is None else at}
        self._write(REFUSED, dict(list(kept.items())[-KEEP_REFUSALS:]))
        self.prune()

    def hold(self, digest: str, staged: Path, operations: int, report: Report, at: float) -> None:
        """Keep ``staged`` as the version waiting for confirmation, with the lines of what it removes."""
        self.keep(staged, digest)
        issues = [asdict(issue) for issue in report.sorted()[:MAX_SHARED_ISSUES]]
        self._write(PENDING, {"digest": digest, "operations": operations, "issues": issues, "at": at})
        self.prune()

    def held(self) -> Held | None:
        raw = self._read(PENDING)
        try:
            issues = [Issue(**issue) for issue in raw["issues"]]  # type: ignore[index]
            return Held(str(raw["digest"]), int(raw["operations"]), Report(issues), float(raw["at"]))  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return None

    def prune(self) -> None:
        """Snapshots beyond ``KEEP_SNAPSHOTS`` or ``MAX_SNAPSHOT_BYTES``, oldest first, and staging folders
        left by a process that died; never the accepted version, nor the one held for confirmation."""
        pointer, held = self.pointer(), self.held()
        keep = {digest for digest in (pointer and pointer.digest, held and held.digest) if digest}
        now = time.time()
        folders = []
        for path in (self.root / SNAPSHOTS).iterdir():
            with contextlib.suppress(OSError):
                if path.name.startswith("."):
                    if now - path.stat().st_mtime > STALE_STAGING_SECONDS:
                        shutil.rmtree(path, ignore_errors=True)
                    continue
                folders.append((path.stat().st_mtime, path, _size(path)))
        folders.sort(key=lambda entry: entry[0], reverse=True)
        count = total = 0
        for _, path, size in folders:
            count, total = count + 1, total + size
            if path.name in keep:
                continue
            if count > KEEP_SNAPSHOTS or total > MAX_SNAPSHOT_BYTES:
                shutil.rmtree(path, ignore_errors=True)
                count, total = count - 1, total - size

    def _read(self, name: str) -> object:
        try:
            return json.loads((self.root / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, name: str, value: object) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=f".{name}-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out, ensure_ascii=False)
        os.replace(temporary, self.root / name)


def _size(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())


def confirm_pending(state_dir: Path, digest: str | None = None, *, at: float | None = None) -> Held | None:
    """Accept the version held for confirmation (only if it is ``digest``, when given): every process
    serving from ``state_dir`` follows it at its next look. ``None`` when there is nothing to confirm.
    ``python -m dashboard confirm`` calls this, and so may the staff area."""
    store = StateDir(state_dir)
    held = store.held()
    if held is None or (digest is not None and not held.digest.startswith(digest)):
        return None
    if store.folder(held.digest) is None:
        return None
    previous = store.pointer()
    when = time.time() if at is None else at
    if previous is not None:
        when = max(when, previous.at + 1e-3)
    store.publish(Pointer(held.digest, held.operations, when))
    return held


def publish_files(
    state_dir: Path, files: dict[str, bytes | None], operations: int, *, at: float | None = None
) -> Pointer:
    """Publish ``files`` (every watched file's bytes, as ``read_files`` gives them) as the accepted version,
    for code that has validated them itself (the staff area's explicit edits): snapshotted, then pointed
    at; every process serving from ``state_dir`` follows it at its next look. The data folder is not
    written: whoever publishes writes it too, or the next change there is a new candidate."""
    store = StateDir(state_dir)
    digest, _ = store.snapshot(files)
    previous = store.pointer()
    when = time.time() if at is None else at
    if previous is not None:
        when = max(when, previous.at + 1e-3)
    pointer = Pointer(digest, operations, when)
    store.publish(pointer)
    return pointer
