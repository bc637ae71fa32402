"""The maps: regional (outlines, coloured communes, one marker per operation) and commune."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, theme
from dashboard.analysis import STATUS
from dashboard.figures.common import base_layout
from dashboard.mapgeo import bounds, feature_collection
from dashboard.schema import PRECISION_COMMUNE, STATUSES, Derived, Geo, Op, Status

# Trace order of the regional map, so that partial updates can address them by index.
DEPARTEMENTS, ACV_COMMUNES, OP_COMMUNES, *STATUS_TRACES, LABELS = range(4 + len(STATUSES))
# Trace order of the commune map.
NEIGHBOURS, THE_COMMUNE, *COMMUNE_STATUS_TRACES, COMMUNE_LABELS = range(3 + len(STATUSES))
SPREAD_DEG = 0.035  # radius of the circle on which operations of one commune are spread (region)
COMMUNE_SPREAD_DEG = 0.006  # the same at commune scale


def spread_positions(frame: pd.DataFrame, radius: float = SPREAD_DEG) -> pd.DataFrame:
    """Longitude and latitude for markers: operations placed at their commune only are
    spread on a small circle around it so that several in one commune all stay visible."""
    lon = frame[Op.LONGITUDE].astype(float).to_numpy().copy()
    lat = frame[Op.LATITUDE].astype(float).to_numpy().copy()
    approximate = (frame[Op.PRECISION_GEO] == PRECISION_COMMUNE).to_numpy()
    for _, positions in frame.reset_index(drop=True).groupby(Op.CODE_INSEE).indices.items():
        group = [p for p in sorted(positions) if approximate[p]]
        if len(group) < 2:
            continue
        for rank, position in enumerate(group):
            angle = 2 * math.pi * rank / len(group) + math.pi / 2
            lon[position] += radius * math.cos(angle) / math.cos(math.radians(lat[position]))
            lat[position] += radius * math.sin(angle)
    return pd.DataFrame({"lon": lon, "lat": lat}, index=frame.index)


def marker_sizes(dwellings: pd.Series, largest: int) -> list[float]:
    """Marker area proportional to dwellings; unknown dwellings get the smallest marker."""
    values = dwellings.astype("Float64").fillna(0).to_numpy(dtype=float)
    scale = np.sqrt(values / max(largest, 1))
    return list(np.round(theme.MARKER_MIN_PX + (theme.MARKER_MAX_PX - theme.MARKER_MIN_PX) * scale, 1))


def _hover_lines(frame: pd.DataFrame) -> list[str]:
    lines = []
    for _, row in frame.iterrows():
        name = row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]
        dwellings = formatting.number(row[Derived.LOGEMENTS_RETENUS])
        if row[Derived.LOGEMENTS_ORIGINE] == "somme du financement":
            dwellings += " (calculé d'après le financement)"
        where = "position approximative : centre de la commune" if row[Op.PRECISION_GEO] == PRECISION_COMMUNE \
            else f"position : {row[Op.PRECISION_GEO]}"
        lines.append(
            f"<b>{_escape(name)}</b><br>{_escape(row[Op.COMMUNE])} · {_escape(row[Op.ADRESSE] or 'adresse non publiée')}"
            f"<br>Logements : {dwellings}<br>Statut : {row[STATUS]}<br><i>{where}</i>"
        )
    return lines


def _escape(text: object) -> str:
    """Plotly renders a subset of HTML in hover text: data is shown as text, never markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def commune_dwellings(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(Op.CODE_INSEE).agg(
        commune=(Op.COMMUNE, "first"),
        operations=(Op.ID, "count"),
        logements=(Derived.LOGEMENTS_RETENUS, "sum"),
    )
    return grouped


def marker_trace_data(frame: pd.DataFrame, largest_op: int, *, first: int, radius: float = SPREAD_DEG) -> dict[int, dict]:
    """One marker trace per status, from trace index ``first`` on (legend entries stay put)."""
    positions = spread_positions(frame, radius)
    data = {}
    for index, status in enumerate(STATUSES, start=first):
        part = frame[frame[STATUS] == status]
        data[index] = {
            "lon": list(positions.loc[part.index, "lon"].round(5)),
            "lat": list(positions.loc[part.index, "lat"].round(5)),
            "customdata": [[c, i] for c, i in zip(part[Op.CODE_INSEE], part[Op.ID], strict=True)],
            "text": _hover_lines(part),
            "marker.size": marker_sizes(part[Derived.LOGEMENTS_RETENUS], largest_op),
        }
    return data


def commune_marker_data(frame: pd.DataFrame, largest_op: int) -> dict[int, dict]:
    return marker_trace_data(frame, largest_op, first=COMMUNE_STATUS_TRACES[0], radius=COMMUNE_SPREAD_DEG)


def add_marker_traces(figure: go.Figure, data: dict[int, dict], first: int) -> None:
    for index, status in enumerate(STATUSES, start=first):
        part = dict(data[index])
        size = part.pop("marker.size")
        announced = status == Status.ANNOUNCED
        figure.add_trace(go.Scattergeo(
            mode="markers", name=f"Opération {status}",
            marker={"size": size, "color": theme.STATUS_COLOURS[status], "symbol": theme.STATUS_SYMBOLS[status],
                    "line": {"color": theme.STATUS_COLOURS[status] if announced else theme.MARKER_LINE,
                             "width": 2 if announced else 1}, "opacity": 0.9},
            hovertemplate="%{text}<extra></extra>", **part,
        ))


def region_trace_data(frame: pd.DataFrame, acv_names: dict[str, str], *, largest_op: int) -> dict[int, dict]:
    """Everything that changes with the view, trace by trace (the geometry never does)."""
    per_commune = commune_dwellings(frame)
    acv_only = [code for code in acv_names if code not in per_commune.index]
    data: dict[int, dict] = {
        ACV_COMMUNES: {"locations": acv_only, "z": [1] * len(acv_only), "customdata": acv_only,
                       "text": [_escape(acv_names[code]) for code in acv_only]},
        OP_COMMUNES: {
            "locations": list(per_commune.index),
            "z": [int(v) for v in per_commune["logements"]],
            "customdata": list(per_commune.index),
            "text": [
                f"<b>{_escape(row.commune)}</b><br>{formatting.plural(row.operations, 'opération')}"
                f"<br>{formatting.number(row.logements)} logements"
                for row in per_commune.itertuples()
            ],
        },
    }
    data.update(marker_trace_data(frame, largest_op, first=STATUS_TRACES[0]))
    labels = frame.groupby(Op.CODE_INSEE)[[Op.COMMUNE]].first()
    anchors = frame.groupby(Op.CODE_INSEE)[[Op.LONGITUDE, Op.LATITUDE]].first()
    data[LABELS] = {
        "lon": list(anchors[Op.LONGITUDE].astype(float).round(5)),
        "lat": list((anchors[Op.LATITUDE].astype(float) - 2.2 * SPREAD_DEG).round(5)),
        "text": list(labels[Op.COMMUNE]),
    }
    return data


def region_map(
    frame: pd.DataFrame,
    *,
    acv_names: dict[str, str],
    communes_url: str,
    departements_url: str,
    departement_codes: list[str],
    view_bounds: tuple[float, float, float, float],
    largest_op: int,
    largest_commune: int,
    presentation: bool = False,
) -> go.Figure:
    """The regional map. Geometry comes by URL: it is fetched once and never re-sent."""
    data = region_trace_data(frame, acv_names, largest_op=largest_op)
    figure = go.Figure(layout=base_map_layout(view_bounds, presentation=presentation))
    figure.add_trace(go.Choropleth(
        geojson=departements_url, locations=departement_codes, z=[0] * len(departement_codes),
        colorscale=[[0, theme.DEPARTEMENT_FILL], [1, theme.DEPARTEMENT_FILL]], showscale=False,
        marker={"line": {"color": theme.DEPARTEMENT_LINE, "width": 1.2}}, hoverinfo="skip",
        name="Départements", showlegend=False,
    ))
    acv = data[ACV_COMMUNES]
    figure.add_trace(go.Choropleth(
        geojson=communes_url, colorscale=[[0, theme.ACV_FILL], [1, theme.ACV_FILL]], showscale=False,
        marker={"line": {"color": theme.ACV_LINE, "width": 1}},
        hovertemplate="<b>%{text}</b> · ville Action Cœur de Ville<br>aucune opération publiée dans la vue<extra></extra>",
        name="Ville Action Cœur de Ville<br>sans opération publiée", showlegend=True, **acv,
    ))
    figure.add_trace(go.Choropleth(
        geojson=communes_url, colorscale=theme.DWELLING_SCALE, zmin=0, zmax=max(largest_commune, 1),
        marker={"line": {"color": theme.TEXT, "width": 1}},
        colorbar={"title": {"text": "Logements<br>par commune"}, "thickness": 12, "len": 0.45, "x": 0.99,
                  "y": 0.98, "yanchor": "top", "tickformat": ",d"},
        hovertemplate="%{text}<extra></extra>", name="Commune avec opérations", **data[OP_COMMUNES],
    ))
    add_marker_traces(figure, data, STATUS_TRACES[0])
    figure.add_trace(go.Scattergeo(
        mode="text", textfont={"size": 13, "color": theme.TEXT}, hoverinfo="skip", showlegend=False,
        name="Noms", **data[LABELS],
    ))
    return figure


def font_size(presentation: bool) -> int:
    return 20 if presentation else 14


def base_map_layout(view_bounds: tuple[float, float, float, float], *, presentation: bool = False) -> go.Layout:
    minx, miny, maxx, maxy = view_bounds
    return base_layout(
        font={"family": theme.FONT, "color": theme.TEXT, "size": font_size(presentation)},
        height=760 if presentation else 680,
        uirevision="map",  # keep the view still while the data changes
        geo={
            "visible": False, "projection": {"type": "mercator"}, "bgcolor": theme.BACKGROUND,
            "lonaxis": {"range": [minx, maxx]}, "lataxis": {"range": [miny, maxy]},
            "showframe": False,
        },
        legend={"orientation": "v", "y": 1, "x": 0, "xanchor": "left", "yanchor": "top",
                "font": {"size": 13}, "bgcolor": "rgba(255,255,255,0.85)",
                "title": {"text": "Taille : logements<br>Position : la commune"}},
        dragmode="pan",
    )


def commune_map(frame: pd.DataFrame, around: gpd.GeoDataFrame, code: str, *, largest_op: int) -> go.Figure:
    """The commune and its neighbours in full detail, with the commune's operations."""
    figure = go.Figure(layout=base_map_layout(bounds(around.loc[[code]], margin=0.35)))
    figure.update_layout(height=420, legend={"title": {"text": "Position approximative sauf mention."}})
    geojson = feature_collection(around)
    neighbours = [c for c in around[Geo.CODE] if c != code]
    figure.add_trace(go.Choropleth(
        geojson=geojson, locations=neighbours, z=[0] * len(neighbours), customdata=neighbours,
        text=[around.at[c, Geo.NOM] for c in neighbours],
        colorscale=[[0, theme.DEPARTEMENT_FILL], [1, theme.DEPARTEMENT_FILL]], showscale=False,
        marker={"line": {"color": theme.DEPARTEMENT_LINE, "width": 1}},
        hovertemplate="%{text}<extra></extra>", name="Communes voisines", showlegend=False,
    ))
    figure.add_trace(go.Choropleth(
        geojson=geojson, locations=[code], z=[1], customdata=[code], text=[around.at[code, Geo.NOM]],
        colorscale=[[0, theme.ACV_FILL], [1, theme.ACV_FILL]], showscale=False,
        marker={"line": {"color": theme.ACV_LINE, "width": 2.5}},
        hovertemplate="<b>%{text}</b><extra></extra>", name=around.at[code, Geo.NOM], showlegend=False,
    ))
    add_marker_traces(figure, commune_marker_data(frame, largest_op), COMMUNE_STATUS_TRACES[0])
    labels = around.geometry.representative_point()
    figure.add_trace(go.Scattergeo(
        mode="text", lon=list(labels.x.round(5)), lat=list(labels.y.round(5)), text=list(around[Geo.NOM]),
        textfont={"size": 12, "color": theme.MUTED}, hoverinfo="skip", showlegend=False, name="Noms",
    ))
    return figure
