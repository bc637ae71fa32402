"""Read a CSV as a person or a spreadsheet saved it: UTF-8 or Windows-1252, ``,``, ``;`` or tab.

Every cell is kept as text; typing happens in ``validate``. The file is only ever read, and
whatever it holds ends up as lines of the report, never as an exception.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.data.parsing import shorten
from dashboard.data.report import ReadRefused, Report, unreadable
from dashboard.data.schema import Derived

# Name of the frame's index, which holds the line each record starts on. An index and not
# a column: a column of that name in the file would collide with it.
LINE_COLUMN = Derived.LIGNE  # the line of each record, kept as a column all the way to the dataset
MAX_CELL_CHARS = 100_000
# A longer line is a paste gone wrong; refused before the CSV parser splits it into fields,
# which could take gigabytes for a line of millions of short cells.
MAX_LINE_CHARS = 1_000_000
MAX_FILE_BYTES = 100 * 1024 * 1024
# A read of one file that takes longer is abandoned: a network mount going stale, a file system that
# trickles. (A read blocked inside the kernel cannot be cut short from Python: a live reload runs in a
# thread of its own for that reason, see versions/live.py, and ``check`` under an alarm, see cli.py.)
READ_SECONDS = 30.0
_CHUNK = 1024 * 1024
_KINDS = (
    (stat.S_ISFIFO, "tube nommé (FIFO)"),
    (stat.S_ISCHR, "périphérique (caractères)"),
    (stat.S_ISBLK, "périphérique (blocs)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "dossier"),
)
SEPARATORS = (",", ";", "\t")
UTF16 = "encodage UTF-16 non pris en charge : enregistrer en UTF-8 (CSV UTF-8) ou en CSV Windows"
EMPTY = "fichier vide : attendu une ligne d'en-tête puis une ligne par opération"
UNSUPPORTED_SEPARATORS = ("|",)

_NEWLINE = re.compile(r"\r\n|\r|\n")
# Direction controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM): invisible, they can reverse or
# hide the text around them on screen (« evil.csv » shown as « vsc.live »).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_CSV = {
    b"PK\x03\x04": "classeur Excel (.xlsx) ou OpenDocument",
    b"\xd0\xcf\x11\xe0": "classeur Excel (.xls)",
}
_CSV_ERRORS = {
    "unexpected end of data": "guillemet ouvert jamais refermé : la cellule court jusqu'à la fin du fichier",
    "expected after": "caractère après un guillemet fermant : dans une cellule entre guillemets, "
    'doubler les guillemets ("")',
    "field larger than field limit": f"cellule de plus de {MAX_CELL_CHARS} caractères",
}


@dataclass(frozen=True)
class Table:
    """The cells of a CSV as text, indexed by the line each record starts on (``ligne``)."""

    frame: pd.DataFrame
    encoding: str
    separator: str
    header_line: int = 1


def _line_of(data: bytes | str, position: int) -> int:
    """Line number (from 1) of ``position``, line breaks counted as the CSV parser does."""
    if isinstance(data, str):
        text = data[:position]
        return text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    head = data[:position]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _is_latin(text: str) -> bool:
    """Whether decoded characters are ones a French file holds (Latin letters, typographic punctuation).
    Not the C1 controls (U+0080–U+009F): as UTF-8 they are Windows-1252 bytes such as « Â\x8c »."""
    return all(
        (ord(char) < 0x180 and not 0x80 <= ord(char) < 0xA0) or 0x2000 <= ord(char) <= 0x20CF for char in text
    )


def decode(raw: bytes, name: str, report: Report) -> tuple[str, str] | None:
    """Text and encoding name: UTF-8 (with or without BOM), else Windows-1252."""
    for magic, kind in _NOT_CSV.items():
        if raw.startswith(magic):
            message = f"{kind}, pas un CSV : l'enregistrer au format « CSV UTF-8 » ou « CSV »"
            report.error(name, None, None, message)
            return None
    head = raw[:1000]  # without a BOM, UTF-16 shows as a NUL byte beside each ASCII letter
    nuls = max(head[::2].count(0), head[1::2].count(0))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or nuls > len(head) // 4:
        report.error(name, None, None, UTF16)
        return None
    if b"\x00" in raw:
        line = _line_of(raw, raw.index(b"\x00"))
        report.error(name, line, None, "octet nul (0x00) : fichier abîmé ou binaire, attendu du texte")
        return None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        line, byte = _line_of(raw, error.start), raw[error.start]
        before = raw[: error.start].decode("utf-8-sig")
        if raw.startswith(b"\xef\xbb\xbf") or (not before.isascii() and _is_latin(before)):
            report.error(
                name,
                line,
                None,
                f"octet 0x{byte:02x} invalide en UTF-8, alors que le début du fichier est en UTF-8 : "
                "encodages mélangés (copier-coller ?), enregistrer tout le fichier en CSV UTF-8",
            )
            return None
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        report.error(
            name,
            _line_of(raw, error.start),
            None,
            f"octet 0x{raw[error.start]:02x} inconnu en UTF-8 comme en Windows-1252 : "
            "attendu un fichier UTF-8 ou Windows-1252",
        )
        return None


def _header_cells(header: str, separator: str) -> list[str]:
    return [cell.strip().strip('"').strip() for cell in header.split(separator)]


def guess_separator(header: str, expected: tuple[str, ...]) -> str:
    """The separator that splits the header into the most expected column names."""

    def score(separator: str) -> tuple[int, int]:
        cells = _header_cells(header, separator)
        return (sum(cell in expected for cell in cells), len(cells))

    return max(SEPARATORS, key=score)


def _long_line(text: str) -> int | None:
    """Number of the first line longer than ``MAX_LINE_CHARS``, if any."""
    if len(text) <= MAX_LINE_CHARS:
        return None
    start, number = 0, 1
    for match in _NEWLINE.finditer(text):
        if match.start() - start > MAX_LINE_CHARS:
            return number
        start, number = match.end(), number + 1
    return number if len(text) - start > MAX_LINE_CHARS else None


def _first_line(text: str) -> tuple[int, str]:
    """The header: the first line that is not blank (nor only separators), with its number."""
    start = 0
    for number, match in enumerate(_NEWLINE.finditer(text), start=1):
        if text[start : match.start()].strip(' \t,;"'):
            return number, text[start : match.start()]
        start = match.end()
    return _line_of(text, start), text[start:]


def _check_header(
    header: str, separator: str, expected: tuple[str, ...], name: str, line: int, report: Report
) -> bool:
    """Whether the header names at least one expected column with ``separator``; else say why not."""
    found = sum(cell in expected for cell in _header_cells(header, separator))
    for other in UNSUPPORTED_SEPARATORS:
        if sum(cell in expected for cell in _header_cells(header, other)) > found:
            report.error(
                name,
                line,
                None,
                f"séparateur « {other} » non pris en charge : enregistrer avec « , » ou « ; » "
                "entre les colonnes",
            )
            return False
    if not found:
        report.error(
            name,
            line,
            None,
            "en-tête non reconnu : la première ligne doit donner les noms des colonnes, "
            f"par ex. « {','.join(expected[:3])} »",
        )
    return bool(found)


def _refuse_special(mode: int) -> None:
    for test, kind in _KINDS:
        if test(mode):
            raise ReadRefused(f"{kind} à la place d'un fichier : attendu un fichier ordinaire")
    if not stat.S_ISREG(mode):
        raise ReadRefused("pas un fichier ordinaire : attendu un fichier ordinaire")


def read_regular(path: Path, max_bytes: int, *, seconds: float = READ_SECONDS) -> bytes:
    """The bytes of ``path``, a regular file (a pipe, device, socket or folder in its place is refused before
    it is opened), counted as they are read and never more than ``max_bytes`` (the size the file system
    announces is not trusted: 0 for /dev/zero and pipes, and a file may grow while read). Raises an
    ``OSError`` (a ``ReadRefused`` with a French message for our own reasons)."""
    _refuse_special(os.stat(path).st_mode)  # follows a symbolic link, as the read does
    # O_NONBLOCK: if a pipe took the file's place since the stat, opening it does not wait for a writer.
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(handle)
        _refuse_special(status.st_mode)
        if status.st_size > max_bytes:  # a regular file announcing more is too big: not read at all
            raise ReadRefused(f"fichier trop gros ({status.st_size} octets) : au plus {max_bytes} octets")
        deadline = time.monotonic() + seconds
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(handle, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                limit = f"plus de {max_bytes} octets"
                raise ReadRefused(f"fichier trop gros ({limit}) : au plus {max_bytes} octets")
            if time.monotonic() > deadline:
                raise ReadRefused(f"lecture trop lente (plus de {seconds:.0f} s) : support inaccessible ?")
    finally:
        os.close(handle)


def read_bytes(path: Path, report: Report, max_bytes: int) -> bytes | None:
    """The file's bytes, or ``None`` once the reason (missing, unreadable, not a regular file, too big) is
    reported."""
    try:
        return read_regular(path, max_bytes)
    except OSError as error:
        report.error(path.name, None, None, unreadable(error))
        return None


def read_table(path: Path, expected: tuple[str, ...], report: Report) -> Table | None:
    """Read ``path`` into text cells; problems go to ``report`` and give ``None`` if fatal."""
    name = path.name
    raw = read_bytes(path, report, MAX_FILE_BYTES)
    if raw is None:
        return None
    decoded = decode(raw, name, report)
    if decoded is None:
        return None
    text, encoding = decoded
    long_line = _long_line(text)
    if long_line is not None:
        message = f"ligne de plus de {MAX_LINE_CHARS} caractères : collage accidentel ?"
        report.error(name, long_line, None, message)
        return None
    line, header = _first_line(text)
    if not header.strip(' \t,;"'):
        report.error(name, None, None, EMPTY)
        return None
    separator = guess_separator(header, expected)
    if not _check_header(header, separator, expected, name, line, report):
        return None
    return _parse(text, name, separator, encoding, report)


def _records(text: str, name: str, separator: str, report: Report) -> list[tuple[int, list[str]]] | None:
    """Every non-blank record with the line it starts on, or ``None`` if the CSV is unreadable."""
    limit = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
        records: list[tuple[int, list[str]]] = []
        start = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return records
            except csv.Error as error:
                reason = next((fr for en, fr in _CSV_ERRORS.items() if en in str(error)), str(error))
                report.error(name, start, None, f"ligne illisible : {reason}")
                return None
            if any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(limit)  # the limit is process-wide: leave it as found


def _neutralise_bidi(
    cells: list[list[str]], lines: list[int], header: list[str], name: str, report: Report
) -> None:
    """Remove direction controls from the cells, each removal warned with its line and column."""
    for line, record in zip(lines, cells, strict=True):
        for position, cell in enumerate(record):
            found = BIDI_CONTROLS.findall(cell)
            if found:
                codes = ", ".join(sorted({f"U+{ord(char):04X}" for char in found}))
                report.warning(
                    name,
                    line,
                    shorten(header[position]) or None,
                    f"caractère de contrôle de direction ({codes}) retiré : invisible, il peut inverser ou "
                    "masquer le texte affiché",
                )
                record[position] = BIDI_CONTROLS.sub("", cell)


def _parse(text: str, name: str, separator: str, encoding: str, report: Report) -> Table | None:
    records = _records(text, name, separator, report)
    if not records:
        if records is not None:
            report.error(name, None, None, EMPTY)
        return None
    (header_line, header), rows = records[0], records[1:]
    header = [cell.strip().lstrip("\ufeff").strip() for cell in header]
    shown = "tabulation" if separator == "\t" else f"« {separator} »"
    lines, cells = [], []
    for line, record in rows:
        if len(record) > len(header) and not any(cell.strip() for cell in record[len(header) :]):
            record = record[: len(header)]  # empty cells a spreadsheet left after the last column
        if len(record) != len(header):
            too_many = len(record) > len(header)
            hint = f" : une cellule contient-elle {shown} sans guillemets ?" if too_many else ""
            report.error(
                name,
                line,
                None,
                f"{len(record)} champs au lieu des {len(header)} de l'en-tête (séparateur {shown}){hint}",
            )
            continue
        lines.append(line)
        cells.append(record)
    if BIDI_CONTROLS.search(text):
        _neutralise_bidi(cells, lines, header, name, report)
    frame = pd.DataFrame(cells, columns=range(len(header)), dtype="string")
    keep = []
    for position, column in enumerate(header):
        if column:
            keep.append(position)
            continue
        filled = frame.index[frame[position].str.strip() != ""]
        if len(filled):
            report.error(
                name,
                lines[filled[0]],
                None,
                f"valeur dans la colonne n° {position + 1}, qui n'a pas de nom dans l'en-tête",
            )
    names = [header[position] for position in keep]
    duplicates = [column for position, column in enumerate(names) if column in names[:position]]
    for column in dict.fromkeys(duplicates):
        report.error(name, header_line, shorten(column), "colonne en double dans l'en-tête")
    if duplicates:
        return None
    frame = frame[keep].set_axis(names, axis="columns")
    frame.index = pd.Index(lines, dtype="int64", name=LINE_COLUMN)
    return Table(frame, encoding, separator, header_line)
