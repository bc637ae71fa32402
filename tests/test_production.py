"""The production setup (scripts/serve-production.sh): nginx in front of two gunicorn instances on one data
folder. Idle sockets do not take the site down, both instances converge on a valid edit and refuse a broken
one, and nginx's own errors are French pages with the security headers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.versions.accepted import SHORT, digest_of, read_files
from dashboard.versions.live import WATCHED
from tests.conftest import HEADER, REPO, ROWS, write_world
from tests.test_live_reload import INVALID_ROWS

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    pytest.mark.proxy,
    pytest.mark.skipif(
        not os.access(NGINX, os.X_OK),
        reason="nginx absent: `apt-get install nginx` (scripts/setup.sh --test installs it)",
    ),
]
IDLE_SOCKETS = 50
HOLD_SECONDS = 10
CONVERGE_SECONDS = 30  # a look every 2 s, a version loaded once unchanged 5 s: about 7 s expected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_pair() -> int:
    """A port whose next one is free too (the script gives instance n the port first + n)."""
    while True:
        first = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        return first


def get(url: str, timeout: float = 5.0) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # loopback only
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


PUBLIC_URL = "https://coeur.example.fr"


def health(port: int) -> dict:
    return json.loads(get(f"http://127.0.0.1:{port}/healthz")[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("production")
    world = write_world(root / "data")
    proxy, first = free_port(), free_pair()
    env = dict(
        os.environ, COEUR_WORKERS="1", COEUR_STATE_DIR=str(root / "state"), COEUR_PUBLIC_URL=PUBLIC_URL
    )
    command = [
        str(REPO / "scripts" / "serve-production.sh"),
        *("--port", str(proxy), "--first-app-port", str(first), "--instances", "2"),
        *("--data-dir", str(world), "--run-dir", str(root / "run")),
    ]
    log = (root / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    instances = (first, first + 1)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if all(get(f"http://127.0.0.1:{p}/healthz")[0] == 200 for p in (proxy, *instances)):
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (root / "serve.log").read_text()
            time.sleep(0.5)
        yield {"proxy": proxy, "instances": instances, "world": world, "run": root / "run"}
    finally:
        process.send_signal(signal.SIGTERM)  # the script stops the gunicorn instances and nginx it started
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_fifty_idle_sockets_leave_normal_requests_answered(site) -> None:
    idle = []
    for _ in range(IDLE_SOCKETS):
        held = socket.create_connection(("127.0.0.1", site["proxy"]))
        held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end of the headers
        idle.append(held)
    answered, failed, waits = 0, [], []
    try:
        end = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < end:
            for path in ("/healthz", "/", "/commune/60159"):
                started = time.perf_counter()
                try:
                    status = get(f"http://127.0.0.1:{site['proxy']}{path}")[0]
                except OSError as error:
                    failed.append(f"{path}: {error}")
                    continue
                waits.append(time.perf_counter() - started)
                if status != 200:
                    failed.append(f"{path}: {status}")
                answered += status == 200
    finally:
        for held in idle:
            held.close()
    waits.sort()
    print(
        f"\n[idle sockets] {IDLE_SOCKETS} held {HOLD_SECONDS} s: {answered} answered, {len(failed)} failed, "
        f"p95 {1000 * waits[int(0.95 * (len(waits) - 1))]:.0f} ms"
    )
    assert failed == [] and answered >= 3, failed[:5]


def write_atomically(world: Path, rows: list[str]) -> str:
    """Write operations.csv as a temporary file renamed into place; the version the files now make."""
    temporary = world.parent / "operations.tmp"
    temporary.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    os.replace(temporary, world / "operations.csv")
    return digest_of(read_files(world, WATCHED))[:SHORT]


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_two_instances_converge_on_a_valid_edit_and_both_refuse_a_broken_one(site) -> None:
    first, second = site["instances"]
    started = time.monotonic()
    edited = write_atomically(site["world"], [ROWS[0].replace(",11,11 PLI,", ",12,11 PLI,"), *ROWS[1:]])
    assert wait_for(
        lambda: all(health(p)["data_version"] == edited for p in (first, second)), CONVERGE_SECONDS
    ), [health(p) for p in (first, second)]
    print(f"\n[two instances] valid edit served by both after {time.monotonic() - started:.1f} s")

    broken = write_atomically(site["world"], INVALID_ROWS)
    assert wait_for(
        lambda: all(health(p)["failed_version"] == broken for p in (first, second)), CONVERGE_SECONDS
    )
    for port in (first, second, site["proxy"]):
        served = health(port)
        assert (served["data_version"], served["operations"]) == (edited, 3)


@pytest.mark.parametrize(
    ("request_bytes", "status", "title"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n", 400, "Requête invalide"),
        (b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "Adresse trop longue"),
        (b"NOT HTTP\r\n\r\n", 400, "Requête invalide"),
        (b"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", 405, "Méthode non autorisée"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "Méthode inconnue"),
        (b"GET / HTTP/2.5\r\nHost: x\r\n\r\n", 505, "Version HTTP non prise en charge"),
        (b"GET /_erreur/400.html HTTP/1.1\r\nHost: x\r\n\r\n", 404, "Page introuvable"),
        (
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n",
            413,
            "Requête trop volumineuse",
        ),
    ],
    ids=[
        "header-too-large",
        "uri-too-long",
        "malformed",
        "trace",
        "transfer-coding",
        "http-2.5",
        "error-folder",
        "body-too-large",
    ],
)
def test_nginx_errors_are_french_pages_with_the_security_headers(site, request_bytes, status, title) -> None:
    with socket.create_connection(("127.0.0.1", site["proxy"]), timeout=10) as connection:
        connection.sendall(request_bytes)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            if b"</html>" in answer:
                break
    head, _, body = answer.decode("utf-8").partition("\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ")
    assert title in body and 'lang="fr"' in body and "nginx" not in body
    for header in ("Content-Security-Policy:", "Strict-Transport-Security:", "X-Content-Type-Options:"):
        assert header in head
    assert "Server: nginx\r\n" in head + "\r\n"  # no version number


def send_raw(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # loopback only
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_hostile_requests_through_the_proxy_never_get_a_500_or_a_trace(site, tmp_path: Path) -> None:
    from hypothesis import given

    from dashboard.app import create_app
    from dashboard.settings import Settings
    from tests.test_hostile_requests import NOT_PAGES, forged_requests, fuzz_settings

    app = create_app(Settings(data_dir=write_world(tmp_path / "data")))  # the callbacks the instances serve
    statuses: dict[int, int] = {}

    def check(status: int, text: str, what: str) -> None:
        statuses[status] = statuses.get(status, 0) + 1
        assert status != 500 and status < 502, f"{what}: {status}"
        assert "Traceback" not in text and 'File "' not in text, what

    for path in NOT_PAGES:
        if path.isascii() and " " not in path:
            check(*send_raw(site["proxy"], "GET", path), path)

    @fuzz_settings(200)
    @given(body=forged_requests(app))
    def run(body):
        check(*send_raw(site["proxy"], "POST", "/_dash-update-component", json.dumps(body).encode()), "fuzz")

    run()
    print(f"\n[hostile through nginx] statuses {dict(sorted(statuses.items()))}")


def test_a_body_that_never_ends_is_dropped_by_nginx_and_never_reaches_gunicorn(site) -> None:
    """nginx reads the body (client_body_timeout 10 s) and drops the connection of a client that stalls:
    no worker is held, and no gunicorn error page (it was an English 500 after 30 s) is ever sent."""
    answer = b""
    with socket.create_connection(("127.0.0.1", site["proxy"]), timeout=30) as connection:
        connection.sendall(
            b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"output":'
        )
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:  # reset_timedout_connection: nginx resets a timed-out client
            pass
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")
    assert b"Internal Server Error" not in answer
    log = (site["run"] / "access.log").read_text(encoding="utf-8")
    assert '"POST /_dash-update-component HTTP/1.1" 408 ' in log


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # loopback only
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_nginx_keeps_what_is_shared_by_version_and_never_what_a_visitor_owns(site) -> None:
    port = site["proxy"]
    first = fetch(port, "/?annee=2024", {"Accept-Encoding": "br"})
    again = fetch(port, "/?annee=2024", {"Accept-Encoding": "br"})
    assert first[0] == again[0] == 200 and first[1] == again[1]
    assert first[2]["ETag"].startswith('W/"v-') and again[2]["ETag"] == first[2]["ETag"]
    # Kept: a hit, or (a second later) revalidated with the app; never asked again as new.
    assert again[2]["X-Cache"] in ("HIT", "REVALIDATED", "UPDATING", "STALE"), again[2]["X-Cache"]
    held = fetch(port, "/?annee=2024", {"Accept-Encoding": "br", "If-None-Match": first[2]["ETag"]})
    assert held[0] == 304 and held[1] == b""
    own = fetch(port, "/?annee=2024", {"Accept-Encoding": "br", "Cookie": "session=abc"})
    assert own[0] == 200 and own[2]["X-Cache"] == "BYPASS" and "ETag" not in own[2]
    for _ in range(2):  # what carries no version tag is never kept
        assert fetch(port, "/healthz", {})[2]["X-Cache"] == "MISS"


def test_a_forged_host_through_the_proxy_never_reaches_the_link_preview(site) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{site['proxy']}/commune/02691", headers={"Host": "evil.example"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        page = answer.read().decode("utf-8")
    assert f'property="og:image" content="{PUBLIC_URL}/apercu/02691.png"' in page
    assert "evil.example" not in page
