"""The maps: regional (outlines, coloured communes, one marker per operation) and commune."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.analysis import STATUS
from dashboard.figures.common import base_layout, count_of, figure, integer, merged
from dashboard.mapgeo import bounds, feature_collection
from dashboard.schema import LOGEMENTS_FROM_MIX, PRECISION_COMMUNE, STATUSES, Derived, Geo, Op, Status

# Trace order of the regional map, so that partial updates can address them by index.
DEPARTEMENTS, ACV_COMMUNES, OP_COMMUNES, *STATUS_TRACES, LABELS = range(4 + len(STATUSES))
# Trace order of the commune map.
NEIGHBOURS, THE_COMMUNE, *COMMUNE_STATUS_TRACES, COMMUNE_LABELS = range(3 + len(STATUSES))
# Beyond this many operations in the view, one marker per commune and status instead of one per operation:
# a few thousand SVG markers are what a browser without GPU still draws in about a second.
MAX_OPERATION_MARKERS = 1_000
GROUPED_MARKER_PX = (3, 12)  # thousands of markers: small enough to leave the communes' colours visible
MAX_NAMES = 60  # commune names written on the regional map, beyond which they would hide each other
PLURAL_STATUSES = {Status.DELIVERED: "livrées", Status.UNDER_WAY: "en travaux", Status.ANNOUNCED: "annoncées"}
OPERATION_HOVER = "%{text}<extra></extra>"
# customdata of a marker standing for the operations of one status in one commune:
# code, name, count, dwellings
GROUPED_HOVER = (
    "<b>%{{customdata[1]}}</b><br>{operations} : %{{customdata[2]:,d}}<br>Logements : %{{customdata[3]:,d}}"
    "<extra></extra>"
)
SPREAD_DEG = 0.035  # radius of the circle on which operations of one commune are spread (region)
COMMUNE_SPREAD_DEG = 0.006  # the same at commune scale


def spread_positions(frame: pd.DataFrame, radius: float = SPREAD_DEG) -> pd.DataFrame:
    """Longitude and latitude for markers: operations placed at their commune only are
    spread on a small circle around it so that several in one commune all stay visible."""
    lon = frame[Op.LONGITUDE].to_numpy(dtype=float, na_value=np.nan).copy()
    lat = frame[Op.LATITUDE].to_numpy(dtype=float, na_value=np.nan).copy()
    approximate = (frame[Op.PRECISION_GEO] == PRECISION_COMMUNE).to_numpy(dtype=bool)
    codes = frame[Op.CODE_INSEE].tolist()
    groups: dict[str, list[int]] = {}
    for position in np.flatnonzero(approximate).tolist():
        groups.setdefault(codes[position], []).append(position)
    for group in groups.values():
        if len(group) < 2:
            continue
        for rank, position in enumerate(group):
            angle = 2 * math.pi * rank / len(group) + math.pi / 2
            lon[position] += radius * math.cos(angle) / math.cos(math.radians(lat[position]))
            lat[position] += radius * math.sin(angle)
    return pd.DataFrame({"lon": lon, "lat": lat}, index=frame.index)


def marker_sizes(
    dwellings: pd.Series,
    largest: int,
    *,
    pixels: tuple[float, float] = (theme.MARKER_MIN_PX, theme.MARKER_MAX_PX),
) -> list[float]:
    """Marker area proportional to dwellings; unknown dwellings get the smallest marker."""
    values = dwellings.astype("Float64").fillna(0).to_numpy(dtype=float)
    scale = np.sqrt(values / max(largest, 1))
    smallest, biggest = pixels
    return list(np.round(smallest + (biggest - smallest) * scale, 1))


HOVER_COLUMNS = (
    Op.NOM,
    Op.ADRESSE,
    Op.ID,
    Op.COMMUNE,
    Derived.LOGEMENTS_RETENUS,
    Derived.LOGEMENTS_ORIGINE,
    Op.PRECISION_GEO,
    STATUS,
)


def _hover_lines(frame: pd.DataFrame) -> list[str]:
    lines = []
    for nom, adresse, op_id, commune, dwellings, origin, precision, status in zip(
        *(frame[column].tolist() for column in HOVER_COLUMNS), strict=True
    ):
        shown = integer(dwellings)
        if origin == LOGEMENTS_FROM_MIX:
            shown += " (calculé d'après le financement)"
        where = (
            "position approximative : centre de la commune"
            if precision == PRECISION_COMMUNE
            else f"position : {precision}"
        )
        lines.append(
            f"<b>{_escape(nom or adresse or op_id)}</b><br>{_escape(commune)} · "
            f"{_escape(adresse or 'adresse non publiée')}"
            f"<br>Logements : {shown}<br>Statut : {status}<br><i>{where}</i>"
        )
    return lines


def _escape(text: object) -> str:
    """Plotly renders a subset of HTML in hover text: data is shown as text, never markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def commune_dwellings(frame: pd.DataFrame) -> pd.DataFrame:
    """Per commune code: its name, position (of its first operation), operations and dwellings."""
    grouped = frame.groupby(Op.CODE_INSEE, sort=True)
    per_commune = grouped[[Op.COMMUNE, Op.LONGITUDE, Op.LATITUDE]].first()
    per_commune["operations"] = grouped.size()
    per_commune["logements"] = grouped[Derived.LOGEMENTS_RETENUS].sum()
    return per_commune.rename(columns={Op.COMMUNE: "commune"})


