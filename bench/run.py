"""Benchmark of the dashboard against the textbook baseline (bench/baseline.py), on this machine.

    python bench/run.py [--quick] [--out results.json]
    python bench/run.py --perimeter france [--rows N]     # or region:32,region:11, departement:60…

Starts every server with gunicorn and the production config (gunicorn.conf.py) on 127.0.0.1, drives
Debian's headless Chromium, and prints one JSON object (README, "Benchmark", says what each key means).
``--quick`` is a tiny configuration for the test suite: its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO)  # import bench.* and dashboard.*, never a bench/ module as a top-level one

import brotli  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench import browser, load, perimeter, replay, visits  # noqa: E402
from dashboard.data.dataset import COMMUNES_FILE, load_dataset  # noqa: E402
from dashboard.data.report import Report  # noqa: E402
from dashboard.web.context import build_context  # noqa: E402
from tests import servers, synthetic  # noqa: E402

REAL_DATA = REPO / "data"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    browser_runs: int
    repeats: int
    baseline_repeats: int
    rows: int
    scale_repeats: int
    clients: int
    load_s: float
    perimeter: str | None  # the national perimeter's run (``--perimeter``), part of a full run
    visit_passes: int  # bench/visits.py: each address asked so many times (3: each of 3 workers draws ~70 %)


FULL = Plan(
    browser_runs=5,
    repeats=30,
    baseline_repeats=10,
    rows=100_000,
    scale_repeats=40,
    clients=50,
    load_s=30,
    perimeter="france",
    visit_passes=3,
)
QUICK = Plan(
    browser_runs=1,
    repeats=5,
    baseline_repeats=2,
    rows=1_000,
    scale_repeats=5,
    clients=50,
    load_s=3,
    perimeter=None,
    visit_passes=1,
)

# The goals of issue 24 (the earlier ones of issue 5, tightened), each printed with the figure measured.
TARGETS = {
    "load": "≥ 1,000 requests/s with 50 clients, 0 errors, p95 < 100 ms, through nginx + gunicorn",
    "year_change_ms": "≤ 10 ms of server time and ≥ 100× less than the baseline's",
    "year_change_bytes": "≤ 1/100 of the baseline's",
    "first_load_bytes": "≤ 800 KB",
    "first_map_ms": "< 1,500 ms (median of 5) and at most half the baseline's",
    "scale_year_change_p95_ms": "< 100 ms, each step computed (100,000 operations)",
    "scale_memory": "≤ 700 MiB PSS, master + workers (100,000 operations), after the year steps and full "
    "updates and after many addresses visited (bench/visits.py)",
    "national_perimeter": "all of France (100,000 operations): map drawn and year step (bytes, server time) "
    "within 2× of the region's, measured in the same run (bench/perimeter.py)",
}
LOAD_RPS, LOAD_P95_MS = 1000, 100
YEAR_STEP_MS, YEAR_STEP_TIMES = 10, 100
FIRST_LOAD_BYTES, FIRST_MAP_MS = 800_000, 1500
SCALE_P95_MS, SCALE_PSS_MIB = 100, 700

# Loads the data in a fresh interpreter: how long validation and preparation take, and the peak memory.
LOAD_PROBE = """
import json, resource, sys, time
from pathlib import Path
from dashboard.web.context import build_context
from dashboard.data.dataset import load_dataset
from dashboard.data.report import Report
started = time.perf_counter()
report = Report()
dataset = load_dataset(Path(sys.argv[1]), report)
loaded = time.perf_counter()
context = build_context(dataset)
done = time.perf_counter()
print(json.dumps({"load_dataset_s": round(loaded - started, 2), "build_context_s": round(done - loaded, 2),
                  "errors": len(report.errors), "warnings": len(report.warnings),
                  "years": context.lookups.years,
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure_browser(chromium, targets: dict[str, browser.Target], runs: int) -> dict[str, dict]:
    """Cold visits of each target, interleaved so that a slow moment of the machine hits all alike."""
    visits: dict[str, list[browser.Visit]] = {name: [] for name in targets}
    for run in range(runs):
        for name, target in targets.items():
            capture = run == 0 and name != "all_communes"  # the year change is replayed from the first visit
            visits[name].append(browser.visit(chromium, target, capture_year_change=capture))
            log(f"browser {name} run {run + 1}: {visits[name][-1].map_ms} ms, {visits[name][-1].bytes} B")
    results = {
        name: {
            **browser.summarise(v),
            "year_change": v[0].year_change,
            "year_change_browser_ms": v[0].year_change_browser_ms,
        }
        for name, v in visits.items()
    }
    return results


def geometry_bytes(server_url: str, context) -> dict:
    """Our /geo assets as sent to Chromium, against the full commune file (raw, and compressed as the
    server would compress it)."""
    ours = {}
    for name in context.geo.by_name():
        request = urllib.request.Request(
            f"{server_url}/geo/{name}", headers={"Accept-Encoding": replay.BROWSER_ACCEPT_ENCODING}
        )
        with urllib.request.urlopen(request) as response:
            ours[name] = {
                "raw": len(context.geo.by_name()[name].body),
                "sent": len(response.read()),
                "encoding": response.headers.get("Content-Encoding"),
            }
    full = (REAL_DATA / COMMUNES_FILE).read_bytes()
    return {
        "ours": ours,
        "ours_sent_total": sum(item["sent"] for item in ours.values()),
        "full_communes_raw": len(full),
        "full_communes_gzip6": len(gzip.compress(full, 6)),
        "full_communes_brotli5": len(brotli.compress(full, quality=5)),
    }


def year_range_of(years: tuple[int, int]) -> list[int]:
    """Years to cycle through, newest first, skipping the last (the default view)."""
    first, last = years
    return list(range(last - 1, first - 1, -1)) or [last]


def scale(plan: Plan, captured: list[dict], workdir: Path) -> dict:
    data_dir = workdir / "synthetic"
    started = time.perf_counter()
    synthetic.write_data_dir(data_dir, plan.rows)
    written = round(time.perf_counter() - started, 2)
    log(f"scale: {plan.rows} operations written in {written} s, loading")
    probe = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE, str(data_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    loading = json.loads(probe.stdout)
    server = servers.start(servers.PROJECT_APP, data_dir, workdir)
    try:
        log(f"scale: server up in {server.cold_start_s} s, replaying the year change")
        years = year_range_of(tuple(loading["years"]))
        timing = replay.replay(server.url, captured, repeats=plan.scale_repeats, years=years, computed=True)
        cached = replay.replay(
            server.url, captured, repeats=plan.scale_repeats, years=years, warm=10 * len(years)
        )
        log("scale: replaying a full update (every control changed)")
        full = replay.replay(
            server.url,
            replay.as_full_update(captured),
            repeats=max(1, plan.scale_repeats // 2),
            years=years,
            computed=True,
        )
        memory = server.memory()
        log("scale: visiting many addresses (each page drawn and kept by the worker answering it)")
        paths = visits.addresses(data_dir, tuple(loading["years"]))
        visited = visits.visit(server.url, paths, passes=plan.visit_passes)
        memory_visited = server.memory()
    finally:
        server.stop()
    return {
        "operations": plan.rows,
        "communes": synthetic.communes_used(data_dir),
        "csv_mib": round((data_dir / "operations.csv").stat().st_size / MIB, 1),
        "generate_s": written,
        **{key: loading[key] for key in ("load_dataset_s", "build_context_s", "errors", "warnings")},
        "load_peak_rss_mib": loading["peak_rss_mib"],
        "cold_start_s": server.cold_start_s,
        "year_change_ms": timing["ms"],
        "year_change_p95_ms": timing["p95_ms"],
        "year_change_max_ms": timing["max_ms"],
        "year_change_bytes": timing["bytes"],
        "year_change_repeated_ms": cached["ms"],
        "year_change_repeated_p95_ms": cached["p95_ms"],
        "year_change_per_request": timing["per_request"],
        "repeats": timing["repeats"],
        "full_update_ms": full["ms"],
        "full_update_p95_ms": full["p95_ms"],
        "full_update_bytes": full["bytes"],
        "full_update_per_request": full["per_request"],
        "memory": memory,
        "visits": visited,
        "memory_after_visits": memory_visited,
        "rss_mib": memory["worker_rss_mib"],
    }


MAP_DRAWN = ("#region-map .choroplethlocation", "#region-map .scattergeo .point")  # shapes and markers


def shipped_data(plan: Plan, workdir: Path, context, years: list[int]) -> dict:
    """Everything measured on the shipped data: the dashboard, the baseline and the all-communes variant,
    each served by gunicorn; returns the result keys and the year change's captured requests."""
    running: list[servers.Gunicorn] = []
    try:
        project = servers.start(servers.PROJECT_APP, REAL_DATA, workdir)
        running.append(project)
        baseline = servers.start(servers.BASELINE_APP, REAL_DATA, workdir)
        running.append(baseline)
        every = servers.start(servers.ALL_COMMUNES_APP, REAL_DATA, workdir)
        running.append(every)
        log(f"servers up (cold start {project.cold_start_s} s, baseline {baseline.cold_start_s} s)")
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            pages = measure_browser(
                chromium,
                {
                    "project": browser.Target(project.url + "/", MAP_DRAWN, "button"),
                    "baseline": browser.Target(baseline.url + "/", MAP_DRAWN[:1], "keyboard"),
                    "all_communes": browser.Target(every.url + "/", MAP_DRAWN, "button"),
                },
                plan.browser_runs,
            )
            chromium.close()
        captured = pages["project"]["year_change"]
        log("replaying the year change")
        # Asked again: each year step in every worker's cache first (workers take requests at random).
        ours = replay.replay(project.url, captured, repeats=plan.repeats, years=years, warm=10 * len(years))
        computed = replay.replay(project.url, captured, repeats=plan.repeats, years=years, computed=True)
        theirs = replay.replay(
            baseline.url, pages["baseline"]["year_change"], repeats=plan.baseline_repeats, years=years
        )
        geometry = geometry_bytes(project.url, context)
    finally:
        for server in running:
            server.stop()
    loaded = load_through_production(plan, captured, workdir, years)
    return {
        "cold_start_s": project.cold_start_s,
        "baseline_cold_start_s": baseline.cold_start_s,
        "year_change_bytes": ours["bytes"],
        "year_change_ms": ours["ms"],
        "year_change_computed_ms": computed["ms"],
        "baseline_year_change_bytes": theirs["bytes"],
        "baseline_year_change_ms": theirs["ms"],
        "first_load_bytes": pages["project"]["bytes"],
        "baseline_first_load_bytes": pages["baseline"]["bytes"],
        "first_map_ms": pages["project"]["map_ms"],
        "baseline_first_map_ms": pages["baseline"]["map_ms"],
        "year_change": {
            "project": ours,
            "project_computed": computed,
            "baseline": theirs,
            "browser_ms": {name: pages[name]["year_change_browser_ms"] for name in ("project", "baseline")},
        },
        "first_load": {
            name: {key: value for key, value in page.items() if not key.startswith("year_change")}
            for name, page in pages.items()
        },
        "draw_only_what_the_view_needs": {
            "first_map_ms": {
                "ours": pages["project"]["map_ms"],
                "all_communes": pages["all_communes"]["map_ms"],
                "baseline_inline_geojson": pages["baseline"]["map_ms"],
            },
            "shapes_drawn": {
                "ours": pages["project"]["shapes"],
                "all_communes": pages["all_communes"]["shapes"],
                "baseline_inline_geojson": pages["baseline"]["shapes"],
            },
            "geometry_bytes": geometry,
        },
        "load": loaded,
        "captured": captured,
    }


def load_through_production(plan: Plan, captured: list[dict], workdir: Path, years: list[int]) -> dict:
    """The load test through the supported setup: nginx (deploy/nginx) in front of one gunicorn instance
    (gunicorn.conf.py), as scripts/serve-production.sh starts them, on the shipped data."""
    production = servers.start_production(REAL_DATA, workdir)
    try:
        before = production.memory()
        load_average = os.getloadavg()
        log(
            f"load: {plan.clients} clients, {plan.load_s} s through nginx, load average {load_average[0]:.1f}"
        )
        loaded = load.run(production.url, captured, clients=plan.clients, duration_s=plan.load_s, years=years)
        after = production.memory()
    finally:
        production.stop()
    return {
        **loaded,
        "server": "nginx (deploy/nginx) + 1 instance of gunicorn -c gunicorn.conf.py dashboard.wsgi:server",
        "load_average_before": [round(value, 2) for value in load_average],
        "memory_before": before,
        "memory_after": after,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny configuration, for the test suite")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument(
        "--rows", type=int, help="synthetic operations of the scale test (100,000; quick: 1,000)"
    )
    parser.add_argument(
        "--perimeter", help="serve that perimeter (COEUR_PERIMETER) with synthetic data: bench/perimeter.py"
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    if args.rows:
        plan = dataclasses.replace(plan, rows=args.rows)
    if args.perimeter:
        result = perimeter_result(plan, args.perimeter)
        print_goals({"national_perimeter": national_perimeter(result)})
        return print_result(result, args.out)
    context = build_context(load_dataset(REAL_DATA, Report()))
    result: dict = {
        "quick": args.quick,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }
    with tempfile.TemporaryDirectory(prefix="coeur-bench-") as temporary:
        result.update(shipped_data(plan, Path(temporary), context, year_range_of(context.lookups.years)))
        result["scale"] = scale(plan, result.pop("captured"), Path(temporary))
    if plan.perimeter:
        log(f"perimeter {plan.perimeter}: {plan.rows} operations")
        result["perimeter"] = perimeter_result(plan, plan.perimeter)
    result["targets"] = targets(result)
    print_goals(result["targets"])
    return print_result(result, args.out)


def print_goals(goals: dict) -> None:
    for name, goal in goals.items():
        met = {True: "met", False: "NOT MET", None: "not measured here"}[goal["met"]]
        log(f"goal {name}: {goal['measured']} — target {goal['target']}: {met}")


def perimeter_result(plan: Plan, chosen: str) -> dict:
    years = year_range_of(build_context(load_dataset(REAL_DATA, Report())).lookups.years)
    with tempfile.TemporaryDirectory(prefix="coeur-bench-") as temporary:
        result = perimeter.run(
            chosen,
            plan.rows,
            Path(temporary),
            shipped=REAL_DATA,
            map_drawn=MAP_DRAWN,
            repeats=plan.repeats,
            years=years,
        )
    return {"quick": plan is QUICK, "machine": {"cores": os.cpu_count()}, **result}


def print_result(result: dict, out: Path | None) -> int:
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def targets(result: dict) -> dict:
    """Each goal of issue 24, with the figure measured and whether this run meets it."""
    ours_bytes, their_bytes = result["year_change_bytes"], result["baseline_year_change_bytes"]
    ours_ms, their_ms = result["year_change_ms"], result["baseline_year_change_ms"]
    loaded, scaled = result["load"], result["scale"]
    p95 = loaded["p95_ms"]
    pss = scaled["memory"]["total_pss_mib"]
    pss_visited = scaled["memory_after_visits"]["total_pss_mib"]
    first_map, baseline_map = result["first_map_ms"], result["baseline_first_map_ms"]
    return {
        "load": {
            "target": TARGETS["load"],
            "measured": f"{loaded['requests_per_s']} req/s, {loaded['errors']} errors, p95 {p95} ms",
            "met": loaded["requests_per_s"] >= LOAD_RPS
            and loaded["errors"] == 0
            and p95 is not None
            and p95 < LOAD_P95_MS,
        },
        "year_change_ms": {
            "target": TARGETS["year_change_ms"],
            "measured": f"{ours_ms} ms ({round(their_ms / ours_ms, 1)}× less than {their_ms} ms); "
            f"computed (a view nobody asked before): {result['year_change_computed_ms']} ms",
            "times_faster": round(their_ms / ours_ms, 1),
            "met": ours_ms <= YEAR_STEP_MS and ours_ms * YEAR_STEP_TIMES <= their_ms,
        },
        "year_change_bytes": {
            "target": TARGETS["year_change_bytes"],
            "measured": f"{ours_bytes} B against {their_bytes} B",
            "times_smaller": round(their_bytes / ours_bytes, 1),
            "met": ours_bytes * 100 <= their_bytes,
        },
        "first_load_bytes": {
            "target": TARGETS["first_load_bytes"],
            "measured": f"{result['first_load_bytes']} B",
            "met": result["first_load_bytes"] <= FIRST_LOAD_BYTES,
        },
        "first_map_ms": {
            "target": TARGETS["first_map_ms"],
            "measured": f"{first_map} ms against {baseline_map} ms",
            "met": first_map < FIRST_MAP_MS and first_map * 2 <= baseline_map,
        },
        "scale_year_change_p95_ms": {
            "target": TARGETS["scale_year_change_p95_ms"],
            "operations": scaled["operations"],
            "measured": f"p95 {scaled['year_change_p95_ms']} ms computed, "
            f"{scaled['year_change_repeated_p95_ms']} ms asked again",
            "met": scaled["year_change_p95_ms"] < SCALE_P95_MS,
        },
        "scale_memory": {
            "target": TARGETS["scale_memory"],
            "operations": scaled["operations"],
            "measured": f"{pss} MiB PSS ({scaled['memory']['workers']} workers) after the year steps and "
            f"full updates; {pss_visited} MiB after {scaled['visits']['addresses']} addresses visited "
            f"({scaled['visits']['requests']} requests, {scaled['visits']['errors']} errors)",
            "met": max(pss, pss_visited) <= SCALE_PSS_MIB and scaled["visits"]["errors"] == 0,
        },
        "national_perimeter": national_perimeter(result.get("perimeter")),
    }


def national_perimeter(run: dict | None) -> dict:
    """The perimeter's figures against the shipped region's, measured in the same run (bench/perimeter.py)."""
    if run is None:
        return {"target": TARGETS["national_perimeter"], "measured": "not in a --quick run", "met": None}
    checks = run["targets"]
    ratio = round(run["first_load"]["map_ms"] / run["today"]["first_map_ms"], 2)
    return {
        "target": TARGETS["national_perimeter"],
        "perimeter": run["perimeter"],
        "measured": f"{run['perimeter']}: map {run['first_load']['map_ms']} ms against "
        f"{run['today']['first_map_ms']} ms ({ratio}×); year step {run['year_step']['ms']} ms against "
        f"{run['today']['year_step']['ms']} ms ({checks['year_step_ms']['ratio']}×), "
        f"{run['year_step']['bytes']} B against {run['today']['year_step']['bytes']} B "
        f"({checks['year_step_bytes']['ratio']}×); PSS {run['memory']['total_pss_mib']} MiB",
        "map_ratio": ratio,
        "met": ratio <= perimeter.STEP_RATIO_LIMIT
        and checks["year_step_ms"]["met"]
        and checks["year_step_bytes"]["met"],
    }


if __name__ == "__main__":
    sys.exit(main())
