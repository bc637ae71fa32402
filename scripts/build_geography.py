"""Rebuild data/'s outlines and commune history at COG 2026 from the reference folder (offline).

    .venv/bin/python scripts/build_geography.py [--reference ../shared/reference] [--out data]

The outlines are IGN's 2018 ones (france-2018/communes/<département>.geojson). Today's communes are
derived from them by replaying INSEE's movements since 1 January 2018 in date order
(cog2026/mouvements-communes.csv): a commune nouvelle is the union of the communes it was made of, and a
restored commune takes back its own 2018 outline. Names are the COG 2026 ``LIBELLE`` (with the article).

Writes communes.geojson, departements.geojson, region.geojson (Hauts-de-France) and
communes-anciennes.csv (every former code and name of the region since 2018 and today's commune).
The tests check the files written, not this script.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
REGION = "32"  # Hauts-de-France
DEPARTEMENTS = ("02", "59", "60", "62", "80")
SINCE = "2018-01-01"  # the 2018 outlines are the communes of that day: later movements are replayed
DEPARTEMENT_NAMES = {"02": "Aisne", "59": "Nord", "60": "Oise", "62": "Pas-de-Calais", "80": "Somme"}
REGION_NAME = "Hauts-de-France"
# ../shared/reference/ of the main checkout; a worktree under wt/ sees it one level higher.
REFERENCE = next(
    (
        path
        for path in (ROOT.parent / "shared" / "reference", ROOT.parents[1] / "shared" / "reference")
        if path.is_dir()
    ),
    ROOT.parent / "shared" / "reference",
)
COG_LIST = "cog2026-communes-32.csv"
METADATA = {
    "geometrie": (
        "Communes au Code officiel géographique 2026 (INSEE), contours IGN Admin Express COG 2018 "
        "(projet france-geojson, mise à jour du 2018-10-16) recomposés selon les mouvements de communes "
        "depuis 2018 ; départements et région en sont l'union"
    ),
    "geometrie_millesime": "COG 2026 (contours IGN 2018 recomposés)",
    "anciennes_communes": "Codes et noms disparus depuis 2018 : INSEE, mouvements de communes du COG 2026",
}
HISTORY_COLUMNS = ("ancien_code", "ancien_nom", "code", "nom", "date")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def read_pieces(reference: Path, departements: tuple[str, ...]) -> dict[str, BaseGeometry]:
    """The 2018 outline of every commune of the départements, by 2018 code."""
    pieces = {}
    for departement in departements:
        path = reference / "france-2018" / "communes" / f"{departement}.geojson"
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            pieces[feature["properties"]["code"]] = shapely.geometry.shape(feature["geometry"])
    return pieces


def movements_by_date(movements: list[dict[str, str]]) -> dict[str, dict[str, set[str]]]:
    """Date → commune before → communes after, for the changes between communes since ``SINCE``."""
    by_date: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in movements:
        if row["DATE_EFF"] > SINCE and row["TYPECOM_AV"] == "COM" and row["TYPECOM_AP"] == "COM":
            by_date[row["DATE_EFF"]][row["COM_AV"]].add(row["COM_AP"])
    return by_date


def continuing(before: str, after: set[str], names: dict[tuple[str, str], str]) -> str:
    """Of the communes a restoration splits ``before`` into, the one that keeps its name."""
    kept = [code for code in after if names.get(("AP", code)) == names.get(("AV", before))]
    return kept[0] if len(kept) == 1 else min(after)


def replay(pieces: list[str], movements: list[dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """The commune each 2018 piece belongs to today, and since when it bears today's name.

    Every movement of a date applies at once (a commune nouvelle may take the code of one of its
    members). When a commune is split (restoration), a restored commune takes back the piece that bore
    its code; the other pieces stay with the commune that keeps the name.
    """
    owner = {piece: piece for piece in pieces}
    name: dict[str, str | None] = dict.fromkeys(pieces)
    since = dict.fromkeys(pieces, SINCE)
    for date, changes in sorted(movements_by_date(movements).items()):
        names = {
            (side, row[f"COM_{side}"]): row[f"LIBELLE_{side}"]
            for row in movements
            if row["DATE_EFF"] == date
            for side in ("AV", "AP")
        }
        for piece, commune in owner.items():
            after = changes.get(commune)
            if not after:
                continue
            if len(after) == 1:
                owner[piece] = next(iter(after))
            else:
                owner[piece] = piece if piece in after else continuing(commune, after, names)
            if names[("AP", owner[piece])] != name[piece]:
                name[piece], since[piece] = names[("AP", owner[piece])], date
    return owner, since


def former_communes(
    movements: list[dict[str, str]],
    owner: dict[str, str],
    since: dict[str, str],
    current: dict[str, dict[str, str]],
) -> list[dict[str, str]]:
    """Every code or name a commune of the perimeter had since ``SINCE`` and no longer has, with today's
    commune and the date it joined it (or took today's name)."""
    today_names = {row["LIBELLE"] for row in current.values()}
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for row in movements:
        code, name = row["COM_AV"], row["LIBELLE_AV"]
        if row["DATE_EFF"] <= SINCE or row["TYPECOM_AV"] != "COM" or code not in owner:
            continue  # codes made and gone again since 2018 are not in the 2018 outlines: none here
        today = owner[code]
        if code in current and (code != today or name in today_names):
            continue  # today's name, a code given to another commune, or a split commune's kept name
        entry = {"ancien_code": code, "ancien_nom": name, "code": today}
        rows[code, name] = entry | {"nom": current[today]["LIBELLE"], "date": since[code]}
    return sorted(rows.values(), key=lambda row: (row["ancien_code"], row["ancien_nom"]))


def dissolve(pieces: dict[str, BaseGeometry], owner: dict[str, str]) -> dict[str, BaseGeometry]:
    """Today's outline of each commune: the union of its 2018 pieces (they share their edges exactly)."""
    members: dict[str, list[BaseGeometry]] = defaultdict(list)
    for piece, commune in owner.items():
        members[commune].append(pieces[piece])
    return {code: shapely.coverage_union_all(shapes) for code, shapes in sorted(members.items())}


def collection(items: list[tuple[str, str, BaseGeometry]]) -> dict:
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(shapely.set_precision(shape, 1e-5)),
            "properties": {"code": code, "nom": name},
        }
        for code, name, shape in items
    ]
    return {"type": "FeatureCollection", "features": features}


