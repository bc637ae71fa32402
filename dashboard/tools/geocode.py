"""``python -m dashboard geocode``: place operations from their address with the BAN geocoder.

Pure steps (select the rows, build the upload, read the answer, decide, list the changes)
and the command chaining them; HTTP is in ``ban``, byte-faithful rewriting in ``csvedit``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboard.data.csvedit import CsvText, EncodingLost, keep_backup, read_csv_text, replace_file
from dashboard.data.report import Report
from dashboard.data.schema import OPERATION_COLUMNS, PRECISIONS, Op
from dashboard.tools import ban

ADRESSE, RUE, COMMUNE = PRECISIONS  # from the most to the least precise
PRECISION_BY_TYPE = {ban.TYPE_HOUSENUMBER: ADRESSE, ban.TYPE_STREET: RUE}  # any other type: commune
PRECISION_WORDS = {ADRESSE: "à l'adresse", RUE: "à la rue", COMMUNE: "à la commune"}
KEY = "ligne"  # upload column holding the file line: answers are matched to rows by it
SEARCH_COLUMNS = (Op.ADRESSE, Op.COMMUNE)
UPLOAD_COLUMNS = (KEY, *SEARCH_COLUMNS, Op.CODE_INSEE)
NEEDED_COLUMNS = (Op.COMMUNE, Op.CODE_INSEE, Op.ADRESSE, Op.LONGITUDE, Op.LATITUDE, Op.PRECISION_GEO)
ANSWER_COLUMNS = (KEY, ban.LATITUDE, ban.LONGITUDE, ban.SCORE, ban.TYPE, ban.CITYCODE)
DEFAULT_BATCH_SIZE = 2000
DEFAULT_MIN_SCORE = 0.5
COORDINATE_DECIMALS = 6  # about 0.1 m, as the BAN gives them


class AnswerError(ValueError):
    """An answer that is not the CSV the endpoint documents; the message is for a person."""


@dataclass(frozen=True)
class Row:
    """An operation to send: where it is in the file and what it says of its place."""

    index: int  # of the record in the file, the header being 0
    line: int
    adresse: str
    commune: str
    code: str
    precision: str
    positioned: bool


@dataclass(frozen=True)
class Placed:
    row: Row
    longitude: float
    latitude: float
    precision: str


@dataclass(frozen=True)
class Refused:
    row: Row
    reason: str


def select_rows(file: CsvText, *, every: bool, report: Report) -> tuple[list[Row], list[tuple[int, str]]]:
    """Rows to send, and ``(line, reason)`` of the rows left out for want of an address or a code.

    Sent: the rows without a position or placed at the commune, or every row with ``every``.
    """
    header = file.header
    for name in NEEDED_COLUMNS:
        if name not in header:
            report.error(file.name, 1, name, "colonne obligatoire absente de l'en-tête")
    for name in sorted({name for name in header if header.count(name) > 1}):
        report.error(file.name, 1, name, "colonne en double dans l'en-tête")
    if not report.ok:
        return [], []
    at = {name: header.index(name) for name in NEEDED_COLUMNS}
    rows: list[Row] = []
    skipped: list[tuple[int, str]] = []
    for index, record in enumerate(file.records[1:], start=1):
        if not any(cell.strip() for cell in record.cells):
            continue
        if len(record.cells) != len(header):
            message = f"{len(record.cells)} champs au lieu de {len(header)} (séparateur « {file.separator} »)"
            report.error(file.name, record.line, None, message)
            continue
        cell = {name: " ".join(record.cells[column].split()) for name, column in at.items()}
        positioned = bool(cell[Op.LONGITUDE] and cell[Op.LATITUDE])
        if positioned and cell[Op.PRECISION_GEO] != COMMUNE and not every:
            continue
        for name in (Op.ADRESSE, Op.CODE_INSEE):
            if not cell[name]:
                skipped.append((record.line, f"{name} vide"))
                break
        else:
            rows.append(
                Row(
                    index,
                    record.line,
                    cell[Op.ADRESSE],
                    cell[Op.COMMUNE],
                    cell[Op.CODE_INSEE],
                    cell[Op.PRECISION_GEO],
                    positioned,
                )
            )
    return rows, skipped


def build_upload(rows: Sequence[Row]) -> bytes:
    """The CSV sent: the line as key, the address and commune searched, the INSEE code as filter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UPLOAD_COLUMNS)
    writer.writerows((row.line, row.adresse, row.commune, row.code) for row in rows)
    return out.getvalue().encode("utf-8")


