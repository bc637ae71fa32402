"""The dated record's files checked at the boundary: each problem of ``jalons.csv`` or
``chiffres_operations.csv`` named with its file, line and column, in French; a milestone or figure of an
operation absent from ``operations.csv`` set aside with a warning (a row removed in the staff area)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data import milestones as record
from dashboard.data.dataset import load_dataset
from dashboard.data.parsing import parse_milestone_date
from dashboard.data.reader import LINE_COLUMN
from dashboard.data.report import Report
from dashboard.data.schema import Fig, Ms
from dashboard.data.sourcedates import SourceDate

MILESTONES, FIGURES = "jalons.csv", "chiffres_operations.csv"
CROIX = "soissons-rue-saint-christophe"


def append(folder: Path, name: str, *rows: str) -> int:
    """Add ``rows`` at the end of ``name``; the line number of the first one."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    first = text.count("\n") + (0 if text.endswith("\n") else 1) + 1
    path.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(rows) + "\n", encoding="utf-8")
    return first


def issues(report: Report, name: str) -> list[str]:
    return [str(issue) for issue in report.issues if issue.file == name]


def test_a_milestone_of_an_operation_absent_from_operations_csv_is_set_aside_with_a_warning(real_data_copy):
    line = append(
        real_data_copy,
        MILESTONES,
        "amiens-rue-disparue,livraison,2023,année,prévu,clesence-acv,Livraison : 2023,,",
    )
    report = Report()
    dataset = load_dataset(real_data_copy, report)
    assert dataset is not None and report.ok  # the version is not refused for it
    assert (
        f"{MILESTONES}:{line}: avertissement: operation: « amiens-rue-disparue » : opération absente de "
        "operations.csv, jalon ignoré"
    ) in issues(report, MILESTONES)
    assert "amiens-rue-disparue" not in set(dataset.milestones[Ms.OPERATION])
    assert len(dataset.milestones) == line - 2  # every other milestone kept (a header, then one a line)


def test_a_figure_of_an_operation_absent_from_operations_csv_is_set_aside_with_a_warning(real_data_copy):
    line = append(
        real_data_copy, FIGURES, "amiens-rue-disparue,logements,12,logements,,clesence-acv,12 logements,"
    )
    report = Report()
    dataset = load_dataset(real_data_copy, report)
    assert dataset is not None and report.ok
    assert (
        f"{FIGURES}:{line}: avertissement: operation: « amiens-rue-disparue » : opération absente de "
        "operations.csv, chiffre ignoré"
    ) in issues(report, FIGURES)
    assert "amiens-rue-disparue" not in set(dataset.figures[Fig.OPERATION])


def test_another_operations_file_checked_against_the_folder_leaves_out_the_record_of_what_it_lacks(
    real_data_copy, tmp_path
):
    lines = (real_data_copy / "operations.csv").read_text(encoding="utf-8").splitlines()
    other = tmp_path / "autres.csv"
    other.write_text("\n".join(line for line in lines if not line.startswith(CROIX)) + "\n", encoding="utf-8")
    report = Report()
    dataset = load_dataset(real_data_copy, report, operations_path=other)
    assert dataset is not None and report.ok
    assert CROIX not in set(dataset.milestones[Ms.OPERATION])
    assert not any("opération absente" in text for text in issues(report, MILESTONES))  # not this file's


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (f"{CROIX},pose,2022,année,constaté,clesence-acv,,,", "type", "« pose » : attendu l'un des types"),
        (f"{CROIX},livraison,2022,année,fini,clesence-acv,,,", "etat", "attendu « constaté » ou « prévu »"),
        (
            f"{CROIX},livraison,2022,année,prévu,journal-inconnu,,,",
            "source",
            "« journal-inconnu » : source absente de sources.csv",
        ),
        (f"{CROIX},livraison,2022-09,année,prévu,clesence-acv,,,", "precision", "donnée au niveau « mois »"),
        (f"{CROIX},livraison,2022,heure,prévu,clesence-acv,,,", "precision", "« heure » : attendu l'une des"),
        (f"{CROIX},livraison,2022-13,mois,prévu,clesence-acv,,,", "date", ""),
        (f"{CROIX},,2022,année,prévu,clesence-acv,,,", "type", "valeur obligatoire manquante"),
        # the 2020 article could not report a 2030 delivery as done
        (
            f"{CROIX},livraison,2030,année,constaté,clesence-acv,,,",
            "etat",
            "livraison 2030 dit « constaté » par une source parue au plus tard le 2020-05-27 : "
            "attendu « prévu »",
        ),
        # delivered in 2015, before its works were reported to start (acquisition 2016, works 2019…)
        (f"{CROIX},livraison,2015,année,constaté,clesence-acv,,,", "date", "antérieure au"),
    ],
)
def test_a_bad_milestone_is_an_error_naming_its_line_and_column(real_data_copy, row, column, message):
    line = append(real_data_copy, MILESTONES, row)
    report = Report()
    load_dataset(real_data_copy, report)
    found = [str(issue) for issue in report.errors if issue.file == MILESTONES and issue.line == line]
    assert any(text.startswith(f"{MILESTONES}:{line}: {column}:") and message in text for text in found), (
        found
    )


