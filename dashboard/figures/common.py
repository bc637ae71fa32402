"""Layout defaults every figure shares, and figures built from plain dicts."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.figures import theme
from dashboard.model import formatting

NARROW_NO_BREAK_SPACE = "\u202f"  # the French thousands separator, as babel writes it


def integer(value: Any) -> str:
    """``formatting.number`` of a whole number (``1 841``), without babel's cost per call: a map's
    hover texts format thousands of them on every year change. Unknown: ``non publié``."""
    if formatting.is_missing(value):
        return formatting.UNKNOWN
    return f"{int(value):,}".replace(",", NARROW_NO_BREAK_SPACE)


def plotly_text(text: object) -> str:
    """``text`` shown as written: Plotly draws a subset of HTML found in any text it renders (titles, tick
    labels, annotations, hovers, legends, labels), where ``<a href>`` becomes a live link and ``<b style>``
    restyles. Every data string goes through here before it reaches a figure; Plotly decodes the
    entities back when it draws."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def count_of(count: int, singular: str) -> str:
    """``wording.plural`` for a word whose plural takes an s: ``1 opération``, ``1 841 opérations``."""
    return f"{integer(count)} {singular if count <= 1 else singular + 's'}"


def merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated by ``overrides`` key by key, nested dicts merged as ``Layout.update`` does."""
    out = dict(base)
    for key, value in overrides.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def base_layout(**overrides: Any) -> dict[str, Any]:
    layout = {
        "font": {"family": theme.FONT, "color": theme.TEXT, "size": 14},
        "separators": theme.PLOTLY_SEPARATORS,
        "paper_bgcolor": theme.BACKGROUND,
        "plot_bgcolor": theme.BACKGROUND,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "hoverlabel": {"font": {"family": theme.FONT, "size": 14}},
    }
    return merged(layout, overrides)


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A typed figure from plain dicts, without checking each property on the way in.

    Checking (``go.Figure``'s default) takes 5 to 10 times as long as building the figure and runs on
    every callback; tests/test_figures.py checks what every builder returns instead.
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it has nothing to show."""
    return figure(
        [],
        base_layout(
            height=160,
            annotations=[
                {
                    "text": message,
                    "showarrow": False,
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                    "font": {"size": 16, "color": theme.MUTED},
                }
            ],
            xaxis={"visible": False},
            yaxis={"visible": False},
        ),
    )
