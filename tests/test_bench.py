"""bench/run.py --quick runs end to end and prints the JSON the README documents, and what it measures
holds where it does not depend on the machine: bytes sent, requests made, errors. Timings are unchecked:
a quick run on a busy machine proves nothing about speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from numbers import Number
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, REPO

TOP_LEVEL = (
    "year_change_bytes",
    "year_change_ms",
    "baseline_year_change_bytes",
    "baseline_year_change_ms",
    "first_load_bytes",
    "baseline_first_load_bytes",
    "first_map_ms",
    "baseline_first_map_ms",
    "cold_start_s",
)
SCALE = (
    "operations",
    "communes",
    "load_dataset_s",
    "build_context_s",
    "year_change_ms",
    "year_change_p95_ms",
    "full_update_ms",
    "rss_mib",
    "memory",
    "visits",
    "memory_after_visits",
    "cold_start_s",
)
LOAD = ("clients", "duration_s", "requests", "errors", "p95_ms", "p95_ms_by_kind")


@pytest.mark.browser
def test_the_quick_benchmark_prints_every_measure(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing")
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == result
    for key in TOP_LEVEL:
        assert isinstance(result[key], Number) and result[key] > 0, key
    for key in SCALE:
        assert key in result["scale"], key
    assert result["scale"]["operations"] == 1_000
    assert result["scale"]["communes"] == 1_000
    assert result["scale"]["errors"] == 0  # the synthetic table is valid data
    # More addresses than a worker keeps pages of (FIRST_PAGES_KEPT), every one answered.
    assert result["scale"]["visits"]["addresses"] > 64 and result["scale"]["visits"]["errors"] == 0
    for key in LOAD:
        assert key in result["load"], key
    assert result["load"]["clients"] == 50 and result["load"]["requests"] > 0
    assert result["year_change_computed_ms"] > 0 and "year_change_repeated_ms" in result["scale"]
    assert result["year_change"]["project"]["requests"] >= 2  # the URL callback, then region and table
    assert set(result["targets"]) == {
        "year_change_bytes",
        "year_change_ms",
        "first_load_bytes",
        "first_map_ms",
        "scale_year_change_p95_ms",
        "scale_memory",
        "load",
        "national_perimeter",
    }
    for goal in result["targets"].values():  # each printed with its figure and its target
        assert goal["target"] and goal["measured"] and goal["met"] in (True, False, None)
    assert "nginx" in result["load"]["server"]  # the load test goes through the supported setup
    assert result["draw_only_what_the_view_needs"]["shapes_drawn"]["all_communes"] >= 3782
    # What the benchmark measures, where bytes and counts say it (the same on any machine):
    assert result["year_change_bytes"] * 100 <= result["baseline_year_change_bytes"]  # a year sends little
    assert result["targets"]["year_change_bytes"]["met"] is True
    assert result["first_load_bytes"] <= 1_500_000 < result["baseline_first_load_bytes"]  # under the cap
    assert result["load"]["errors"] == 0
    shapes = result["draw_only_what_the_view_needs"]["shapes_drawn"]
    assert 0 < shapes["ours"] < shapes["all_communes"]  # only the communes the view needs
