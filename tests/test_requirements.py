"""What the app needs at run time is in requirements.txt, and nothing more: pyogrio (geopandas' file
reader, ~100 MB with its GDAL) is for the tests only."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REAL_DATA, REPO

SERVE_WITHOUT = """
import sys
sys.modules["pyogrio"] = None  # importing it now raises ImportError, as where it is not installed
sys.modules["fiona"] = None
from dashboard.app import create_app
from dashboard.settings import Settings
client = create_app(Settings(data_dir=sys.argv[1])).server.test_client()
for path in ("/", "/commune/60159", "/donnees/operations.geojson", "/apercu/60159.png"):
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
print("served")
"""


def test_the_app_loads_its_data_and_serves_its_pages_without_pyogrio():
    done = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT, str(REAL_DATA)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "served" in done.stdout, done.stderr[-2000:]


def test_pyogrio_is_a_test_requirement_only():
    runtime = (REPO / "requirements.txt").read_text(encoding="utf-8")
    assert "pyogrio" not in runtime
    assert "pyogrio==" in (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
