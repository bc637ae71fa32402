"""A local stand-in for the BAN batch geocoder (``POST /search/csv``) on 127.0.0.1.

It answers as the service's source does (see ``dashboard/tools/ban.py``): the columns sent, then
the result columns (``result_columns`` if given, in their order), one row per row sent, from
the recorded answers of ``tests/geocode/``. A script of steps makes it slow, failing or wrong.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).parent / "geocode"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
PATH = "/geocodage/search/csv"
DEFAULT_RESULT_COLUMNS = (
    "result_index",
    "latitude",
    "longitude",
    "result_label",
    "result_score",
    "result_score_next",
    "result_type",
    "result_id",
    "result_housenumber",
    "result_name",
    "result_street",
    "result_postcode",
    "result_city",
    "result_context",
    "result_citycode",
    "result_oldcitycode",
    "result_oldcity",
    "result_district",
    "result_importance",
    "result_x",
    "result_y",
    "result_status",
)


@dataclass(frozen=True)
class Step:
    """What to do with one request: answer (maybe late, maybe damaged) or fail with ``status``."""

    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # sent as is instead of the computed answer
    drop_column: str | None = None
    drop_last_row: bool = False
    swap_rows: bool = False
    hang_up: bool = False  # close the connection without a word
    trickle: float = 0.0  # send the answer one byte every so many seconds
    huge_bytes: int = 0  # send an answer of this many bytes (CSV lines), made as it goes


ANSWER = Step()


def failing(status: int, **headers: str) -> Step:
    body = json.dumps({"code": status, "message": "An unexpected error has occurred"}).encode()
    return Step(status=status, headers={"Content-Type": "application/json", **headers}, body=body)


@dataclass
class Received:
    """One request as the service would read it: form fields (repeatable) and the uploaded file."""

    fields: dict[str, list[str]]
    filename: str | None
    data: bytes


class FakeBan:
    """Serve on a free port while in a ``with`` block; ``url`` is the ``--api-url`` to give."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.received: list[Received] = []
        self.streamed: list[int] = []  # bytes of each trickled or huge answer sent before the client left
        self.answers = _recorded_answers()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/geocodage"

    def __enter__(self) -> FakeBan:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # ends the waits of slow answers
        self._server.shutdown()
        self._server.server_close()

    def respond(self, received: Received) -> tuple[int, dict[str, str], bytes]:
        step = self.steps.pop(0) if self.steps else ANSWER
        if step.delay:
            self._stop.wait(step.delay)
        if step.body is not None or step.status != 200:
            return step.status, step.headers, step.body or b""
        return self.answer(received, step)

    def answer(self, received: Received, step: Step) -> tuple[int, dict[str, str], bytes]:
        if received.filename is None:
            return _error(400, "A CSV file must be provided in data field")
        text = received.data.decode("utf-8-sig")
        header = text.splitlines()[0] if text else ""
        delimiter = max(",;\t|", key=header.count)
        sent = next(csv.reader([header], delimiter=delimiter), [])
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        columns = received.fields.get("columns") or sent
        if any(column not in sent for column in columns):
            return _error(400, "At least one given column name is unknown")
        citycode = (received.fields.get("citycode") or [None])[0]
        results = received.fields.get("result_columns") or list(DEFAULT_RESULT_COLUMNS)
        answered = []
        for row in rows:
            q = " ".join(row[column].strip() for column in columns).strip()
            found = self.answers.get((q, row[citycode] if citycode else ""))
            status = "ok" if found else "skipped" if len(q) < 3 else "not-found"
            result = {name: "" for name in DEFAULT_RESULT_COLUMNS} | (found or {}) | {"result_status": status}
            # Like the service: sent columns first, a result column of the same name overwrites in place.
            answered.append({**row, **{name: result[name] for name in results}})
        if step.drop_last_row:
            answered.pop()
        if step.swap_rows:
            answered[0], answered[1] = answered[1], answered[0]
        names = [name for name in dict.fromkeys([*sent, *results]) if name != step.drop_column]
        out = io.StringIO()
        linebreak = "\r\n" if "\r\n" in text else "\n"
        writer = csv.DictWriter(
            out, names, delimiter=delimiter, lineterminator=linebreak, extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(answered)
        return 200, {"Content-Type": "text/csv"}, out.getvalue().encode("utf-8")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the name http.server looks for
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.split("?")[0] != PATH:
                    self._send(*_error(404, "Not found"))
                    return
                received = _parse_form(self.headers.get("Content-Type", ""), body)
                fake.received.append(received)
                if fake.steps and fake.steps[0].hang_up:
                    fake.steps.pop(0)
                    self.close_connection = True
                    return
                if fake.steps and (fake.steps[0].trickle or fake.steps[0].huge_bytes):
                    self._stream(fake.steps.pop(0))
                    return
                self._send(*fake.respond(received))

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is what a timeout test wants

            def _stream(self, step: Step) -> None:
                total = step.huge_bytes or 1000
                line = b"2,49 Rue Carnot,Beauvais,60057,49.4,2.08,49 Rue Carnot,0.97,x,y,60057,ok\n"
                chunk = line * (65536 // len(line)) if step.huge_bytes else b"2"
                sent = 0
                self.close_connection = True
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/csv")
                    self.send_header("Content-Length", str(total))
                    self.end_headers()
                    while sent < total and not fake._stop.is_set():
                        part = chunk[: total - sent]
                        self.wfile.write(part)
                        self.wfile.flush()
                        sent += len(part)
                        if step.trickle:
                            fake._stop.wait(step.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                fake.streamed.append(sent)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def stay_local(monkeypatch) -> None:
    """No proxy, and no host but this machine's can be resolved: a test can never reach the internet."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, ",".join(LOOPBACK))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on this machine, not {host}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


def _parse_form(content_type: str, body: bytes) -> Received:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, list[str]] = {}
    filename, data = None, b""
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name == "data":
            filename, data = part.get_filename() or "", payload
        else:
            fields.setdefault(str(name), []).append(payload.decode("utf-8"))
    return Received(fields, filename, data)


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"code": status, "message": message}).encode()
    return status, {"Content-Type": "application/json"}, body


def _recorded_answers() -> dict[tuple[str, str], dict[str, str]]:
    with open(RECORDED / "answers.csv", encoding="utf-8", newline="") as handle:
        return {(row.pop("q"), row.pop("citycode")): row for row in csv.DictReader(handle)}


def local_and_recorded(monkeypatch) -> list[float]:
    """``stay_local``, and the waits between tries recorded instead of slept: the list they go to."""
    from dashboard.tools import ban

    stay_local(monkeypatch)
    waits: list[float] = []
    monkeypatch.setattr(ban, "sleep", waits.append)
    return waits
