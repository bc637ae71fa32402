"""How responses travel: compressed when the browser accepts it, and cached for as long as their URL is
stable (a year for versioned files, revalidated for pages and unversioned files, never for callbacks)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

import brotli
import dash
from dash.fingerprint import check_fingerprint
from flask import Response, request, send_file
from flask_compress import Compress

# A versioned URL names one content forever: the browser may keep it a year without asking again.
LONG_LIVED = "public, max-age=31536000, immutable"
# Kept, but checked with the server (ETag / Last-Modified) before each use: a 304 when unchanged.
REVALIDATE = "no-cache"
# Answers to callbacks depend on the request body: nothing to reuse.
NO_STORE = "no-store"

# Formats worth compressing. Fonts and images other than SVG and ICO are compressed already.
COMPRESSED_MIMETYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",  # the open-data files (dashboard/endpoints/opendata.py)
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
    "image/x-icon",  # Dash's default favicon: 15 KB, 4 KB compressed
    "image/vnd.microsoft.icon",
)

# Brotli 5 makes the partial plotly.js bundle ~9% smaller than brotli 4 (flask-compress's default) for
# the CPU of gzip 6 (~30 ms for 1.4 MB); quality 11 would take seconds per request, without a cache.
BROTLI_QUALITY = 5


def configure_serving(app: dash.Dash) -> None:
    """Compress text responses (brotli, else gzip) and set each response's ``Cache-Control``.

    The app must be built with ``compress=False`` (Dash's default): this sets up flask-compress itself;
    and with ``eager_loading=False`` (the default), which would write dcc's stock plotly.min.js (4.8 MB)
    into every page next to our bundle in assets/vendor.
    """
    if app.config.compress:
        raise ValueError("build the app with compress=False: configure_serving sets up compression itself")
    if app.config.eager_loading:
        raise ValueError(
            "build the app with eager_loading=False: it makes every page load the stock plotly.min.js"
        )
    # Without this line, .geojson files are served as application/octet-stream (hence not compressed)
    # wherever the system's /etc/mime.types does not list them.
    mimetypes.add_type("application/geo+json", ".geojson")

    server = app.server
    assets_endpoint = _assets_endpoint(app)
    server.config.update(
        COMPRESS_MIMETYPES=list(COMPRESSED_MIMETYPES),
        # Files under assets/ are streamed (send_file); flask-compress leaves gzip out of its streaming
        # list by default, so a gzip-only client would get them uncompressed.
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],
        COMPRESS_BR_LEVEL=BROTLI_QUALITY,
        # Compression rewrites a strong ETag to "<tag>:br"; for streamed assets flask-compress then
        # answers If-None-Match itself only on the endpoints listed here. Without it a revalidation
        # never matches and every reload downloads the asset again.
        COMPRESS_STREAMING_ENDPOINT_CONDITIONAL=["static", assets_endpoint],
    )
    server.before_request(_precompressed(app))
    Compress(server)
    server.after_request(_cache_policy(app))


def _assets_endpoint(app: dash.Dash) -> str:
    # Named in dash.Dash.init_app after routes_pathname_prefix; checked so a Dash upgrade that renames it
    # fails here rather than silently disabling revalidation.
    prefix = app.config.routes_pathname_prefix.replace("/", "_").replace(".", "_")
    endpoint = f"{prefix}dash_assets.static"
    if endpoint not in app.server.view_functions:
        raise RuntimeError(
            f"Dash's assets endpoint is not {endpoint!r} any more: update dashboard/endpoints/serving.py"
        )
    return endpoint


def _cache_policy(app: dash.Dash) -> Callable[[Response], Response]:
    prefix = app.config.routes_pathname_prefix
    suites = f"{prefix}_dash-component-suites/"
    assets = f"{prefix}{app.config.assets_url_path.strip('/')}/"
    callbacks = f"{prefix}_dash-update-component"

    def set_cache_control(response: Response) -> Response:
        path = request.path
        if response.status_code >= 400:
            response.headers["Cache-Control"] = NO_STORE
        elif path.startswith(suites):
            # Dash names its bundles <name>.v<version>m<mtime>.js in the page; files fetched by name
            # (source maps, say) get an ETag from Dash instead.
            _, fingerprinted = check_fingerprint(path)
            response.headers["Cache-Control"] = LONG_LIVED if fingerprinted else REVALIDATE
        elif path.startswith(assets):
            # Dash adds ?m=<mtime> to the scripts and stylesheets it injects from assets/.
            response.headers["Cache-Control"] = LONG_LIVED if request.args.get("m") else REVALIDATE
        elif path == callbacks:
            response.headers["Cache-Control"] = NO_STORE
        elif "Cache-Control" not in response.headers:
            # Pages, layout, dependencies: small, and they name the versioned files, so always fresh.
            response.headers["Cache-Control"] = REVALIDATE
        return response

    return set_cache_control


# A file of assets/ may come with its brotli 11 compression beside it (``<name>.br``, written by the script
# that builds it): sent as it is to the browsers that accept brotli, instead of compressing the file at
# brotli 5 on every request. plotly.js: 396 KB instead of 444 KB at each first visit, and no 30–50 ms of
# server CPU (issue 24). A ``.br`` that is not the file compressed (left behind by a rebuild) is ignored.
PRECOMPRESSED = ".br"


def _precompressed(app: dash.Dash) -> Callable[[], Response | None]:
    folder = Path(app.config.assets_folder).resolve()
    prefix = f"{app.config.routes_pathname_prefix}{app.config.assets_url_path.strip('/')}/"
    checked: dict[Path, bool] = {}  # per process: whether each .br holds its file

    def send_precompressed() -> Response | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(prefix):
            return None
        if "br" not in request.headers.get("Accept-Encoding", ""):
            return None
        original = (folder / request.path.removeprefix(prefix)).resolve()
        compressed = original.with_name(original.name + PRECOMPRESSED)
        if not original.is_relative_to(folder) or not compressed.is_file():
            return None
        if compressed not in checked:
            checked[compressed] = brotli.decompress(compressed.read_bytes()) == original.read_bytes()
        if not checked[compressed]:
            return None
        response = send_file(compressed, mimetype=mimetypes.guess_type(original.name)[0], conditional=True)
        response.headers["Content-Encoding"] = "br"  # flask-compress leaves an encoded answer as it is
        response.vary.add("Accept-Encoding")
        return response

    return send_precompressed
