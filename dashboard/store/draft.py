"""A draft: tables uploaded by a person, checked by the very validation the data folder goes through
(``vetting.load_checked``), compared with the version it would replace, keyed on each table's key."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from dashboard.data import vetting
from dashboard.data.dataset import Dataset
from dashboard.data.perimeter import Perimeter
from dashboard.data.report import Issue, Report
from dashboard.data.schema import Certainty, Op, Status
from dashboard.model import formatting
from dashboard.model.analysis import CERTAINTY, STATUS, KeyFigures, Range, key_figures, phrases
from dashboard.store.tables import REFERENCE_FILES, Files, cells_of, key_of, sheet_name, to_csv
from dashboard.store.workbook import Located, Sheet, Upload
from dashboard.web.context import Context, build_context
from dashboard.web.headline import DwellingSum


@dataclass(frozen=True)
class Checked:
    """The draft's files, its issues where the person finds them, and the dataset when it passes."""

    files: Files
    issues: list[Located]
    dataset: Dataset | None

    @property
    def ok(self) -> bool:
        return self.dataset is not None and not any(i.severity == "erreur" for i in self.issues)

    @property
    def errors(self) -> list[Located]:
        return [i for i in self.issues if i.severity == "erreur"]

    @property
    def warnings(self) -> list[Located]:
        return [i for i in self.issues if i.severity != "erreur"]


def merged(base: Files, upload: Upload) -> Files:
    """The base version with the uploaded tables in place; a table read back cell for cell as it is keeps the
    base's bytes (an unchanged download gives no change at all)."""
    files = dict(base)
    for name, sheet in upload.sheets.items():
        if name in base and _same_cells(base[name], sheet.body, name):
            continue
        files[name] = sheet.body
    return files


def _same_cells(one: bytes, other: bytes, name: str) -> bool:
    a, b = cells_of(one, name), cells_of(other, name)
    return a.header == b.header and a.rows == b.rows


def check(
    files: Files,
    reference_dir: Path,
    *,
    perimeter: Perimeter | None = None,
    sheets: dict[str, Sheet] | None = None,
    read_issues: list[Located] | None = None,
) -> Checked:
    """Validate ``files`` with the reference files of ``reference_dir`` (outlines, ACV list), as the data
    folder is validated; every issue located in the sheet (or file) the person gave."""
    issues = list(read_issues or [])
    if any(i.severity == "erreur" and i.row is None for i in issues):  # a file refused whole
        return Checked(files, issues, None)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="coeur-draft-") as work:
        folder = Path(work)
        for path in Path(reference_dir).iterdir():
            if path.name not in files and (path.name in REFERENCE_FILES or not path.name.endswith(".csv")):
                os.symlink(path.resolve(), folder / path.name)
        for name, body in files.items():
            (folder / name).write_bytes(body)
        dataset = vetting.load_checked(folder, report, perimeter=perimeter)
    read_cells = {(i.sheet, i.row, i.letter) for i in issues}  # said once, as the reading saw it
    known = dict(sheets or {})  # each file's rows and letters worked out once, not once per issue
    located = (locate(issue, files, known) for issue in report.sorted())
    issues += [i for i in located if (i.sheet, i.row, i.letter) not in read_cells]
    ok = report.ok and not any(i.severity == "erreur" for i in issues)
    return Checked(files, issues, dataset if ok else None)


def locate(issue: Issue, files: Files, sheets: dict[str, Sheet]) -> Located:
    """Where a person finds an issue of the validation: the sheet's row and column letter. A file's sheet
    worked out here is added to ``sheets`` for the next issue of that file (10,000 rows read for each of
    thousands of warnings took minutes)."""
    sheet = sheets.get(issue.file)
    if sheet is None:
        body = files.get(issue.file)
        if body is None:
            return Located(issue.file, issue.line, None, issue.column, issue.message, issue.severity)
        cells = cells_of(body, issue.file)
        rows = {line: position + 2 for position, line in enumerate(cells.lines)}  # as in the workbook
        letters = {column: get_column_letter(i + 1) for i, column in enumerate(cells.header)}
        sheet = Sheet(sheet_name(issue.file), body, rows, letters)
        sheets[issue.file] = sheet
    row = None if issue.line is None else sheet.rows.get(issue.line, issue.line if issue.line == 1 else None)
    if issue.line is not None and row is None:
        row = issue.line
    letter = sheet.letters.get(issue.column or "")
    return Located(sheet.name, row, letter, issue.column, issue.message, issue.severity)


# The change


@dataclass(frozen=True)
class Change:
    """One row whose cells changed: (column, before, after) for each."""

    key: str
    cells: list[tuple[str, str, str]]


@dataclass
class TableDiff:
    file: str
    key: tuple[str, ...]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)

    def key_text(self, record: dict[str, str]) -> str:
        return " / ".join(record.get(column, "") for column in self.key)


