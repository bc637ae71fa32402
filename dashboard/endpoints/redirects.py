"""``/commune/<former code or name>`` leads to today's commune, with a notice saying why.

- a code gone since 2018 (``/commune/62549``, Marconne): 301 to ``/commune/62447?ancien=62549``;
- a name (``/commune/compiegne``, ``/commune/la-madeleine``, ``/commune/touquet``) or a former name
  (``/commune/marconne``): 302 to the code's page when one commune answers it (302: a name may come to
  designate another commune at the next COG, a code does not), or 300 with a French page listing the
  candidates (links to their pages) when several do;
- the commune page reached with ``?ancien=`` shows the notice (« Marconne fait partie de Hesdin-la-Forêt
  depuis le 1er janvier 2025 »), written into the HTML above the app, until the person navigates away.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import flask
from dash import Dash
from markupsafe import escape

from dashboard.data.cog import Former, History, history_of, name_key
from dashboard.data.places import departement_of
from dashboard.data.schema import Geo
from dashboard.web.context import Context
from dashboard.web.ids import Html

PREFIX = "/commune/"
FORMER_KEY = "ancien"  # query key carrying the former code or name the visitor asked for
CODE_LIKE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}|9[78][0-9]{3}")
MAX_SEGMENT = 80
ENTRY_POINT = '<div id="react-entry-point">'
NOTICE_ID = Html.REDIRECT_NOTICE


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    """Answer former codes and names before Dash does, and show the notice on the page they lead to."""
    app.server.before_request(lambda: redirect(get_context()))
    app.server.after_request(lambda response: with_notice(response, get_context()))


def _segment() -> str | None:
    """The ``<x>`` of a GET ``/commune/<x>``, or ``None`` for any other request."""
    request = flask.request
    if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIX):
        return None
    segment = request.path[len(PREFIX) :].strip("/")
    return segment if 0 < len(segment) <= MAX_SEGMENT and "/" not in segment else None


def redirect(context: Context) -> flask.Response | None:
    segment = _segment()
    communes = context.dataset.communes
    if segment is None or segment in communes.index:
        return None
    history = history_of(communes)
    former = history.former_code(segment.upper())
    if former is not None:
        return _to(former.today, former.code, status=301)
    if CODE_LIKE.fullmatch(segment.upper()):
        return None  # an unknown code: the app's 404
    candidates = candidates_for(segment, communes, history)
    if len(candidates) == 1:
        code, former_name = candidates[0]
        return _to(code, former_name, status=302)
    if candidates:
        return _choices(
            segment, [code for code, _ in candidates], communes, context.lookups.departement_names
        )
    return None


def candidates_for(segment: str, communes, history: History) -> list[tuple[str, str | None]]:
    """Today's communes a name slug designates (``compiegne``, ``la-madeleine``), or else the ones a
    former name of that slug became, each with the former name to mention (``None`` for today's)."""
    names = communes[Geo.NOM]
    exact = list(
        names.index[names.map(lambda name: name_key(name, article=True)) == name_key(segment, article=True)]
    )
    today = exact or list(names.index[names.map(name_key) == name_key(segment)])  # "madeleine" too
    if today:
        return [(code, None) for code in sorted(today)]
    formers = history.former_name(segment)
    return sorted({(former.today, former.name) for former in formers})


def _to(code: str, former: str | None, *, status: int) -> Any:
    query = [(key, value) for key, value in flask.request.args.items(multi=True) if key != FORMER_KEY]
    if former is not None:
        query.append((FORMER_KEY, former))
    target = f"{PREFIX}{code}" + (f"?{urlencode(query)}" if query else "")
    response = flask.redirect(target, code=status)
    link = escape(target)
    response.set_data(  # werkzeug's body is English
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>Redirection — Cœur de Ville</title>"
        f'</head><body><p>Cette page a changé d\'adresse : <a href="{link}">{link}</a>.</p></body></html>\n'
    )
    response.headers["Cache-Control"] = "no-cache" if status != 301 else "public, max-age=86400"
    return response


def _choices(segment: str, codes: list[str], communes, departements: dict[str, str]) -> flask.Response:
    """300 Multiple Choices: a small French page linking each commune of that name (no ``Location``:
    the person chooses)."""
    names = communes[Geo.NOM]
    items = "".join(
        f'<li><a href="{PREFIX}{code}">{escape(names[code])}</a> '
        f"({escape(departements.get(departement_of(code), departement_of(code)))}, code {code})</li>"
        for code in codes
    )
    page = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>Plusieurs communes — Cœur de Ville</title>"
        '<link rel="stylesheet" href="/assets/style.css"></head><body>'
        # The site's header, as on every page: the brand, a way back to the map.
        '<header class="header"><a class="brand-link" href="/"><span class="brand">Cœur de Ville</span></a>'
        "</header>"
        '<main class="content">'
        f'<h1 class="page-title">Plusieurs communes répondent à « {escape(segment)} »</h1>'
        f'<ul class="commune-choices">{items}</ul>'
        '<p><a href="/">← Retour à la carte</a></p></main></body></html>\n'
    )
    response = flask.Response(page, status=300, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


def notice_for(code: str, asked: str, history: History) -> Former | None:
    """The former code or name ``asked`` (from ``?ancien=``) if it did become commune ``code``."""
    former = history.former_code(asked.upper())
    if former is not None and former.today == code:
        return former
    found = history.former_name(asked, today=code)
    return found[0] if found else None


def with_notice(response: flask.Response, context: Context) -> flask.Response:
    """The commune page, reached from a former code or name, says which commune it is now part of."""
    segment = _segment()
    asked = flask.request.args.get(FORMER_KEY, "")[:MAX_SEGMENT]
    if segment is None or not asked or response.status_code != 200 or response.mimetype != "text/html":
        return response
    former = notice_for(segment, asked, history_of(context.dataset.communes))
    if former is None or response.direct_passthrough:
        return response
    body = response.get_data(as_text=True)
    notice = f'<p class="redirect-notice" id="{NOTICE_ID}" role="status">{escape(former.notice())}.</p>'
    response.set_data(body.replace(ENTRY_POINT, notice + ENTRY_POINT, 1))
    return response
