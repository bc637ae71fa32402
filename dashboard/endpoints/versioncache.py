"""Answers that are the same for every visitor of a data version, computed once per version and worker.

A WSGI middleware in front of Flask: the pages (their shell and first screen), ``_dash-layout``,
``_dash-dependencies`` and the callbacks are pure functions of the request (path, query, body, host,
accepted encodings), of the data version being served and of the day (a printed page's date). Their answers
are kept under that key with an ``ETag`` naming it: a request whose ``If-None-Match`` names the current key
gets a 304 without the app being asked, and a repeated request (a year step from the default view, every
first visit) gets the stored bytes without Flask, Dash or pandas being asked. nginx keeps them as well for a
second (deploy/nginx: it caches only what carries such an ``ETag``, and revalidates with it).

Never outlives its version: the key holds the version (and the refused version shown in the banner, if
any), and the whole store is dropped as soon as it changes. Never shares a visitor's own content: a request
with a cookie (other than the version cookie, endpoints/versionorder.py) or credentials is passed through
untouched (only the staff area sets one), an answer that sets a cookie is not kept, nor one the app answered
with another version than the one served (a staff member's draft, dashboard.web.shown).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import dash
from werkzeug.exceptions import HTTPException

from dashboard.endpoints.versionorder import only_version_cookie
from dashboard.versions.live import STALLED, LiveContext
from dashboard.web import shown

# What one worker keeps at most: ~230 answers of the shipped data's year steps and pages weigh 1 MB;
# France's full updates weigh up to ~100 KB each.
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRY_BYTES = 1024 * 1024  # one bigger answer is not worth evicting dozens of others
MAX_BODY_BYTES = 256 * 1024  # request bodies the app accepts (security.MAX_BODY_BYTES): beyond, not keyed
ETAG_PREFIX = 'W/"v-'  # what nginx recognises as an answer it may keep (deploy/nginx/nginx.conf.template)
# Request headers an answer depends on, besides the path, the query and the body.
KEYED_HEADERS = ("HTTP_HOST", "HTTP_ACCEPT_ENCODING", "wsgi.url_scheme")
# A visitor's own answer depends on their cookies and credentials: never keyed, always passed to the app
# (except the version cookie alone, endpoints/versionorder.py).
# Sent again with a 304 (RFC 9110 15.4.5).
KEPT_ON_304 = ("cache-control", "etag", "vary", "content-location", "expires")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class VersionCache:
    """WSGI middleware: ``app`` wrapped, its answers to ``routes`` kept for the current ``version()``."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        version: Callable[[], str | None],
        routes: Callable[[dict], bool],
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.app = app
        self._version = version
        self._routes = routes
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._held: str | None = ""  # the version whose answers are held
        self.hits = self.misses = self.not_modified = 0

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not self._keyable(environ):
            return self.app(environ, start_response)
        body = _read_body(environ)
        if body is None:
            return self.app(environ, start_response)
        version = self._version()
        if version is None:  # nothing may be kept now
            return self.app(environ, start_response)
        key = _key(version, environ, body)
        etag = f'{ETAG_PREFIX}{key}"'
        with self._lock:
            if self._held != version:  # a new version: nothing kept from the older one is ever served
                self._answers.clear()
                self._bytes = 0
                self._held = version
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
        if etag in _tags(environ.get("HTTP_IF_NONE_MATCH", "")):
            # The tag names this version's answer to this very request: whoever holds it holds the right
            # bytes, even if this worker has not kept them (another worker, or nginx, answered first).
            self.not_modified += 1
            kept = answer.headers if answer is not None else ()
            start_response(
                "304 Not Modified",
                [("ETag", etag)]
                + [(n, v) for n, v in kept if n.lower() in KEPT_ON_304 and n.lower() != "etag"],
            )
            return [b""]
        if answer is not None:
            self.hits += 1
            start_response(answer.status, list(answer.headers))
            return [answer.body]
        self.misses += 1
        return self._ask(environ, start_response, version, key, etag)

    def _keyable(self, environ: dict) -> bool:
        if environ.get("REQUEST_METHOD") not in ("GET", "POST"):
            return False
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        cookie = environ.get("HTTP_COOKIE")
        if cookie and not only_version_cookie(cookie):  # the version cookie alone is no visitor's own
            return False
        return self._routes(environ)

    def _ask(
        self, environ: dict, start_response: StartResponse, version: str, key: str, etag: str
    ) -> list[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else lambda _data: None

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = seen["status"], list(seen["headers"])
        # Tagged and kept only if the version did not change while the app answered (it may be the newer's),
        # and if the app answered with the version served: a staff member's draft (web/shown.py) is keyed
        # by nothing a visitor could send, so its answers are never kept nor tagged.
        used = environ.get(shown.ENVIRON_KEY)
        if _keepable(status, headers) and self._version() == version and used is None:
            headers = [(n, v) for n, v in headers if n.lower() != "etag"] + [("ETag", etag)]
            self._keep(key, Answer(status, tuple(headers), body), version)
        start_response(status, headers)
        return [body]

    def _keep(self, key: str, answer: Answer, version: str) -> None:
        size = len(answer.body) + sum(len(n) + len(v) for n, v in answer.headers) + len(key)
        if size > min(MAX_ENTRY_BYTES, self._max_bytes):
            return
        with self._lock:
            if self._held != version or key in self._answers:
                return
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self._max_bytes:
                old_key, old = self._answers.popitem(last=False)
                self._bytes -= len(old.body) + sum(len(n) + len(v) for n, v in old.headers) + len(old_key)

    def stats(self) -> dict:
        with self._lock:
            return {
                "answers": len(self._answers),
                "bytes": self._bytes,
                "hits": self.hits,
                "misses": self.misses,
                "not_modified": self.not_modified,
            }


def _read_body(environ: dict) -> bytes | None:
    """The request's body (put back for the app), or None when it cannot be a key (too big, chunked)."""
    if environ.get("REQUEST_METHOD") == "GET":
        return b""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 <= length <= MAX_BODY_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    if len(body) != length:  # the client sent less than it announced: the app answers that
        environ["wsgi.input"] = io.BytesIO(body)
        return None
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _key(version: str, environ: dict, body: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        version,
        environ.get("REQUEST_METHOD", ""),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("CONTENT_TYPE", ""),
        *(str(environ.get(name, "")) for name in KEYED_HEADERS),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _keepable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith(("200", "204")):  # 204: the callback changed nothing, as it will again
        return False
    return not any(name.lower() == "set-cookie" for name, _ in headers)


def _tags(header: str) -> set[str]:
    return {tag.strip() for tag in header.split(",") if tag.strip()}


def version_of(holder: LiveContext) -> Callable[[], str | None]:
    """What every kept answer depends on besides the request: the data version served, the refused (or held)
    version the banner names, if any, and the day (a printed page's date). None while a reload does not end:
    the banner then counts the seconds, and nothing is kept."""

    def version() -> str | None:
        context = holder.get()
        failure = holder.failure
        if failure is not None and failure.version == STALLED:
            return None
        shown = f"{failure.version}{'-held' if failure.held else ''}" if failure else ""
        # The stamp too: a version accepted again later (the files put back) is another version of the
        # pages (each says its stamp, endpoints/versionorder.py).
        return f"{context.version}@{holder.stamp}|{shown}|{datetime.date.today().isoformat()}"

    return version


def dash_routes(app: dash.Dash) -> Callable[[dict], bool]:
    """The pages, their layout and dependencies (GET) and the callbacks (POST): nothing else is kept."""
    prefix = app.config.routes_pathname_prefix
    pages = {"/", "/<path:path>", prefix, f"{prefix}<path:path>"}
    by_method = {
        "GET": pages | {f"{prefix}_dash-layout", f"{prefix}_dash-dependencies"},
        "POST": {f"{prefix}_dash-update-component"},
    }
    url_map = app.server.url_map

    def routed(environ: dict) -> bool:
        method = environ["REQUEST_METHOD"]
        try:
            endpoint, _ = url_map.bind_to_environ(environ).match(method=method)
        except HTTPException:  # not found, redirect, method not allowed: the app answers
            return False
        return endpoint in by_method.get(method, ())

    return routed


def configure_version_cache(app: dash.Dash, holder: LiveContext) -> VersionCache:
    """Call last in ``create_app``: wraps the whole Flask app, its hooks (security headers, compression)
    included, so that what is kept is exactly what was sent."""
    cache = VersionCache(app.server.wsgi_app, version=version_of(holder), routes=dash_routes(app))
    app.server.wsgi_app = cache  # Flask's documented way to add middleware
    app.server.extensions["coeur_version_cache"] = cache
    return cache
