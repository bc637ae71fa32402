"""The calendar as a list of milestones, by year: what a phone shows instead of the timeline chart. Pure."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.figures.timeline import MAX_OPERATIONS, first_by_date, milestone_rows
from dashboard.model import formatting


def milestone_list(frame: pd.DataFrame) -> html.Div:
    """Each dated milestone of the operations shown (the first ``MAX_OPERATIONS`` by date, as the chart),
    under its year, earliest first: « Arras · Résidence Nobel — livraison 2023 (constaté) »."""
    shown, total = first_by_date(frame, MAX_OPERATIONS)
    rows = milestone_rows(shown)
    if rows.empty:
        return html.Div(className="milestone-list")
    rows = rows.assign(year=[start.year for start in rows["start"]]).sort_values(
        ["start", "label"], kind="stable"
    )
    years = [
        html.Li(
            [
                html.H3(str(year), className="milestone-year"),
                html.Ul([html.Li(_milestone_text(row)) for row in part.to_dict("records")]),
            ]
        )
        for year, part in rows.groupby("year", sort=True)
    ]
    more = (
        html.P(
            f"Les {formatting.number(MAX_OPERATIONS)} premières opérations par date, sur "
            f"{formatting.number(total)} : voir le tableau.",
            className="note",
        )
        if total > len(shown)
        else None
    )
    return html.Div([html.Ol(years, className="milestone-years"), more], className="milestone-list")


def _milestone_text(row: dict) -> str:
    other = " (autre date publiée)" if row["variant"] else ""
    return f"{row['label']} — {row['milestone'].lower()} {row['text']} ({row['kind']}){other}"
