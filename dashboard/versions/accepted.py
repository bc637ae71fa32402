"""The accepted version of the data, one truth for every worker and every instance on one host.

A version of the data files is first copied into a snapshot named by the hash of the bytes copied: what is
validated, served and named by that hash are the same bytes, even if the files change meanwhile. Once a
version is accepted, ``accepted.json`` (replaced atomically) points at its snapshot. Every worker follows
that pointer, including one forked later from a master that still holds older data, and can load the
accepted version from its snapshot even when the data folder itself is broken at that moment.

The state folder is never the user's data folder (the app does not write there).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from dashboard.data.report import Issue, Report

POINTER = "accepted.json"
SEEN = "seen.json"  # the files' stat as last seen by any worker, and since when it has not changed
REFUSED = "refused.json"  # the version refused last and its report: a new worker shows it without reloading
MAX_SHARED_ISSUES = 50
SNAPSHOTS = "versions"
KEEP_SNAPSHOTS = 4  # the accepted one and a few recent ones (a worker may still be loading one of them)
SHORT = 12  # characters of the hash used as the version label (page reloads, /healthz)


@dataclass(frozen=True)
class Pointer:
    digest: str  # sha256 of the snapshot's files
    operations: int
    at: float  # wall-clock time of the acceptance

    @property
    def version(self) -> str:
        return self.digest[:SHORT]


def digest_of(files: dict[str, bytes | None]) -> str:
    """The hash of a version: each file's name, length and bytes, in the order given (absent: marked)."""
    digest = hashlib.sha256()
    for name, body in files.items():
        if body is None:
            digest.update(f"{name}\0absent\0".encode())
            continue
        digest.update(f"{name}\0{len(body)}\0".encode())
        digest.update(body)
    return digest.hexdigest()


def read_files(folder: Path, names: tuple[str, ...]) -> dict[str, bytes | None]:
    files: dict[str, bytes | None] = {}
    for name in names:
        try:
            files[name] = (folder / name).read_bytes()
        except OSError:
            files[name] = None
    return files


class StateDir:
    """Snapshots and the pointer to the accepted one, in a folder private to this user (0700)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / SNAPSHOTS).mkdir(parents=True, exist_ok=True, mode=0o700)

    def snapshot(self, files: dict[str, bytes | None]) -> tuple[str, Path]:
        """The folder holding exactly ``files`` (written once, renamed into place), and their hash."""
        digest = digest_of(files)
        target = self.root / SNAPSHOTS / digest
        if not target.is_dir():
            work = Path(tempfile.mkdtemp(dir=self.root / SNAPSHOTS, prefix=".new-"))
            for name, body in files.items():
                if body is not None:
                    (work / name).write_bytes(body)
            try:
                work.rename(target)
            except OSError:  # another worker put the same version there first
                shutil.rmtree(work, ignore_errors=True)
        return digest, target

    def folder(self, digest: str) -> Path | None:
        target = self.root / SNAPSHOTS / digest
        return target if target.is_dir() else None

    def pointer(self) -> Pointer | None:
        raw = self._read(POINTER)
        try:
            return Pointer(str(raw["digest"]), int(raw["operations"]), float(raw["at"]))  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            return None

    def publish(self, pointer: Pointer) -> None:
        self._write(POINTER, {"digest": pointer.digest, "operations": pointer.operations, "at": pointer.at})
        self._prune(pointer.digest)

    def first_seen(self, signature: list, now: float) -> float:
        """Since when the files have had ``signature`` (a JSON-able stat of each), as seen by any worker or
        instance sharing this folder: ``now`` if none has seen it before."""
        seen = self._read(SEEN)
        if isinstance(seen, dict) and seen.get("signature") == signature:
            return float(seen.get("at", now))
        self._write(SEEN, {"signature": signature, "at": now})
        return now

    def refusal(self, digest: str) -> Report | None:
        """The report of ``digest`` if it is the version refused last."""
        refused = self._read(REFUSED)
        if not isinstance(refused, dict) or refused.get("digest") != digest:
            return None
        try:
            return Report([Issue(**issue) for issue in refused["issues"]])
        except (KeyError, TypeError):
            return None

    def record_refusal(self, digest: str, report: Report) -> None:
        issues = [asdict(issue) for issue in report.sorted()[:MAX_SHARED_ISSUES]]
        self._write(REFUSED, {"digest": digest, "issues": issues})

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

    def _prune(self, keep: str) -> None:
        folders = sorted(
            (p for p in (self.root / SNAPSHOTS).iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in [p for p in folders if p.name != keep][KEEP_SNAPSHOTS - 1 :]:
            with contextlib.suppress(OSError):
                shutil.rmtree(old)
