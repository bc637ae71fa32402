"""Layout defaults every figure shares."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import theme


def base_layout(**overrides) -> go.Layout:
    layout = go.Layout(
        font={"family": theme.FONT, "color": theme.TEXT, "size": 14},
        separators=theme.PLOTLY_SEPARATORS,
        paper_bgcolor=theme.BACKGROUND,
        plot_bgcolor=theme.BACKGROUND,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        hoverlabel={"font": {"family": theme.FONT, "size": 14}},
    )
    layout.update(overrides)
    return layout


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it has nothing to show."""
    figure = go.Figure(layout=base_layout(height=160))
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                          font={"size": 16, "color": theme.MUTED})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure
