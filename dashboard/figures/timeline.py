"""Timeline: each operation's milestones drawn at the precision published (a year is a year)."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import wording
from dashboard.data.parsing import PartialDate
from dashboard.data.schema import Derived, Op, Status
from dashboard.data.sourcedates import reported
from dashboard.figures import theme
from dashboard.figures.common import base_layout, empty_figure, figure, integer, merged, plotly_text

MILESTONES = (
    (Op.DEBUT_TRAVAUX, Derived.DEBUT, "Début des travaux", Status.UNDER_WAY),
    (Op.LIVRAISON, Derived.FIN, "Livraison", Status.DELIVERED),
)
DAY_MS = 86_400_000
# Beyond this many operations, the timeline draws the first ones by date and says so: a bar chart of
# thousands of rows is neither readable nor drawable (30 px a row).
MAX_OPERATIONS = 40


def span(date: PartialDate) -> tuple[datetime.date, datetime.date]:
    """First day and the day after the last day the published date stands for."""
    first = datetime.date(*date.earliest())
    last = datetime.date(*date.latest())
    return first, last + datetime.timedelta(days=1)


def label(row: dict[str, Any]) -> str:
    """The operation's name as a tick label (and hover title): data, so escaped (``plotly_text``)."""
    place = row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]
    return plotly_text(f"{row[Op.COMMUNE]} · {place}")


KIND_REPORTED, KIND_FORECAST = "constaté", "prévu"


