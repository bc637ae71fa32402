"""The longer robustness runs of issue 14, printed as counts: ``python bench/robustness.py [--quick]``.

1. recycling: gunicorn (3 workers, recycled every ~40 requests) on a copy of the data; a valid edit, then a
   broken file while workers are replaced: responses carrying another version than the edit are stale.
2. partial: a file written in two chunks with a 2.5 s pause, then emptied to its header for 12 s: responses
   with fewer operations than the valid version.
3. idle: 50 sockets that never finish their request, held 30 s in front of the production setup (nginx and
   two instances, scripts/serve-production.sh), and the same in front of gunicorn alone: answers, failures,
   p95 of the normal requests made meanwhile.
4. reloads: gunicorn (3 workers) on a copy of the data; PSS of all its processes at start, then after 20
   accepted versions (each one served by every worker before the next), and the switches: /healthz polled
   by 8 clients during each switch, answers older than one the same client saw before ("backwards"), and
   the slowest answer meanwhile.
5. switch (issue 23): two instances behind nginx, workers recycled every ~150 requests, 10 valid edits each
   taken up by both; browsers asking /healthz, the layout and a callback in turn, half keeping the version
   cookie as the pages do, half not: answers older than one the same browser saw, refusals that reached it.
6. geocode: `python -m dashboard geocode` against a 300 MB answer (peak memory of the command) and against a
   server trickling a byte every 2 s with --timeout 3 (time to exit).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import servers
from tests.fake_ban import FakeBan, Step
from tests.reloads import (
    Browsers,
    Switches,
    edited,
    get_json,
    poll,
    steady_memory,
    wait_until,
    write_atomically,
)

REPO = servers.REPO
OPERATIONS = "operations.csv"


def recycling(work: Path, seconds: float) -> dict:
    data = work / "recycling"
    shutil.copytree(REPO / "data", data)
    original = (data / OPERATIONS).read_text(encoding="utf-8")
    server = servers.start(
        servers.PROJECT_APP,
        data,
        work,
        COEUR_WORKERS="3",
        COEUR_STATE_DIR=str(work / "state-recycling"),
        GUNICORN_CMD_ARGS="--max-requests 40 --max-requests-jitter 5",
    )
    try:
        before = server.pids()[1]
        write_atomically(data, edited(original))
        old = get_json(server.url + "/healthz")["data_version"]
        took = wait_until(lambda: all(a and a["data_version"] != old for a in poll(server.url, 0.6)), 60)
        version = get_json(server.url + "/healthz")["data_version"]
        write_atomically(data, original.replace(",ACV,", ",ACV-inconnu,", 1))
        seen: set[int] = set()
        done = threading.Event()

        def sample() -> None:  # every worker process that lived during the run
            while not done.wait(0.1):
                seen.update(server.pids()[1])

        sampler = threading.Thread(target=sample)
        sampler.start()
        answers = poll(server.url, seconds, every=0.01)
        done.set()
        sampler.join()
    finally:
        server.stop()
    stale = [a for a in answers if a is not None and a["data_version"] != version]
    refused = sum(1 for a in answers if a and a["last_reload_failed"])
    return {
        "edit_served_by_every_worker_s": round(took, 1) if took is not None else None,
        "responses": len(answers),
        "stale": len(stale),
        "no_answer": answers.count(None),
        "showing_the_refusal": refused,
        "worker_processes_seen": len(seen | set(before)),
    }


def partial(work: Path) -> dict:
    data = work / "partial"
    shutil.copytree(REPO / "data", data)
    text = (data / OPERATIONS).read_text(encoding="utf-8")
    server = servers.start(
        servers.PROJECT_APP, data, work, COEUR_WORKERS="2", COEUR_STATE_DIR=str(work / "state-partial")
    )
    full = get_json(server.url + "/healthz")["operations"]
    results: list[dict | None] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            results.append(get_json(server.url + "/healthz"))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        lines = text.splitlines(keepends=True)
        cut = len(lines) // 2
        with (data / OPERATIONS).open("w", encoding="utf-8") as out:  # in place, in two chunks
            out.write("".join(lines[:cut]))
            out.flush()
            time.sleep(2.5)
            out.write("".join(lines[cut:]))
        time.sleep(8)
        (data / OPERATIONS).write_text(lines[0], encoding="utf-8")  # emptied to its header
        time.sleep(12)
        (data / OPERATIONS).write_text(text, encoding="utf-8")
        time.sleep(8)
    finally:
        stop.set()
        watcher.join()
        server.stop()
    fewer = [a for a in results if a is None or a["operations"] < full]
    return {"operations": full, "responses": len(results), "with_fewer_operations_or_failed": len(fewer)}


def reloads(work: Path, versions: int = 20, clients: int = 8) -> dict:
    data = work / "reloads"
    shutil.copytree(REPO / "data", data)
    text = (data / OPERATIONS).read_text(encoding="utf-8")
    server = servers.start(
        servers.PROJECT_APP, data, work, COEUR_WORKERS="3", COEUR_STATE_DIR=str(work / "state-reloads")
    )
    for _ in range(30):  # every worker warm
        get_json(server.url + "/healthz")
    start = steady_memory(server, 3)
    switches = Switches(server.url, get_json(server.url + "/healthz")["data_version"])
    threads = [threading.Thread(target=switches.client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    took: list[float] = []
    try:
        for number in range(1, versions + 1):
            text = edited(text)
            with switches.lock:
                switches.written = number
            write_atomically(data, text)
            began = time.monotonic()

            def everywhere(number: int = number) -> bool:
                served = {a and a["data_version"] for a in poll(server.url, 0.3, every=0.01)} - {None}
                return len(served) == 1 and switches.rank.get(served.pop()) == number

            wait_until(everywhere, 120)
            took.append(round(time.monotonic() - began, 1))
        end = steady_memory(server, 3)
    finally:
        switches.stop.set()
        for thread in threads:
            thread.join()
        server.stop()
    return {
        "versions": versions,
        "pss_start_mib": start["total_pss_mib"],
        "pss_after_mib": end["total_pss_mib"],
        "ratio": round(end["total_pss_mib"] / start["total_pss_mib"], 2),
        "workers": end["workers"],
        "answers": switches.answers,
        "backwards": switches.backwards,
        "failed": switches.failed,
        "slowest_answer_s": round(switches.slowest, 2),
        "edit_to_every_worker_s_median": sorted(took)[len(took) // 2],
    }


def switch(work: Path, versions: int = 10, clients: int = 6) -> dict:
    """Two instances behind nginx (as serve-production.sh), workers recycled every ~150 requests, ``versions``
    valid edits each taken up by both instances; browsers asking /healthz, the layout and the poll callback
    in turn, half keeping the version cookie as the pages do (assets/version.js), half without it."""
    data = work / "switch"
    shutil.copytree(REPO / "data", data)
    text = (data / OPERATIONS).read_text(encoding="utf-8")
    (work / "switch-run").mkdir()
    site = servers.start_production(
        data,
        work / "switch-run",
        instances=2,
        COEUR_WORKERS="2",
        GUNICORN_CMD_ARGS="--max-requests 150 --max-requests-jitter 30",
    )
    first = get_json(site.url + "/healthz")["data_version"]
    keeping, forgetting = Browsers(site.url, first), Browsers(site.url, first, cookie=False)
    threads = [threading.Thread(target=keeping.client) for _ in range(clients // 2)]
    threads += [threading.Thread(target=forgetting.client) for _ in range(clients - clients // 2)]
    for thread in threads:
        thread.start()
    try:
        for number in range(1, versions + 1):
            text = edited(text)
            with keeping.lock, forgetting.lock:
                keeping.written = forgetting.written = number
            write_atomically(data, text)

            def both(number: int = number) -> bool:
                served = [get_json(instance.url + "/healthz") for instance in site.instances]
                return all(a and keeping.rank.get(a["data_version"]) == number for a in served)

            wait_until(both, 120)
    finally:
        keeping.stop.set()
        forgetting.stop.set()
        for thread in threads:
            thread.join()
        site.stop()
    log = (site.run_dir / "access.log").read_text(encoding="utf-8")
    return {
        "versions": versions,
        "with_the_cookie": {k: keeping.total(k) for k in ("answers", "backwards", "refused", "failed")},
        "without_the_cookie": {k: forgetting.total(k) for k in ("answers", "backwards", "refused", "failed")},
        "retried_on_the_other_instance": log.count("upstream_status=503, 200"),
    }


def idle_sockets(host_port: tuple[str, int], seconds: float, sockets: int = 50) -> dict:
    held = []
    for _ in range(sockets):
        connection = socket.create_connection(host_port)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(connection)
    waits, failures = [], 0
    end = time.monotonic() + seconds
    base = f"http://{host_port[0]}:{host_port[1]}"
    try:
        while time.monotonic() < end:
            for path in ("/healthz", "/", "/commune/60159"):
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path, timeout=10) as answer:
                        answer.read()
                        failures += answer.status != 200
                except (OSError, urllib.error.HTTPError):
                    failures += 1
                    continue
                waits.append(time.perf_counter() - started)
    finally:
        for connection in held:
            connection.close()
    waits.sort()
    p95 = waits[int(0.95 * (len(waits) - 1))] * 1000 if waits else None
    return {"answered": len(waits), "failures": failures, "p95_ms": round(p95) if p95 else None}


def idle(work: Path, seconds: float) -> dict:
    data = work / "idle"
    shutil.copytree(REPO / "data", data)
    proxy, first = servers.free_port(), servers.free_port()
    log = (work / "serve-production.log").open("wb")
    command = [str(REPO / "scripts/serve-production.sh"), "--port", str(proxy)]
    command += ["--first-app-port", str(first), "--data-dir", str(data), "--run-dir", str(work / "run")]
    env = {**os.environ, "COEUR_WORKERS": "2", "COEUR_STATE_DIR": str(work / "state-idle")}
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        ready = wait_until(lambda: get_json(f"http://127.0.0.1:{proxy}/healthz") is not None, 120)
        assert ready is not None, "the production setup did not start"
        wait_until(lambda: get_json(f"http://127.0.0.1:{first + 1}/healthz") is not None, 60)
        through_proxy = idle_sockets(("127.0.0.1", proxy), seconds)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    # gunicorn alone is supported with threads only (gunicorn.conf.py): measured as such.
    server = servers.start(
        servers.PROJECT_APP, data, work, COEUR_STATE_DIR=str(work / "state-direct"), COEUR_THREADS="4"
    )
    try:
        direct = idle_sockets(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), seconds)
    finally:
        server.stop()
    return {"through_nginx": through_proxy, "gunicorn_alone_gthread": direct}


def geocode(work: Path) -> dict:
    out = work / "geocoded.csv"
    results = {}
    for name, step, timeout in (
        ("answer_300MB", Step(huge_bytes=300_000_000), "60"),
        ("trickle_1_byte_per_2s", Step(trickle=2.0), "3"),
    ):
        with FakeBan(step, step, step, step) as service:
            started = time.monotonic()
            child = subprocess.Popen(
                [sys.executable, "-m", "dashboard", "geocode", str(REPO / "data" / OPERATIONS)]
                + ["--api-url", service.url, "--out", str(out), "--timeout", timeout],
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.monotonic() - started
            message = child.stderr.read().decode().strip()
        results[name] = {
            "exit": os.waitstatus_to_exitcode(status),
            "seconds": round(elapsed, 2),
            "timeout_s": float(timeout),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss: KiB on Linux
            "message": message[:160],
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s runs instead of 30 s")
    parser.add_argument("--only", choices=["recycling", "partial", "idle", "reloads", "switch", "geocode"])
    args = parser.parse_args()
    seconds = 10.0 if args.quick else 30.0
    with tempfile.TemporaryDirectory(prefix="coeur-robustness-") as folder:
        work = Path(folder)
        runs = {
            "recycling": lambda: recycling(work, seconds),
            "partial": lambda: partial(work),
            "idle": lambda: idle(work, seconds),
            "reloads": lambda: reloads(work, versions=5 if args.quick else 20),
            "switch": lambda: switch(work, versions=3 if args.quick else 10),
            "geocode": lambda: geocode(work),
        }
        for name, run in runs.items():
            if args.only in (None, name):
                print(json.dumps({name: run()}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
