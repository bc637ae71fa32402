"""Open data: the operations as CSV and GeoJSON, the partner communes, and a French page saying what they
are (licence, sources, dictionary). Every file is cacheable: its ETag is the data version (versions.live),
so a reuser's ``If-None-Match`` gets a 304 until the data changes."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from functools import partial
from html import escape
from pathlib import Path

import flask
import pandas as pd
from dash import Dash

from dashboard.data.schema import OPERATION_COLUMNS, Op
from dashboard.endpoints.security import error_response
from dashboard.export import dictionary
from dashboard.export.tables import LICENCE, neutralise
from dashboard.web.context import Context

PREFIX = "/donnees/"
PARTNERS_FILE = "communes_partenaires.csv"
# Reusers may keep a copy for a while, but ask again (a 304 costs nothing) before using it.
CACHE_CONTROL = "public, no-cache"
CSV_MIMETYPE = "text/csv"
PROPERTIES = tuple(column for column in OPERATION_COLUMNS if column not in (Op.LONGITUDE, Op.LATITUDE))
NO_PARTNERS = (
    "La liste des communes partenaires n'est pas encore publiée : "
    f"le fichier {PARTNERS_FILE} est absent du dossier de données."
)


def operations_csv(operations: pd.DataFrame) -> bytes:
    """The contract's columns, as ``operations.csv`` is written: UTF-8, ``,``, decimal point; a position
    placed at commune level carries the commune's point and ``precision_geo`` = ``commune``."""
    out = io.StringIO()
    table = operations[list(OPERATION_COLUMNS)]
    table.map(_text).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8")


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, str):
        return neutralise(value)  # a cell a spreadsheet would run as a formula gets a leading apostrophe
    return str(value)


def operations_geojson(operations: pd.DataFrame) -> bytes:
    """One point per operation, its precision among the properties."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(row[Op.LONGITUDE]), float(row[Op.LATITUDE])]},
            "properties": {column: _json(row[column]) for column in PROPERTIES},
        }
        for _, row in operations.iterrows()
        if not pd.isna(row[Op.LONGITUDE]) and not pd.isna(row[Op.LATITUDE])
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value if isinstance(value, (int, float)) else str(value)


def page(context: Context, *, has_partners: bool) -> str:
    """The French page of ``/donnees/``."""
    metadata = context.dataset.metadata
    files = [
        ("operations.csv", "les opérations, une ligne chacune (CSV UTF-8, séparateur virgule)"),
        (
            "operations.geojson",
            "les mêmes en points (GeoJSON, WGS 84), avec la précision de chaque position",
        ),
    ]
    if has_partners:
        files.append(("communes-partenaires.csv", "les communes nommées par les sources comme partenaires"))
    links = "".join(f'<li><a href="{PREFIX}{name}">{name}</a> : {escape(text)}</li>' for name, text in files)
    sources = "".join(f"<li>{escape(title)}</li>" for title in context.lookups.source_titles.values())
    rows = "".join(
        f"<tr><td><code>{escape(column)}</code></td><td>{escape(kind)}</td><td>{escape(text)}</td></tr>"
        for column, kind, text in dictionary.rows(derived=False)
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Données ouvertes — Cœur de Ville</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="content opendata">
<h1 class="page-title">Données ouvertes</h1>
<p>Les opérations de logement de Clésence dans le programme Action Cœur de Ville
({escape(context.lookups.perimeter_name)}), telles que publiées.
Données du {escape(str(metadata.get("date_donnees", "date inconnue")))} ;
version <code>{escape(context.version)}</code>.</p>
<h2>Fichiers</h2><ul>{links}</ul>
<h2>Licence</h2><p>{escape(LICENCE)} : réutilisation libre, y compris commerciale, en citant la source
« Cœur de Ville — Clésence, d'après les articles cités » et la date des données.</p>
<h2>Sources</h2><ul>{sources}</ul>
<p>{escape(str(metadata.get("geometrie", "")))}</p>
<h2>Dictionnaire des données</h2><p>Une cellule vide signifie « non publié ».</p>
<table class="dictionary"><thead><tr><th>colonne</th><th>type</th><th>description</th></tr></thead>
<tbody>{rows}</tbody></table>
<p><a href="/">← Retour au tableau de bord</a></p>
</main></body></html>
"""


def register(app: Dash, get_context: Callable[[], Context], data_dir: Path) -> None:
    """The ``/donnees/`` routes on the app's server."""
    server = app.server
    partners = Path(data_dir) / PARTNERS_FILE

    @server.route(PREFIX)
    def opendata_page():
        context = get_context()
        listed = partners.exists()
        build = partial(page, context, has_partners=listed)
        return cached(f"{context.version}-page{int(listed)}", "text/html", build)

    @server.route(PREFIX + "operations.csv")
    def opendata_csv():
        context = get_context()
        return cached(context.version, CSV_MIMETYPE, partial(operations_csv, context.dataset.operations))

    @server.route(PREFIX + "operations.geojson")
    def opendata_geojson():
        context = get_context()
        build = partial(operations_geojson, context.dataset.operations)
        return cached(context.version, "application/geo+json", build)

    @server.route(PREFIX + "communes-partenaires.csv")
    def opendata_partners():
        try:
            body = partners.read_bytes()
        except OSError:
            return error_response(404, NO_PARTNERS)
        return cached(hashlib.sha256(body).hexdigest()[:12], CSV_MIMETYPE, lambda: body)


def cached(version: str, mimetype: str, build: Callable[[], bytes | str]) -> flask.Response:
    """A 304 when the client holds this version, else the body; both with the ETag and Cache-Control."""
    if version in _held_versions() or flask.request.if_none_match.star_tag:  # "*": any version will do
        response = flask.Response(status=304)
    else:
        response = flask.Response(build(), mimetype=mimetype)
        if mimetype == CSV_MIMETYPE:
            response.headers["Content-Disposition"] = "inline"
    response.set_etag(version)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _held_versions() -> set[str]:
    """The versions named by ``If-None-Match``, without the ``:br`` or ``:gzip`` that compression adds."""
    return {tag.split(":")[0] for tag in flask.request.if_none_match.as_set(include_weak=True)}
