"""Every component the web layer defines is drawn somewhere: a builder nobody calls drifts from the wording
and the honesty rules the others keep (``published_totals`` still summed unknown dwellings as 0)."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

PACKAGE = REPO / "dashboard"
CHECKED = PACKAGE / "web" / "components.py"


def test_every_top_level_function_of_components_is_used_by_the_dashboard():
    sources = {path: path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py")}
    everything = "\n".join(sources.values())
    defined = [
        node.name
        for node in ast.parse(sources[CHECKED]).body
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    ]
    unused = [name for name in defined if len(re.findall(rf"\b{re.escape(name)}\b", everything)) < 2]
    assert not unused, f"defined in {CHECKED.relative_to(REPO)} and never used: {unused}"
