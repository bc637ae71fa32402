"""The README's map of the modules names every module of dashboard/, and only modules that exist; the
modules keep their functions short."""

from __future__ import annotations

import re

from tests.conftest import REPO


def module_map() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Modules", 1)[1].split("\n## ", 1)[0].split("    assets/", 1)[0]


def named_modules() -> set[str]:
    """The paths the map names, relative to dashboard/: a folder line (``web/``) holds the lines indented
    below it; a line may name several modules (``maps.py, mix.py, timeline.py``)."""
    named: set[str] = set()
    folders: list[tuple[int, str]] = []  # (indent, path) of the folders the current line is in
    for line in module_map().splitlines()[1:]:
        if not line.strip() or line.lstrip() == "dashboard/":
            continue
        indent = len(line) - len(line.lstrip())
        folders = [(depth, path) for depth, path in folders if depth < indent]
        inside = folders[-1][1] if folders else ""
        first = re.split(r"\s{2,}", line.strip())[0]
        if first.endswith("/"):
            folders.append((indent, inside + first))
        else:
            named |= {inside + name for name in re.findall(r"\w+\.py", first)}
    return named


def test_the_module_map_names_every_module_of_the_package_in_its_folder() -> None:
    named = named_modules()
    files = {
        str(path.relative_to(REPO / "dashboard"))
        for path in (REPO / "dashboard").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert files - named == set()
    assert named - files == set()


# Being rewritten for "parse once" (issue 13, point 4) by the lead; not split here on purpose.
LONG_BY_DESIGN = {("dashboard/figures/timeline.py", "timeline_figure")}


def test_no_function_of_the_package_is_over_60_lines() -> None:
    import ast

    long = {
        (str(path.relative_to(REPO)), node.name, node.end_lineno - node.lineno + 1)
        for path in (REPO / "dashboard").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 60
    }
    assert {(path, name) for path, name, _ in long} <= LONG_BY_DESIGN, long