def read_answer(body: bytes, rows: Sequence[Row]) -> list[dict[str, str]]:
    """The cells answered for each row sent, in order; ``AnswerError`` if not the documented CSV."""
    try:
        text = body.decode("utf-8-sig")
        records = [record for record in csv.reader(io.StringIO(text, newline=""), strict=True) if any(record)]
    except (UnicodeDecodeError, csv.Error) as error:
        raise AnswerError(f"réponse illisible, pas un CSV en UTF-8 ({error})") from error
    header = records[0] if records else []
    missing = [name for name in ANSWER_COLUMNS if name not in header]
    if missing:
        start = " ".join(text[:80].split()) or "vide"
        raise AnswerError(
            f"réponse sans les colonnes {', '.join(missing)}, pas le CSV de {ban.SEARCH_CSV} "
            f"(début : « {start} »)"
        )
    if len(records) - 1 != len(rows):
        raise AnswerError(f"réponse de {len(records) - 1} ligne(s) pour {len(rows)} envoyée(s)")
    answers = []
    for row, record in zip(rows, records[1:], strict=True):
        if len(record) != len(header):
            raise AnswerError(
                f"réponse malformée : {len(record)} champs au lieu de {len(header)} pour la ligne {row.line}"
            )
        cells = dict(zip(header, record, strict=True))
        if cells[KEY] != str(row.line):
            raise AnswerError(
                f"réponse désordonnée : ligne {row.line} attendue, « {cells.get(KEY, '')} » reçue"
            )
        answers.append(cells)
    return answers


def decide(row: Row, answer: Mapping[str, str], *, min_score: float) -> Placed | Refused:
    """Keep the answer's position, or say why not: no result, another commune, low score, less precise."""
    label = answer.get(ban.LABEL, "").strip()
    found = f" (« {label} »)" if label else ""
    status = answer.get(ban.STATUS, "").strip()
    if status and status != ban.STATUS_OK:
        return Refused(row, f"adresse non trouvée (statut « {status} »)")
    try:
        longitude, latitude, score = (
            float(answer[name]) for name in (ban.LONGITUDE, ban.LATITUDE, ban.SCORE)
        )
    except ValueError:
        return Refused(row, "réponse sans coordonnées ni score")
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90 and 0 <= score <= 1):
        return Refused(row, f"coordonnées ou score hors limites{found}")
    citycode = answer[ban.CITYCODE].strip()
    if citycode != row.code:
        return Refused(row, f"trouvée dans la commune {citycode or '?'} et non {row.code}{found}")
    if score < min_score:
        return Refused(row, f"score {_decimal(score)} sous le seuil {_decimal(min_score)}{found}")
    precision = PRECISION_BY_TYPE.get(answer[ban.TYPE].strip(), COMMUNE)
    if row.positioned and row.precision in PRECISIONS and _rank(precision) > _rank(row.precision):
        return Refused(
            row, f"résultat {PRECISION_WORDS[precision]}, moins précis que la position actuelle{found}"
        )
    return Placed(row, longitude, latitude, precision)


def changes_for(file: CsvText, placed: Sequence[Placed]) -> dict[int, dict[int, str]]:
    """New ``longitude``, ``latitude`` and ``precision_geo`` cells by record, with the file's decimal mark."""
    longitude, latitude, precision = (
        file.header.index(name) for name in (Op.LONGITUDE, Op.LATITUDE, Op.PRECISION_GEO)
    )
    comma = any(
        "," in record.cells[column]
        for record in file.records[1:]
        for column in (longitude, latitude)
        if len(record.cells) == len(file.header)
    )

    def coordinate(value: float) -> str:
        text = f"{value:.{COORDINATE_DECIMALS}f}"
        return text.replace(".", ",") if comma else text

    return {
        place.row.index: {
            longitude: coordinate(place.longitude),
            latitude: coordinate(place.latitude),
            precision: place.precision,
        }
        for place in placed
    }


def summary(
    name: str,
    rows: Sequence[Row],
    decisions: Sequence[Placed | Refused],
    skipped: Sequence[tuple[int, str]],
    requests: int,
) -> list[str]:
    """What was sent, placed (by precision), refused and left out, each refusal with its ``file:line``."""
    placed = [decision for decision in decisions if isinstance(decision, Placed)]
    refused = [decision for decision in decisions if isinstance(decision, Refused)]
    lines = [
        f"{name} : {len(rows) + len(skipped)} opération(s) à placer, "
        f"{len(rows)} envoyée(s) en {requests} requête(s)"
    ]
    if rows:
        counts = ", ".join(
            f"{sum(place.precision == precision for place in placed)} {words}"
            for precision, words in PRECISION_WORDS.items()
        )
        lines.append(f"placées : {len(placed)} ({counts})")
        lines.append(f"refusées : {len(refused)} (position laissée telle quelle)")
        lines += [f"  {name}:{refusal.row.line}: {refusal.reason}" for refusal in refused]
    if skipped:
        lines.append(f"non envoyées : {len(skipped)}")
        lines += [f"  {name}:{line}: {reason}" for line, reason in skipped]
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="fichier d'opérations (CSV)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="fichier à écrire ; le fichier d'entrée n'est pas modifié")
    target.add_argument(
        "--in-place",
        action="store_true",
        help="réécrire le fichier d'entrée, après en avoir gardé une copie .bak-AAAAMMJJ-HHMMSS",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="envoyer toutes les lignes, pas seulement celles sans position ou placées à la commune",
    )
    parser.add_argument(
        "--min-score",
        type=_bounded(float, 0, 1),
        default=DEFAULT_MIN_SCORE,
        help="score minimal d'un résultat retenu, de 0 à 1 (%(default)s)",
    )
    parser.add_argument("--api-url", default=ban.DEFAULT_API_URL, help="adresse du géocodeur (%(default)s)")
    parser.add_argument(
        "--batch-size",
        type=_bounded(int, 1),
        default=DEFAULT_BATCH_SIZE,
        help="lignes par requête (%(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=_bounded(float, 0.01),
        default=ban.Policy.timeout,
        help="secondes au plus par lot envoyé, réponse complète et nouveaux essais compris (%(default)s)",
    )
    parser.add_argument(
        "--retries",
        type=_bounded(int, 0),
        default=ban.Policy.retries,
        help="nouveaux essais après un délai dépassé, une erreur 429 ou 5xx (%(default)s)",
    )
    parser.add_argument(
        "--backoff",
        type=_bounded(float, 0),
        default=ban.Policy.backoff,
        help="secondes avant le premier nouvel essai, doublées ensuite (%(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    """The command: 0 when done (refusals included), 1 on an error, 2 without network.

    Every batch is answered and checked before anything is written: a failure writes nothing.
    """
    path: Path = args.path
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _fail(f"{path}: lecture impossible : {error.strerror or error}")
    report = Report()
    file = read_csv_text(raw, path.name, OPERATION_COLUMNS, report)
    rows, skipped = select_rows(file, every=args.all, report=report) if file else ([], [])
    if file is None or not report.ok:
        return _fail("\n".join(str(issue) for issue in report.errors))
    if args.out is not None and args.out.resolve() == path.resolve():
        return _fail(f"{args.out}: --out désigne le fichier d'entrée : utiliser --in-place pour le réécrire")
    policy = ban.Policy(args.timeout, args.retries, args.backoff)
    batches = list(_batches(rows, args.batch_size))
    decisions: list[Placed | Refused] = []
    try:
        for batch in batches:
            body = ban.search_csv(
                args.api_url,
                build_upload(batch),
                columns=SEARCH_COLUMNS,
                citycode=Op.CODE_INSEE,
                policy=policy,
                rows=len(batch),
            )
            answers = read_answer(body, batch)
            decisions += [
                decide(row, answer, min_score=args.min_score)
                for row, answer in zip(batch, answers, strict=True)
            ]
    except ban.NoNetwork as error:
        return _fail(f"geocode : {error} ; aucun fichier modifié", code=2)
    except (ban.ServiceError, AnswerError) as error:
        return _fail(f"{path.name}: {error} ; aucun fichier écrit")
    placed = [decision for decision in decisions if isinstance(decision, Placed)]
    try:
        data = file.render(changes_for(file, placed))
    except EncodingLost as error:
        return _fail(f"{error} ; aucun fichier écrit")
    try:
        written = _write(path, raw, args.out, data)
    except OSError as error:
        return _fail(f"{args.out or path}: écriture impossible : {error.strerror or error}")
    lines = [*summary(path.name, rows, decisions, skipped, len(batches)), written]
    if placed:  # the validator, not the geocoder, checks that each point lies in its commune
        lines.append(f"à vérifier : python -m dashboard check {args.out or path}")
    print(printable("\n".join(lines)))
    return 0


def _write(path: Path, raw: bytes, out: Path | None, data: bytes) -> str:
    """Write the result where asked and say where, in words."""
    if out is not None:
        replace_file(out, data)
        return f"écrit : {out}"
    if data == raw:
        return f"aucune position changée : {path} laissé tel quel"
    if path.read_bytes() != raw:
        raise OSError(f"{path} a changé pendant le géocodage : relancer la commande")
    backup = keep_backup(path, raw)
    replace_file(path, data)
    return f"écrit : {path} (original gardé dans {backup.name})"


def _batches(rows: Sequence[Row], size: int) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _rank(precision: str) -> int:
    return PRECISIONS.index(precision)


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _bounded(
    convert: Callable[[str], float], low: float, high: float | None = None
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"« {text} » : attendu un nombre") from None
        if value < low or (high is not None and value > high):
            limit = f"de {low:g} à {high:g}" if high is not None else f"au moins {low:g}"
            raise argparse.ArgumentTypeError(f"« {text} » : attendu {limit}")
        return value

    return parse


def printable(text: str) -> str:
    """``text`` without control characters (terminal escape sequences, carriage returns, direction
    overrides) but its line breaks: what the service answered is printed, never obeyed by the terminal."""
    return _CONTROLS.sub("", text)


_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _fail(message: str, *, code: int = 1) -> int:
    print(printable(message), file=sys.stderr)
    return code