def test_an_inferred_date_and_a_passed_forecast_are_warnings(real_data_copy):
    line = append(
        real_data_copy,
        MILESTONES,
        f"{CROIX},livraison,2021-12-01,jour,constaté,levase-croix-dor-2022,le 1er décembre,Année absente.,",
        f"{CROIX},livraison,2019,année,prévu,clesence-acv,,,",
    )
    report = Report()
    assert load_dataset(real_data_copy, report) is not None
    texts = [str(i) for i in report.warnings if i.file == MILESTONES]
    assert (
        f"{MILESTONES}:{line}: avertissement: date: {CROIX} : date déduite, non publiée telle quelle — "
        in " ".join(texts)
    )
    assert any(
        t.startswith(f"{MILESTONES}:{line + 1}:") and "dit « prévu » par une source parue au plus tôt" in t
        for t in texts
    )


def _record(*rows: tuple[str, str, bool, str]):
    """Milestones of one operation: ``(kind, date, reported, source)``."""
    return pd.DataFrame(
        {
            Ms.OPERATION: ["op"] * len(rows),
            Ms.TYPE: [kind for kind, *_ in rows],
            Ms.SOURCE: [source for *_, source in rows],
            Ms.INFERENCE: [""] * len(rows),
            record.DATE: [parse_milestone_date(date) for _, date, *_ in rows],
            record.REPORTED: [reported for _, _, reported, _ in rows],
            LINE_COLUMN: list(range(2, 2 + len(rows))),
        }
    )


def _dates():
    day = datetime.date
    return {
        "list-2020": SourceDate(day(2020, 5, 4), day(2020, 5, 27), "2020"),
        "page-2019-2022": SourceDate(day(2019, 1, 1), day(2022, 12, 31), "2019–2022"),
        "page-2022-2025": SourceDate(day(2022, 1, 1), day(2025, 12, 31), "2022–2025"),
    }


def test_a_past_year_follows_the_forecast_surely_published_by_then():
    rows = _record(
        ("livraison", "2021", False, "list-2020"),
        ("livraison", "2022", False, "page-2019-2022"),
        ("livraison", "2025", False, "page-2022-2025"),
    )
    dates = _dates()
    chosen = record.choose(rows, dates)
    assert chosen["op"][1].date.iso() == "2025"  # today: the newest forecast
    steps = record.plans_before(rows, dates, chosen)["op"]
    # before 2020 nothing; 2020–2021 the 2020 list's 2021; 2022–2024 the 2022 page's (out by 2022's end)
    assert [(s.until, s.delivery.date.iso() if s.delivery else None) for s in steps] == [
        (2020, None),
        (2022, "2021"),
        (2025, "2022"),
    ]
    read = record.as_read(steps[2], dates, ((None, False), (None, False)))
    assert (read.until, read.end.iso(), read.end_reported, read.plan_label) == (
        2025,
        "2022",
        False,
        "2019–2022",
    )


def test_a_fact_reported_later_about_a_past_year_stays_a_fact_of_that_year():
    rows = _record(
        ("livraison", "2021", False, "list-2020"),
        ("emmenagement", "2021-12-01", True, "page-2022-2025"),  # reported on a page out by 2025 at last
    )
    dates = _dates()
    chosen = record.choose(rows, dates)
    assert chosen["op"][1].reported and record.plans_before(rows, dates, chosen) == {}