def marker_trace_data(
    frame: pd.DataFrame, largest_op: int, *, first: int, radius: float = SPREAD_DEG
) -> dict[int, dict[str, Any]]:
    """One marker trace per status, from trace index ``first`` on (legend entries stay put)."""
    positions = spread_positions(frame, radius)
    status = frame[STATUS]
    frame = frame[
        list(dict.fromkeys([Op.CODE_INSEE, *HOVER_COLUMNS]))
    ]  # the columns read below, not all thirty
    data = {}
    for index, name in enumerate(STATUSES, start=first):
        chosen = (status == name).to_numpy(dtype=bool)
        part = frame[chosen]
        data[index] = {
            "name": f"Opération {name}",
            "lon": list(positions["lon"][chosen].round(5)),
            "lat": list(positions["lat"][chosen].round(5)),
            "customdata": [
                [c, i] for c, i in zip(part[Op.CODE_INSEE].tolist(), part[Op.ID].tolist(), strict=True)
            ],
            "text": _hover_lines(part),
            "hovertemplate": OPERATION_HOVER,
            "marker.size": marker_sizes(part[Derived.LOGEMENTS_RETENUS], largest_op),
        }
    return data


def grouped_marker_data(
    frame: pd.DataFrame, largest_commune: int, *, first: int, radius: float = SPREAD_DEG
) -> dict[int, dict[str, Any]]:
    """One marker per commune and status, for views with too many operations to draw one each: a few
    thousand points at most (the communes), each status at its own place around its commune's first
    operation. Counted with numpy (bincount over commune × status), and the hover text is put together
    in the browser from customdata (GROUPED_HOVER): the year change of a crowded view stays light."""
    communes, codes = pd.factorize(frame[Op.CODE_INSEE], sort=True)
    statuses = pd.Categorical(frame[STATUS], categories=list(STATUSES)).codes.astype(np.int64)
    keys = statuses * len(codes) + communes
    size = len(STATUSES) * len(codes)
    counts = np.bincount(keys, minlength=size).reshape(len(STATUSES), len(codes))
    dwellings = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=0.0)
    sums = np.bincount(keys, weights=dwellings, minlength=size).reshape(len(STATUSES), len(codes))
    firsts = np.empty(len(codes), dtype=np.int64)
    firsts[communes[::-1]] = np.arange(len(communes))[
        ::-1
    ]  # each commune's first operation: the last write wins
    codes = codes.tolist()
    names = [_escape(name) for name in frame[Op.COMMUNE].to_numpy(dtype=object)[firsts]]
    lon = frame[Op.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)[firsts]
    lat = frame[Op.LATITUDE].to_numpy(dtype=float, na_value=np.nan)[firsts]
    data = {}
    for rank, (index, name) in enumerate(enumerate(STATUSES, start=first)):
        shown = np.flatnonzero(counts[rank])
        angle = 2 * math.pi * rank / len(STATUSES) + math.pi / 2
        data[index] = {
            "name": f"Opérations {PLURAL_STATUSES[name]} (un rond par commune)",
            "lon": np.round(
                lon[shown] + radius * math.cos(angle) / np.cos(np.radians(lat[shown])), 4
            ).tolist(),
            "lat": np.round(lat[shown] + radius * math.sin(angle), 4).tolist(),
            "customdata": [
                [codes[c], names[c], n, d]
                for c, n, d in zip(
                    shown.tolist(),
                    counts[rank][shown].tolist(),
                    sums[rank][shown].astype(int).tolist(),
                    strict=True,
                )
            ],
            "text": [],
            "hovertemplate": GROUPED_HOVER.format(operations=f"Opérations {PLURAL_STATUSES[name]}"),
            "marker.size": marker_sizes(
                pd.Series(sums[rank][shown]), largest_commune, pixels=GROUPED_MARKER_PX
            ),
        }
    return data


