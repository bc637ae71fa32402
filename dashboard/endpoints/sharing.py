"""Sharing previews: the image a mail client or a chat shows beside a pasted link (``og:image``), drawn on the
server with Pillow (no browser, no network) once per data version and page, and the meta tags naming it."""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Callable
from functools import cache, partial
from html import escape
from pathlib import Path

import flask
from dash import Dash
from PIL import Image, ImageDraw, ImageFont

from dashboard.data import wording
from dashboard.data.schema import Op
from dashboard.endpoints.opendata import cached
from dashboard.figures import theme
from dashboard.model.recent import Recent
from dashboard.web import pages, views
from dashboard.web.context import Context
from dashboard.web.pages import commune, region
from dashboard.web.routes import route

ROUTE = "/apercu/"
SIZE = (1200, 630)  # what Open Graph and Twitter's large card expect
MAP_BOX = (640, 40, 1160, 590)  # left, top, right, bottom of the drawn outline
KEEP = 64  # images kept in memory, per process
TWITTER_COPIES = re.compile(r'\s*<meta property="twitter:(?:title|description|image)" content="[^"]*">')
REGION = "region"
LINE_WIDTH, LINES = 34, 7  # the page's description, in characters a line and lines under the name


FONTS = Path(__file__).resolve().parent / "fonts"  # Liberation Sans: Pillow's own font has no « é » nor « œ »


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _words(code: str | None) -> tuple[str, str]:
    """The page's own name and description (dashboard.web.pages): a preview says what the page says."""
    if code is None:
        return views.current_context().lookups.perimeter_name, region.description()
    return commune.title(code).split(" : ")[0], commune.description(code)


def _outline(draw: ImageDraw.ImageDraw, geometry, points: list[tuple[float, float]]) -> None:
    """``geometry`` fitted in ``MAP_BOX``, and the operations' positions as dots."""
    left, top, right, bottom = MAP_BOX
    min_x, min_y, max_x, max_y = geometry.bounds
    scale = min((right - left) / max(max_x - min_x, 1e-9), (bottom - top) / max(max_y - min_y, 1e-9)) * 0.95
    dx = left + ((right - left) - (max_x - min_x) * scale) / 2
    dy = top + ((bottom - top) - (max_y - min_y) * scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return dx + (x - min_x) * scale, dy + (max_y - y) * scale

    simple = geometry.simplify(max(max_x - min_x, max_y - min_y) / 500)
    for polygon in getattr(simple, "geoms", [simple]):
        draw.polygon(
            [at(x, y) for x, y in polygon.exterior.coords], fill=theme.ACV_FILL, outline=theme.ACV_LINE
        )
    for lon, lat in points:
        x, y = at(lon, lat)
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=theme.ACCENT, outline="#ffffff", width=2)


def said_lines(description: str) -> list[str]:
    """The page's description as the preview writes it under the name: the sources' dates go on the last
    line. More than ``LINES`` would be cut (tests/test_sharing.py checks every page's)."""
    return textwrap.wrap(description.split(" Sources publiées")[0], LINE_WIDTH)


def preview_png(context: Context, code: str | None) -> bytes:
    """The preview of the region (``None``) or of a commune: name, figures, outline and operations."""
    image = Image.new("RGB", SIZE, theme.BACKGROUND)
    draw = ImageDraw.Draw(image)
    name, text = _words(code)
    draw.text((60, 60), "Cœur de Ville · Clésence", font=_font(30, bold=True), fill=theme.ACCENT)
    draw.text((60, 120), name, font=_font(64 if len(name) < 16 else 46, bold=True), fill=theme.TEXT)
    for index, line in enumerate(said_lines(text)[:LINES]):
        draw.text((60, 222 + 40 * index), line, font=_font(30), fill=theme.TEXT)
    sources = wording.sources_published(context.dataset.source_dates)
    draw.text((60, 560), f"{sources} · Licence Ouverte", font=_font(22), fill=theme.MUTED)
    if code is None:
        geometry = context.dataset.departements.geometry.union_all()
        operations = context.dataset.operations
    else:
        geometry = context.dataset.communes.geometry[code]
        operations = context.dataset.operations[context.dataset.operations[Op.CODE_INSEE] == code]
    points = list(
        zip(operations[Op.LONGITUDE].astype(float), operations[Op.LATITUDE].astype(float), strict=True)
    )
    _outline(draw, geometry, points)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_path(context: Context, path: str) -> str | None:
    """The preview's path for the page at ``path``; ``None`` for a page that does not exist."""
    found = route(path, context)
    if not pages.PAGES[found.kind].graphs:  # a page that does not exist, or draws no place
        return None
    return f"{ROUTE}{found.commune or REGION}.png"


def with_preview(metas: str, context: Context, request: flask.Request) -> str:
    """Dash Pages' meta tags with the preview image filled in, plus the site's name and language."""
    root = views.public_root()
    # Dash Pages writes the page's address (twitter:url) from the request: the public one instead.
    metas = metas.replace(f'content="{escape(request.host_url)}', f'content="{escape(root)}/')
    # Dash Pages writes each tag twice (og: and twitter:); X reads the og: tags where its own are missing,
    # and the description alone was 330 bytes of every page's head: the twitter: copies go.
    metas = TWITTER_COPIES.sub("", metas).replace('property="twitter:url"', 'property="og:url"')
    path = image_path(context, request.path)
    if path is None:
        return metas
    url = escape(root + path)
    metas = metas.replace('property="og:image" content=""', f'property="og:image" content="{url}"')
    extra = (
        f'<meta property="og:image:width" content="{SIZE[0]}">'
        f'<meta property="og:image:height" content="{SIZE[1]}">'
        '<meta property="og:site_name" content="Cœur de Ville">'
        '<meta property="og:locale" content="fr_FR">'
    )
    return metas + extra


def register(app: Dash, get_context: Callable[[], Context]) -> None:
    images = Recent(KEEP)

    def drawn(context: Context, name: str) -> bytes:
        return images.get(
            (context.version, name), lambda: preview_png(context, None if name == REGION else name)
        )

    @app.server.route(ROUTE + "<name>.png")
    def preview(name: str):
        context = get_context()
        if name != REGION and name not in context.dataset.communes.index:
            flask.abort(404)
        return cached(f"{context.version}-{name}", "image/png", partial(drawn, context, name))
