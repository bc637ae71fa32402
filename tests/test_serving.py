"""configure_serving: which responses are compressed, and how long browsers may keep each kind."""

from __future__ import annotations

import gzip
import json
import mimetypes
import re
from pathlib import Path

import brotli
import dash
import pytest
from dash import Input, Output, dcc, html
from flask.testing import FlaskClient

from dashboard.endpoints.serving import LONG_LIVED, NO_STORE, REVALIDATE, configure_serving
from tests.conftest import feature_collection, square

# Every encoding Chromium 156 announces; flask-compress picks the server's first choice among them.
CHROMIUM_ACCEPTS = "gzip, deflate, br, zstd"
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    (folder / "maps").mkdir(parents=True)
    # ~120 KB of script, the size class of the bundles served.
    lines = [f"window.coeurDeVille{n} = function (x) {{ return x * {n}; }};" for n in range(2500)]
    (folder / "big.js").write_text("\n".join(lines), encoding="utf-8")
    squares = [
        {"type": "Feature", "properties": {"code": f"{x:05d}"}, "geometry": square(x)} for x in range(300)
    ]
    (folder / "maps" / "communes.geojson").write_text(
        json.dumps(feature_collection(squares)), encoding="utf-8"
    )
    return folder


def tiny_app(assets: Path, **options) -> dash.Dash:
    app = dash.Dash(__name__, assets_folder=str(assets), **options)
    app.layout = html.Div([dcc.Input(id="word", value="a"), html.Div(id="echo")])

    @app.callback(Output("echo", "children"), Input("word", "value"))
    def echo(word: str) -> str:
        return word * 1000

    return app


@pytest.fixture
def client(assets: Path) -> FlaskClient:
    app = tiny_app(assets)
    configure_serving(app)
    return app.server.test_client()


def get(client: FlaskClient, url: str, accept: str | None = None, **headers: str):
    if accept is not None:
        headers["Accept-Encoding"] = accept
    return client.get(url, headers=headers)


@pytest.mark.parametrize("path", ["big.js", "maps/communes.geojson"])
@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_assets_are_compressed_with_the_encoding_the_client_accepts(
    client: FlaskClient, assets: Path, path: str, encoding: str
) -> None:
    response = get(client, f"/assets/{path}", accept=encoding)
    body = response.get_data()
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert DECODE[encoding](body) == (assets / path).read_bytes()
    assert len(body) < (assets / path).stat().st_size / 4


def test_chromium_gets_brotli(client: FlaskClient) -> None:
    assert get(client, "/assets/big.js", accept=CHROMIUM_ACCEPTS).headers["Content-Encoding"] == "br"


@pytest.mark.parametrize("accept", [None, "identity", "compress"])
def test_nothing_is_compressed_for_a_client_that_does_not_ask(
    client: FlaskClient, assets: Path, accept: str | None
) -> None:
    response = get(client, "/assets/big.js", accept=accept)
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (assets / "big.js").read_bytes()


def test_geojson_is_compressed_where_the_system_does_not_know_its_type(
    assets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A type table with Python's built-in types only, as on a system without /etc/mime.types.
    monkeypatch.setattr(mimetypes, "_db", mimetypes.MimeTypes(filenames=()))
    app = tiny_app(assets)
    configure_serving(app)
    response = get(app.server.test_client(), "/assets/maps/communes.geojson", accept="gzip")
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Encoding"] == "gzip"


def test_pages_and_callback_answers_are_compressed(client: FlaskClient) -> None:
    assert get(client, "/", accept="gzip").headers["Content-Encoding"] == "gzip"
    answer = call_echo(client, "word", accept="br")
    assert answer.headers["Content-Encoding"] == "br"
    assert "word" * 1000 in brotli.decompress(answer.get_data()).decode()


def call_echo(client: FlaskClient, word: str, accept: str = "identity"):
    return client.post(
        "/_dash-update-component",
        json={
            "output": "echo.children",
            "outputs": {"id": "echo", "property": "children"},
            "inputs": [{"id": "word", "property": "value", "value": word}],
            "changedPropIds": ["word.value"],
            "state": [],
        },
        headers={"Accept-Encoding": accept},
    )


def dash_script_urls(client: FlaskClient) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', get(client, "/").get_data(as_text=True))


def test_versioned_files_are_kept_a_year(client: FlaskClient) -> None:
    scripts = dash_script_urls(client)
    renderer = next(url for url in scripts if "dash_renderer" in url)
    our_script = next(url for url in scripts if url.startswith("/assets/big.js?m="))
    for url in (renderer, our_script):
        assert get(client, url, accept="br").headers["Cache-Control"] == LONG_LIVED


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/_dash-layout",
        "/_dash-dependencies",
        "/assets/big.js",
        "/assets/maps/communes.geojson",
        # fetched by name by dcc.Graph's lazy loader
        "/_dash-component-suites/dash/dcc/async-graph.js",
    ],
)
def test_pages_and_unversioned_files_are_revalidated(client: FlaskClient, url: str) -> None:
    assert get(client, url).headers["Cache-Control"] == REVALIDATE


def test_callback_answers_and_errors_are_not_stored(client: FlaskClient) -> None:
    answer = call_echo(client, "x")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == NO_STORE
    assert get(client, "/assets/missing.js").headers["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_an_unchanged_compressed_asset_is_revalidated_with_a_304(client: FlaskClient, encoding: str) -> None:
    first = get(client, "/assets/maps/communes.geojson", accept=encoding)
    again = get(
        client, "/assets/maps/communes.geojson", accept=encoding, **{"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""


@pytest.mark.parametrize("option", ["compress", "eager_loading"])
def test_dash_options_that_undo_the_policy_are_refused(assets: Path, option: str) -> None:
    with pytest.raises(ValueError, match=f"{option}=False"):
        configure_serving(tiny_app(assets, **{option: True}))


def test_a_precompressed_file_is_sent_as_it_is_to_brotli_clients(assets: Path) -> None:
    (assets / "big.js.br").write_bytes(brotli.compress((assets / "big.js").read_bytes(), quality=11))
    client = configured(assets)
    sent = get(client, "/assets/big.js?m=1", accept=CHROMIUM_ACCEPTS)
    assert sent.headers["Content-Encoding"] == "br"
    assert sent.get_data() == (assets / "big.js.br").read_bytes()
    assert sent.headers["Cache-Control"] == LONG_LIVED and "Accept-Encoding" in sent.headers["Vary"]
    assert sent.mimetype == "text/javascript"
    assert (
        get(client, "/assets/big.js?m=1", accept="br", **{"If-None-Match": sent.headers["ETag"]}).status_code
        == 304
    )
    assert (
        get(client, "/assets/big.js", accept="gzip").headers["Content-Encoding"] == "gzip"
    )  # compressed here


def test_a_precompressed_file_that_is_not_its_file_is_ignored(assets: Path) -> None:
    (assets / "big.js.br").write_bytes(brotli.compress(b"window.stale = 1;", quality=11))
    sent = get(configured(assets), "/assets/big.js", accept="br")
    assert brotli.decompress(sent.get_data()) == (assets / "big.js").read_bytes()


def configured(assets: Path) -> FlaskClient:
    app = tiny_app(assets)
    configure_serving(app)
    return app.server.test_client()