def commune_marker_data(frame: pd.DataFrame, largest_op: int) -> dict[int, dict[str, Any]]:
    return marker_trace_data(frame, largest_op, first=COMMUNE_STATUS_TRACES[0], radius=COMMUNE_SPREAD_DEG)


def marker_traces(data: dict[int, dict[str, Any]], first: int) -> list[dict[str, Any]]:
    traces = []
    for index, status in enumerate(STATUSES, start=first):
        part = dict(data[index])
        size = part.pop("marker.size")
        announced = status == Status.ANNOUNCED
        traces.append(
            {
                "type": "scattergeo",
                "mode": "markers",
                "marker": {
                    "size": size,
                    "color": theme.STATUS_COLOURS[status],
                    "symbol": theme.STATUS_SYMBOLS[status],
                    "line": {
                        "color": theme.STATUS_COLOURS[status] if announced else theme.MARKER_LINE,
                        "width": 2 if announced else 1,
                    },
                    "opacity": 0.9,
                },
                **part,
            }
        )
    return traces


def region_marker_data(
    frame: pd.DataFrame, *, largest_op: int, largest_commune: int
) -> dict[int, dict[str, Any]]:
    """The regional map's markers: all that a year change moves when the operations shown stay the same."""
    if len(frame) <= MAX_OPERATION_MARKERS:
        return marker_trace_data(frame, largest_op, first=STATUS_TRACES[0])
    return grouped_marker_data(frame, largest_commune, first=STATUS_TRACES[0])


def region_trace_data(
    frame: pd.DataFrame, acv_names: dict[str, str], *, largest_op: int, largest_commune: int | None = None
) -> dict[int, dict[str, Any]]:
    """Everything that changes with the view, trace by trace (the geometry never does).

    Up to ``MAX_OPERATION_MARKERS`` operations, one marker each; beyond, one per commune and status,
    and commune names only up to ``MAX_NAMES`` communes (hover still names each).
    """
    per_commune = commune_dwellings(frame)
    acv_only = [code for code in acv_names if code not in per_commune.index]
    codes = per_commune.index.tolist()
    data: dict[int, dict[str, Any]] = {
        ACV_COMMUNES: {
            "locations": acv_only,
            "z": [1] * len(acv_only),
            "customdata": acv_only,
            "text": [_escape(acv_names[code]) for code in acv_only],
        },
        OP_COMMUNES: {
            "locations": codes,
            "z": [int(v) for v in per_commune["logements"].tolist()],
            "customdata": codes,
            "text": [
                f"<b>{_escape(commune)}</b><br>{count_of(count, 'opération')}"
                f"<br>{integer(dwellings)} logements"
                for commune, count, dwellings in zip(
                    per_commune["commune"].tolist(),
                    per_commune["operations"].tolist(),
                    per_commune["logements"].tolist(),
                    strict=True,
                )
            ],
        },
    }
    data.update(
        region_marker_data(
            frame,
            largest_op=largest_op,
            largest_commune=largest_commune or int(per_commune["logements"].max()),
        )
    )
    named = per_commune if len(per_commune) <= MAX_NAMES else per_commune.iloc[:0]
    data[LABELS] = {
        "lon": list(named[Op.LONGITUDE].astype(float).round(5)),
        "lat": list((named[Op.LATITUDE].astype(float) - 2.2 * SPREAD_DEG).round(5)),
        "text": named["commune"].tolist(),
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
    data = region_trace_data(frame, acv_names, largest_op=largest_op, largest_commune=largest_commune)
    traces = [
        _departements_trace(departements_url, departement_codes),
        *_commune_traces(communes_url, data, largest_commune),
        *marker_traces(data, STATUS_TRACES[0]),
        {
            "type": "scattergeo",
            "mode": "text",
            "textfont": {"size": 13, "color": theme.TEXT},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "Noms",
            **data[LABELS],
        },
    ]
    return figure(traces, base_map_layout(view_bounds, presentation=presentation))


def _departements_trace(departements_url: str, departement_codes: list[str]) -> dict[str, Any]:
    return {
        "type": "choropleth",
        "geojson": departements_url,
        "locations": departement_codes,
        "z": [0] * len(departement_codes),
        "colorscale": [[0, theme.DEPARTEMENT_FILL], [1, theme.DEPARTEMENT_FILL]],
        "showscale": False,
        "marker": {"line": {"color": theme.DEPARTEMENT_LINE, "width": 1.2}},
        "hoverinfo": "skip",
        "name": "Départements",
        "showlegend": False,
    }


def _commune_traces(communes_url: str, data: dict[int, dict[str, Any]], largest_commune: int) -> list[Any]:
    """The Action Cœur de Ville communes without operations, then the communes with some."""
    return [
        {
            "type": "choropleth",
            "geojson": communes_url,
            "colorscale": [[0, theme.ACV_FILL], [1, theme.ACV_FILL]],
            "showscale": False,
            "marker": {"line": {"color": theme.ACV_LINE, "width": 1}},
            "hovertemplate": "<b>%{text}</b> · ville Action Cœur de Ville"
            "<br>aucune opération publiée dans la vue<extra></extra>",
            "name": "Ville Action Cœur de Ville<br>sans opération publiée",
            "showlegend": True,
            **data[ACV_COMMUNES],
        },
        {
            "type": "choropleth",
            "geojson": communes_url,
            "colorscale": theme.DWELLING_SCALE,
            "zmin": 0,
            "zmax": max(largest_commune, 1),
            "marker": {"line": {"color": theme.TEXT, "width": 1}},
            "colorbar": {
                "title": {"text": "Logements<br>par commune"},
                "thickness": 12,
                "len": 0.45,
                "x": 0.99,
                "y": 0.98,
                "yanchor": "top",
                "tickformat": ",d",
            },
            "hovertemplate": "%{text}<extra></extra>",
            "name": "Commune avec opérations",
            **data[OP_COMMUNES],
        },
    ]


def font_size(presentation: bool) -> int:
    return 20 if presentation else 14


def base_map_layout(
    view_bounds: tuple[float, float, float, float], *, presentation: bool = False
) -> dict[str, Any]:
    minx, miny, maxx, maxy = view_bounds
    return base_layout(
        font={"family": theme.FONT, "color": theme.TEXT, "size": font_size(presentation)},
        height=760 if presentation else 680,
        uirevision="map",  # keep the view still while the data changes
        geo={
            "visible": False,
            "projection": {"type": "mercator"},
            "bgcolor": theme.BACKGROUND,
            "lonaxis": {"range": [minx, maxx]},
            "lataxis": {"range": [miny, maxy]},
            "showframe": False,
        },
        legend={
            "orientation": "v",
            "y": 1,
            "x": 0,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"size": 13},
            "bgcolor": "rgba(255,255,255,0.85)",
            "title": {"text": "Taille : logements<br>Position : la commune"},
        },
        dragmode="pan",
    )


