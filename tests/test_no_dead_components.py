"""Every component and page builder the web layer defines is used somewhere: a builder nobody calls drifts
from the wording and the honesty rules the others keep (``published_totals`` still summed unknown dwellings
as 0; ``operation.operation_path`` re-declared the operation page's address beside ``routes``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "dashboard"
WEB = PACKAGE / "web"
# A page's callbacks are registered by their decorator: only undecorated definitions must be named again.
CHECKED = [WEB / "components.py", *sorted((WEB / "pages").glob("*.py"))]


@pytest.mark.parametrize("checked", CHECKED, ids=lambda path: str(path.relative_to(WEB)))
def test_every_top_level_function_is_used_by_the_dashboard(checked: Path):
    sources = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    everything = "\n".join(sources.values())
    defined = [
        node.name
        for node in ast.parse(sources[checked]).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.decorator_list
    ]
    unused = [name for name in defined if len(re.findall(rf"\b{re.escape(name)}\b", everything)) < 2]
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"


# Constants read by position or by name elsewhere; the names nobody reads are gone (maps.py's
# COMMUNE_LABELS, NEIGHBOURS and THE_COMMUNE, headline.py's STATE_ORDER): the commune map's trace order is
# written in a comment instead.
CONSTANTS_CHECKED = [PACKAGE / "figures" / "maps.py", WEB / "headline.py"]


@pytest.mark.parametrize("checked", CONSTANTS_CHECKED, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_constant_is_used_by_the_dashboard(checked: Path):
    sources = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    everything = "\n".join(sources.values())
    defined = [
        name.id
        for node in ast.parse(sources[checked]).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        for name in ast.walk(target)
        if isinstance(name, ast.Name) and name.id.isupper()
    ]
    unused = [name for name in defined if len(re.findall(rf"\b{re.escape(name)}\b", everything)) < 2]
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"
