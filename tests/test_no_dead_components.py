"""Every component and page builder the web layer defines is used somewhere: a builder nobody calls drifts
from the wording and the honesty rules the others keep (``published_totals`` still summed unknown dwellings
as 0; ``operation.operation_path`` re-declared the operation page's address beside ``routes``)."""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "dashboard"
WEB = PACKAGE / "web"
# A page's callbacks are registered by their decorator: only undecorated definitions must be named again.
CHECKED = [WEB / "components.py", *sorted((WEB / "pages").glob("*.py"))]


@functools.cache
def words_in(*paths: Path) -> Counter[str]:
    """How many times each word is written in ``paths`` (the dashboard's modules, unless given)."""
    texts = (path.read_text(encoding="utf-8") for path in paths or PACKAGE.rglob("*.py"))
    return Counter(word for text in texts for word in re.findall(r"\w+", text))


def never_used(names: list[str], also: tuple[Path, ...] = ()) -> list[str]:
    """Those of ``names`` the dashboard's code (and ``also``) names only once (where they are defined)."""
    written = words_in() + words_in(*also) if also else words_in()
    return [name for name in names if written[name] < 2]


@pytest.mark.parametrize("checked", CHECKED, ids=lambda path: str(path.relative_to(WEB)))
def test_every_top_level_function_is_used_by_the_dashboard(checked: Path):
    defined = [
        node.name
        for node in ast.parse(checked.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.decorator_list
    ]
    unused = never_used(defined)
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"


# Every module's UPPER_CASE constants must be read somewhere else in the dashboard: the names nobody read are
# gone (maps.py's COMMUNE_LABELS, NEIGHBOURS and THE_COMMUNE, headline.py's STATE_ORDER, schema.py's STATUSES
# and CERTAINTIES, theme.py's STATUS_SYMBOLS, which repeated the symbols maps.py writes, and UNKNOWN_MARKER).
# A name said in a comment or by another module's constant of the same name counts as read: the check can
# miss a dead constant, never flag a live one.
MODULES = sorted(PACKAGE.rglob("*.py"))
# dashinternals.py names what the dashboard relies on in Dash's build; some of those names are read only by
# the test that checks the build still has them (its reason to exist).
ALSO_READ_BY = {PACKAGE / "web" / "dashinternals.py": (REPO / "tests" / "test_dashinternals.py",)}


@pytest.mark.parametrize("checked", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_constant_is_used_by_the_dashboard(checked: Path):
    defined = [
        name.id
        for node in ast.parse(checked.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        for name in ast.walk(target)
        if isinstance(name, ast.Name) and name.id.isupper()
    ]
    unused = never_used(defined, also=ALSO_READ_BY.get(checked, ()))
    assert not unused, f"defined in {checked.relative_to(REPO)} and never used: {unused}"