def commune_map(frame: pd.DataFrame, around: gpd.GeoDataFrame, code: str, *, largest_op: int) -> go.Figure:
    """The commune and its neighbours in full detail, with the commune's operations."""
    layout = merged(
        base_map_layout(bounds(around.loc[[code]], margin=0.35)),
        {"height": 420, "legend": {"title": {"text": "Position approximative sauf mention."}}},
    )
    geojson = feature_collection(around)
    neighbours = [c for c in around[Geo.CODE] if c != code]
    labels = around.geometry.representative_point()
    traces = [
        {
            "type": "choropleth",
            "geojson": geojson,
            "locations": neighbours,
            "z": [0] * len(neighbours),
            "customdata": neighbours,
            "text": [around.at[c, Geo.NOM] for c in neighbours],
            "colorscale": [[0, theme.DEPARTEMENT_FILL], [1, theme.DEPARTEMENT_FILL]],
            "showscale": False,
            "marker": {"line": {"color": theme.DEPARTEMENT_LINE, "width": 1}},
            "hovertemplate": "%{text}<extra></extra>",
            "name": "Communes voisines",
            "showlegend": False,
        },
        {
            "type": "choropleth",
            "geojson": geojson,
            "locations": [code],
            "z": [1],
            "customdata": [code],
            "text": [around.at[code, Geo.NOM]],
            "colorscale": [[0, theme.ACV_FILL], [1, theme.ACV_FILL]],
            "showscale": False,
            "marker": {"line": {"color": theme.ACV_LINE, "width": 2.5}},
            "hovertemplate": "<b>%{text}</b><extra></extra>",
            "name": around.at[code, Geo.NOM],
            "showlegend": False,
        },
        *marker_traces(commune_marker_data(frame, largest_op), COMMUNE_STATUS_TRACES[0]),
        {
            "type": "scattergeo",
            "mode": "text",
            "lon": list(labels.x.round(5)),
            "lat": list(labels.y.round(5)),
            "text": list(around[Geo.NOM]),
            "textfont": {"size": 12, "color": theme.MUTED},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "Noms",
        },
    ]
    return figure(traces, layout)
