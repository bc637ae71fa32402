"""A throw-away PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary folder, started
on a free port and stopped afterwards (as the ``postgres`` user when run as root, which initdb refuses)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def binary(name: str) -> str | None:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def available() -> bool:
    return binary("initdb") is not None and binary("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The SQLAlchemy URL of a fresh database ``coeur`` on a server that lives as long as the block (in a
    folder of its own: pytest's are closed to the ``postgres`` user)."""
    root = Path(tempfile.mkdtemp(prefix="coeur-postgres-"))
    data, sockets = root / "cluster", root / "sockets"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_owner(
            [binary("initdb"), "-D", str(data), "-U", "coeur", "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        **run,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_owner([binary("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"]),
        **run,
    )
    try:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={port} user=coeur dbname=postgres", autocommit=True) as db:
            db.execute("CREATE DATABASE coeur")
        yield f"postgresql+psycopg://coeur@127.0.0.1:{port}/coeur"
    finally:
        subprocess.run(_as_owner([binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), **run)
        shutil.rmtree(root, ignore_errors=True)
