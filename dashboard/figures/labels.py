"""Where to write each name beside its symbol so that no two names, and no name and symbol, overlap.

Greedy, largest symbol first, over Plotly's eight text positions, in the pixels of a map of the given
size (a Mercator projection fitted to the view, as Plotly's ``geo`` does). The estimate of a label's size
errs on the large side, so that the real one, drawn in the browser, fits inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

CHAR_WIDTH: Final = 0.62  # of the font size, for the widest names of the system sans-serif fonts
LINE_HEIGHT: Final = 1.3
GAP_PX: Final = 3.0
# Plotly's positions, in the order they are tried: beside first, then above, below, on the diagonals.
POSITIONS: Final = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)


@dataclass(frozen=True)
class Label:
    """A name to write beside a symbol of ``size`` pixels (its diameter; 0 for a name alone)."""

    key: str
    text: str
    lon: float
    lat: float
    size: float
    optional: bool = False  # left unwritten (position "") where every position would overlap


Box = tuple[float, float, float, float]  # left, top, right, bottom, in pixels (y downwards)


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))


def projector(
    bounds: tuple[float, float, float, float], plot_px: tuple[float, float]
) -> Callable[[float, float], tuple[float, float]]:
    """lon, lat → pixels of a plot area of ``plot_px``, the view ``bounds`` fitted inside it."""
    minx, miny, maxx, maxy = bounds
    width, height = plot_px
    x_span = math.radians(maxx - minx) or 1e-9
    y_span = (_mercator(maxy) - _mercator(miny)) or 1e-9
    scale = min(width / x_span, height / y_span)
    top = _mercator(maxy)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return math.radians(lon - minx) * scale, (top - _mercator(lat)) * scale

    return project


def label_box(x: float, y: float, radius: float, width: float, height: float, position: str) -> Box:
    vertical, horizontal = position.split(" ")
    offset = radius + GAP_PX
    if horizontal == "right":
        left = x + (offset if vertical == "middle" else offset * 0.7)
    elif horizontal == "left":
        left = x - (offset if vertical == "middle" else offset * 0.7) - width
    else:
        left = x - width / 2
    if vertical == "top":
        top = y - offset - height
    elif vertical == "bottom":
        top = y + offset
    else:
        top = y - height / 2
    return left, top, left + width, top + height


def overlap(a: Box, b: Box) -> float:
    """Area the two boxes share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _cost(box: Box, taken: list[Box], frame: Box) -> float:
    """What a position hides: the area it shares with names and symbols, and (worse) what falls off the
    map, where Plotly cuts it."""
    outside = (box[2] - box[0]) * (box[3] - box[1]) - overlap(box, frame)
    return sum(overlap(box, other) for other in taken) + 4 * outside


def place_labels(
    labels: list[Label],
    *,
    plot_px: tuple[float, float],
    font_px: float,
    bounds: tuple[float, float, float, float] | None = None,
) -> dict[str, str]:
    """A Plotly ``textposition`` for each label key; "" for an optional label with no free room."""
    if not labels:
        return {}
    if bounds is None:
        lons, lats = [label.lon for label in labels], [label.lat for label in labels]
        bounds = (min(lons) - 0.5, min(lats) - 0.3, max(lons) + 0.5, max(lats) + 0.3)
    project = projector(bounds, plot_px)
    frame = (0.0, 0.0, *project(bounds[2], bounds[1]))  # Plotly clips what falls outside the view's bounds
    points = {label.key: project(label.lon, label.lat) for label in labels}
    taken: list[Box] = [
        (x - label.size / 2, y - label.size / 2, x + label.size / 2, y + label.size / 2)
        for label in labels
        if label.size
        for x, y in [points[label.key]]
    ]
    chosen: dict[str, str] = {}
    for label in sorted(labels, key=lambda item: -item.size):
        if not label.text:  # nothing written (too many symbols to name): no room to find
            chosen[label.key] = POSITIONS[0]
            continue
        x, y = points[label.key]
        width, height = len(label.text) * CHAR_WIDTH * font_px, LINE_HEIGHT * font_px
        options = [
            (position, label_box(x, y, label.size / 2, width, height, position)) for position in POSITIONS
        ]
        costs = [(_cost(box, taken, frame), rank) for rank, (_, box) in enumerate(options)]
        cost, best = min(costs)
        if label.optional and cost > 0:  # a dense map: the name is in the hover, not over another
            chosen[label.key] = ""
            continue
        position, box = options[best]
        chosen[label.key] = position
        taken.append(box)
    return chosen