def diff(base: Files, draft: Files) -> list[TableDiff]:
    """Each table's change from ``base`` to ``draft``, keyed on the table's key."""
    out = []
    for name in [*base, *(n for n in draft if n not in base)]:
        before = cells_of(base[name], name) if name in base else None
        after = cells_of(draft[name], name) if name in draft else None
        present = after or before
        header = present.header if present else []
        table = TableDiff(name, key_of(name, header))
        old = {table.key_text(r): r for r in (before.records() if before else [])}
        new = {table.key_text(r): r for r in (after.records() if after else [])}
        if before and after:
            table.columns_added = [c for c in after.header if c not in before.header]
            table.columns_removed = [c for c in before.header if c not in after.header]
        table.added = [record for key, record in new.items() if key not in old]
        table.removed = [record for key, record in old.items() if key not in new]
        for key, record in new.items():
            if key in old:
                columns = [c for c in dict.fromkeys([*old[key], *record])]
                cells = [(c, old[key].get(c, ""), record.get(c, "")) for c in columns]
                changes = [(c, b, a) for c, b, a in cells if b != a]
                if changes:
                    table.changed.append(Change(key, changes))
        out.append(table)
    return out


def summary(diffs: list[TableDiff]) -> str:
    """The change in a few words: « operations : 1 ajoutée, 2 modifiées ; sources : 1 ajoutée »."""
    parts = []
    for table in diffs:
        words = []
        for count, word in (
            (len(table.added), "ajout"),
            (len(table.changed), "modif"),
            (len(table.removed), "suppr"),
        ):
            if count:
                words.append(f"{count} {word}.")
        if words:
            parts.append(f"{sheet_name(table.file)} : {', '.join(words)}")
    return " ; ".join(parts) or "aucun changement"


def keep_unconfirmed_removals(base: Files, draft: Files, confirmed: dict[str, set[str]]) -> Files:
    """The draft with each removed row put back unless its removal is confirmed (removal is opt-in)."""
    files = dict(draft)
    for table in diff(base, draft):
        kept = [r for r in table.removed if table.key_text(r) not in confirmed.get(table.file, set())]
        if not kept or table.file not in draft:
            continue
        cells = cells_of(draft[table.file], table.file)
        rows = cells.rows + [[record.get(column, "") for column in cells.header] for record in kept]
        files[table.file] = to_csv(cells.header, rows)[0]
    return files


def counts(files: Files) -> dict[str, int]:
    return {name: len(cells_of(body, name).rows) for name, body in files.items()}


# What it does to the dashboard


def _low(dwellings: DwellingSum) -> str:
    """The lower reading, and the operations it leaves out said as on the public pages: a sum where no
    operation's number is published is unknown, never « 0 »."""
    return replace(dwellings, known=Range(dwellings.known.low, dwellings.known.low)).inline()


def _count(name: str) -> Callable[[KeyFigures], str]:
    return lambda figures: formatting.number(getattr(figures, name))


FIGURES: tuple[tuple[str, Callable[[KeyFigures], str]], ...] = (
    ("Opérations", _count("operations")),
    ("Logements (lecture basse)", lambda f: _low(DwellingSum.of_all(f))),
    (
        "Logements livrés (constaté)",
        lambda f: _low(DwellingSum.of_state(f, Status.DELIVERED, Certainty.REPORTED)),
    ),
    (
        "Logements en travaux (constaté)",
        lambda f: _low(DwellingSum.of_state(f, Status.UNDER_WAY, Certainty.REPORTED)),
    ),
    # a delivery reported and a delivery planned are never one count (« one meaning of each state »)
    ("Livraisons constatées", _count("deliveries_reported")),
    ("Livraisons prévues (non constatées)", _count("deliveries_planned")),
    ("Opérations en travaux (constaté ou prévu)", _count("under_way")),
    ("Opérations annoncées", _count("announced")),
    ("Opérations à l'état inconnu", _count("unknown")),
)


@dataclass(frozen=True)
class Effect:
    year: int
    figures: list[tuple[str, str, str]]  # label, before, after (in words, as the public pages say them)
    states: list[tuple[str, str, str]]  # operation id, state before, state after


def context_of(dataset: Dataset) -> Context:
    return build_context(dataset)


def _states(frame: Any) -> dict[str, tuple[str, str]]:
    """Each operation's state at the year — status and how it is known — and the words the public pages
    use for it (« livraison prévue en 2021 … »: a forecast is never shown as a fact)."""
    ids = frame[Op.ID].astype(str).tolist() if Op.ID in frame else frame.index.astype(str).tolist()
    keys = [f"{s}|{c}" for s, c in zip(frame[STATUS].astype(str), frame[CERTAINTY].astype(str), strict=True)]
    return dict(zip(ids, zip(keys, phrases(frame).astype(str).tolist(), strict=True), strict=True))


def effect(before: Context, after: Context) -> Effect:
    """Key figures and operations' states at the default year of the version served, before → after."""
    year = before.lookups.default_year
    old, new = before.at_year(year), after.at_year(year)
    a, b = key_figures(old), key_figures(new)
    figures = [(label, said(a), said(b)) for label, said in FIGURES]
    old_states, new_states = _states(old), _states(new)
    absent = ("—", "—")
    states = [
        (op, old_states.get(op, absent)[1], new_states.get(op, absent)[1])
        for op in sorted(set(old_states) | set(new_states))
        if old_states.get(op, absent)[0] != new_states.get(op, absent)[0]
    ]
    return Effect(year, figures, states)
