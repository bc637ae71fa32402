"""A draft's issues are located in their sheet without reading the file again for each one: 10,000 synthetic
operations give some 12,000 warnings, and reading the table once per warning took more than ten minutes."""

from __future__ import annotations

from dashboard.store import draft as drafts
from dashboard.store import tables
from tests.synthetic import write_data_dir


def test_each_file_is_read_once_to_locate_all_its_issues(tmp_path, monkeypatch):
    data = write_data_dir(tmp_path / "data", 300)
    files = {name: (data / name).read_bytes() for name in tables.editable_names(data)}
    reads: list[str] = []
    original = drafts.cells_of
    monkeypatch.setattr(drafts, "cells_of", lambda body, name: reads.append(name) or original(body, name))
    result = drafts.check(files, data)
    assert len(result.issues) > 2 * len(files)  # many issues in few files
    assert len(reads) <= len(files)
