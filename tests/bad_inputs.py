"""The corpus of damaged inputs: how each file is damaged, and the exact lines a person then reads.

Each case starts from a valid data folder (three square communes, three operations that load
without a warning), damages it, and lists the rendered errors and warnings, in report order.
A case with no error must load; ``check`` then looks at what was loaded.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dashboard.data.schema import OPERATION_COLUMNS
from tests.conftest import write_world

FILES = Path(__file__).parent / "files"
CSV = "operations.csv"
GEOJSON = "communes.geojson"

BASE = [
    {
        "id": "sq-un",
        "programme": "ACV",
        "commune": "Saint-Quentin",
        "code_insee": "02691",
        "adresse": "Rue A",
        "nature": "reconversion",
        "description": "Un",
        "logements": "11",
        "financements": "11 PLI",
        "surface_m2": "509",
        "livraison": "2020",
        "source": "s1",
    },
    {
        "id": "co-deux",
        "programme": "ACV",
        "commune": "Compiègne",
        "code_insee": "60159",
        "adresse": "Rue B",
        "nature": "reconversion",
        "description": "Deux",
        "logements": "30",
        "financements": "6 PLS; 8 LU; 16 PSLA",
        "surface_m2": "1841",
        "debut_travaux": "2020",
        "source": "s1",
    },
    {
        "id": "am-trois",
        "programme": "hors ACV",
        "commune": "Amiens",
        "code_insee": "80021",
        "adresse": "Rue C",
        "nature": "construction neuve",
        "description": "Trois",
        "logements": "46",
        "livraison": "2021-11",
        "longitude": "2.5",
        "latitude": "0.5",
        "precision_geo": "rue",
        "source": "s2",
    },
]

Damage = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    damage: Damage
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    check: Callable | None = None  # called with the dataset of a case that loads

    @property
    def loads(self) -> bool:
        return not self.errors


def csv_text(rows: list[dict], columns=OPERATION_COLUMNS, separator: str = ",", end: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator=end)
    writer.writerow(columns)
    writer.writerows([[row.get(column, "") for column in columns] for row in rows])
    return out.getvalue()


def base_rows() -> list[dict]:
    return [dict(row) for row in BASE]


def write_base(folder: Path) -> Path:
    write_world(folder, [])
    (folder / CSV).write_text(csv_text(BASE), encoding="utf-8")
    return folder


# How to damage a data folder ------------------------------------------------------------


def edit(line: int, **cells: str) -> Damage:
    """Set cells of the operation on ``line`` of the file (line 2 is the first operation)."""

    def damage(folder: Path) -> None:
        rows = base_rows()
        rows[line - 2].update(cells)
        (folder / CSV).write_text(csv_text(rows), encoding="utf-8")

    return damage


def text(change: Callable[[str], str]) -> Damage:
    """Rewrite the valid file's text (UTF-8)."""

    def damage(folder: Path) -> None:
        (folder / CSV).write_text(change(csv_text(BASE)), encoding="utf-8", newline="")

    return damage


def raw(make: Callable[[str], bytes]) -> Damage:
    """Replace the file with bytes made from the valid file's text."""

    def damage(folder: Path) -> None:
        (folder / CSV).write_bytes(make(csv_text(BASE)))

    return damage


def shipped(name: str) -> Damage:
    """Replace the file with one of ``tests/files``."""

    def damage(folder: Path) -> None:
        shutil.copy(FILES / name, folder / CSV)

    return damage


