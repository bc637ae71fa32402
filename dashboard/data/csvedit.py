"""Change a few cells of a CSV file and give its bytes back, everything else as it was.

Encoding (UTF-8 with or without BOM, Windows-1252), separator, line endings, quoting and
column order stay those of the file: only the changed cells are written anew. Files are
replaced at once, after a dated copy of the original if asked.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dashboard.data.reader import MAX_CELL_CHARS, decode, guess_separator
from dashboard.data.report import Report

QUOTE = '"'


class EncodingLost(ValueError):
    """The edited bytes would be read back in another encoding than the file's: nothing may be written."""


@dataclass(frozen=True)
class Record:
    """One record: the line it starts on, its text as in the file (line ending included), its cells."""

    line: int
    raw: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvText:
    """A CSV file as records that keep their own text, so that it can be written back unchanged."""

    name: str
    encoding: str
    bom: bool
    separator: str
    records: tuple[Record, ...]  # the header first

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(cell.strip() for cell in self.records[0].cells)

    def render(self, changes: Mapping[int, Mapping[int, str]] | None = None) -> bytes:
        """The file's bytes with ``changes[record index][column index]`` put in."""
        changes = changes or {}
        text = "".join(
            _edit(record, changes[index], self.separator) if index in changes else record.raw
            for index, record in enumerate(self.records)
        )
        data = (codecs.BOM_UTF8 if self.bom else b"") + text.encode(self.encoding)
        if self.encoding != "utf-8" and not data.isascii() and _read_encoding(data) != self.encoding:
            # A Windows-1252 file is told apart from UTF-8 by its bytes only: once an edit removes the
            # bytes that made it plain, the rest may read back as UTF-8 (other letters) or as mixed.
            raise EncodingLost(
                f"{self.name} : une fois modifié, le fichier ne serait plus relu en Windows-1252 "
                "(ses lettres accentuées changeraient) : l'enregistrer au format « CSV UTF-8 », puis relancer"
            )
        return data


def read_csv_text(raw: bytes, name: str, expected: tuple[str, ...], report: Report) -> CsvText | None:
    """Records of ``raw``, a CSV whose header should hold ``expected``; ``None`` if unreadable."""
    decoded = decode(raw, name, report)
    if decoded is None:
        return None
    text, encoding = decoded
    if not text.strip():
        report.error(
            name, None, None, "fichier vide : attendu une ligne d'en-tête puis une ligne par opération"
        )
        return None
    separator = guess_separator(text.splitlines()[0], expected)
    records = _records(text, name, separator, report)
    if records is None:
        return None
    bom = encoding == "utf-8" and raw.startswith(codecs.BOM_UTF8)
    file = CsvText(name, encoding, bom, separator, tuple(records))
    if _rendered(file) != raw:
        # Both decodings are lossless; this guards the promise never to change an untouched byte.
        report.error(name, None, None, "le fichier ne se réécrit pas à l'identique : rien ne sera modifié")
        return None
    return file


def _records(text: str, name: str, separator: str, report: Report) -> list[Record] | None:
    # The lines exactly as csv.reader gets them, so each record knows the text it came from.
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=separator, strict=True)
    records: list[Record] = []
    start = 0
    limit = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return records
            except csv.Error as error:
                report.error(name, start + 1, None, f"ligne illisible ({error})")
                return None
            records.append(Record(start + 1, "".join(lines[start : reader.line_num]), tuple(cells)))
            start = reader.line_num
    finally:
        csv.field_size_limit(limit)  # the limit is process-wide: leave it as found


def _rendered(file: CsvText) -> bytes | None:
    try:
        return file.render()
    except EncodingLost:
        return None


def _read_encoding(data: bytes) -> str | None:
    """The encoding the reader will find in ``data`` (None: it would refuse it)."""
    decoded = decode(data, "", Report())
    return decoded[1] if decoded else None


def replace_file(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` at once: a reader sees the old file or the new one, never half of it."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
        if target.exists():
            shutil.copymode(target, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def keep_backup(path: Path, raw: bytes) -> Path:
    """Save ``raw`` beside ``path`` as ``NAME.bak-YYYYmmdd-HHMMSS``, never over an earlier backup."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        backup = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{number}" if number > 1 else ""))
        try:
            with open(backup, "xb") as handle:
                handle.write(raw)
            return backup
        except FileExistsError:
            number += 1


def _edit(record: Record, changes: Mapping[int, str], separator: str) -> str:
    """``record`` with the cells of ``changes`` replaced, the other cells left as they were written."""
    body = record.raw.removesuffix("\n").removesuffix("\r")
    ending = record.raw[len(body) :]
    wanted = list(record.cells)
    for column, value in changes.items():
        wanted[column] = value
    pieces = _raw_cells(body, separator)
    if len(pieces) == len(wanted):
        for column, value in changes.items():
            pieces[column] = _quoted(value, separator, always=pieces[column].startswith(QUOTE))
        edited = separator.join(pieces)
        if _cells(edited, separator) == wanted:
            return edited + ending
    out = io.StringIO()  # the cell-by-cell edit did not read back: let the csv module write the record
    csv.writer(out, delimiter=separator, lineterminator="").writerow(wanted)
    return out.getvalue() + ending


def _raw_cells(body: str, separator: str) -> list[str]:
    """The text of each cell of one record, quotes included, as ``csv.reader`` splits it."""
    pieces = []
    start = 0
    while True:
        end = start
        if body.startswith(QUOTE, start):
            end = start + 1
            while end < len(body):
                if body[end] == QUOTE:
                    if body.startswith(QUOTE, end + 1):
                        end += 2
                        continue
                    end += 1
                    break
                end += 1
        cut = body.find(separator, end)
        if cut == -1:
            pieces.append(body[start:])
            return pieces
        pieces.append(body[start:cut])
        start = cut + 1


def _quoted(value: str, separator: str, *, always: bool) -> str:
    if always or any(char in value for char in (separator, QUOTE, "\r", "\n")):
        return QUOTE + value.replace(QUOTE, QUOTE * 2) + QUOTE
    return value


def _cells(text: str, separator: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True), [])
