"""What the tests of the production setup and bench/robustness.py share: a valid edit of the data,
an atomic write, /healthz polled, the memory of a gunicorn once steady, and clients that record each
version they were served ("backwards": one older than one the same client saw before)."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from pathlib import Path

from tests import servers

OPERATIONS = "operations.csv"


def get_json(url: str, timeout: float = 5.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # loopback only
            return json.loads(answer.read())
    except (OSError, ValueError):
        return None


def write_atomically(folder: Path, text: str) -> None:
    temporary = folder.parent / "operations.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / OPERATIONS)


def edited(text: str) -> str:
    """The file with the first operation's dwellings raised by 2 (a valid edit)."""
    lines = text.splitlines(keepends=True)
    cells = lines[1].split(",")
    position = next(i for i, cell in enumerate(cells) if cell.isdigit() and i > 4)
    cells[position] = str(int(cells[position]) + 2)
    return "".join([lines[0], ",".join(cells), *lines[2:]])


def poll(url: str, seconds: float, every: float = 0.05) -> list[dict]:
    """Every /healthz answer received during ``seconds`` (None for a failure)."""
    answers, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        answers.append(get_json(url + "/healthz"))
        time.sleep(every)
    return answers


def wait_until(predicate, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.25)
    return None


def steady_memory(server: servers.Gunicorn, workers: int) -> dict:
    """``server.memory()`` once it runs ``workers`` workers (those replaced have finished)."""
    for _ in range(240):
        try:
            if len(server.pids()[1]) == workers:
                return server.memory()
        except (ProcessLookupError, FileNotFoundError):  # a worker ended while being measured
            pass
        time.sleep(0.25)
    raise RuntimeError(f"never {workers} workers")


class Switches:
    """Clients polling /healthz all along: versions ranked in the order they were written, answers older
    than one the same client saw before, failures, the slowest answer."""

    def __init__(self, url: str, first: str) -> None:
        self.url, self.rank, self.written = url, {first: 0}, 0
        self.answers = self.backwards = self.failed = 0
        self.slowest = 0.0
        self.lock, self.stop = threading.Lock(), threading.Event()

    def client(self) -> None:
        seen = -1
        while not self.stop.is_set():
            began = time.monotonic()
            answer = get_json(self.url + "/healthz")
            took = time.monotonic() - began
            with self.lock:
                self.answers += 1
                self.slowest = max(self.slowest, took)
                if answer is None:
                    self.failed += 1
                    continue
                rank = self.rank.setdefault(answer["data_version"], self.written)
                self.backwards += rank < seen
                seen = max(seen, rank)
            time.sleep(0.02)