def milestone_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per drawn milestone (other passages' dates included), reported or forecast, for the
    operations that have one, from the dates the dataset parsed once (``Derived.DEBUT``, ``FIN``…)."""
    rows = []
    columns = [Op.NOM, Op.ADRESSE, Op.ID, Op.COMMUNE, Derived.DEBUT, Derived.FIN, Derived.VARIANTES]
    columns += [Derived.SOURCE_DATE, Derived.SOURCE_LABEL]
    for op_id, row in zip(frame.index, frame[columns].to_dict("records"), strict=True):
        variants = row[Derived.VARIANTES] if isinstance(row[Derived.VARIANTES], dict) else {}
        published = row[Derived.SOURCE_DATE]
        for column, derived, name, colour_key in MILESTONES:
            for date, variant in ((row[derived], False), (variants.get(column), True)):
                if not isinstance(date, PartialDate):
                    continue
                start, end = span(date)
                known = reported(date, published)
                rows.append(
                    {
                        "id": op_id,
                        "label": label(row),
                        "milestone": name,
                        "status": colour_key,
                        "start": start,
                        "end": end,
                        "text": wording.french_date(date),
                        "precision": date.precision,
                        "variant": variant,
                        "kind": KIND_REPORTED if known else KIND_FORECAST,
                        "source": row[Derived.SOURCE_LABEL],
                    }
                )
    return pd.DataFrame(rows)


def undated(frame: pd.DataFrame) -> pd.DataFrame:
    """Operations with no published date (only a duration, or nothing)."""
    return frame[undated_rows(frame)]


def undated_rows(frame: pd.DataFrame) -> np.ndarray:
    """Whether each operation of ``frame`` has no published date (``undated``)."""
    return np.asarray((frame[Op.LIVRAISON] == "") & (frame[Op.DEBUT_TRAVAUX] == ""), dtype=bool)


def first_by_date(frame: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, int]:
    """The ``limit`` operations whose first published date (start, else delivery) comes first, and how many
    operations have such a date; ``frame`` itself when it is short enough."""
    if len(frame) <= limit:
        return frame, len(frame)
    start, delivery = (
        frame[Op.DEBUT_TRAVAUX].to_numpy(dtype=object),
        frame[Op.LIVRAISON].to_numpy(dtype=object),
    )
    first = np.where(start != "", start, delivery)  # dates are ISO: their text sorts as they do
    dated = np.flatnonzero(first != "")
    # Rank the distinct dates only (a few thousand at most), then the operations by that rank.
    ranks, _ = pd.factorize(first[dated], sort=True)
    chosen = dated[np.argsort(ranks, kind="stable")[:limit]]
    return frame.iloc[chosen], len(dated)


def timeline_figure(frame: pd.DataFrame, *, year: int, presentation: bool = False) -> go.Figure:
    shown, dated = first_by_date(frame, MAX_OPERATIONS)
    rows = milestone_rows(shown)
    if rows.empty:
        return empty_figure("Aucune date publiée pour les opérations de la vue")
    order = rows.groupby("label")["start"].min().sort_values().index.tolist()
    bars = []
    for (name, kind, variant), part in rows.groupby(["milestone", "kind", "variant"], sort=False):
        bars.append(_bars(part, name, kind, variant))
    capped = {}
    if len(shown) < len(frame):
        capped = {
            "title": {
                "text": f"Les {len(shown)} premières opérations par date, sur {integer(dated)} datées : "
                "filtrer (département, commune…) pour voir les autres",
                "x": 0,
                "xanchor": "left",
                "font": {"size": 13, "color": theme.MUTED},
            },
            "margin": {"t": 64},
        }
    return figure(
        bars,
        merged(
            base_layout(
                font={"size": 18 if presentation else 14},
                height=max(220, (30 if not presentation else 40) * len(order) + 110),
                barmode="overlay",
                margin={"l": 8, "r": 16, "t": 28, "b": 40},
                xaxis={
                    "type": "date",
                    "gridcolor": "#e4e7eb",
                    "dtick": "M12",
                    "tickformat": "%Y",
                    "ticklabelmode": "period",
                },
                yaxis={
                    "categoryorder": "array",
                    "categoryarray": order,
                    "autorange": "reversed",
                    "automargin": True,
                },
                # The key even for one kind of bar: plotly.js hides a lone trace's, and a calendar of one
                # planned delivery (Cambrai, Arras, Creil, Amiens) said nowhere what its hatching means.
                showlegend=True,
                legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
                **year_marks(year),
            ),
            capped,
        ),
    )


def _bars(part: pd.DataFrame, name: str, kind: str, variant: bool) -> dict[str, Any]:
    """One bar trace: solid when a source reports the date, hatched when it is a plan (a forecast)."""
    colour = theme.STATUS_COLOURS[part["status"].iloc[0]]
    forecast = kind == KIND_FORECAST
    title = f"{name} prévue" if forecast and name == "Livraison" else f"{name} prévu" if forecast else name
    hovers = []
    for lab, text, prec, source in zip(
        part["label"], part["text"], part["precision"], part["source"], strict=True
    ):
        how = f"prévision publiée en {source}" if forecast else f"constaté (source de {source})"
        other = "<br><i>date donnée par un autre passage des sources</i>" if variant else ""
        hovers.append(f"<b>{lab}</b><br>{name} : {text} (précision : {prec})<br>{how}{other}")
    return {
        "type": "bar",
        "orientation": "h",
        "y": list(part["label"]),
        "base": [d.isoformat() for d in part["start"]],
        "x": [(e - s).days * DAY_MS for s, e in zip(part["start"], part["end"], strict=True)],
        "name": f"{title} (autre passage)" if variant else title,
        "legendgroup": f"{name}-{kind}",
        "marker": {
            "color": "#ffffff" if forecast or variant else colour,
            "line": {"color": colour, "width": 2},
            "pattern": {"shape": "x" if variant else "/" if forecast else "", "fgcolor": colour},
        },
        "customdata": list(part["id"]),
        "hovertext": hovers,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "width": 0.35 if variant else 0.55,
    }


def year_marks(year: int) -> dict[str, Any]:
    """The dotted line at the end of ``year`` and its label: all that a year change moves on the timeline."""
    end_of_year = datetime.date(year + 1, 1, 1).isoformat()
    return {
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": end_of_year,
                "x1": end_of_year,
                "y0": 0,
                "y1": 1,
                "line": {"color": theme.TEXT, "width": 2, "dash": "dot"},
            }
        ],
        "annotations": [
            {
                "xref": "x",
                "yref": "paper",
                "x": end_of_year,
                "y": 1,
                "yanchor": "bottom",
                "text": f"fin {year}",
                "showarrow": False,
                "font": {"size": 12},
            }
        ],
    }
