"""The commune card for a town hall's website (``/integration/commune/<code>``): plain HTML with its map as an
inline SVG drawn on the server from the commune's outline, no script. Framed only by the configured origins
(dashboard/endpoints/security.py's frame-ancestors)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from html import escape

import flask
import pandas as pd
from dash import Dash
from shapely.geometry.base import BaseGeometry

from dashboard.data import wording
from dashboard.data.places import departement_of
from dashboard.data.schema import PRECISION_COMMUNE, Certainty, Geo, Op, Status
from dashboard.endpoints.opendata import cached
from dashboard.endpoints.security import error_response
from dashboard.figures import theme
from dashboard.model import analysis, formatting
from dashboard.model.analysis import CERTAINTY, STATUS
from dashboard.model.state import View
from dashboard.web import headline, shown
from dashboard.web.context import Context
from dashboard.web.share import PREFIX

FULL_PAGE = "/commune/"
MAP_SIZE = (230, 230)  # px, the card's right column
MAP_PADDING = 12
# Simplification of the outline: about a pixel of the drawn map, enough for a 230 px drawing.
PIXEL_FRACTION = 1 / 400
MIXED = theme.TEXT  # a mark standing for operations in different states


def project(geometry: BaseGeometry) -> Callable[[float, float], tuple[float, float]]:
    """lon/lat → SVG x/y fitted in ``MAP_SIZE`` (equirectangular at the commune's latitude)."""
    min_x, min_y, max_x, max_y = geometry.bounds
    shrink = math.cos(math.radians((min_y + max_y) / 2))
    width, height = MAP_SIZE
    span_x, span_y = max((max_x - min_x) * shrink, 1e-9), max(max_y - min_y, 1e-9)
    scale = min((width - 2 * MAP_PADDING) / span_x, (height - 2 * MAP_PADDING) / span_y)
    left = (width - span_x * scale) / 2
    top = (height - span_y * scale) / 2

    def to_svg(lon: float, lat: float) -> tuple[float, float]:
        return round(left + (lon - min_x) * shrink * scale, 1), round(top + (max_y - lat) * scale, 1)

    return to_svg


def outline_path(geometry: BaseGeometry, to_svg) -> str:
    """The ``d`` of an SVG path drawing every ring of a polygon or multipolygon."""
    size = max(geometry.bounds[2] - geometry.bounds[0], geometry.bounds[3] - geometry.bounds[1])
    simple = geometry.simplify(size * PIXEL_FRACTION, preserve_topology=True)
    polygons = getattr(simple, "geoms", [simple])
    rings = [ring for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]
    parts = []
    for ring in rings:
        points = [to_svg(x, y) for x, y in ring.coords]
        parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
    return " ".join(parts)


def svg_map(geometry: BaseGeometry, operations: pd.DataFrame, *, name: str) -> str:
    """The commune's outline and one mark per position (operations at one place share it, counted)."""
    to_svg = project(geometry)
    width, height = MAP_SIZE
    marks = []
    places = operations.groupby([Op.LONGITUDE, Op.LATITUDE], sort=False, observed=True)
    for (lon, lat), group in places:
        x, y = to_svg(float(lon), float(lat))
        statuses = set(group[STATUS]) if STATUS in group else set()
        colour = theme.STATUS_COLOURS.get(statuses.pop(), MIXED) if len(statuses) == 1 else MIXED
        # Filled when every state here is reported; a ring when any is a forecast (as on the page's map).
        facts = CERTAINTY in group and set(group[CERTAINTY]) == {Certainty.REPORTED}
        count = len(group)
        fill, stroke = (colour, "#fff") if facts else ("#fff", colour)
        marks.append(
            f'<circle cx="{x}" cy="{y}" r="{9 if count > 1 else 6}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{1.5 if facts else 3}"/>'
            + (
                f'<text x="{x}" y="{y + 3.5}" text-anchor="middle" class="count"'
                f"{'' if facts else f' style=fill:{colour}'}>{count}</text>"
                if count > 1
                else ""
            )
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="Carte de {escape(name)} et de ses opérations">'
        f'<path d="{outline_path(geometry, to_svg)}" fill="{theme.ACV_FILL}" stroke="{theme.ACV_LINE}" '
        f'stroke-width="1.5" fill-rule="evenodd"/>{"".join(marks)}</svg>'
    )


def figures_html(figures: analysis.KeyFigures, year: int, *, sources_year: int) -> str:
    """The card's figures: ranges as the sources allow, deliveries reported apart from those planned, the
    published cost said for what it is, and a year after the latest source called a projection."""
    dwellings = headline.DwellingSum.of_all(figures)
    delivered = headline.DwellingSum.of_state(figures, Status.DELIVERED, Certainty.REPORTED)
    planned = headline.DwellingSum.of_state(figures, Status.DELIVERED, Certainty.FORECAST)
    when = f"fin {year}" + (" (projection)" if year > sources_year else "")
    # the states line already sits in brackets: « (fin 2026, projection) », never « (fin 2026 (projection)) »
    states_when = f"fin {year}" + (", projection" if year > sources_year else "")
    cards = [
        (
            formatting.number(figures.operations),
            "",
            wording.plural(figures.operations, "opération").split()[-1],
        ),
        # what a sum leaves out marked on its value, as on the page and the slide (« + 1 sans nombre »)
        _dwellings(dwellings, "logements"),
        _dwellings(delivered, f"logements livrés (constaté), {when}"),
    ]
    if planned.operations:
        cards.append(_dwellings(planned, f"logements à livraison prévue, {when}"))
    cost = headline.PartSum.cost(figures)
    if not cost.none_known:  # its mark as on the page (« + 14 sans coût »)
        cards.append((formatting.euros(figures.cost_eur), _marked(cost), "coût publié"))
    items = "".join(
        f"<div class='kf'><strong>{escape(v)}</strong>{m}<span>{escape(t)}</span></div>" for v, m, t in cards
    )
    states = headline.states_line(figures)
    projection = (
        f" Après {sources_year}, date de la dernière source, les états sont des prévisions ou inconnus."
        if year > sources_year
        else ""
    )
    return (
        f"<div class='figures'>{items}</div>"
        f"<p class='statuses'>{escape(states)} ({escape(states_when)}).{escape(projection)}</p>"
    )


def _dwellings(dwellings: headline.DwellingSum, label: str) -> tuple[str, str, str]:
    """(value, its mark as HTML, label): « 90 », « + 1 sans nombre » (its tooltip in full words),
    « logements » (« · 1 opération sans nombre publié » after it when none is published: « non publié »)."""
    left_out = dwellings.unmarked_left_out()
    return dwellings.value(), _marked(dwellings), f"{label} · {left_out}" if left_out else label


def _marked(total: headline.DwellingSum | headline.PartSum) -> str:
    """What a sum leaves out on its value, as HTML: « + 1 sans nombre », its tooltip in full words."""
    if not (mark := total.mark()):
        return ""
    return f"<small class='uncounted' title='{escape(total.left_out())}'>{escape(mark)}</small>"


# A long card (many figures, each saying what it leaves out, a projection year) scrolls in its row (.body):
# the sources, the licence and the link to the full page below it stay in the frame. What is below is shown
# to be there: « ▾ suite : faire défiler » at the row's foot while it can scroll down (a scroll-state
# container query: Chromium), a shadow there elsewhere (a background that scrolls with the text covers it at
# the end), a thin scrollbar where the system draws them (none in Playwright's headless Chromium, none on an
# overlay-scrollbar system until one scrolls).
STYLE = f"""
html, body {{ margin: 0; height: 100%; overflow: hidden; background: {theme.BACKGROUND}; }}
body {{ font-family: {theme.FONT}; color: {theme.TEXT}; font-size: 14px; }}
.staff-view {{ margin: 0; padding: 4px 14px; background: #fdecea; border-left: 4px solid #b3261e; }}
.card {{ box-sizing: border-box; height: 100%; max-height: 400px; padding: 12px 14px; display: grid;
  grid-template-columns: 1fr {MAP_SIZE[0]}px; grid-template-rows: auto auto 1fr auto; gap: 4px 12px; }}
h1 {{ font-size: 20px; margin: 0; grid-column: 1; grid-row: 1; }}
.subtitle {{ color: {theme.MUTED}; margin: 0; font-size: 12.5px; grid-column: 1; grid-row: 2; }}
/* A long card (figures saying what they leave out, a projection year) scrolls in its row, the footer in
   the frame; « suite » (or a shadow) says there is more below. */
.body {{ grid-column: 1; grid-row: 3; min-height: 0; overflow-y: auto; container-type: scroll-state;
  scrollbar-width: thin; scrollbar-color: {theme.MUTED} transparent;
  background: linear-gradient(to top, {theme.BACKGROUND} 40%, transparent) center bottom / 100% 24px
      no-repeat local,
    radial-gradient(farthest-side at 50% 100%, rgba(0, 0, 0, .22), transparent) center bottom / 100% 10px
      no-repeat scroll; }}
.more {{ display: none; }}
@container scroll-state(scrollable: bottom) {{
  .more {{ display: block; position: sticky; bottom: 0; box-sizing: border-box; height: 30px;
    margin: -30px 0 0; padding: 12px 0 0; text-align: center; font-size: 12px; font-weight: 600;
    color: {theme.ACCENT}; background: linear-gradient(transparent, {theme.BACKGROUND} 55%); }}
}}
.body .subtitle {{ margin-top: 6px; }}
.map {{ grid-column: 2; grid-row: 1 / 4; align-self: center; }}
.legend {{ font-size: 11.5px; color: {theme.MUTED}; text-align: center; margin: 4px 0 0; }}
.legend b {{ font-size: 14px; }}
.map svg {{ display: block; max-width: 100%; height: auto; }}
.count {{ font-size: 10px; font-weight: 700; fill: #fff; }}
.figures {{ display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin-top: 8px; }}
.kf {{ border: 1px solid #d3d8de; border-radius: 6px; padding: 5px 8px; }}
.kf strong {{ display: block; font-size: 18px; font-variant-numeric: tabular-nums; }}
.kf span {{ font-size: 12px; color: {theme.MUTED}; }}
.uncounted {{ display: block; width: fit-content; margin: 1px 0; padding: 0 4px; font-size: 12px;
  white-space: nowrap; background: {theme.WARN_BACKGROUND}; border-left: 3px solid {theme.WARN_LINE}; }}
.statuses {{ font-size: 12.5px; margin: 8px 0 0; }}
footer {{ grid-column: 1 / 3; grid-row: 4; font-size: 11.5px; color: {theme.MUTED};
  border-top: 1px solid #d3d8de;
  padding-top: 5px; display: flex; justify-content: space-between; gap: 10px; }}
a {{ color: {theme.ACCENT}; font-weight: 600; white-space: nowrap; }}
/* A narrow frame (a town hall's side column, a phone): one column — name, figures, map, footer — and the
   frame scrolls rather than cutting anything; the map keeps a readable size, the footer wraps. */
@media (max-width: 519px) {{
  html {{ height: auto; overflow-x: hidden; overflow-y: auto; }}
  body {{ height: auto; overflow: visible; }}
  .card {{ height: auto; max-height: none; grid-template-columns: minmax(0, 1fr); grid-template-rows: none; }}
  h1, .subtitle, .body, .map, footer {{ grid-column: 1; grid-row: auto; }}
  .map svg {{ max-width: min(100%, {MAP_SIZE[0]}px); margin: 0 auto; }}
  footer {{ flex-direction: column; gap: 4px; }}
  a {{ white-space: normal; }}
}}
"""


LEGEND = (
    "<p class='legend'>"
    + " ".join(f"<b style='color:{colour}'>●</b> {status}" for status, colour in theme.STATUS_COLOURS.items())
    + f" <b style='color:{MIXED}'>●</b> plusieurs · plein : constaté, <b>○</b> : prévu</p>"
)


# Shown while the figures' row can scroll further down (STYLE); a reader of the text reads on anyway.
MORE = "<p class='more' aria-hidden='true'>▾ suite : faire défiler</p>"


def card(context: Context, code: str, year: int) -> str:
    """The card: name, key figures at the end of ``year``, small map, sources and a link to the page."""
    communes = context.dataset.communes
    name = communes.at[code, Geo.NOM]
    every = context.operations_in(View(year=year), ignore_place=True)
    shown = every[every[Op.CODE_INSEE] == code]
    acv = "Ville Action Cœur de Ville" if code in context.dataset.acv.index else "Hors Action Cœur de Ville"
    departement = context.lookups.departement_names.get(departement_of(code), departement_of(code))
    body = (
        figures_html(analysis.key_figures(shown), year, sources_year=context.lookups.sources_year)
        if len(shown)
        else "<p class='statuses'>Aucune opération de Clésence publiée dans cette commune.</p>"
    )
    placed = shown[shown[Op.PRECISION_GEO] != PRECISION_COMMUNE]
    where = (
        ""
        if len(placed) == len(shown)
        else "Opérations placées au centre de la commune (adresse non publiée)."
    )
    date = context.dataset.metadata.get("date_donnees", "date inconnue")
    searched = headline.search_line(context.dataset.metadata).replace(
        "Dernière recherche de sources publiques", "dernière recherche"
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(name)} — Cœur de Ville</title><style>{STYLE}</style></head>
<body><main class="card">
<h1>{escape(name)}</h1>
<p class="subtitle">{escape(departement)} · {escape(acv)} · logements Clésence</p>
<div class="body">{body}<p class="subtitle">{escape(where)}</p>{MORE}</div>
<div class="map">{svg_map(communes.geometry[code], shown, name=name)}{LEGEND}</div>
<footer><span>Sources : pages publiques de Clésence et de la presse · {escape(searched)} ·
données du {escape(date)} · Licence Ouverte</span>
<a href="{FULL_PAGE}{code}?annee={year}" target="_blank" rel="noopener">Voir la fiche complète →</a></footer>
</main></body></html>
"""


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    @app.server.route(PREFIX + "<code>")
    def commune_card(code: str):
        context = get_context()
        if code not in context.dataset.communes.index:
            return error_response(404, "Aucune commune du périmètre n'a ce code.")
        first, last = context.lookups.years
        try:  # the same default year as the pages: the latest source's
            year = min(max(int(flask.request.args.get("annee", context.lookups.default_year)), first), last)
        except ValueError:
            year = context.lookups.default_year
        chosen = shown.current()
        if chosen is not None:  # a staff member's draft (web/shown.py): said on the card too, never kept
            said = f'<body><p class="staff-view" role="status"><strong>{escape(chosen.title)}</strong></p>'
            return flask.Response(card(context, code, year).replace("<body>", said, 1), mimetype="text/html")
        return cached(f"{context.version}-{code}-{year}", "text/html", partial(card, context, code, year))
