"""What a version of the data must pass to be served, and what ``check`` reports: the data contract
(``dataset.load_dataset``), whole-table checks (``validate.check_content``) and, against the version
accepted before it, no operation removed without confirmation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.data import dataset as ds
from dashboard.data.perimeter import Perimeter
from dashboard.data.report import Report
from dashboard.data.schema import Geo, Op, Src
from dashboard.data.validate import check_content, warn_markup

CONFIRM_HINT = "confirmer avec « python -m dashboard confirm » (ou COEUR_ALLOW_SHRINK=1)"
MAX_LISTED = 200  # operations named one by one; the rest counted


def load_checked(
    data_dir: Path,
    report: Report,
    operations_path: Path | None = None,
    perimeter: Perimeter | None = None,
) -> ds.Dataset | None:
    """``load_dataset`` followed by the checks on the whole table; ``None`` on any error."""
    dataset = ds.load_dataset(data_dir, report, operations_path=operations_path, perimeter=perimeter)
    if dataset is None:
        return None
    name = (operations_path or Path(data_dir) / ds.OPERATIONS_FILE).name
    known = set(dataset.sources[Src.SOURCE].tolist()) if Src.SOURCE in dataset.sources else set()
    check_content(dataset.operations, known, ds.SOURCES_FILE, name, report)
    for text in dataset.communes[Geo.NOM].tolist():
        warn_markup(text, ds.COMMUNES_FILE, None, Geo.NOM, report)
    return dataset if report.ok else None


def removals(before: pd.DataFrame, after: pd.DataFrame, report: Report, *, allowed: bool = False) -> int:
    """Report, as errors, every operation of ``before`` (the version served) that ``after`` drops; their
    number. Removing through the folder is held until confirmed (``python -m dashboard confirm``, or
    ``allowed``): a half-written, truncated or emptied file looks exactly like a removal."""
    if allowed or Op.ID not in before.columns or Op.ID not in after.columns:
        return 0
    kept = set(after[Op.ID].tolist())
    gone = before[~before[Op.ID].isin(kept)]
    if gone.empty:
        return 0
    count = len(gone)
    verb = "disparaîtraient" if count > 1 else "disparaîtrait"
    report.error(
        ds.OPERATIONS_FILE,
        None,
        None,
        f"{count} opération{'s' if count > 1 else ''} sur {len(before)} {verb} "
        f"(fichier tronqué, vidé ou encore en cours d'écriture ?) : version en attente de confirmation ; "
        f"si c'est voulu, {CONFIRM_HINT}",
    )
    for row in gone.head(MAX_LISTED).itertuples(index=False):
        where = ", ".join(str(getattr(row, column, "") or "") for column in (Op.PROGRAMME, Op.COMMUNE))
        report.error(ds.OPERATIONS_FILE, None, Op.ID, f"{getattr(row, Op.ID)} ({where}) disparaîtrait")
    if count > MAX_LISTED:
        report.error(ds.OPERATIONS_FILE, None, Op.ID, f"… et {count - MAX_LISTED} autres")
    return count
