"""Bad input never breaks anything: each damaged file of the corpus is reported exactly.

Loading it never raises and never writes to any file of the folder.
"""

from __future__ import annotations

import hashlib
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.data.dataset import load_dataset
from dashboard.data.reader import MAX_LINE_CHARS
from dashboard.data.report import Report
from tests.bad_inputs import BASE, CASES, CSV, Case, csv_text, write_base


@dataclass(frozen=True)
class Outcome:
    dataset: object
    report: Report
    exception: BaseException | None
    before: dict[str, str]
    after: dict[str, str]


def fingerprints(folder: Path) -> dict[str, str]:
    """The sha256 of every file of the folder (a folder standing for a file counts too)."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dossier"
        for path in sorted(folder.iterdir())
    }


def load_guarded(folder: Path) -> Outcome:
    before = fingerprints(folder)
    report = Report()
    dataset, exception = None, None
    try:
        dataset = load_dataset(folder, report)
    except Exception as error:  # the point is that nothing escapes
        exception = error
    return Outcome(dataset, report, exception, before, fingerprints(folder))


_OUTCOMES: dict[str, Outcome] = {}


@pytest.fixture
def outcome(request, tmp_path_factory) -> Outcome:
    """Each case is damaged and loaded once, for the tests below to look at."""
    case: Case = request.param
    if case.name not in _OUTCOMES:
        folder = write_base(tmp_path_factory.mktemp(case.name) / "data")
        case.damage(folder)
        _OUTCOMES[case.name] = load_guarded(folder)
    return _OUTCOMES[case.name]


by_case = pytest.mark.parametrize(
    ("case", "outcome"),
    [(case, case) for case in CASES],
    ids=[case.name for case in CASES],
    indirect=["outcome"],
)


def test_the_corpus_covers_at_least_forty_damages():
    assert len(CASES) >= 40


def test_the_undamaged_base_loads_without_a_word(tmp_path):
    result = load_guarded(write_base(tmp_path / "data"))
    assert result.dataset is not None and result.report.issues == []


@by_case
def test_loading_never_raises_nor_writes(case, outcome):
    assert outcome.exception is None, f"{type(outcome.exception).__name__}: {outcome.exception}"
    assert outcome.after == outcome.before


@by_case
def test_each_damage_is_reported_as_a_person_reads_it(case, outcome):
    assert [str(issue) for issue in outcome.report.sorted() if issue.severity == "erreur"] == list(
        case.errors
    )
    assert [str(issue) for issue in outcome.report.sorted() if issue.severity == "avertissement"] == list(
        case.warnings
    )


@by_case
def test_a_damaged_file_gives_no_dataset_and_a_valid_one_loads(case, outcome):
    assert (outcome.dataset is not None) == case.loads
    if case.check and outcome.dataset is not None:
        case.check(outcome.dataset)


@pytest.mark.slow
def test_a_hundred_thousand_valid_rows_load(tmp_path):
    folder = write_base(tmp_path / "data")
    rows = [dict(BASE[number % 3], id=f"op-{number}") for number in range(100_000)]
    (folder / CSV).write_text(csv_text(rows), encoding="utf-8")
    started = time.perf_counter()
    result = load_guarded(folder)
    elapsed = time.perf_counter() - started
    assert result.exception is None and result.report.issues == []
    assert len(result.dataset.operations) == 100_000
    assert result.dataset.operations["ligne"].iloc[-1] == 100_001
    assert result.after == result.before
    print(
        f"\n[100,000 rows] loaded in {elapsed:.1f} s"
    )  # a figure to read, not a threshold (bench/ measures)


@pytest.mark.slow
def test_a_50_mb_line_is_refused_in_bounded_memory(tmp_path):
    folder = write_base(tmp_path / "data")
    content = csv_text(BASE)
    lines = content.split("\n")
    lines[2] = lines[2].replace(",Deux,", "," + "ab," * (50 * 1024 * 1024 // 3) + "Deux,")
    (folder / CSV).write_text("\n".join(lines), encoding="utf-8")
    size = (folder / CSV).stat().st_size
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = load_guarded(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert [str(issue) for issue in result.report.errors] == [
        f"{CSV}:3: ligne de plus de {MAX_LINE_CHARS} caractères : collage accidentel ?"
    ]
    assert result.exception is None and result.after == result.before
    assert peak < 4 * size, f"{peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"
    print(f"\n[50 MB line] refused in {elapsed:.1f} s")
