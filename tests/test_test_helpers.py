"""The tests stand on their own: what they share with the benchmark lives in tests/ (bench/ imports it),
so no test module imports bench/, which may change with what it measures."""

from __future__ import annotations

import ast

from tests.conftest import REPO


def imported_modules(path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
    return found


def test_no_test_module_imports_the_benchmark() -> None:
    importing = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "tests").rglob("*.py")
        if "bench" in imported_modules(path)
    )
    assert importing == []
