"""A synthetic data folder of N operations spread over every commune of the region, valid for
``load_dataset``: the shipped reference files, and an ``operations.csv`` written from a seeded generator.

Written into a temporary folder by the benchmark; never committed as data.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import geopandas as gpd

from dashboard.data import perimeter as territory
from dashboard.data.perimeter import Perimeter
from dashboard.data.report import Report
from dashboard.data.schema import NATURES, OPERATION_COLUMNS, Op

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DATA = REPO / "data"
REFERENCE_FILES = (
    "communes.geojson",
    "communes-anciennes.csv",
    "departements.geojson",
    "acv-communes.csv",
    "chiffres_publies.csv",
    "sources.csv",
    "metadata.json",
)
SINGLE_CODES = ("PLAI", "PLUS", "PLS", "PLI", "LLI", "PSLA")
SOURCES = ("clesence-acv", "clesence-tous-les-fronts")


def communes(data_dir: Path = SHIPPED_DATA) -> list[tuple[str, str, float, float]]:
    """Code, official name and a point inside, for every commune of the shipped outlines."""
    areas = json.loads((data_dir / "communes.geojson").read_text(encoding="utf-8"))["features"]
    return places_of(gpd.GeoDataFrame.from_features(areas))


def perimeter_communes(perimeter: Perimeter) -> list[tuple[str, str, float, float]]:
    """The same for the communes of a perimeter, as the dashboard prepares them."""
    prepared = territory.prepare(perimeter, Report())
    if prepared is None:
        raise RuntimeError(f"the national reference does not give {perimeter.text}")
    return places_of(prepared.communes)


def places_of(frame: gpd.GeoDataFrame) -> list[tuple[str, str, float, float]]:
    inside = frame.geometry.representative_point()
    return [
        (str(code), str(name), round(point.x, 6), round(point.y, 6))
        for code, name, point in zip(frame["code"], frame["nom"], inside, strict=True)
    ]


def mix(rng: random.Random, dwellings: int) -> str:
    """A tenure mix adding up to ``dwellings``: one to three codes, a combined one now and then."""
    codes = rng.sample(SINGLE_CODES, k=min(dwellings, rng.randint(1, 3)))
    cuts = sorted(rng.sample(range(1, dwellings), k=len(codes) - 1)) if len(codes) > 1 else []
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, dwellings], strict=True)]
    labels = list(codes)
    if len(labels) >= 2 and rng.random() < 0.1:
        labels = [f"{labels[0]}/{labels[1]}", *labels[2:]]
        parts = [parts[0] + parts[1], *parts[2:]]
    return "; ".join(f"{n} {code}" for n, code in zip(parts, labels, strict=True))


def date(rng: random.Random, year: int) -> str:
    """A date at the precision of a real publication: a year, a month or a day."""
    precision = rng.random()
    if precision < 0.5:
        return str(year)
    if precision < 0.85:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def operation(rng: random.Random, number: int, commune: tuple[str, str, float, float]) -> dict[str, str]:
    code, name, longitude, latitude = commune
    dwellings = rng.randint(1, 120)
    financed = rng.random() < 0.7
    published = not financed or rng.random() < 0.8  # some totals come only from the mix
    start = rng.randint(2018, 2024)
    started = rng.random() < 0.8
    delivered = rng.random() < 0.7
    located = rng.random() < 0.1  # the rest is placed at the commune, as most published operations
    row = dict.fromkeys(OPERATION_COLUMNS, "")
    row.update(
        {
            Op.ID: f"syn-{number:06d}",
            Op.PROGRAMME: "ACV" if rng.random() < 0.6 else "hors ACV",
            Op.COMMUNE: name,
            Op.CODE_INSEE: code,
            Op.ADRESSE: f"{rng.randint(1, 200)} rue de l'Exemple" if rng.random() < 0.9 else "",
            Op.NOM: f"Résidence {number}" if rng.random() < 0.3 else "",
            Op.NATURE: rng.choice(("", *NATURES)),
            Op.DESCRIPTION: f"Opération synthétique n° {number} : {dwellings} logements.",
            Op.LOGEMENTS: str(dwellings) if published else "",
            Op.FINANCEMENTS: mix(rng, dwellings) if financed and dwellings > 1 else "",
            Op.SURFACE_M2: str(dwellings * rng.randint(40, 80)) if rng.random() < 0.6 else "",
            Op.COMMERCES: str(rng.randint(0, 3)) if rng.random() < 0.3 else "",
            Op.DEBUT_TRAVAUX: date(rng, start) if started else "",
            Op.LIVRAISON: date(rng, start + rng.randint(1, 3)) if delivered else "",
            Op.BUDGET_EUR: str(dwellings * rng.randint(100, 200) * 1000) if rng.random() < 0.4 else "",
            Op.SOURCE: rng.choice(SOURCES),
        }
    )
    if not (started or delivered) and rng.random() < 0.5:
        row[Op.DUREE_MOIS] = str(rng.randint(12, 36))
    if located:
        row.update({Op.LONGITUDE: str(longitude), Op.LATITUDE: str(latitude), Op.PRECISION_GEO: "adresse"})
    if delivered and rng.random() < 0.05:  # another source gives another delivery year
        row[Op.VARIANTES] = f"livraison={start + rng.randint(2, 4)}"
    return row


def write_data_dir(
    target: Path,
    rows: int,
    *,
    seed: int = 5,
    geography: Path = SHIPPED_DATA,
    perimeter: Perimeter | None = None,
) -> Path:
    """``target`` filled with the reference files and ``rows`` operations over every commune.

    ``geography``: a folder written by scripts/build_geography.py (``--perimeter france``, say) whose
    outlines, history and metadata replace the shipped ones; the other files are the shipped ones.
    ``perimeter``: operations over the communes of that perimeter instead (served with the same setting)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        source = geography / name if (geography / name).exists() else SHIPPED_DATA / name
        shutil.copyfile(source, target / name)
    rng = random.Random(seed)
    places = communes(geography) if perimeter is None else perimeter_communes(perimeter)
    rng.shuffle(places)
    with (target / "operations.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=OPERATION_COLUMNS)
        writer.writeheader()
        for number in range(rows):
            writer.writerow(operation(rng, number, places[number % len(places)]))
    return target


def communes_used(data_dir: Path) -> int:
    """How many distinct communes the operations of ``data_dir`` name."""
    with (data_dir / "operations.csv").open(encoding="utf-8", newline="") as file:
        return len({row[Op.CODE_INSEE] for row in csv.DictReader(file)})
