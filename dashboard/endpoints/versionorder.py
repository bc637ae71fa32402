"""Never backwards: once a browser has seen a version of the data, nothing it receives comes from an older
one, whichever instance or worker answers.

Versions are ordered by when they were accepted (``LiveContext.stamp``, microseconds). Every answer says the
version it was made from (``X-Coeur-Version``) and every page writes it in a ``<meta>``; assets/version.js
keeps the highest one seen in a cookie (``coeur_v``, the only state the browser keeps), sent with every
request. A process still serving an older version than the cookie names answers 503 in French with
``Retry-After`` (nginx asks the other instance: ``proxy_next_upstream http_503``); a page older than an
answer reloads itself (assets/version.js). The cookie is not a visitor's own content: the answers' caches
ignore it (``only_version_cookie``), and nginx keys its cache by it, so that a cached answer from an older
version is never served to a browser that has seen a newer one.

A cookie naming a version no process of the host accepted (forged, or a clock set back) is ignored: it would
otherwise have every instance refuse that browser, and nginx count the refusals as failures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import flask
from werkzeug.http import parse_cookie

from dashboard.endpoints.security import error_response
from dashboard.versions.live import LiveContext

COOKIE = "coeur_v"
HEADER = "X-Coeur-Version"
BEHIND = "X-Coeur-Behind"  # on the 503 of a process serving an older version (tests, logs)
RETRY_AFTER_SECONDS = 1  # a switch of version takes a few seconds at most
REFRESH_SECONDS = 2
META = "coeur-version"
MESSAGE = "Le site passe à une version plus récente des données ; cette page sera disponible dans un instant."
# A Cookie header holding nothing but the version cookie: not a visitor's own content.
_ONLY_VERSION_COOKIE = re.compile(rf"\s*{COOKIE}=[0-9]{{1,20}}\s*;?\s*")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


def only_version_cookie(header: str) -> bool:
    return bool(_ONLY_VERSION_COOKIE.fullmatch(header))


def seen_by(environ: dict) -> int | None:
    """The version the browser has seen, from its cookie (None: none, or not a number)."""
    value = parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE, "")
    return int(value) if value.isdigit() and len(value) <= 20 else None


def meta(holder: LiveContext) -> str:
    """The page's version, read by assets/version.js."""
    return f'\n<meta name="{META}" content="{holder.stamp}">'


class NeverBackwards:
    """WSGI middleware, outermost: refuses (503) a request from a browser that has seen a newer version than
    the one served here, and tags every answer with the version it comes from."""

    def __init__(
        self, app: WsgiApp, flask_app: flask.Flask, holder: LiveContext, unversioned: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.flask_app = flask_app  # to answer the 503 with the app's own headers (security, cache)
        self.holder = holder
        self.unversioned = unversioned  # path prefixes whose answers no data version changes
        self.refused = 0

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        # Read before the app answers: what it answers comes from this version or a newer one.
        stamp = self.holder.stamp
        seen = seen_by(environ)
        if (
            seen is not None
            and seen > stamp
            and not environ.get("PATH_INFO", "").startswith(self.unversioned)
            and self._accepted(seen)
        ):
            self.refused += 1
            return self._behind(environ, start_response, stamp)

        def tagged(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
            headers = [(n, v) for n, v in headers if n.lower() != HEADER.lower()] + [(HEADER, str(stamp))]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, tagged)

    def _accepted(self, seen: int) -> bool:
        """Whether a process of the host has accepted version ``seen`` (else the cookie is ignored)."""
        latest = self.holder.latest_stamp()
        return latest is not None and seen <= latest

    def _behind(self, environ: dict, start_response: StartResponse, stamp: int) -> Iterable[bytes]:
        with self.flask_app.request_context(environ):
            response = error_response(503, MESSAGE, {"Retry-After": str(RETRY_AFTER_SECONDS)})
            if response.mimetype == "text/html":  # a page asks again by itself (Retry-After is for machines)
                response.headers["Refresh"] = str(REFRESH_SECONDS)
            response.headers[HEADER] = str(stamp)
            response.headers[BEHIND] = "1"
            response = self.flask_app.process_response(response)  # the app's headers (security)
        return response(environ, start_response)


def configure_version_order(app: Any, holder: LiveContext) -> NeverBackwards:
    """Call after ``configure_version_cache``: wraps it, so that a process behind never answers from its
    cache either."""
    prefix = app.config.routes_pathname_prefix
    # Scripts, styles, fonts, and outlines named by their content's hash: the same whatever the version,
    # so a page refused or reloading still gets them.
    unversioned = (f"{prefix}assets/", f"{prefix}_dash-component-suites/", "/geo/", "/favicon.ico")
    order = NeverBackwards(app.server.wsgi_app, app.server, holder, unversioned)
    app.server.wsgi_app = order
    app.server.extensions["coeur_version_order"] = order
    return order
