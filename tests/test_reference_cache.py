"""The commune outlines are read once per state of their files (dataset.load_reference): a staff member's
draft, or another reload of the operations, reuses them with what their reading said; a file written,
replaced or linked elsewhere is read again."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dashboard.data import dataset as ds
from dashboard.data.report import Report
from tests.conftest import feature_collection, square, write_world


def loaded(folder: Path) -> tuple[object, Report]:
    report = Report()
    return ds.load_reference(folder, report), report


def test_the_same_files_give_the_same_outlines_without_reading_them_again(world, monkeypatch):
    first, _ = loaded(world)
    reads: list[Path] = []
    original = ds.geo.load_areas
    monkeypatch.setattr(
        ds.geo, "load_areas", lambda path, report: reads.append(path) or original(path, report)
    )
    again, report = loaded(world)
    assert again is first and not reads and report.ok


def test_a_draft_folder_linking_the_same_files_shares_them(world, tmp_path):
    first, _ = loaded(world)
    draft = tmp_path / "brouillon"
    draft.mkdir()
    for name in (ds.COMMUNES_FILE, ds.DEPARTEMENTS_FILE):
        (draft / name).symlink_to(world / name)
    assert loaded(draft)[0] is first


def test_a_file_written_again_is_read_again(world):
    first, _ = loaded(world)
    path = world / ds.COMMUNES_FILE
    communes = json.loads(path.read_text(encoding="utf-8"))
    communes["features"].append(
        {"type": "Feature", "properties": {"code": "02999", "nom": "Nouvelle"}, "geometry": square(5)}
    )
    replaced = world / ".communes.tmp"
    replaced.write_text(json.dumps(feature_collection(communes["features"])), encoding="utf-8")
    os.replace(replaced, path)  # as editors and rsync do
    again, _ = loaded(world)
    assert again is not first and "02999" in again[0].index


def test_what_the_reading_said_is_said_again_each_time(tmp_path):
    folder = write_world(tmp_path / "data")
    (folder / ds.DEPARTEMENTS_FILE).write_text('{"type": "Point"}', encoding="utf-8")
    for _ in range(2):
        reference, report = loaded(folder)
        assert reference is None
        assert any("FeatureCollection" in issue.message for issue in report.errors)


def test_a_missing_file_is_reported_not_kept(tmp_path):
    folder = write_world(tmp_path / "data")
    (folder / ds.COMMUNES_FILE).unlink()
    reference, report = loaded(folder)
    assert reference is None and not report.ok
