"""The scripts each page loads: Dash's, deferred, without @babel/polyfill and dash_table's loader, and with
the one part of the polyfill that Dash runs (regeneratorRuntime, for its lazy components)."""

from __future__ import annotations

import re

import pytest

from dashboard.app import create_app
from dashboard.settings import Settings
from dashboard.web.dashinternals import page_scripts
from tests.conftest import REAL_DATA

SCRIPT = re.compile(r"<script([^>]*) src=\"([^\"]+)\"")


@pytest.fixture(scope="module")
def scripts() -> list[tuple[str, str]]:
    client = create_app(Settings(data_dir=REAL_DATA)).server.test_client()
    return SCRIPT.findall(client.get("/commune/60159").get_data(as_text=True))


def test_the_page_loads_neither_the_polyfill_nor_dash_table(scripts) -> None:
    sources = [src for _, src in scripts]
    assert any("/deps/react-dom@" in src for src in sources)  # Dash's own dependencies are still there
    assert not [src for src in sources if "polyfill" in src or "dash_table" in src]


def test_the_regenerator_runtime_comes_before_the_dash_renderer(scripts) -> None:
    sources = [src for _, src in scripts]
    runtime = [i for i, src in enumerate(sources) if src.startswith("/assets/vendor/regenerator-runtime.js")]
    renderer = [i for i, src in enumerate(sources) if "dash_renderer" in src]
    assert runtime and renderer and runtime[0] < renderer[0]


def test_every_script_is_deferred(scripts) -> None:
    assert scripts and all(attributes.strip() == "defer" for attributes, _ in scripts)


def test_scripts_of_other_libraries_are_kept() -> None:
    polyfill = '<script src="/_dash-component-suites/dash/deps/polyfill@7.js"></script>'
    lines = f'{polyfill}\n<script src="/x.js"></script>'
    assert page_scripts(lines) == '<script defer src="/x.js"></script>'
