"""gunicorn.conf.py gives a worker's heap back after a request that used much of its thread's CPU time, not
after one that merely waited long for a core (a busy machine): the memory it keeps does not depend on the
machine's load. The clocks are fakes here: nothing is timed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import REAL_DATA


@pytest.fixture
def conf(monkeypatch):
    """gunicorn.conf.py's namespace, its clocks faked (``clock.cpu``, ``clock.wall``), its trims counted."""
    namespace: dict = {}
    exec(compile((REAL_DATA.parent / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    clock = SimpleNamespace(cpu=10.0, wall=1000.0, trims=0)
    monkeypatch.setattr(namespace["time"], "thread_time", lambda: clock.cpu)
    monkeypatch.setattr(namespace["time"], "perf_counter", lambda: clock.wall)
    monkeypatch.setattr(namespace["time"], "monotonic", lambda: clock.wall)

    def trim() -> bool:
        clock.trims += 1
        return True

    namespace["_malloc_trim"] = trim
    return SimpleNamespace(ns=namespace, clock=clock, limit=namespace["TRIM_AFTER_S"])


def serve(conf, *, cpu: float, wall: float) -> None:
    request = SimpleNamespace()
    conf.ns["pre_request"](None, request)
    conf.clock.cpu += cpu
    conf.clock.wall += wall
    conf.ns["post_request"](None, request, {}, None)


def test_a_request_that_used_the_cpu_time_is_followed_by_a_trim(conf) -> None:
    serve(conf, cpu=conf.limit, wall=conf.limit)
    assert conf.clock.trims == 1


def test_a_short_request_is_not_even_on_a_busy_machine(conf) -> None:
    serve(conf, cpu=conf.limit / 5, wall=conf.limit * 20)  # it waited for a core, it built little
    assert conf.clock.trims == 0


def test_a_long_request_is_trimmed_after_whatever_the_wall_clock_says(conf) -> None:
    serve(conf, cpu=conf.limit * 3, wall=conf.limit * 3)  # idle machine
    serve(conf, cpu=conf.limit * 3, wall=conf.limit * 30)  # busy machine: the same request
    assert conf.clock.trims == 2


def test_requests_served_at_once_by_threads_each_count_their_own_time(conf) -> None:
    first, second = SimpleNamespace(), SimpleNamespace()
    conf.ns["pre_request"](None, first)
    conf.clock.cpu += conf.limit * 0.8
    conf.ns["pre_request"](None, second)  # a gthread worker: another request begins meanwhile
    conf.clock.cpu += conf.limit * 0.4
    conf.ns["post_request"](None, first, {}, None)  # 1.2 × the limit since it began: trimmed
    assert conf.clock.trims == 1
    conf.ns["post_request"](None, second, {}, None)  # 0.4 ×: not
    assert conf.clock.trims == 1


def test_a_request_whose_start_was_not_seen_is_not_trimmed(conf) -> None:
    conf.clock.cpu += conf.limit * 10
    conf.ns["post_request"](None, SimpleNamespace(), {}, None)
    assert conf.clock.trims == 0
    assert conf.ns["worth_trimming"](None, 99.0) is False
    assert conf.ns["worth_trimming"](1.0, 1.0 + conf.limit) is True
