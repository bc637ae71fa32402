"""What the tests of the production setup and bench/robustness.py share: a valid edit of the data,
an atomic write, /healthz polled, the memory of a gunicorn once steady, and clients that record each
version they were served ("backwards": one older than one the same client saw before)."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
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


VERSION_HEADER = "X-Coeur-Version"  # dashboard/endpoints/versionorder.py
POLL_BODY = json.dumps(  # the pages' poll (endpoints/freshness.py), asked with no answer shown yet
    {
        "output": "..live-banner.children...live-latest.data..",
        "outputs": [{"id": "live-banner", "property": "children"}, {"id": "live-latest", "property": "data"}],
        "inputs": [{"id": "live-poll", "property": "n_intervals", "value": 1}],
        "changedPropIds": ["live-poll.n_intervals"],
        "state": [{"id": "live-latest", "property": "data", "value": None}],
    }
).encode()


def ask(url: str, kind: str, cookie: int | None) -> tuple[int, str | None, int]:
    """One request as a page makes it: its status, the data version its content comes from, and the version
    stamp the answer names (0: none)."""
    headers = {"Content-Type": "application/json"} if kind == "callback" else {}
    if cookie:
        headers["Cookie"] = f"coeur_v={cookie}"
    path = {"health": "/healthz", "layout": "/_dash-layout", "callback": "/_dash-update-component"}[kind]
    request = urllib.request.Request(
        url + path, data=POLL_BODY if kind == "callback" else None, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # loopback only
            status, body, stamp = answer.status, answer.read(), int(answer.headers.get(VERSION_HEADER) or 0)
    except urllib.error.HTTPError as error:
        return error.code, None, int(error.headers.get(VERSION_HEADER) or 0)
    except OSError:
        return 0, None, 0
    return status, version_in(kind, json.loads(body)), stamp


def version_in(kind: str, answer: dict) -> str | None:
    """The data version a page would show from this answer (its content, not a header)."""
    if kind == "health":
        return answer["data_version"]
    if kind == "callback":
        return answer["response"]["live-latest"]["data"]["version"]
    stack = [answer]
    while stack:  # the layout's store of the version the page was built from (freshness.parts)
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "live-built":
                return node["props"]["data"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


class Browsers:
    """Clients that ask what a page asks (/healthz, the layout, the poll callback, in turn), through nginx,
    recording each data version they were served. With ``cookie`` they behave as the pages do
    (assets/version.js): the newest stamp an answer named goes back in the ``coeur_v`` cookie; without it,
    as before that cookie existed. Counts per kind: answers, backwards (an older version than one the same
    client saw), refused (a 503 that reached the client), failed (anything else but 200)."""

    KINDS = ("health", "layout", "callback")

    def __init__(self, url: str, first: str, *, cookie: bool = True) -> None:
        self.url, self.cookie, self.rank, self.written = url, cookie, {first: 0}, 0
        self.counts = {kind: {"answers": 0, "backwards": 0, "refused": 0, "failed": 0} for kind in self.KINDS}
        self.lock, self.stop = threading.Lock(), threading.Event()

    def total(self, what: str) -> int:
        return sum(count[what] for count in self.counts.values())

    def client(self) -> None:
        seen, stamp, turn = -1, 0, 0
        while not self.stop.is_set():
            kind = self.KINDS[turn % len(self.KINDS)]
            turn += 1
            status, version, named = ask(self.url, kind, stamp if self.cookie else None)
            with self.lock:
                count = self.counts[kind]
                count["answers"] += 1
                if status != 200 or version is None:
                    count["refused" if status == 503 else "failed"] += 1
                    continue
                rank = self.rank.setdefault(version, self.written)
                count["backwards"] += rank < seen
                seen = max(seen, rank)
            stamp = max(stamp, named)
            time.sleep(0.01)
