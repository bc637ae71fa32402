"""What takes the memory of a loaded dataset: the columns, the per-year tables, the geometry, the caches.

    python bench/memory.py [--rows 100000]      # synthetic operations (tests/synthetic.py); 0: shipped data

Prints one JSON object (README, "Benchmark", says what it holds). Sizes are pandas' deep sizes of what one
process holds after loading and preparing every year, as gunicorn's master does before forking; then what
the caches of pages weigh once the app has answered a visitor mix's addresses (bench/visits.py), as a
worker holds them (``caches_after_visits``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO)

import pandas as pd  # noqa: E402

from bench import visits  # noqa: E402
from dashboard.app import FIRST_PAGES_BYTES, FIRST_PAGES_KEPT, create_app, first_page_bytes  # noqa: E402
from dashboard.data.dataset import load_dataset  # noqa: E402
from dashboard.data.report import Report  # noqa: E402
from dashboard.endpoints.versioncache import MAX_BYTES  # noqa: E402
from dashboard.model.recent import Recent  # noqa: E402
from dashboard.settings import Settings  # noqa: E402
from dashboard.web.context import RECENT_PAGES, build_context  # noqa: E402
from tests import synthetic  # noqa: E402

MIB = 1024 * 1024


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def frame_mib(frame: pd.DataFrame) -> float:
    return round(frame.memory_usage(deep=True, index=True).sum() / MIB, 1)


def measure(data_dir: Path) -> dict:
    started = rss_mib()
    dataset = load_dataset(data_dir, Report())
    loaded = rss_mib()
    context = build_context(dataset)
    operations = context.dataset.operations
    columns = operations.memory_usage(deep=True, index=False)
    by_kind: dict[str, float] = {}
    for name, size in columns.items():
        kind = str(operations[name].dtype)
        by_kind[kind] = by_kind.get(kind, 0) + size
    timer = time.perf_counter()
    context.prepare_years()
    prepared_s = time.perf_counter() - timer
    first, last = context.lookups.years
    added = [column for column in context.at_year(last).columns if column not in operations.columns]
    per_year = sum(context.at_year(last)[column].memory_usage(deep=True, index=False) for column in added)
    geometry = sum(len(asset.body) for asset in context.geo.by_name().values())
    return {
        "operations": len(operations),
        "rss_mib": {"start": started, "loaded": loaded, "prepared": rss_mib()},
        "operations_columns_mib": round(columns.sum() / MIB, 1),
        "operations_index_mib": round(operations.index.memory_usage(deep=True) / MIB, 1),
        "columns_by_dtype_mib": {kind: round(size / MIB, 1) for kind, size in sorted(by_kind.items())},
        "largest_columns_mib": {
            str(name): round(size / MIB, 1) for name, size in columns.sort_values(ascending=False)[:8].items()
        },
        "mix_mib": frame_mib(context.dataset.mix),
        "communes_mib": frame_mib(context.dataset.communes),
        "per_year": {
            "years": last - first + 1,
            "columns_added": added,
            "each_mib": round(per_year / MIB, 2),
            "all_mib": round(per_year * (last - first + 1) / MIB, 1),
            "prepared_in_s": round(prepared_s, 2),
        },
        "geometry_documents_mib": round(geometry / MIB, 1),
        "caches": {
            "answers_per_worker_mib_at_most": round(MAX_BYTES / MIB, 1),
            "recent_pages_kept": RECENT_PAGES,
            "written_pages_kept_at_most": FIRST_PAGES_KEPT,
            "written_pages_mib_at_most": round(FIRST_PAGES_BYTES / MIB, 1),
        },
    }


def caches_after_visits(data_dir: Path, state_dir: Path) -> dict:
    """The app (as a worker) after answering every address of a visitor mix once: what the pages written
    into the HTML weigh (``first_page_bytes``) by kind, all of them and what the worker keeps of them
    (``FIRST_PAGES_BYTES``), and the region's pages whose component trees it keeps (``Caches.pages``)."""
    app = create_app(Settings(data_dir=data_dir, state_dir=state_dir))
    context = app.server.extensions["coeur_live"].get()
    client = app.server.test_client()
    paths = visits.addresses(data_dir, context.lookups.years)
    every = Recent(len(paths) + 1, max_bytes=1 << 40, sizeof=first_page_bytes)  # nothing dropped
    weights: dict[str, list[int]] = {}
    before = rss_mib()
    timer = time.perf_counter()
    for path in paths:
        route, query = (path.split("?", 1) + [""])[:2]
        weight = every.weight()[1]
        with app.server.test_request_context(path):
            every.get(path, lambda route=route, query=query: app.first_page(route, query))
        kind = (
            "commune"
            if path.startswith("/commune/")
            else "region, " + ("filtered" if "&" in path else "year")
        )
        weights.setdefault(kind, []).append(every.weight()[1] - weight)
        assert client.get(path).status_code == 200, path  # and the app's own cache, bounded
    kept, weight = app.first_pages.weight()
    return {
        "addresses": len(paths),
        "answered_in_s": round(time.perf_counter() - timer, 1),
        "rss_growth_mib": round(rss_mib() - before, 1),
        "written_pages_all_mib": round(every.weight()[1] / MIB, 1),
        "written_page_mib_by_kind": {
            kind: {
                "median": round(sorted(sizes)[len(sizes) // 2] / MIB, 2),
                "max": round(max(sizes) / MIB, 2),
            }
            for kind, sizes in sorted(weights.items())
        },
        "written_pages_kept": {"pages": kept, "mib": round(weight / MIB, 1)},
        "region_pages_kept": context.caches.pages.weight()[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic operations; 0: the shipped data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coeur-memory-") as temporary:
        folder = REPO / "data"
        if args.rows:
            folder = Path(temporary) / "data"
            synthetic.write_data_dir(folder, args.rows)
        result = measure(folder)
        result["caches_after_visits"] = caches_after_visits(folder, Path(temporary) / "state")
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