def communes(change: Callable[[dict], object] | bytes) -> Damage:
    """Rewrite ``communes.geojson``: a function of the valid collection, or raw bytes."""

    def damage(folder: Path) -> None:
        path = folder / GEOJSON
        if isinstance(change, bytes):
            path.write_bytes(change)
        else:
            path.write_text(
                json.dumps(change(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8"
            )

    return damage


def first_feature(**changes) -> Callable[[dict], dict]:
    """Change the first commune (02691, the square from (0, 0) to (1, 1))."""

    def change(collection: dict) -> dict:
        feature = collection["features"][0]
        for key, value in changes.items():
            if key in ("code", "nom"):
                feature["properties"][key] = value
            elif value is None:
                feature.pop(key)
            else:
                feature[key] = value
        return collection

    return change


def with_column(name: str, values: tuple[str, str, str]) -> Damage:
    def damage(folder: Path) -> None:
        rows = [dict(row, **{name: value}) for row, value in zip(base_rows(), values, strict=True)]
        (folder / CSV).write_text(csv_text(rows, (*OPERATION_COLUMNS, name)), encoding="utf-8")

    return damage


def without_column(name: str) -> Damage:
    def damage(folder: Path) -> None:
        columns = tuple(column for column in OPERATION_COLUMNS if column != name)
        (folder / CSV).write_text(csv_text(BASE, columns), encoding="utf-8")

    return damage


def renamed_column(old: str, new: str) -> Damage:
    def damage(folder: Path) -> None:
        columns = tuple(new if column == old else column for column in OPERATION_COLUMNS)
        rows = [{new if key == old else key: value for key, value in row.items()} for row in BASE]
        (folder / CSV).write_text(csv_text(rows, columns), encoding="utf-8")

    return damage


def ragged(line: int, cells: int) -> Damage:
    """Give the operation on ``line`` ``cells`` more (or fewer) fields than the header."""

    def change(content: str) -> str:
        lines = content.split("\n")
        lines[line - 1] = (
            lines[line - 1] + ",x" * cells if cells > 0 else lines[line - 1].rsplit(",", -cells)[0]
        )
        return "\n".join(lines)

    return text(change)


def replace_line(line: int, new: str) -> Damage:
    def change(content: str) -> str:
        lines = content.split("\n")
        lines[line - 1] = new
        return "\n".join(lines)

    return text(change)


def missing_file(name: str) -> Damage:
    return lambda folder: (folder / name).unlink()


def replaced_by_folder(name: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()

    return damage


def oversized(folder: Path) -> None:
    """A file just over the size limit, sparse so that the test writes almost nothing."""
    from dashboard.data.reader import MAX_FILE_BYTES

    with open(folder / CSV, "r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)


def lines_are(*lines: int) -> Callable:
    """A check that the loaded operations come from these lines of the file, in this order."""

    def check(dataset) -> None:
        assert list(dataset.operations["ligne"]) == list(lines)

    return check


def values_of(op_id: str, **expected: str) -> Callable:
    """A check that the loaded operation holds ``expected`` exactly, as text."""

    def check(dataset) -> None:
        row = dataset.operations.loc[op_id]
        assert {column: row[column] for column in expected} == expected

    return check


LAMBERT93_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[652000, 6862000], [653000, 6862000], [653000, 6863000], [652000, 6863000], [652000, 6862000]]
    ],
}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
FORMULAS = {
    "description": '=HYPERLINK("http://exemple.org";"clic")',
    "adresse": "+33 1 23 45 67 89",
    "nom": "-2+3",
    "remarques": "@SUM(A1:A9)",
}
MARKUP = {
    "description": "<script>alert(1)</script>",
    "nom": '<img src=x onerror="alert(1)">',
    "remarques": "</td><b>gras</b> & &amp;",
}
NA_LIKE = {"description": "NA", "adresse": "nan", "nom": "NULL", "remarques": "#N/A"}
OUTSIDE = (
    "le point (10.5, 40.5) est hors de la région : attendu une longitude entre 0 et 3 et une latitude "
    "entre 0 et 1, en degrés décimaux (WGS84)"
)
NOT_A_COORDINATE = "n'est pas une coordonnée : attendu des degrés décimaux, par ex. « 2.084133 »"
LAMBERT = (
    "coordonnées (652000, 6.862e+06) hors des degrés WGS84 : attendu longitude et latitude en degrés "
    "(EPSG:4326) ; du Lambert-93 (EPSG:2154) ? reprojeter le fichier"
)
REPROJECT = "attendu WGS84 (EPSG:4326), longitude et latitude en degrés ; reprojeter le fichier"
EMPTY = "fichier vide : attendu une ligne d'en-tête puis une ligne par opération"
UTF16 = "encodage UTF-16 non pris en charge : enregistrer en UTF-8 (CSV UTF-8) ou en CSV Windows"
MIX_HINT = "attendu un nombre puis un code, par ex. « 29 LLI/PLS », éléments séparés par « ; »"
FIELDS = ", ".join(
    (
        "logements",
        "surface_m2",
        "commerces",
        "duree_mois",
        "budget_eur",
        "debut_travaux",
        "livraison",
        "financements",
    )
)


CASES = [
    # Encodings and file formats
    Case("utf16-excel-unicode-text", shipped("excel-unicode-text.csv"), (f"{CSV}: {UTF16}",)),
    Case("utf16-without-bom", raw(lambda t: t.encode("utf-16-le")), (f"{CSV}: {UTF16}",)),
    Case("utf16-big-endian-without-bom", raw(lambda t: t.encode("utf-16-be")), (f"{CSV}: {UTF16}",)),
    Case(
        "cp1252-semicolon-crlf-from-excel",
        shipped("excel-csv-windows.csv"),
        check=values_of("co-deux", description="Deux «logements» à 3 000 €", remarques=""),
    ),
    Case(
        "latin1-accents",
        raw(lambda t: t.replace("Un", "Façade rénovée").encode("latin-1")),
        check=values_of("sq-un", description="Façade rénovée"),
    ),
    Case("utf8-with-bom", raw(lambda t: b"\xef\xbb\xbf" + t.encode())),
    Case(
        "mixed-encodings",
        shipped("mixed-encodings.csv"),
        (
            f"{CSV}:4: octet 0xe9 invalide en UTF-8, alors que le début du fichier est en UTF-8 : encodages "
            "mélangés (copier-coller ?), enregistrer tout le fichier en CSV UTF-8",
        ),
    ),
    Case(
        "bytes-neither-utf8-nor-cp1252",
        raw(lambda t: t.replace("Trois", "Trois\x81").encode("latin-1")),
        (
            f"{CSV}:4: octet 0x81 inconnu en UTF-8 comme en Windows-1252 : attendu un fichier UTF-8 ou "
            "Windows-1252",
        ),
    ),
    Case(
        "nul-byte",
        raw(lambda t: t.replace("Deux", "De\x00ux").encode()),
        (f"{CSV}:3: octet nul (0x00) : fichier abîmé ou binaire, attendu du texte",),
    ),
    Case(
        "xlsx-saved-as-csv",
        raw(lambda t: b"PK\x03\x04\x14\x00\x06\x00" + bytes(200)),
        (
            f"{CSV}: classeur Excel (.xlsx) ou OpenDocument, pas un CSV : l'enregistrer au format « CSV "
            "UTF-8 » ou « CSV »",
        ),
    ),
    # Separators and line endings
    Case("tab-separated", text(lambda t: csv_text(BASE, separator="\t"))),
    Case(
        "pipe-separated",
        text(lambda t: csv_text(BASE, separator="|")),
        (
            f"{CSV}:1: séparateur « | » non pris en charge : enregistrer avec « , » ou « ; » entre les "
            "colonnes",
        ),
    ),
    Case("bom-semicolon", raw(lambda t: b"\xef\xbb\xbf" + csv_text(BASE, separator=";").encode())),
    Case(
        "cr-line-endings-keep-line-numbers",
        text(lambda t: t.replace("\n", "\r").replace(",30,", ",-30,")),
        (f"{CSV}:3: logements: « -30 » est négatif : attendu un nombre entier positif ou nul",),
    ),
    Case(
        "blank-lines-keep-line-numbers",
        text(lambda t: t.replace("\n", "\n\n", 2).replace(",30,", ",trente,")),
        (f"{CSV}:5: logements: « trente » n'est pas un nombre entier : attendu par ex. « 1841 »",),
    ),
    # Header
    Case(
        "missing-column",
        without_column("nature"),
        (f"{CSV}:1: nature: colonne obligatoire absente de l'en-tête",),
    ),
    Case(
        "renamed-column",
        renamed_column("logements", "nb_logements"),
        (f"{CSV}:1: logements: colonne obligatoire absente de l'en-tête (renommée en « nb_logements » ?)",),
    ),
    Case(
        "capitalised-column",
        renamed_column("code_insee", "Code INSEE"),
        (f"{CSV}:1: code_insee: colonne obligatoire absente de l'en-tête (renommée en « Code INSEE » ?)",),
    ),
    Case(
        "unknown-column",
        with_column("couleur", ("rouge", "", "")),
        warnings=(f"{CSV}:1: avertissement: couleur: colonne inconnue du contrat de données, ignorée",),
    ),
    Case(
        "user-column-named-ligne",
        with_column("ligne", ("7", "8", "9")),
        warnings=(f"{CSV}:1: avertissement: ligne: colonne inconnue du contrat de données, ignorée",),
        check=lines_are(2, 3, 4),
    ),
    Case(
        "pasted-paragraph-as-a-column-name",
        with_column("Voir\nnote " + "x" * 5000, ("", "", "")),
        warnings=(
            f"{CSV}:1: avertissement: Voir ↵ note {'x' * 50}…: colonne inconnue du contrat de données, "
            "ignorée",
        ),
    ),
    Case(
        "duplicate-column",
        text(lambda t: t.replace("remarques", "nom", 1)),
        (f"{CSV}:1: nom: colonne en double dans l'en-tête",),
    ),
    Case("empty-columns-left-by-a-spreadsheet", text(lambda t: t.replace("\n", ",,\n"))),
    Case(
        "value-under-a-nameless-column",
        text(lambda t: t.replace("\n", ",\n").replace("s1,,,,,", "s1,,,,,oups", 1)),
        (f"{CSV}:2: valeur dans la colonne n° 27, qui n'a pas de nom dans l'en-tête",),
    ),
    Case(
        "no-header",
        text(lambda t: t.split("\n", 1)[1]),
        (
            f"{CSV}:1: en-tête non reconnu : la première ligne doit donner les noms des colonnes, par ex. "
            "« id,programme,commune »",
        ),
    ),
    Case(
        "semicolons-after-blank-lines",
        text(lambda t: "\n\n" + csv_text(BASE, separator=";").replace(";30;", ";-30;")),
        (f"{CSV}:5: logements: « -30 » est négatif : attendu un nombre entier positif ou nul",),
    ),
    # Shape of the rows
    Case("empty-file", raw(lambda t: b""), (f"{CSV}: {EMPTY}",)),
    Case("only-blank-lines", raw(lambda t: b"\r\n \n\t\n"), (f"{CSV}: {EMPTY}",)),
    Case("only-separators", raw(lambda t: b";;;;\r\n;;;;\r\n"), (f"{CSV}: {EMPTY}",)),
    Case(
        "separator-rows-before-the-header",
        text(lambda t: ";;;\n" + csv_text(BASE, separator=";").replace("s1;;;;\n", "s1;;;;note\n", 1)),
        check=values_of("sq-un", remarques="note"),
    ),
    Case("header-only", text(lambda t: t.split("\n", 1)[0] + "\n"), check=lines_are()),
    Case(
        "too-many-fields",
        ragged(3, 2),
        (
            f"{CSV}:3: 28 champs au lieu des 26 de l'en-tête (séparateur « , ») : une cellule contient-elle "
            "« , » "
            "sans guillemets ?",
        ),
    ),
    Case(
        "too-few-fields",
        ragged(4, -3),
        (f"{CSV}:4: 23 champs au lieu des 26 de l'en-tête (séparateur « , »)",),
    ),
    Case(
        "unterminated-quote",
        text(lambda t: t.replace(",Deux,", ',"Deux,')),
        (
            f"{CSV}:3: ligne illisible : guillemet ouvert jamais refermé : la cellule court jusqu'à la fin "
            "du fichier",
        ),
    ),
    Case(
        "text-after-closing-quote",
        text(lambda t: t.replace(",Deux,", ',"Deux" pièces,')),
        (
            f"{CSV}:3: ligne illisible : caractère après un guillemet fermant : dans une cellule entre "
            "guillemets, "
            'doubler les guillemets ("")',
        ),
    ),
    Case(
        "cell-over-100000-characters",
        edit(3, description="x" * 150_000),
        (f"{CSV}:3: ligne illisible : cellule de plus de 100000 caractères",),
    ),
    # Identifiers and vocabularies
    Case(
        "duplicate-id", edit(3, id="sq-un"), (f"{CSV}:3: id: « sq-un » : identifiant déjà utilisé ligne 2",)
    ),
    Case(
        "bad-slug",
        edit(2, id="Sq Un"),
        (
            f"{CSV}:2: id: « Sq Un » : identifiant attendu en minuscules, chiffres et tirets, par ex. « "
            "arras-rue-diderot »",
        ),
    ),
    Case("empty-id", edit(2, id=""), (f"{CSV}:2: id: valeur obligatoire manquante",)),
    Case("missing-source", edit(4, source="  "), (f"{CSV}:4: source: valeur obligatoire manquante",)),
    Case(
        "unknown-programme",
        edit(2, programme="ANRU"),
        (f"{CSV}:2: programme: « ANRU » : attendu l'une des valeurs ACV ; hors ACV ; NPRU ; non précisé",),
    ),
    Case(
        "unknown-nature",
        edit(2, nature="rénovation"),
        (
            f"{CSV}:2: nature: « rénovation » : attendu l'une des valeurs acquisition-amélioration ; "
            "reconversion ; "
            "requalification ; réhabilitation ; restructuration ; démolition-reconstruction ; "
            "démolition et conservation partielles ; construction "
            "neuve, "
            "ou vide",
        ),
    ),
    Case(
        "spaces-around-values",
        edit(2, id=" sq-un ", code_insee=" 02691", logements="11 "),
        check=values_of("sq-un", id="sq-un", code_insee="02691"),
    ),
    # Communes
    Case(
        "unknown-insee-code",
        edit(3, code_insee="60999"),
        (
            f"{CSV}:3: code_insee: « 60999 » : code INSEE inconnu parmi les communes du périmètre "
            "(départements 02, 60, 80)",
        ),
    ),
    Case(
        "insee-code-read-as-a-number",
        edit(2, code_insee="2691"),
        (
            f"{CSV}:2: code_insee: « 2691 » : code INSEE sur 4 chiffres, zéro initial perdu ? attendu « "
            "02691 »",
        ),
    ),
    Case(
        "insee-code-read-as-a-decimal",
        edit(2, code_insee="2691.0"),
        (
            f"{CSV}:2: code_insee: « 2691.0 » : code INSEE sur 4 chiffres, zéro initial perdu ? attendu « "
            "02691 »",
        ),
    ),
    Case(
        "commune-name-not-matching-its-code",
        edit(2, commune="Amiens"),
        (f"{CSV}:2: commune: « Amiens » ne correspond pas au code 02691, qui est « Saint-Quentin »",),
    ),
    # Numbers
    Case(
        "negative-dwellings",
        edit(2, logements="-3"),
        (f"{CSV}:2: logements: « -3 » est négatif : attendu un nombre entier positif ou nul",),
    ),
    Case(
        "fractional-dwellings",
        edit(2, logements="11.5"),
        (f"{CSV}:2: logements: « 11.5 » n'est pas un nombre entier : attendu par ex. « 1841 »",),
    ),
    Case(
        "thousands-digits",
        edit(2, surface_m2="9" * 5000),
        (
            f"{CSV}:2: surface_m2: « {'9' * 60}… » (5000 caractères) est trop grand : attendu au plus 9 "
            "chiffres",
        ),
    ),
    Case(
        "negative-budget",
        edit(3, budget_eur="-5 000"),
        (f"{CSV}:3: budget_eur: « -5 000 » est négatif : attendu un montant positif ou nul",),
    ),
    # Dates
    Case(
        "month-13",
        edit(2, livraison="2021-13"),
        (f"{CSV}:2: livraison: « 2021-13 » : mois 13 impossible, attendu 01 à 12",),
    ),
    Case(
        "february-30",
        edit(2, livraison="2021-02-30"),
        (f"{CSV}:2: livraison: « 2021-02-30 » : jour 30 impossible, ce mois a 28 jours",),
    ),
    Case(
        "french-date",
        edit(2, livraison="21/03/2021"),
        (f"{CSV}:2: livraison: « 21/03/2021 » n'est pas une date : attendu AAAA, AAAA-MM ou AAAA-MM-JJ",),
    ),
    Case(
        "delivery-before-works",
        edit(2, debut_travaux="2021-06", livraison="2021-05"),
        (f"{CSV}:2: livraison: livraison 2021-05 antérieure au début des travaux 2021-06",),
    ),
    # Tenure mix
    Case(
        "unknown-financing-code",
        edit(2, financements="11 PLX"),
        (
            f"{CSV}:2: financements: « 11 PLX » : code PLX inconnu, attendu l'un de PLAI, PLUS, PLS, PLI, "
            "LLI, PSLA, LU",
        ),
    ),
    Case(
        "code-before-count",
        edit(2, financements="PLAI 11"),
        (f"{CSV}:2: financements: « PLAI 11 » : le nombre vient avant le code : attendu « 11 PLAI »",),
    ),
    Case(
        "commas-between-items",
        edit(2, financements="8 PLAI,,3 PLS"),
        (
            f"{CSV}:2: financements: « 8 PLAI,,3 PLS » : éléments séparés par « , » : attendu « ; », par ex. "
            "« 29 PLAI; 3 PLS »",
        ),
    ),
    Case(
        "empty-mix-item",
        edit(2, financements="8 PLAI;; 3 PLS"),
        (f"{CSV}:2: financements: « 8 PLAI;; 3 PLS » : élément vide, un « ; » en trop ?",),
    ),
    Case(
        "zero-dwellings-in-mix",
        edit(2, financements="0 PLAI; 11 PLI"),
        (f"{CSV}:2: financements: « 0 PLAI » : nombre de logements nul",),
    ),
    Case("count-without-code", edit(2, financements="11"), (f"{CSV}:2: financements: « 11 » : {MIX_HINT}",)),
    Case(
        "mix-not-adding-up",
        edit(3, financements="6 PLS; 10 LU; 16 PSLA"),
        warnings=(
            f"{CSV}:3: avertissement: financements: co-deux : le financement publié totalise 32 logements, "
            "pour 30 logements annoncés",
            f"{CSV}:3: avertissement: logements: co-deux : de 30 à 32 logements selon la lecture "
            "(publié 30, financement 32)",
        ),
    ),
    Case(
        "unreadable-total-is-not-taken-from-the-mix",
        edit(2, logements="onze"),
        (f"{CSV}:2: logements: « onze » n'est pas un nombre entier : attendu par ex. « 1841 »",),
    ),
    # Positions
    Case(
        "outside-the-region", edit(4, longitude="10.5", latitude="40.5"), (f"{CSV}:4: longitude: {OUTSIDE}",)
    ),
    Case(
        "swapped-longitude-latitude",
        edit(4, longitude="0.5", latitude="2.5"),
        (f"{CSV}:4: longitude: longitude et latitude inversées ? le point inversé tombe dans la commune",),
    ),
    Case(
        "in-the-next-commune",
        edit(4, longitude="1.5"),
        (f"{CSV}:4: longitude: le point (1.5, 0.5) n'est pas dans la commune 80021",),
    ),
    Case(
        "longitude-only",
        edit(4, latitude=""),
        (f"{CSV}:4: latitude: absente alors que la longitude est donnée : les deux vont ensemble",),
    ),
    Case(
        "latitude-only",
        edit(4, longitude=""),
        (f"{CSV}:4: longitude: absente alors que la latitude est donnée : les deux vont ensemble",),
    ),
    Case(
        "lambert93-in-the-csv",
        edit(4, longitude="652000", latitude="6862000"),
        (
            f"{CSV}:4: longitude: « 652000 » {NOT_A_COORDINATE}",
            f"{CSV}:4: latitude: « 6862000 » {NOT_A_COORDINATE}",
        ),
    ),
    Case(
        "precision-without-coordinates",
        edit(4, longitude="", latitude=""),
        (
            f"{CSV}:4: precision_geo: précision « rue » sans coordonnées : attendu longitude et latitude, "
            "ou « commune »",
        ),
    ),
    Case(
        "unknown-precision",
        edit(4, precision_geo="exacte"),
        (f"{CSV}:4: precision_geo: « exacte » : attendu l'une des valeurs adresse ; rue ; commune, ou vide",),
    ),
    Case(
        "coordinates-without-precision",
        edit(4, precision_geo=""),
        (f"{CSV}:4: precision_geo: coordonnées données sans précision : attendu adresse, rue, commune",),
    ),
    # Text that looks like something else: loaded as text, never interpreted
    Case("formula-looking-text", edit(2, **FORMULAS), check=values_of("sq-un", **FORMULAS)),
    Case("html-and-script", edit(2, **MARKUP), check=values_of("sq-un", **MARKUP)),
    Case("na-looking-text", edit(2, **NA_LIKE), check=values_of("sq-un", **NA_LIKE)),
    Case(
        "multi-line-cell",
        edit(2, description="Ligne un\nLigne deux\r\nLigne trois", logements="douze"),
        (f"{CSV}:2: logements: « douze » n'est pas un nombre entier : attendu par ex. « 1841 »",),
        check=values_of("sq-un", description="Ligne un\nLigne deux\r\nLigne trois"),
    ),
    Case(
        "multi-line-commune-name",
        edit(2, commune="Saint-\nQuentin\r\nbis"),
        (
            f"{CSV}:2: commune: « Saint- ↵ Quentin ↵ bis » ne correspond pas au code 02691, qui est « "
            "Saint-Quentin »",
        ),
    ),
    # Variants
    Case(
        "unknown-variant-field",
        edit(2, variantes="couleur=rouge"),
        (f"{CSV}:2: variantes: « couleur » : champ inconnu, attendu l'un des champs {FIELDS}",),
    ),
    Case(
        "malformed-variant",
        edit(2, variantes="livraison 2021"),
        (
            f"{CSV}:2: variantes: « livraison 2021 » : attendu « champ=valeur », par ex. « livraison=2021 », "
            "éléments séparés par « | »",
        ),
    ),
    Case(
        "empty-variant-item",
        edit(2, variantes="livraison=2021|"),
        (f"{CSV}:2: variantes: « livraison=2021| » : élément vide, un « | » en trop ?",),
    ),
    Case(
        "variant-with-an-impossible-value",
        edit(2, variantes="livraison=2021-13"),
        (f"{CSV}:2: variantes: pour livraison, « 2021-13 » : mois 13 impossible, attendu 01 à 12",),
    ),
    # Files that are not there
    Case("operations-file-missing", missing_file(CSV), (f"{CSV}: fichier introuvable",)),
    Case(
        "operations-file-is-a-folder",
        replaced_by_folder(CSV),
        (f"{CSV}: dossier à la place d'un fichier : attendu un fichier ordinaire",),
    ),
    Case(
        "operations-file-too-big",
        oversized,
        (f"{CSV}: fichier trop gros (104857601 octets) : au plus 104857600 octets",),
    ),
    # Commune outlines
    Case(
        "geojson-missing-property",
        communes(first_feature(nom="")),
        (f"{GEOJSON}: nom: objet n° 1 : propriété « nom » absente",),
    ),
    Case(
        "geojson-numeric-code",
        communes(first_feature(code=2691)),
        (
            f"{GEOJSON}: code: objet n° 1 : propriété « code » : attendu un texte, par ex. « 02691 », "
            "trouvé 2691",
        ),
    ),
    Case(
        "geojson-self-intersecting-polygon",
        communes(first_feature(geometry=BOWTIE)),
        warnings=(
            f"{GEOJSON}: avertissement: geometry: objet n° 1 (02691) : polygone invalide (contour qui se "
            "recoupe au point (0.5, 0.5)), réparé",
        ),
    ),
    Case(
        "geojson-polygon-of-two-points",
        communes(first_feature(geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})),
        (
            f"{GEOJSON}: geometry: objet n° 1 (02691) : géométrie illisible, attendu un Polygon ou "
            "MultiPolygon "
            "GeoJSON bien formé (trouvé un Polygon mal formé)",
        ),
    ),
    Case(
        "geojson-point-instead-of-polygon",
        communes(first_feature(geometry={"type": "Point", "coordinates": [0.5, 0.5]})),
        (
            f"{GEOJSON}: geometry: objet n° 1 (02691) : attendu un polygone (Polygon ou MultiPolygon), "
            "trouvé un Point",
        ),
    ),
    Case(
        "geojson-missing-geometry",
        communes(first_feature(geometry=None)),
        (f"{GEOJSON}: geometry: objet n° 1 (02691) : géométrie absente",),
    ),
    Case(
        "geojson-lambert93-coordinates",
        communes(first_feature(geometry=LAMBERT93_SQUARE)),
        (f"{GEOJSON}: geometry: objet n° 1 (02691) : {LAMBERT}",),
    ),
    Case(
        "geojson-crs-epsg-2154",
        communes(
            lambda c: {**c, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}}
        ),
        (f"{GEOJSON}: système de coordonnées « urn:ogc:def:crs:EPSG::2154 » : {REPROJECT}",),
    ),
    Case(
        "geojson-crs-as-plain-text",
        communes(lambda c: {**c, "crs": "EPSG:2154"}),
        (f"{GEOJSON}: système de coordonnées « EPSG:2154 » : {REPROJECT}",),
    ),
    Case(
        "geojson-crs84-is-wgs84",
        communes(
            lambda c: {**c, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}
        ),
    ),
    Case(
        "geojson-duplicate-codes",
        communes(lambda c: {**c, "features": c["features"] + c["features"][:1]}),
        (f"{GEOJSON}: code: objet n° 4 (02691) : code « 02691 » déjà utilisé par l'objet n° 1",),
    ),
    Case(
        "geojson-a-feature-not-a-collection",
        communes(lambda c: c["features"][0]),
        (f"{GEOJSON}: attendu un GeoJSON de type FeatureCollection, trouvé « Feature »",),
    ),
    Case(
        "geojson-a-list",
        communes(lambda c: c["features"]),
        (f"{GEOJSON}: attendu un GeoJSON de type FeatureCollection, trouvé une liste",),
    ),
    Case(
        "geojson-null",
        communes(b"null"),
        (f"{GEOJSON}: attendu un GeoJSON de type FeatureCollection, trouvé null",),
    ),
    Case(
        "geojson-no-features",
        communes(lambda c: {**c, "features": []}),
        (f"{GEOJSON}: aucun objet dans « features » : attendu une liste d'objets Feature",),
    ),
    Case(
        "geojson-feature-is-not-an-object",
        communes(lambda c: {**c, "features": [*c["features"], 42]}),
        (f"{GEOJSON}: objet n° 4 : attendu un objet de type Feature",),
    ),
    Case(
        "geojson-invalid-json",
        communes(b'{"type": "FeatureCollection",\n "features": [1, 2,]}'),
        (f"{GEOJSON}:2: JSON invalide, colonne 20 : valeur attendue",),
    ),
    Case(
        "geojson-deeply-nested",
        communes(b"[" * 100_000),
        (f"{GEOJSON}: JSON illisible : imbrication trop profonde",),
    ),
    Case(
        "geojson-not-utf8",
        communes('{"type": "FeatureCollection",\n"features": [{"nom": "Compiègne"}]}'.encode("cp1252")),
        (f"{GEOJSON}:2: octet 0xe8 invalide : un GeoJSON est en UTF-8",),
    ),
    # The other files of the folder
    Case(
        "metadata-not-json",
        lambda folder: (folder / "metadata.json").write_text("{date: 2026}", encoding="utf-8"),
        warnings=("metadata.json: avertissement: métadonnées illisibles : attendu un objet JSON en UTF-8",),
    ),
    Case(
        "metadata-missing",
        missing_file("metadata.json"),
        warnings=("metadata.json: avertissement: métadonnées absentes : fichier introuvable",),
    ),
    Case("acv-list-missing", missing_file("acv-communes.csv"), ("acv-communes.csv: fichier introuvable",)),
    Case(
        "published-figures-without-their-value-column",
        lambda folder: (folder / "chiffres_publies.csv").write_text(
            "indicateur,libelle,unite,perimetre,source,citation\n", encoding="utf-8"
        ),
        ("chiffres_publies.csv:1: valeur: colonne obligatoire absente de l'en-tête",),
    ),
    Case(
        "departements-missing",
        missing_file("departements.geojson"),
        ("departements.geojson: fichier introuvable",),
    ),
]

assert len({case.name for case in CASES}) == len(CASES), "case names must be unique"
