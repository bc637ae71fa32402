"""Shared fixtures: a tiny hand-built world of three square communes, and the real data folder."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from dashboard.data.schema import LOGEMENTS_PUBLISHED, Derived, Op
from dashboard.model.analysis import CERTAINTY, STATUS

# In CI the property tests draw the same examples on every run: a failure found there is found again.
# Locally they stay random, to keep finding new cases (a case found is then kept as an explicit test).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

CHROMIUM = os.environ.get("COEUR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# The corpus's checks are plain asserts in a helper module: show their values when they fail.
pytest.register_assert_rewrite("tests.bad_inputs")

REPO = Path(__file__).resolve().parent.parent
REAL_DATA = REPO / "data"

HEADER = (
    "id,programme,commune,code_insee,adresse,nom,nature,description,logements,financements,"
    "typologie,surface_m2,commerces,debut_travaux,livraison,duree_mois,budget_eur,longitude,"
    "latitude,precision_geo,source,variantes,conflit,remarques"
)
# Three 1°×1° squares side by side; 02691 holds an apostrophe-free accented name on purpose.
SQUARES = {"02691": ("Saint-Quentin", 0), "60159": ("Compiègne", 1), "80021": ("Amiens", 2)}
ROWS = [
    "sq-un,ACV,Saint-Quentin,02691,Rue A,,reconversion,Un,11,11 PLI,,509,,,2020,,,,,,s1,,,",
    "co-deux,ACV,Compiègne,60159,Rue B,,reconversion,Deux,30,6 PLS; 10 LU; 16 PSLA,,1841,,2020,,,,,,,s1,,,",
    "am-trois,hors ACV,Amiens,80021,Rue C,,construction neuve,Trois,46,,,,,,2021-11,,,2.5,0.5,rue,s2,,,",
]
# Both published in early 2023, after every date of ROWS: those dates are reported facts, not plans.
SOURCES = (
    "source,titre,editeur,date,date_min,date_max,base_date,fichier_origine,remarques\n"
    "s1,Source un,Éditeur,janvier 2023,2023-01-15,2023-01-31,Estimée,,\n"
    "s2,Source deux,Éditeur,février 2023,2023-02-01,2023-02-28,Exacte,,\n"
)


def square(x: int) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def write_world(folder: Path, rows: list[str] | None = None) -> Path:
    """A data folder with three square communes, two départements and a small CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    communes = [
        {"type": "Feature", "properties": {"code": code, "nom": name}, "geometry": square(x)}
        for code, (name, x) in SQUARES.items()
    ]
    departements = [
        {"type": "Feature", "properties": {"code": "02", "nom": "Aisne"}, "geometry": square(0)},
        {"type": "Feature", "properties": {"code": "60", "nom": "Oise"}, "geometry": square(1)},
    ]
    (folder / "communes.geojson").write_text(json.dumps(feature_collection(communes)), encoding="utf-8")
    (folder / "departements.geojson").write_text(
        json.dumps(feature_collection(departements)), encoding="utf-8"
    )
    lines = [HEADER, *(ROWS if rows is None else rows)]
    (folder / "operations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("acv-communes.csv", "chiffres_publies.csv", "metadata.json"):
        shutil.copy(REAL_DATA / name, folder / name)
    (folder / "sources.csv").write_text(SOURCES, encoding="utf-8")
    return folder


def in_states(*rows: tuple[str, str, float | None, float | None]) -> pd.DataFrame:
    """Operations at a year (after ``with_status``), one per ``(status, certainty, low, high)`` reading
    of its dwellings (``None``: not published), with just the columns the key figures read."""

    def numbers(values):
        return pd.array([pd.NA if v is None else v for v in values], dtype="Float64")

    return pd.DataFrame(
        {
            STATUS: [r[0] for r in rows],
            CERTAINTY: [r[1] for r in rows],
            Derived.LOGEMENTS_RETENUS: numbers(r[2] for r in rows),
            Derived.LOGEMENTS_MAX: numbers(r[3] for r in rows),
            Derived.LOGEMENTS_ORIGINE: [LOGEMENTS_PUBLISHED if r[2] is not None else "" for r in rows],
            Op.SURFACE_M2: numbers(None for _ in rows),
            Op.COMMERCES: numbers(None for _ in rows),
            Op.BUDGET_EUR: numbers(None for _ in rows),
        },
        index=[f"op-{n}" for n in range(len(rows))],
    )


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_world(tmp_path / "data")


@pytest.fixture
def real_data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder, safe to damage."""
    target = tmp_path / "data"
    shutil.copytree(REAL_DATA, target)
    return target


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_collection_modifyitems(items):
    """The proxy's tests start nginx and two gunicorn instances: left out of the fast loop too."""
    for item in items:
        if item.get_closest_marker("proxy"):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """No test reads or writes the developer's own state folder (``$XDG_STATE_HOME/coeur-de-ville``, where a
    served data folder's accepted version is kept): a version accepted there by an earlier ``scripts/run.sh``
    would hold the shipped data's removals and make ``check`` answer for that machine, not for the files.
    Set before any server starts, so subprocesses (gunicorn, nginx's apps) inherit it."""
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="coeur-tests-state-")


# ROWS with Amiens' one operation publishing no number of dwellings (nor financing to compute one from).
ROWS_AMIENS_UNKNOWN = [
    *ROWS[:2],
    "am-trois,hors ACV,Amiens,80021,Rue C,,construction neuve,Trois,,,,,,,2021-11,,,2.5,0.5,rue,s2,,,",
]