def write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def build(reference: Path, out: Path) -> dict[str, int]:
    cog = read_csv(reference / "cog2026" / "communes.csv")
    current = {row["COM"]: row for row in cog if row["TYPECOM"] == "COM" and row["REG"] == REGION}
    movements = read_csv(reference / "cog2026" / "mouvements-communes.csv")
    pieces = read_pieces(reference, DEPARTEMENTS)
    owner, since = replay(list(pieces), movements)
    outlines = dissolve(pieces, owner)
    missing, extra = set(current) - set(outlines), set(outlines) - set(current)
    if missing or extra:
        raise SystemExit(f"replay does not give COG 2026: missing {sorted(missing)}, extra {sorted(extra)}")
    communes = [(code, current[code]["LIBELLE"], shape) for code, shape in outlines.items()]
    write_json(out / "communes.geojson", collection(communes))
    by_departement: dict[str, list[BaseGeometry]] = defaultdict(list)
    for code, shape in outlines.items():
        by_departement[current[code]["DEP"]].append(shape)
    departements = {dep: shapely.coverage_union_all(shapes) for dep, shapes in sorted(by_departement.items())}
    items = [(dep, DEPARTEMENT_NAMES[dep], shape) for dep, shape in departements.items()]
    write_json(out / "departements.geojson", collection(items))
    region = shapely.coverage_union_all(list(departements.values()))
    write_json(out / "region.geojson", collection([(REGION, REGION_NAME, region)])["features"][0])
    history = former_communes(movements, owner, since, current)
    with (out / "communes-anciennes.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, HISTORY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(history)
    write_metadata(out / "metadata.json")
    write_cog_list(current, ROOT / "tests" / "files" / COG_LIST)
    return {"pieces_2018": len(pieces), "communes": len(communes), "former": len(history)}


def write_metadata(path: Path) -> None:
    """The vintage and sources of the outlines, the other keys as they are."""
    metadata = json.loads(path.read_text(encoding="utf-8"))
    metadata |= METADATA
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_cog_list(current: dict[str, dict[str, str]], path: Path) -> None:
    """The region's communes as INSEE lists them, for the tests to check the outlines against."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(("COM", "DEP", "LIBELLE"))
        writer.writerows((code, row["DEP"], row["LIBELLE"]) for code, row in sorted(current.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE, help=f"default: {REFERENCE}")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    arguments = parser.parse_args()
    print(json.dumps(build(arguments.reference, arguments.out)))


if __name__ == "__main__":
    main()
