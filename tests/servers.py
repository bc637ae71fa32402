"""Gunicorn servers started by the benchmark with the production config, and their memory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
PROJECT_APP = "dashboard.wsgi:server"
BASELINE_APP = "bench.baseline:make_server()"
ALL_COMMUNES_APP = "bench.allcommunes:make_server()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    """A running gunicorn, its URL and how long it took to answer its first request."""

    process: subprocess.Popen
    url: str
    cold_start_s: float
    log: Path

    def pids(self) -> tuple[int, list[int]]:
        """The master and its workers."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return master, [int(pid) for pid in children]

    def memory(self) -> dict:
        """Resident memory of each process, and the proportional share (shared pages split) of all."""
        master, workers = self.pids()
        rss = {pid: _status_kib(pid, "VmRSS") for pid in [master, *workers]}
        pss = sum(_pss_kib(pid) for pid in [master, *workers])
        return {
            "workers": len(workers),
            "master_rss_mib": round(rss[master] / 1024, 1),
            "worker_rss_mib": round(max((rss[pid] for pid in workers), default=0) / 1024, 1),
            "total_rss_mib": round(sum(rss.values()) / 1024, 1),
            "total_pss_mib": round(pss / 1024, 1),
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(app: str, data_dir: Path, log_dir: Path, *, timeout_s: float = 300, **env: str) -> Gunicorn:
    """Gunicorn with ``gunicorn.conf.py`` on a free loopback port; returns once ``/`` answers 200. Its state
    folder (the accepted version) is its own unless ``COEUR_STATE_DIR`` is given: by default a folder's is
    the user's, kept across runs, and a bench of the shipped folder served the version accepted there hours
    before (13 operations where the folder held 17: a later one that removed an operation waited for
    confirmation)."""
    port = free_port()
    log = log_dir / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "COEUR_DATA_DIR": str(data_dir),
        "COEUR_BIND": f"127.0.0.1:{port}",
        "COEUR_STATE_DIR": str(log_dir / f"state-{port}"),
        **env,
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(REPO / "gunicorn.conf.py"), app],
        cwd=REPO,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    server = Gunicorn(process, url, 0.0, log)
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5) as response:
                if response.status == 200:
                    server.cold_start_s = round(time.perf_counter() - started, 2)
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer within {timeout_s} s")


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


NGINX = Path(os.environ.get("COEUR_NGINX", "/usr/sbin/nginx"))
NGINX_TEMPLATE = REPO / "deploy" / "nginx" / "nginx.conf.template"


@dataclass
class Production:
    """The supported setup, as scripts/serve-production.sh builds it: nginx (deploy/nginx) on a free loopback
    port in front of gunicorn instances; ``url`` is nginx's."""

    nginx: subprocess.Popen
    instances: list[Gunicorn]
    url: str
    run_dir: Path
    cache_dir: Path

    def memory(self) -> dict:
        """Every instance's master and workers: PSS in total (shared pages split), RSS of each kind."""
        each = [instance.memory() for instance in self.instances]
        return {
            "instances": len(each),
            "workers": sum(m["workers"] for m in each),
            "total_pss_mib": round(sum(m["total_pss_mib"] for m in each), 1),
            "total_rss_mib": round(sum(m["total_rss_mib"] for m in each), 1),
            "each": each,
        }

    def stop(self) -> None:
        if self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for instance in self.instances:
            instance.stop()
        shutil.rmtree(self.cache_dir, ignore_errors=True)


def start_production(
    data_dir: Path,
    log_dir: Path,
    *,
    instances: int = 1,
    nginx_cache: bool = True,
    timeout_s: float = 300,
    **env: str,
) -> Production:
    """``instances`` gunicorn instances of the dashboard (one state folder: as serve-production.sh) and nginx
    with the shipped template in front of them; returns once nginx answers ``/``. ``nginx_cache=False``
    turns nginx's cache of shared answers off (to measure what it gives)."""
    env = {"COEUR_STATE_DIR": str(log_dir / "state"), **env}
    started: list[Gunicorn] = []
    try:
        for _ in range(instances):
            started.append(start(PROJECT_APP, data_dir, log_dir, timeout_s=timeout_s, **env))
    except BaseException:
        for instance in started:
            instance.stop()
        raise
    port = free_port()
    run_dir = log_dir / f"nginx-{port}"
    run_dir.mkdir()
    # As serve-production.sh: the cache in a folder nginx's workers reach (they may run as another user).
    cache_dir = Path(tempfile.mkdtemp(prefix="coeur-cache-"))
    cache_dir.chmod(0o711)
    upstreams = "".join(  # as serve-production.sh (max_fails=0: why there)
        f"        server {instance.url.removeprefix('http://')} max_fails=0;\n" for instance in started
    )
    config = (
        NGINX_TEMPLATE.read_text(encoding="utf-8")
        .replace("@RUN@", str(run_dir))
        .replace("@CACHE@", str(cache_dir / "answers"))
        .replace("@DEPLOY@", str(NGINX_TEMPLATE.parent))
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@UPSTREAMS@\n", upstreams)
    )
    if not nginx_cache:
        config = config.replace("proxy_cache coeur_answers;", "proxy_cache off;")
    (run_dir / "nginx.conf").write_text(config, encoding="utf-8")
    nginx = subprocess.Popen(
        [str(NGINX), "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"],
        stdout=(run_dir / "stdout.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    production = Production(nginx, started, f"http://127.0.0.1:{port}", run_dir, cache_dir)
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        if nginx.poll() is not None:
            production.stop()
            raise RuntimeError(f"nginx stopped:\n{(run_dir / 'error.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(production.url + "/", timeout=5) as response:
                if response.status == 200:
                    return production
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    production.stop()
    raise RuntimeError(f"nginx did not answer within 30 s:\n{(run_dir / 'error.log').read_text()[-3000:]}")
