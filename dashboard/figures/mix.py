"""Tenure mix: dwellings by published financing code, most social first."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.data import wording
from dashboard.data.parsing import MIX_CODE_SEPARATOR
from dashboard.data.schema import FINANCING_LABELS, UNSPECIFIED_MIX
from dashboard.figures import theme
from dashboard.figures.common import base_layout, empty_figure, figure, plotly_text
from dashboard.model import formatting


def code_colour(code: str) -> str:
    return theme.TENURE_COLOURS.get(code.split(MIX_CODE_SEPARATOR)[0], theme.TENURE_COLOURS[UNSPECIFIED_MIX])


def code_label(code: str) -> str:
    if code == UNSPECIFIED_MIX:
        return "Financement non précisé"
    parts = code.split(MIX_CODE_SEPARATOR)
    if len(parts) > 1:
        return f"{code} : répartition entre {' et '.join(parts)} non publiée"
    return f"{code} : {FINANCING_LABELS.get(code, code)}"


def _hover(code: str, row: Any) -> str:
    unspecified = "<br><i>logements connus des opérations sans financement publié</i>"
    return (
        f"<b>{plotly_text(code_label(code))}</b><br>{formatting.number(row.logements)} logements"
        f"<br>{wording.plural(row.operations, 'opération')}"
        + (unspecified if code == UNSPECIFIED_MIX else "")
    )


def _bar(code: str, label: str, value: Any, text: str) -> dict[str, Any]:
    """One trace per code: plotly.js mis-reads a hatch pattern combined with per-bar colours."""
    return {
        "type": "bar",
        "orientation": "h",
        "y": [label],
        "x": [int(value)],
        "name": label,
        "showlegend": False,
        "marker": {
            "color": code_colour(code),
            "line": {"color": theme.TEXT, "width": 0.5},
            "pattern": {
                "shape": theme.COMBINED_PATTERN if MIX_CODE_SEPARATOR in code else "",
                "fgcolor": "#ffffff",
                "size": 6,
            },
        },
        "text": [formatting.number(value)],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": [text],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


def mix_figure(summary: pd.DataFrame, *, presentation: bool = False) -> go.Figure:
    """Horizontal bars, one per code; combined codes hatched, never split by guess."""
    if summary.empty:
        return empty_figure("Aucune opération dans la vue")
    codes = list(summary["code"])
    shown = [plotly_text(code) for code in codes]  # checked against the vocabulary, escaped all the same
    bars = [
        _bar(code, label, value, _hover(code, row))
        for code, label, value, row in zip(
            codes, shown, summary["logements"], summary.itertuples(), strict=True
        )
    ]
    return figure(
        bars,
        base_layout(
            font={"size": 20 if presentation else 14},
            # Each bar's value in the chart's type size: plotly.js shrank those that lacked room to ~10 px.
            uniformtext={"minsize": 20 if presentation else 14, "mode": "show"},
            height=None if presentation else 34 * len(codes) + 60,  # the slide: the height of its box
            margin={"l": 8, "r": 48, "t": 8, "b": 36},
            xaxis={
                "title": {"text": "Logements"},
                "tickformat": ",d",
                "gridcolor": "#e4e7eb",
                "rangemode": "tozero",
                # The slide: each bar says its value, so the scale's numbers go and the bars get their
                # room (on a 4:3 projector plotly.js dropped every other code's name for want of it).
                "showticklabels": not presentation,
                "showgrid": not presentation,
            },
            yaxis={
                "autorange": "reversed",
                "type": "category",
                "categoryorder": "array",
                "categoryarray": shown,
                "tickmode": "array",  # every code named, never one in two
                "tickvals": shown,
            },
            bargap=0.15 if presentation else 0.25,
        ),
    )
