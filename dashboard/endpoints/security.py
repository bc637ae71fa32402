"""What every response carries and hides: security headers (a Content-Security-Policy that allows this origin
only), no server software versions, capped request bodies, and errors answered in French without a trace."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache
from html import escape

import dash
import flask
from dash.exceptions import DependencyException, InvalidResourceError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.serving import WSGIRequestHandler

from dashboard.endpoints.serving import NO_STORE
from dashboard.settings import Settings
from dashboard.web import dashinternals

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # callback requests weigh 0.3–4 KB; nothing else accepts a body

# Keys of Dash's page config (the <script id="_dash-config"> of every page) that name the Python, Dash and
# plotly versions, and the address Dash's debug renderer would send them to. The production renderer reads
# none of them.
HIDDEN_CONFIG = ("python_version", "dash_version", "plotly_version", "ddk_version", "dash_version_url")

# scheme://host[:port], a host may start with "*." (CSP host-source); no quotes, spaces or semicolons.
ORIGIN = re.compile(r"(https?://)?(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?")

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def frame_origin(value: str) -> str:
    """An origin allowed to frame the dashboard, checked (also an argparse ``type``)."""
    origin = value.strip().rstrip("/")
    if not ORIGIN.fullmatch(origin):
        raise ValueError(
            f"origine invalide pour frame-ancestors : « {value[:80]} » (attendu https://hote[:port])"
        )
    return origin


def content_security_policy(script_hashes: list[str], frame_ancestors: tuple[str, ...]) -> str:
    directives = {
        "default-src": ["'self'"],
        # Dash's two inline scripts (the renderer's start, clientside callbacks) are allowed by their hash.
        "script-src": ["'self'", *script_hashes],
        # plotly.js writes <style> rules and style="" attributes as it draws, and so do the dropdowns.
        "style-src": ["'self'", "'unsafe-inline'"],
        # plotly.js exports a chart as a data: or blob: image.
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'", *frame_ancestors],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def configure_security(app: dash.Dash, settings: Settings) -> None:
    """Call last in ``create_app``: the policy covers the inline scripts of every callback registered."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    ancestors = tuple(frame_origin(origin) for origin in settings.frame_ancestors)
    hide_versions(app)
    _answer_options(app)
    server.after_request(_security_headers(app, ancestors))
    _french_errors(app)
    if not settings.debug:
        _no_reload_hash(app)


def hide_versions(app: dash.Dash) -> None:
    """Drop the Python, Dash and plotly versions from every page's ``_dash-config``.

    Through ``dashinternals.wrap_page_config`` (Dash has no hook for its page config), and turns Dash's
    version check off: in debug mode its renderer would send the versions to plotly's server.
    """

    def hidden(values: dict) -> dict:
        for key in HIDDEN_CONFIG:
            values.pop(key, None)
        values["disable_version_check"] = True
        return values

    dashinternals.wrap_page_config(app, hidden)


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without its ``Server: Werkzeug/x Python/y`` header."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


def _security_headers(
    app: dash.Dash, ancestors: tuple[str, ...]
) -> Callable[[flask.Response], flask.Response]:
    @cache
    def policy() -> str:
        # Computed at the first response, once every callback (and its inline script) exists.
        return content_security_policy(list(app.csp_hashes()), ancestors)

    def add_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        headers["Content-Security-Policy"] = policy()
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if not ancestors:  # X-Frame-Options cannot name other origins: CSP frame-ancestors alone then
            headers["X-Frame-Options"] = "SAMEORIGIN"
        headers.pop("Server", None)
        headers.pop("X-Powered-By", None)
        return response

    return add_headers


ERRORS = {
    400: ("Requête invalide", "La requête n'a pas pu être comprise."),
    404: ("Page introuvable", "Cette adresse ne correspond à aucune page du tableau de bord."),
    405: ("Méthode non autorisée", "Cette adresse n'accepte pas cette méthode."),
    413: ("Requête trop volumineuse", "La requête dépasse la taille acceptée."),
    415: ("Type de contenu refusé", "Cette adresse n'accepte que du JSON."),
    500: (
        "Erreur interne",
        "Une erreur inattendue s'est produite ; elle a été enregistrée. Réessayez plus tard.",
    ),
    503: ("Service momentanément indisponible", "Le service ne peut pas répondre pour l'instant. Réessayez."),
}
OTHER_ERROR = ("Requête refusée", "La requête n'a pas abouti.")
KEPT_HEADERS = ("Allow", "Retry-After")


def error_response(
    code: int, message: str | None = None, headers: dict[str, str] | None = None
) -> flask.Response:
    """A short French answer: JSON for the app's own requests (callbacks, health), a small page otherwise."""
    title, text = ERRORS.get(code, OTHER_ERROR)
    text = message or text
    if _wants_json():
        response = flask.jsonify({"erreur": title, "detail": text})
    else:
        page = (
            f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f"<title>{escape(title)} — Cœur de Ville</title>"
            f'<link rel="stylesheet" href="/assets/style.css"></head><body><main class="content">'
            f'<h1 class="page-title">{escape(title)}</h1><p>{escape(text)}</p>'
            f'<p><a href="/">← Retour à la carte</a></p></main></body></html>\n'
        )
        response = flask.Response(page, mimetype="text/html")
    response.status_code = code
    response.headers["Cache-Control"] = NO_STORE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _wants_json() -> bool:
    request = flask.request
    return (
        request.path.startswith("/_dash-")
        or request.path == "/healthz"
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def _french_errors(app: dash.Dash) -> None:
    server = app.server

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:  # redirects and the like keep their own answer
            return error
        kept = {name: value for name, value in error.get_headers() if name in KEPT_HEADERS}
        return error_response(error.code, headers=kept)

    @server.errorhandler(InvalidResourceError)
    @server.errorhandler(DependencyException)
    def unknown_resource(_error: Exception):  # Dash's own answers list its files, in English, or fail
        return error_response(404)

    @server.errorhandler(InternalServerError)
    @server.errorhandler(Exception)
    def unexpected(error: Exception):
        original = getattr(error, "original_exception", None) or error
        log.error(
            "unexpected error on %s %s",
            flask.request.method,
            flask.request.path,
            exc_info=(type(original), original, original.__traceback__),
        )
        return error_response(500)


def _answer_options(app: dash.Dash) -> None:
    """``OPTIONS`` says which methods a URL takes (204 and ``Allow``), for every route: Flask's automatic
    answer was turned into a 404 for paths that are not pages (/healthz, assets)."""

    @app.server.before_request
    def options():
        request = flask.request
        if request.method != "OPTIONS":
            return None
        adapter = app.server.url_map.bind_to_environ(request.environ)
        allowed = sorted(set(adapter.allowed_methods(request.path)) | {"OPTIONS"})
        response = flask.Response(status=204)
        response.headers["Allow"] = ", ".join(allowed)
        return response


def _no_reload_hash(app: dash.Dash) -> None:
    """Dash's hot-reload endpoint serves nothing useful outside debug mode (it lists its packages)."""
    path = f"{app.config.routes_pathname_prefix}_reload-hash"

    @app.server.before_request
    def refuse():
        if flask.request.path == path:
            return error_response(404)
        return None
