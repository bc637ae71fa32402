"""The warm-up run by gunicorn's master before forking plays every callback of a first visit."""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.endpoints.warmup import warm_up
from dashboard.settings import Settings
from tests.conftest import REAL_DATA


def test_the_warm_up_calls_every_callback_of_a_first_visit_without_a_failure():
    app = create_app(Settings(data_dir=REAL_DATA))
    result = warm_up(app.server)
    assert result["failed"] == 0
    # The page, its layout and dependencies, then the URL, page, region, table, commune and both map-click
    # callbacks (the sort buttons' pattern-matching one needs buttons, and is left out).
    assert result["requests"] >= 3 + 7


def test_gunicorn_config_warms_up_in_the_master_only_when_the_app_is_preloaded():
    namespace: dict = {}
    exec(compile((REAL_DATA.parent / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    assert namespace["preload_app"] is True
    assert callable(namespace["when_ready"])
    assert namespace["bind"] == "127.0.0.1:8050"
