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


def never_used(names: list[str]) -> list[str]:
    """Those of ``names`` the dashboard's code names only once (where they are defined)."""
    everything = "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py"))
    return [name for name in names if len(re.findall(rf"\b{re.escape(name)}\b", everything)) < 2]


@pytest.mark.parametrize("checked", CHECKED, ids=lambda path: str(path.relative_to(WEB)))
def test_every_top_level_function_is_used_by_the_dashboard(checked: Path):
    defined = [
        node.name
        for node in ast.parse(checked.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.decorator_list
    ]
    unused = never_used(defined)
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"


# Constants read by position or by name elsewhere; the names nobody reads are gone (maps.py's
# COMMUNE_LABELS, NEIGHBOURS and THE_COMMUNE, headline.py's STATE_ORDER): the commune map's trace order is
# written in a comment instead.
CONSTANTS_CHECKED = [PACKAGE / "figures" / "maps.py", WEB / "headline.py"]


@pytest.mark.parametrize("checked", CONSTANTS_CHECKED, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_constant_is_used_by_the_dashboard(checked: Path):
    defined = [
        name.id
        for node in ast.parse(checked.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        for name in ast.walk(target)
        if isinstance(name, ast.Name) and name.id.isupper()
    ]
    unused = never_used(defined)
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"
