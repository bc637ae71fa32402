"""What a version of the data must pass to be served, and what ``check`` reports: the data contract
(``dataset.load_dataset``), whole-table checks (``validate.check_content``) and, against the version
accepted before it, no sudden loss of operations."""

from __future__ import annotations

from pathlib import Path

from dashboard.data import dataset as ds
from dashboard.data.perimeter import Perimeter
from dashboard.data.report import Report
from dashboard.data.schema import Geo, Src
from dashboard.data.validate import check_content, warn_markup

ALLOW_SHRINK_HINT = "relancer avec --allow-shrink ou COEUR_ALLOW_SHRINK=1"


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


def check_shrink(before: int, after: int, report: Report, *, allowed: bool = False) -> None:
    """A version that would leave fewer than half of the operations served (none at all included) is an
    error unless ``allowed``: a half-written or emptied file looks exactly like that."""
    if allowed or before <= 0 or after * 2 >= before:
        return
    report.error(
        ds.OPERATIONS_FILE,
        None,
        None,
        f"{after} opération{'s' if after > 1 else ''} au lieu de {before} : plus de la moitié "
        f"disparaîtraient d'un coup (fichier tronqué ou vidé ?). Version refusée ; "
        f"si c'est voulu, {ALLOW_SHRINK_HINT}",
    )
