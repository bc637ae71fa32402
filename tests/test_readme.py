"""The README's map of the modules names every module of dashboard/, and only modules that exist."""

from __future__ import annotations

import re

from tests.conftest import REPO


def module_map() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Modules", 1)[1].split("\n## ", 1)[0].split("    assets/", 1)[0]


def test_the_module_map_names_every_module_of_the_package() -> None:
    named = set(re.findall(r"[\w]+\.py", module_map()))
    files = {path.name for path in (REPO / "dashboard").rglob("*.py") if path.name != "__init__.py"}
    assert files - named == set()
    assert named - files == set()
