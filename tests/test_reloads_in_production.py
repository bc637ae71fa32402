"""Under gunicorn (gunicorn.conf.py), the master loads each version once and replaces its workers: the
memory does not grow with the versions, and a client that has seen a version never gets an older one.
Starts gunicorn: marked ``proxy`` with the other tests of the production setup."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from dashboard.versions.accepted import Pointer, StateDir
from dashboard.versions.live import stamp_of
from tests import reloads as robustness
from tests import servers
from tests.conftest import REPO

pytestmark = pytest.mark.proxy

VERSIONS = 4  # bench/robustness.py "reloads" runs 20


def test_versions_accepted_one_after_another_keep_memory_bounded_and_never_go_backwards(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    text = (data / "operations.csv").read_text(encoding="utf-8")
    server = servers.start(
        servers.PROJECT_APP, data, tmp_path, COEUR_WORKERS="3", COEUR_STATE_DIR=str(tmp_path / "state")
    )
    try:
        for _ in range(30):
            robustness.get_json(server.url + "/healthz")
        start = robustness.steady_memory(server, 3)
        switches = robustness.Switches(
            server.url, robustness.get_json(server.url + "/healthz")["data_version"]
        )
        clients = [threading.Thread(target=switches.client) for _ in range(4)]
        for client in clients:
            client.start()
        try:
            for number in range(1, VERSIONS + 1):
                text = robustness.edited(text)
                with switches.lock:
                    switches.written = number
                robustness.write_atomically(data, text)
                served = robustness.wait_until(lambda n=number: switches.rank.get(current(server)) == n, 120)
                assert served is not None, server.log.read_text()[-2000:]
        finally:
            switches.stop.set()
            for client in clients:
                client.join()
        end = robustness.steady_memory(server, 3)
    finally:
        server.stop()
    assert switches.answers > 0 and switches.failed == 0
    assert switches.backwards == 0
    assert end["total_pss_mib"] <= 1.3 * start["total_pss_mib"], (start, end)


def current(server: servers.Gunicorn) -> str | None:
    """The version every worker serves, if they agree over a few answers."""
    answers = {answer and answer["data_version"] for answer in robustness.poll(server.url, 0.3, every=0.01)}
    return answers.pop() if len(answers) == 1 else None


SWITCHES = 3  # bench/robustness.py "switch" runs 10


def test_through_nginx_and_two_instances_a_browser_never_gets_an_older_version_than_one_it_saw(
    tmp_path: Path,
) -> None:
    """Two instances switch at different moments (each master takes the new version on its own look), and
    nginx keeps answers for a second: browsers that remember the newest version they saw (the pages' cookie)
    never get an older one, on /healthz, the layout or a callback. Browsers without it are counted too
    (printed, not asserted: what happened before the cookie)."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    text = (data / "operations.csv").read_text(encoding="utf-8")
    # Workers also recycled every ~150 requests: a worker forked while its master already holds the new
    # version must not answer beside workers still serving the old one (gunicorn.conf.py, _switch).
    site = servers.start_production(
        data,
        tmp_path,
        instances=2,
        COEUR_WORKERS="2",
        GUNICORN_CMD_ARGS="--max-requests 150 --max-requests-jitter 30",
    )
    try:
        first = robustness.get_json(site.url + "/healthz")["data_version"]
        remembering = robustness.Browsers(site.url, first)
        forgetting = robustness.Browsers(site.url, first, cookie=False)
        clients = [threading.Thread(target=remembering.client) for _ in range(4)]
        clients += [threading.Thread(target=forgetting.client) for _ in range(2)]
        for client in clients:
            client.start()
        try:
            for number in range(1, SWITCHES + 1):
                text = robustness.edited(text)
                with remembering.lock, forgetting.lock:
                    remembering.written = forgetting.written = number
                robustness.write_atomically(data, text)
                served = robustness.wait_until(
                    lambda n=number: all(
                        remembering.rank.get(current(instance)) == n for instance in site.instances
                    ),
                    120,
                )
                assert served is not None, site.instances[0].log.read_text()[-2000:]
        finally:
            remembering.stop.set()
            forgetting.stop.set()
            for client in clients:
                client.join()
    finally:
        site.stop()
    print("with the cookie:", remembering.counts, "without:", forgetting.counts)
    assert remembering.total("answers") > 0
    assert remembering.total("failed") == 0 and remembering.total("refused") == 0, remembering.counts
    assert remembering.total("backwards") == 0, remembering.counts


def test_browsers_refused_by_every_instance_never_take_the_instances_out_for_the_others(
    tmp_path: Path,
) -> None:
    """A version accepted that no instance can take up (its snapshot gone): browsers that saw it are refused
    by both instances (503). nginx must not count those deliberate answers as failures and mark both
    instances down: every other visitor goes on being answered."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    site = servers.start_production(data, tmp_path, instances=2, COEUR_WORKERS="1")
    try:
        store = StateDir(tmp_path / "state")
        served = store.pointer()
        assert served is not None
        unreachable = Pointer("0" * 64, served.operations, served.at + 60)  # no snapshot of it
        store.publish(unreachable)
        cookie = str(stamp_of(unreachable.at))
        refused = [robustness.ask(site.url, "health", int(cookie))[0] for _ in range(12)]
        others = [robustness.ask(site.url, "health", None)[0] for _ in range(12)]
        site.instances[0].stop()  # an instance down: the other one answers every request
        alone = [robustness.ask(site.url, "health", None)[0] for _ in range(12)]
    finally:
        site.stop()
    assert refused == [503] * 12
    assert others == [200] * 12, others
    assert alone == [200] * 12, alone
