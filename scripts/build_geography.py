"""Rebuild data/'s outlines and commune history at COG 2026 from the reference folder (offline).

    .venv/bin/python scripts/build_geography.py [--reference ../shared/reference] [--out data]
        [--perimeter region:32[,region:11,departement:60…] | france] [--national geography]

The outlines are IGN's 2018 ones (france-2018/communes/<département>.geojson). Today's communes are
derived from them by replaying INSEE's movements since 1 January 2018 in date order
(cog2026/mouvements-communes.csv): a commune nouvelle is the union of the communes it was made of, and a
restored commune takes back its own 2018 outline. Names are the COG 2026 ``LIBELLE`` (with the article).

Writes communes.geojson, departements.geojson, region.geojson (the perimeter's outline: Hauts-de-France
by default), communes-anciennes.csv (every former code and name of the perimeter since 2018 and today's
commune), acv-communes.csv (the national list, as published) and the vintage in metadata.json.
The tests check the files written for Hauts-de-France, not this script.

With ``--national DIR`` it writes instead the national reference the dashboard prepares any perimeter
from at run time (``data.perimeter``): every commune of France at COG 2026 in one gzipped GeoJSON per
département (communes/<département>.geojson.gz), the départements with their region
(departements.geojson.gz), the names of départements and regions (areas.csv), every former code and name
since 2018 (communes-anciennes.csv), the national ACV list and the vintage (metadata.json).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the dashboard's reading of the perimeter setting

from dashboard.data import perimeter as territory  # noqa: E402
from dashboard.data.perimeter import Perimeter  # noqa: E402

DEFAULT_PERIMETER = "region:32"  # Hauts-de-France
SINCE = "2018-01-01"  # the 2018 outlines are the communes of that day: later movements are replayed
# Overseas: not in france-2018/departements.geojson and regions.geojson (metropolitan only).
OVERSEAS_REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
}
OVERSEAS_DEPARTEMENTS = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}
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


def parse_perimeter(text: str) -> Perimeter:
    """``region:32,region:11``, ``departement:60``, ``france``: the dashboard's own reading of the setting."""
    try:
        return territory.parse(text)
    except territory.PerimeterError as error:
        raise SystemExit(f"--perimeter: {error}") from error


def area_names(reference: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Names of the départements and regions: IGN's 2018 files for the metropolitan ones."""
    names = []
    for name, overseas in (("departements", OVERSEAS_DEPARTEMENTS), ("regions", OVERSEAS_REGIONS)):
        path = reference / "france-2018" / f"{name}-simplifie.geojson"
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        names.append({f["properties"]["code"]: f["properties"]["nom"] for f in features} | overseas)
    return names[0], names[1]


def perimeter_name(perimeter: Perimeter, departements: dict[str, str], regions: dict[str, str]) -> str:
    """The perimeter named as the dashboard names it (``Areas.name``)."""
    return territory.Areas(departements, regions, {}).name(perimeter)


def without_outline(missing: set[str], movements: list[dict[str, str]], pieces: dict) -> set[str]:
    """Communes restored since 2018 from communes merged before it: IGN's 2018 outlines hold no piece of
    them, so their area stays in the commune they left. Anything else missing is a bug."""
    restored = {row["COM_AP"] for row in movements if row["MOD"] == "21" and row["DATE_EFF"] > SINCE}
    unexplained = {code for code in missing if code not in restored or code in pieces}
    if unexplained:
        raise SystemExit(f"replay does not give COG 2026: missing {sorted(unexplained)}")
    return missing


def build(reference: Path, out: Path, perimeter: Perimeter) -> dict:
    cog = read_csv(reference / "cog2026" / "communes.csv")
    current = {
        row["COM"]: row for row in cog if row["TYPECOM"] == "COM" and perimeter.holds(row["REG"], row["DEP"])
    }
    if not current:
        raise SystemExit("--perimeter: aucune commune du COG 2026 dans ce périmètre")
    movements = read_csv(reference / "cog2026" / "mouvements-communes.csv")
    outlines, owner, since, unknown = outlines_at_cog(reference, current, movements)
    communes = [(code, current[code]["LIBELLE"], shape) for code, shape in outlines.items()]
    write_json(out / "communes.geojson", collection(communes))
    departement_names, region_names = area_names(reference)
    by_departement: dict[str, list[BaseGeometry]] = defaultdict(list)
    for code, shape in outlines.items():
        by_departement[current[code]["DEP"]].append(shape)
    departements = {dep: shapely.coverage_union_all(shapes) for dep, shapes in sorted(by_departement.items())}
    items = [(dep, departement_names[dep], shape) for dep, shape in departements.items()]
    write_json(out / "departements.geojson", collection(items))
    name = perimeter_name(perimeter, departement_names, region_names)
    code = (
        next(iter(perimeter.regions))
        if len(perimeter.regions) == 1 and not perimeter.departements
        else "perimetre"
    )
    outline = shapely.coverage_union_all(list(departements.values()))
    write_json(out / "region.geojson", collection([(code, name, outline)])["features"][0])
    history = write_history_and_acv(former_communes(movements, owner, since, current), reference, out)
    write_metadata(out / "metadata.json", {"perimetre": name, "communes_sans_contour": sorted(unknown)})
    if perimeter == parse_perimeter(DEFAULT_PERIMETER) and out.resolve() == (ROOT / "data").resolve():
        write_cog_list(current, ROOT / "tests" / "files" / COG_LIST)
    return {
        "perimeter": name,
        "pieces_2018": len(owner),
        "communes": len(communes),
        "former": len(history),
        "without_outline": sorted(unknown),
    }


def write_history_and_acv(history: list[dict[str, str]], reference: Path, out: Path) -> list[dict[str, str]]:
    """communes-anciennes.csv, and the national ACV list as published."""
    with (out / "communes-anciennes.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, HISTORY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(history)
    shutil.copyfile(reference / "acv-communes.csv", out / "acv-communes.csv")
    return history


def write_metadata(path: Path, extra: dict) -> None:
    """The vintage, sources and perimeter of the outlines, the other keys as they are."""
    metadata = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    metadata |= METADATA | extra
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_cog_list(current: dict[str, dict[str, str]], path: Path) -> None:
    """The region's communes as INSEE lists them, for the tests to check the outlines against."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(("COM", "DEP", "LIBELLE"))
        writer.writerows((code, row["DEP"], row["LIBELLE"]) for code, row in sorted(current.items()))


def outlines_at_cog(
    reference: Path, current: dict[str, dict[str, str]], movements: list[dict[str, str]]
) -> tuple[dict[str, BaseGeometry], dict[str, str], dict[str, str], set[str]]:
    """Today's outline of every commune of ``current``, which piece went where and since when, and the
    communes left without an outline (restored from a commune merged before 2018)."""
    pieces = read_pieces(reference, tuple(sorted({row["DEP"] for row in current.values()})))
    owner, since = replay(list(pieces), movements)
    owner = {piece: commune for piece, commune in owner.items() if commune in current}
    outlines = dissolve(pieces, owner)
    if set(outlines) - set(current):
        raise SystemExit(
            f"replay gives communes that are not in COG 2026: {sorted(set(outlines) - set(current))}"
        )
    return outlines, owner, since, without_outline(set(current) - set(outlines), movements, pieces)


def write_gzip_json(path: Path, document: dict) -> None:
    """Gzipped with no timestamp: the same outlines give the same bytes, so git sees no change."""
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))


def build_national(reference: Path, out: Path) -> dict:
    """The national reference of ``dashboard.data.perimeter``: every commune of France, by département."""
    cog = read_csv(reference / "cog2026" / "communes.csv")
    current = {row["COM"]: row for row in cog if row["TYPECOM"] == "COM"}
    movements = read_csv(reference / "cog2026" / "mouvements-communes.csv")
    outlines, owner, since, unknown = outlines_at_cog(reference, current, movements)
    departement_names, region_names = area_names(reference)
    by_departement: dict[str, list[tuple[str, str, BaseGeometry]]] = defaultdict(list)
    for code, shape in outlines.items():
        by_departement[current[code]["DEP"]].append((code, current[code]["LIBELLE"], shape))
    (out / "communes").mkdir(parents=True, exist_ok=True)
    for departement, items in sorted(by_departement.items()):
        write_gzip_json(out / "communes" / f"{departement}.geojson.gz", collection(items))
    region_of = {row["DEP"]: row["REG"] for row in current.values()}
    unions = [
        (dep, departement_names[dep], shapely.coverage_union_all([shape for _, _, shape in items]))
        for dep, items in sorted(by_departement.items())
    ]
    departements = collection(unions)
    for feature in departements["features"]:
        feature["properties"]["region"] = region_of[feature["properties"]["code"]]
    write_gzip_json(out / "departements.geojson.gz", departements)
    with (out / "areas.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(("niveau", "code", "nom", "region"))
        writer.writerows(
            ("region", code, region_names[code], code) for code in sorted(set(region_of.values()))
        )
        writer.writerows(("departement", dep, departement_names[dep], region_of[dep]) for dep, *_ in unions)
    history = write_history_and_acv(former_communes(movements, owner, since, current), reference, out)
    metadata = {**METADATA, "perimetre": "France", "communes_sans_contour": sorted(unknown)}
    (out / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return {
        "communes": len(outlines),
        "departements": len(unions),
        "former": len(history),
        "without_outline": sorted(unknown),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REFERENCE, help=f"default: {REFERENCE}")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--perimeter", default=DEFAULT_PERIMETER, help=f"default: {DEFAULT_PERIMETER}")
    parser.add_argument("--national", type=Path, help="write the national reference there instead")
    arguments = parser.parse_args()
    if arguments.national:
        arguments.national.mkdir(parents=True, exist_ok=True)
        print(json.dumps(build_national(arguments.reference, arguments.national)))
        return
    arguments.out.mkdir(parents=True, exist_ok=True)
    print(json.dumps(build(arguments.reference, arguments.out, parse_perimeter(arguments.perimeter))))


if __name__ == "__main__":
    main()
