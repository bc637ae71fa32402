"""Many distinct addresses asked of a server, as a mix of visitors asks them: the region at every year,
with a programme or a département chosen, and communes' pages. Each address's page is drawn and written
into the HTML by the worker that answers it, and kept (``FIRST_PAGES_BYTES``, ``RECENT_PAGES``): the
memory the workers hold after such a mix is the worst case a real audience gives (issue 24), where the
scale test's year steps and full updates only ask callbacks of the default address.

Each address is asked ``passes`` times in a shuffled order by ``clients`` clients at once: the workers
take connections in turn from one socket, so with 3 workers and 3 passes each one draws ~70 % of them
(every address at least once somewhere)."""

from __future__ import annotations

import csv
import random
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.replay import BROWSER_ACCEPT_ENCODING

DEPARTEMENTS = 5  # the départements of the data chosen as filters (the most operations first)
COMMUNES = 40  # communes' pages


def addresses(data_dir: Path, years: tuple[int, int]) -> list[str]:
    """The addresses of a visitor mix for the data in ``data_dir`` (its operations.csv), ``years`` its span:
    ~130 for 10 years."""
    with (data_dir / "operations.csv").open(encoding="utf-8", newline="") as handle:
        codes = [row["code_insee"] for row in csv.DictReader(handle) if row.get("code_insee")]
    counts: dict[str, int] = {}
    for code in codes:
        counts[code[:2]] = counts.get(code[:2], 0) + 1
    departements = sorted(counts, key=lambda dep: (-counts[dep], dep))[:DEPARTEMENTS]
    communes = list(dict.fromkeys(codes))
    communes = communes[:: max(1, len(communes) // COMMUNES)][:COMMUNES]
    first, last = years
    span = list(range(first, last + 1))
    found = [f"/?annee={year}" for year in span]
    found += [f"/?annee={year}&programme={p}" for year in span for p in ("ACV", "hors+ACV")]
    found += [f"/?annee={year}&dep={dep}" for year in span for dep in departements]
    found += [f"/commune/{code}?annee={span[i % len(span)]}" for i, code in enumerate(communes)]
    return list(dict.fromkeys(found))


def visit(server_url: str, paths: list[str], *, passes: int = 3, clients: int = 3) -> dict:
    """Every path of ``paths`` asked ``passes`` times (shuffled, ``clients`` at once): requests, errors,
    bytes received and how long it took."""
    errors = 0
    received = 0

    def ask(path: str) -> int:
        request = urllib.request.Request(
            server_url + path, headers={"Accept-Encoding": BROWSER_ACCEPT_ENCODING}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return len(response.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return -1

    started = time.perf_counter()
    for turn in range(passes):
        order = paths[:]
        random.Random(turn).shuffle(order)
        with ThreadPoolExecutor(clients) as pool:
            for size in pool.map(ask, order):
                errors += size < 0
                received += max(size, 0)
    return {
        "addresses": len(paths),
        "requests": len(paths) * passes,
        "errors": errors,
        "bytes": received,
        "s": round(time.perf_counter() - started, 1),
    }
