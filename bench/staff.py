"""The staff area's two waits, measured: upload → validated preview, and publish → served by every instance.

Two instances (two apps, two state folders: two hosts) on one database, each through Flask's test client, with
the production reload settings (a look every 2 s; a publication is accepted at once, without settling). For
the shipped data and for 10,000 synthetic operations (bench/synthetic.py). Prints figures, asserts nothing.

    .venv/bin/python -m bench.staff [--rows 10000]

Upload → preview is also given in CPU seconds of this process (the apps run in it): on a machine shared with
other jobs the wall-clock figure follows their load, the CPU figure much less.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from dashboard.app import create_app
from dashboard.data import dataset
from dashboard.endpoints.staff.auth import hash_password
from dashboard.settings import Settings, StaffSettings
from dashboard.store import draft as drafts
from tests.synthetic import write_data_dir

REPO = Path(__file__).resolve().parent.parent
URL = "https://localhost"
USER, PASSWORD = "bench", "mot de passe du banc d'essai"


def instance(data: Path, state: Path, database: str):
    settings = Settings(
        data_dir=data,
        state_dir=state,
        staff=StaffSettings(database_url=database, secret_key="banc d'essai " * 4),
    )
    app = create_app(settings)
    app.server.extensions["coeur_staff"].store.set_user(USER, hash_password(PASSWORD))
    return app


def token(client, path: str) -> str:
    page = client.get(path, base_url=URL).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(client) -> None:
    data = {"csrf": token(client, "/gestion/connexion"), "identifiant": USER, "mot_de_passe": PASSWORD}
    assert client.post("/gestion/connexion", data=data, base_url=URL).status_code == 302


def changed_workbook(client, round_: int) -> tuple[bytes, float]:
    started = time.perf_counter()
    body = client.get("/gestion/classeur.xlsx", base_url=URL).data
    download = time.perf_counter() - started
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book["operations"]
    column = next(c.column_letter for c in sheet[1] if c.value == "remarques")
    sheet[f"{column}2"] = f"relecture n° {round_}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), download


def version_of(client) -> str:
    return client.get("/healthz", base_url=URL).get_json()["data_version"]


def served_after(clients, before: list[str], started: float, limit: float = 60.0) -> list[float]:
    """Seconds from ``started`` until each instance answers with another version than ``before``."""
    done: list[float | None] = [None] * len(clients)
    while any(d is None for d in done) and time.perf_counter() - started < limit:
        for index, client in enumerate(clients):
            if done[index] is None and version_of(client) != before[index]:
                done[index] = time.perf_counter() - started
        time.sleep(0.1)
    return [d if d is not None else float("nan") for d in done]


def validation_ab(data: Path, area_names: tuple[str, ...], rounds: int) -> None:
    """A draft's validation (``drafts.check``) with the outlines kept (dataset.load_reference's cache) and
    re-read each time, interleaved in one process so that both see the same load."""
    files = {name: (data / name).read_bytes() for name in area_names}
    drafts.check(files, data)
    times: dict[str, list[float]] = {"kept": [], "re-read": []}
    for _ in range(max(rounds, 3)):
        for mode, measured in times.items():
            if mode == "re-read":
                dataset._REFERENCE.clear()
            started = time.perf_counter()
            assert drafts.check(files, data).ok
            measured.append(time.perf_counter() - started)
    kept, reread = (statistics.median(times[m]) for m in ("kept", "re-read"))
    print(f"  a draft's validation: {kept:.2f} s with the outlines kept, {reread:.2f} s re-reading them")


def run(rows: int | None, rounds: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="coeur-bench-staff-"))
    try:
        data = root / "data"
        if rows:
            write_data_dir(data, rows)
            shutil.copy(REPO / "data" / "communes_partenaires.csv", data)
        else:
            shutil.copytree(REPO / "data", data)
        database = f"sqlite:///{root / 'gestion.sqlite3'}"
        started = time.perf_counter()
        apps = [instance(data, root / f"hote-{n}", database) for n in (1, 2)]
        print(f"{rows or 'shipped'}: two instances started in {time.perf_counter() - started:.1f} s")
        validation_ab(data, apps[0].server.extensions["coeur_staff"].names, rounds)
        clients = [app.server.test_client() for app in apps]
        for client in clients:
            log_in(client)
        previews, cpus, publishes, served = [], [], [], []
        for round_ in range(rounds):
            body, download = changed_workbook(clients[0], round_)
            started, cpu = time.perf_counter(), time.process_time()
            files = {"csrf": token(clients[0], "/gestion/"), "fichier": (io.BytesIO(body), "classeur.xlsx")}
            answer = clients[0].post("/gestion/depot", data=files, base_url=URL)
            assert answer.status_code == 302, answer.get_data(as_text=True)[-800:]
            draft = answer.headers["Location"]
            page = clients[0].get(draft, base_url=URL).get_data(as_text=True)
            previews.append(time.perf_counter() - started)
            cpus.append(
                time.process_time() - cpu
            )  # this process's CPU: what the machine's load does not change
            seen = re.search(r'name="version_vue" value="(\d+)"', page).group(1)
            before = [version_of(c) for c in clients]
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            started = time.perf_counter()
            form = {"csrf": csrf, "note": f"banc d'essai {round_}", "version_vue": seen}
            assert clients[0].post(f"{draft}/publier", data=form, base_url=URL).status_code == 302
            publishes.append(time.perf_counter() - started)
            served.append(max(served_after(clients, before, started)))
            print(
                f"  round {round_ + 1}: download {download:.2f} s, "
                f"upload → validated preview {previews[-1]:.2f} s ({cpus[-1]:.2f} s CPU), "
                f"publish {publishes[-1]:.2f} s, publish → served by both instances {served[-1]:.1f} s"
            )
        print(
            f"{rows or 'shipped'}: median upload → preview {statistics.median(previews):.2f} s "
            f"({statistics.median(cpus):.2f} s CPU), "
            f"publish {statistics.median(publishes):.2f} s, publish → served everywhere "
            f"{statistics.median(served):.1f} s (a look every 2 s, no settling)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=0, help="synthetic operations (0: the shipped data)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    run(args.rows or None, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
