"""The maps: regional (one proportional symbol per commune, labels placed beside it) and commune (one
symbol per operation). One encoding per scale: symbol area is dwellings, colour is the status, a filled
symbol is reported by a source, a hollow one is a forecast, grey means no information since the source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data.mapgeo import bounds, feature_collection
from dashboard.data.schema import (
    PRECISION_COMMUNE,
    Certainty,
    Derived,
    Geo,
    Op,
    Status,
)
from dashboard.figures import theme
from dashboard.figures.common import base_layout, count_of, figure, integer, merged, plotly_text
from dashboard.figures.labels import POSITIONS, Label, place_labels
from dashboard.model import formatting
from dashboard.model.analysis import communes_among, phrases, state_pairs


class MapClass(NamedTuple):
    """One legend entry of both maps: a status and how it is known, drawn one way."""

    name: str
    colour: str
    symbol: str


CLASSES = (
    MapClass("Livrée (constaté)", theme.STATUS_COLOURS[Status.DELIVERED], "circle"),
    MapClass("Livraison prévue", theme.STATUS_COLOURS[Status.DELIVERED], "circle-open"),
    MapClass("En travaux (constaté)", theme.STATUS_COLOURS[Status.UNDER_WAY], "diamond"),
    MapClass("Travaux prévus", theme.STATUS_COLOURS[Status.UNDER_WAY], "diamond-open"),
    MapClass("Annoncée", theme.STATUS_COLOURS[Status.ANNOUNCED], "square"),
    MapClass("Sans nouvelles depuis la source", theme.NO_NEWS_COLOUR, "circle-open-dot"),
    MapClass("Pas encore publiée", theme.UNPUBLISHED_COLOUR, "circle-open"),
)
_CLASS_OF = {
    (Status.DELIVERED, Certainty.REPORTED): 0,
    (Status.DELIVERED, Certainty.FORECAST): 1,
    (Status.UNDER_WAY, Certainty.REPORTED): 2,
    (Status.UNDER_WAY, Certainty.FORECAST): 3,
    (Status.ANNOUNCED, Certainty.REPORTED): 4,
    (Status.ANNOUNCED, Certainty.FORECAST): 4,
    (Status.UNDER_WAY, Certainty.UNKNOWN): 5,
    (Status.ANNOUNCED, Certainty.UNKNOWN): 5,
}
UNPUBLISHED_CLASS = 6

# Trace order of the regional map, so that partial updates can address them by index.
DEPARTEMENTS, ACV_COMMUNES, PARTNER_COMMUNES = 0, 1, 2
CLASS_TRACES = tuple(range(3, 3 + len(CLASSES)))
PARTNER_LABELS = CLASS_TRACES[-1] + 1
# Trace order of the commune map: the neighbours (0), the commune (1), a trace per class, the names (last).
COMMUNE_CLASS_TRACES = tuple(range(2, 2 + len(CLASSES)))

MAX_HOVER_OPERATIONS = 1_000  # beyond, a commune's hover counts its operations instead of listing them
MAX_NAMES = 60  # commune names written on the regional map, beyond which they would hide each other
ALL_NAMED = 20  # up to this many symbols every name is written (the placer's estimate errs on the large side)
COMMUNE_SPREAD_DEG = 0.006  # radius of the circle on which co-located operations are spread (commune map)
OPERATION_HOVER = "%{hovertext}<extra></extra>"
# The map's frame assumed when placing labels: the smallest the page draws (the region fitted in the map's
# 520 px at 1280×720 and its 560 px on a 360 px phone, assets/style.css); plotly.js clips what passes the
# frame, and a larger map only leaves labels more room (they keep their size).
PLOT_PX = {False: (310, 340), True: (520, 460)}  # the smallest map each layout draws (page, slide)
LABEL_FONT_PX = {False: 13, True: 20}


class Unit(NamedTuple):
    """What one symbol of the regional map stands for: a commune (the operations' own name and position),
    or, at national scale, a département (``places``: name, lon, lat by code)."""

    column: str
    places: pd.DataFrame | None = None
    largest: int = 1  # dwellings of the largest unit, the largest symbol

    @property
    def is_commune(self) -> bool:
        return self.places is None


DEPARTEMENT_HINT = "<br><i>Cliquer pour voir ses communes</i>"
OPERATION_HINT = "<br><i>Cliquer : sa page, historique daté et sources</i>"  # an operation's symbol opens it
DEPARTEMENT_MARKER_PX = (theme.MARKER_MIN_PX, theme.MARKER_MAX_PX * 0.5)
DEPARTEMENT_KEY = "departement:"  # a département symbol's customdata: a click chooses the département


def class_codes(frame: pd.DataFrame) -> np.ndarray:
    """The legend class of each operation, from its status and certainty at the year shown."""
    pairs, keys = state_pairs(frame)
    table = np.array([_CLASS_OF.get(key, UNPUBLISHED_CLASS) for key in keys], dtype=np.int64)
    classes: np.ndarray = table[pairs]  # a lookup per pair of values, not per operation
    return classes


def marker_sizes(
    dwellings: Any, largest: int, *, pixels: tuple[float, float] = (theme.MARKER_MIN_PX, theme.MARKER_MAX_PX)
) -> list[float]:
    """Marker area proportional to dwellings; unknown dwellings get the smallest marker."""
    values = pd.Series(dwellings).astype("Float64").fillna(0).to_numpy(dtype=float)
    scale = np.sqrt(values / max(largest, 1))
    smallest, biggest = pixels
    return list(np.round(smallest + (biggest - smallest) * scale, 1))


def _operation_lines(frame: pd.DataFrame) -> list[str]:
    """One hover line per operation: its name, dwellings and its state in words."""
    words = phrases(frame).tolist()
    columns = (
        Op.NOM,
        Op.ADRESSE,
        Op.ID,
        Derived.LOGEMENTS_RETENUS,
        Derived.LOGEMENTS_MAX,
        Derived.LOGEMENTS_ORIGINE,
    )
    lines = []
    for (nom, adresse, op_id, low, high, origin), state in zip(
        zip(*(frame[c].tolist() for c in columns), strict=True), words, strict=True
    ):
        name = plotly_text(nom or adresse or op_id)
        count = formatting.dwellings(low, high, origin, detailed=True, write=integer)
        # « nombre de logements non publié », not « non publié logements »
        said = formatting.UNKNOWN_DWELLINGS if count == formatting.UNKNOWN else f"{count} logements"
        lines.append(f"{name} : {said} — {plotly_text(state)}")
    return lines


def per_commune(frame: pd.DataFrame, unit: Unit | None = None) -> pd.DataFrame:
    """One row per commune (or ``unit``) with operations: name, position, operations, dwellings (low and
    high), the legend class that holds most of its dwellings, and its hover text."""
    unit = unit or Unit(Op.CODE_INSEE)
    codes, names = pd.factorize(frame[unit.column], sort=True)  # categories stay codes: no 100,000 strings
    low = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)
    high = frame[Derived.LOGEMENTS_MAX].to_numpy(dtype=float, na_value=np.nan)
    first = np.full(len(names), -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    open_ended = np.bincount(
        codes, weights=(~np.isnan(low) & np.isnan(high)).astype(float), minlength=len(names)
    )
    if unit.places is None:
        where = {
            "commune": frame[Op.COMMUNE].to_numpy(dtype=object)[first],
            "lon": frame[Op.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)[first],
            "lat": frame[Op.LATITUDE].to_numpy(dtype=float, na_value=np.nan)[first],
        }
    else:
        places = unit.places.reindex(np.asarray(names).astype(str))
        where = {"commune": places["name"].to_numpy(dtype=object), "lon": places["lon"], "lat": places["lat"]}
    table = pd.DataFrame(
        {
            **{key: np.asarray(values) for key, values in where.items()},
            "operations": np.bincount(codes, minlength=len(names)),
            "low": np.bincount(codes, weights=np.nan_to_num(low), minlength=len(names)),
            "high": np.bincount(codes, weights=np.nan_to_num(high), minlength=len(names)),
            "open": open_ended > 0,
            # no operation there publishes its number (the sums above are then 0, not a count)
            "none_known": np.bincount(codes, weights=~np.isnan(low), minlength=len(names)) == 0,
            "class": _main_classes(frame, codes, len(names), low),
        },
        index=pd.Index(np.asarray(names).astype(str), name=Op.CODE_INSEE),
    )
    table["hover"] = _commune_hovers(frame, table, codes, details=unit.is_commune)
    return table


def unit_classes(frame: pd.DataFrame, unit: Unit) -> np.ndarray:
    """The legend class of each unit's symbol, in ``per_commune``'s order: all a year step changes on
    the national overview (its symbols, their hovers and sizes stay)."""
    codes, names = pd.factorize(frame[unit.column], sort=True)
    low = frame[Derived.LOGEMENTS_RETENUS].to_numpy(dtype=float, na_value=np.nan)
    return _main_classes(frame, codes, len(names), low)


def _main_classes(frame: pd.DataFrame, codes: np.ndarray, units: int, low: np.ndarray) -> np.ndarray:
    """For each unit, the class holding most of its dwellings."""
    weights = np.nan_to_num(low) + 1e-3  # an operation of unknown size still counts
    keys = codes * len(CLASSES) + class_codes(frame)
    by_class = np.bincount(keys, weights=weights, minlength=units * len(CLASSES))
    main: np.ndarray = by_class.reshape(units, len(CLASSES)).argmax(axis=1)
    return main


def _commune_hovers(
    frame: pd.DataFrame, table: pd.DataFrame, codes: np.ndarray, *, details: bool = True
) -> list[str]:
    heads = [
        f"<b>{plotly_text(name)}</b><br>{count_of(n, 'opération')} · "
        + (
            formatting.UNKNOWN_DWELLINGS  # not « 0 logements »
            if none_known
            else f"au moins {integer(lo)} logements"
            if is_open
            else f"{integer(lo)} logements"
            if lo == hi
            else f"{integer(lo)} à {integer(hi)} ⚠ logements"
        )
        for name, n, lo, hi, is_open, none_known in zip(
            *(table[c].tolist() for c in ("commune", "operations", "low", "high", "open", "none_known")),
            strict=True,
        )
    ]
    if not details:
        return [head + DEPARTEMENT_HINT for head in heads]
    if len(frame) > MAX_HOVER_OPERATIONS:
        return heads
    lines = _operation_lines(frame)
    listed: list[list[str]] = [[] for _ in heads]
    for code, line in zip(codes.tolist(), lines, strict=True):
        listed[code].append(line)
    return [
        head + "".join(f"<br>• {line}" for line in lines) for head, lines in zip(heads, listed, strict=True)
    ]


def class_style(index: int) -> dict[str, Any]:
    """How the legend class ``index`` draws its symbols, as dotted marker keys (``map_patch``)."""
    kind = CLASSES[index]
    hollow = kind.symbol.endswith("-open") or kind.symbol.endswith("-open-dot")
    return {
        "marker.color": kind.colour if not hollow else theme.BACKGROUND,
        "marker.symbol": kind.symbol.replace("-open-dot", "-dot").replace("-open", "")
        if hollow
        else kind.symbol,
        "marker.line.color": kind.colour if hollow else theme.MARKER_LINE,
        "marker.line.width": 3 if hollow else 1,
    }


STYLE_KEYS = tuple(class_style(0))


def point_styles(classes: np.ndarray) -> dict[str, list[Any]]:
    """Each symbol styled as its class: one trace then draws every class (the national overview)."""
    styles = [class_style(index) for index in range(len(CLASSES))]
    return {key: [styles[c][key] for c in classes.tolist()] for key in STYLE_KEYS}


def _class_trace(index: int) -> dict[str, Any]:
    trace = {
        "type": "scattergeo",
        "mode": "markers+text",
        "name": CLASSES[index].name,
        "marker": {"opacity": 0.95},
        "textfont": {"color": theme.TEXT},
        "hovertemplate": OPERATION_HOVER,
    }
    return merged(trace, nested(class_style(index)))


def nested(values: dict[str, Any]) -> dict[str, Any]:
    """``{"marker.line.color": c}`` → ``{"marker": {"line": {"color": c}}}``; other keys as they are."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        *parents, last = key.split(".")
        node = out
        for parent in parents:
            node = node.setdefault(parent, {})
        node[last] = value
    return out


def region_marker_data(
    frame: pd.DataFrame,
    *,
    largest_commune: int,
    presentation: bool = False,
    extra: tuple[Label, ...] | list[Label] = (),
    view_bounds: tuple[float, float, float, float] | None = None,
    unit: Unit | None = None,
) -> dict[int, dict[str, Any]]:
    """The regional map's symbols and their labels: all that a year change moves."""
    table = per_commune(frame, unit)
    by_area = unit is not None and not unit.is_commune
    if unit is not None and by_area:  # a hundred départements side by side: smaller symbols overlap less
        sizes = marker_sizes(table["low"], unit.largest, pixels=DEPARTEMENT_MARKER_PX)
    else:
        sizes = marker_sizes(table["low"], largest_commune)
    keys = [DEPARTEMENT_KEY + code if by_area else code for code in table.index]
    named = len(table) <= MAX_NAMES
    dense = len(table) > ALL_NAMED  # beyond, a name with no free room is left to the hover
    labels = [
        Label(code, name if named else "", lon, lat, size, optional=dense)
        for code, name, lon, lat, size in zip(
            table.index, table["commune"], table["lon"], table["lat"], sizes, strict=True
        )
    ]
    positions = place_labels(
        [*labels, *extra],
        plot_px=PLOT_PX[presentation],
        font_px=LABEL_FONT_PX[presentation],
        bounds=view_bounds,
    )

    def points(chosen: np.ndarray) -> dict[str, Any]:
        return {
            "lon": table["lon"].to_numpy()[chosen].round(5).tolist(),
            "lat": table["lat"].to_numpy()[chosen].round(5).tolist(),
            "customdata": [[keys[i]] for i in chosen],
            # Unnamed symbols (too many to name) send no text: a year step carries less.
            "text": [plotly_text(labels[i].text) if positions[labels[i].key] else "" for i in chosen]
            if named
            else [],
            "textposition": [positions[labels[i].key] or POSITIONS[0] for i in chosen]
            if named
            else POSITIONS[0],
            "hovertext": table["hover"].to_numpy(dtype=object)[chosen].tolist(),
            "marker.size": [sizes[i] for i in chosen],
        }

    classes = table["class"].to_numpy()
    if by_area:  # every symbol in one trace, styled one by one: a year step restyles them, nothing else
        nothing = points(np.array([], dtype=int))
        data = {index: nothing for index in CLASS_TRACES[1:]}
        data[CLASS_TRACES[0]] = {**points(np.arange(len(table))), **point_styles(classes)}
    else:
        data = {index: points(np.flatnonzero(classes == rank)) for rank, index in enumerate(CLASS_TRACES)}
    if extra:
        data[PARTNER_LABELS] = {"textposition": [positions[label.key] for label in extra]}
    return data


def region_trace_data(
    frame: pd.DataFrame,
    acv_names: dict[str, str],
    *,
    largest_commune: int | None = None,
    partners: dict[str, tuple[str, float, float]] | None = None,
    presentation: bool = False,
    view_bounds: tuple[float, float, float, float] | None = None,
    unit: Unit | None = None,
) -> dict[int, dict[str, Any]]:
    """Everything that changes with the view, trace by trace (the geometry never does). ``partners``:
    code → (name, lon, lat) of the communes named by the sources with no operation detailed; ``unit``:
    what a symbol stands for (a commune by default)."""
    if unit is not None and not unit.is_commune:  # a national overview: towns are below a pixel there
        acv_only: list[str] = []
        partners = {}
    else:
        with_operations = communes_among(frame, [*acv_names, *(partners or {})])
        partners = {c: p for c, p in (partners or {}).items() if c not in with_operations}
        acv_only = [code for code in acv_names if code not in with_operations and code not in partners]
    # A partner is drawn as its outline: its name keeps a little way off the point, as beside a symbol.
    extra = [Label(f"partner-{code}", name, lon, lat, 10.0) for code, (name, lon, lat) in partners.items()]
    largest = largest_commune or int(max(frame[Derived.LOGEMENTS_RETENUS].fillna(0).sum(), 1))
    data: dict[int, dict[str, Any]] = {
        ACV_COMMUNES: {
            "locations": acv_only,
            "z": [1] * len(acv_only),
            "customdata": acv_only,
            "text": [plotly_text(acv_names[code]) for code in acv_only],
        },
        PARTNER_COMMUNES: {
            "locations": list(partners),
            "z": [1] * len(partners),
            "customdata": list(partners),
            "text": [plotly_text(name) for name, _, _ in partners.values()],
        },
        PARTNER_LABELS: {
            "lon": [round(lon, 5) for _, lon, _ in partners.values()],
            "lat": [round(lat, 5) for _, _, lat in partners.values()],
            "text": [plotly_text(name) for name, _, _ in partners.values()],
            "textposition": [],
        },
    }
    markers = region_marker_data(
        frame,
        largest_commune=largest,
        presentation=presentation,
        extra=extra,
        view_bounds=view_bounds,
        unit=unit,
    )
    data.update({k: v for k, v in markers.items() if k != PARTNER_LABELS})
    data[PARTNER_LABELS]["textposition"] = markers.get(PARTNER_LABELS, {}).get("textposition", [])
    return data


def _area_traces(
    data: dict[int, dict[str, Any]], communes_url: str, departements_url: str, departement_codes: list[str]
) -> list[dict[str, Any]]:
    """The regional map's areas: départements, ACV towns without operation, partner centres."""
    area = {
        "type": "choropleth",
        "geojson": communes_url,
        "showscale": False,
        "hovertemplate": "%{text}<extra></extra>",
    }
    return [
        {
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
        },
        {
            **area,
            "colorscale": [[0, theme.ACV_FILL], [1, theme.ACV_FILL]],
            "marker": {"line": {"color": theme.ACV_LINE, "width": 1}},
            "hovertemplate": "<b>%{text}</b> · ville Action Cœur de Ville<br>aucune opération publiée"
            "<extra></extra>",
            "name": "Ville Action Cœur de Ville",
            "showlegend": True,
            **data[ACV_COMMUNES],
        },
        {
            **area,
            "colorscale": [[0, theme.PARTNER_FILL], [1, theme.PARTNER_FILL]],
            "marker": {"line": {"color": theme.PARTNER_LINE, "width": 1.5}},
            "hovertemplate": "<b>%{text}</b> · centre-ville cité par les sources<br>détail des opérations "
            "non publié<extra></extra>",
            "name": "Centre-ville cité par les sources, sans détail publié",
            "showlegend": True,
            **data[PARTNER_COMMUNES],
        },
    ]


def region_map(
    frame: pd.DataFrame,
    *,
    acv_names: dict[str, str],
    communes_url: str,
    departements_url: str,
    departement_codes: list[str],
    view_bounds: tuple[float, float, float, float],
    largest_commune: int,
    partners: dict[str, tuple[str, float, float]] | None = None,
    presentation: bool = False,
    unit: Unit | None = None,
) -> go.Figure:
    """The regional map. Geometry comes by URL: it is fetched once and never re-sent."""
    data = region_trace_data(
        frame,
        acv_names,
        largest_commune=largest_commune,
        partners=partners,
        presentation=presentation,
        view_bounds=view_bounds,
        unit=unit,
    )
    traces = [
        *_area_traces(data, communes_url, departements_url, departement_codes),
        *(merged(_class_trace(rank), nested(data[index])) for rank, index in enumerate(CLASS_TRACES)),
        {
            "type": "scattergeo",
            # An invisible 10 px marker: Plotly then writes the name beside the point, as the placer
            # (figures/labels.py) reckons for a symbol of that size.
            "mode": "markers+text",
            "marker": {"size": 10, "color": "rgba(0,0,0,0)"},
            "textfont": {"color": theme.PARTNER_LINE},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "Centres cités",
            **data[PARTNER_LABELS],
        },
    ]
    return figure(traces, base_map_layout(view_bounds, presentation=presentation))


def font_size(presentation: bool) -> int:
    return 20 if presentation else 14


def base_map_layout(
    view_bounds: tuple[float, float, float, float], *, presentation: bool = False
) -> dict[str, Any]:
    """The map's frame: the view's bounds, no background map, no legend over it."""
    minx, miny, maxx, maxy = view_bounds
    return base_layout(
        font={"family": theme.FONT, "color": theme.TEXT, "size": font_size(presentation)},
        height=720 if presentation else 600,
        uirevision="map",  # keep the view still while the data changes
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        geo={
            "visible": False,
            "projection": {"type": "mercator"},
            "bgcolor": theme.BACKGROUND,
            "lonaxis": {"range": [minx, maxx]},
            "lataxis": {"range": [miny, maxy]},
            "showframe": False,
        },
        showlegend=False,  # the legend is HTML beside the map (dashboard/web/legend.py): stable and printable
        dragmode=False,
    )


def spread_positions(frame: pd.DataFrame, radius: float = COMMUNE_SPREAD_DEG) -> pd.DataFrame:
    """Longitude and latitude for markers: operations placed at their commune only are spread on a
    small circle around it, so that several in one commune all stay visible."""
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


def commune_marker_data(frame: pd.DataFrame, largest_op: int) -> dict[int, dict[str, Any]]:
    """The commune map's symbols: one per operation, co-located ones spread apart; each carries
    ``[code, id]``, and a click opens the operation's page (``pages.commune.open_from_map``)."""
    positions = spread_positions(frame)
    classes = class_codes(frame)
    lines = _operation_lines(frame)
    sizes = marker_sizes(frame[Derived.LOGEMENTS_RETENUS], largest_op)
    where = [
        "position approximative : centre de la commune" if p == PRECISION_COMMUNE else f"position : {p}"
        for p in frame[Op.PRECISION_GEO].tolist()
    ]
    data = {}
    for rank, index in enumerate(COMMUNE_CLASS_TRACES):
        chosen = np.flatnonzero(classes == rank)
        data[index] = {
            "lon": positions["lon"].to_numpy()[chosen].round(5).tolist(),
            "lat": positions["lat"].to_numpy()[chosen].round(5).tolist(),
            "customdata": [
                [c, i] for c, i in zip(frame[Op.CODE_INSEE].iloc[chosen], frame.index[chosen], strict=True)
            ],
            "hovertext": [f"{lines[i]}<br><i>{where[i]}</i>{OPERATION_HINT}" for i in chosen],
            "text": [],
            "marker.size": [sizes[i] for i in chosen],
        }
    return data


def _commune_areas(around: gpd.GeoDataFrame, geojson: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The commune page's areas: the neighbours, then the commune itself."""
    neighbours = [c for c in around[Geo.CODE] if c != code]
    return [
        {
            "type": "choropleth",
            "geojson": geojson,
            "locations": neighbours,
            "z": [0] * len(neighbours),
            "customdata": neighbours,
            "text": [plotly_text(around.at[c, Geo.NOM]) for c in neighbours],
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
            "text": [plotly_text(around.at[code, Geo.NOM])],
            "colorscale": [[0, theme.ACV_FILL], [1, theme.ACV_FILL]],
            "showscale": False,
            "marker": {"line": {"color": theme.ACV_LINE, "width": 2.5}},
            "hovertemplate": "<b>%{text}</b><extra></extra>",
            "name": plotly_text(around.at[code, Geo.NOM]),
            "showlegend": False,
        },
    ]


NAME_FONT_PX = 12
COMMUNE_MAP_PX = (330, 230)  # the smallest the commune map is drawn: on the printed A4 sheet


def commune_names(
    around: gpd.GeoDataFrame,
    code: str,
    frame_bounds: tuple[float, float, float, float],
    markers: Sequence[tuple[float, float, float]] = (),
) -> dict[str, Any]:
    """The names on the commune map: the commune's always, a neighbour's where it has room (placed for
    the printed sheet's small map, which a larger screen map only gives more room), clear of the
    operations' ``markers`` (lon, lat, size in px): a larger symbol at Senlis' centre met « Courteuil »."""
    points = around.geometry.representative_point()
    ordered = [code, *(c for c in around[Geo.CODE] if c != code)]
    labels = [
        Label(c, str(around.at[c, Geo.NOM]), float(points[c].x), float(points[c].y), 0, optional=c != code)
        for c in ordered
    ]
    obstacles = [Label(f"marker-{n}", "", lon, lat, size) for n, (lon, lat, size) in enumerate(markers)]
    positions = place_labels(
        [*labels, *obstacles], plot_px=COMMUNE_MAP_PX, font_px=NAME_FONT_PX, bounds=frame_bounds
    )
    return {
        "lon": [round(label.lon, 5) for label in labels],
        "lat": [round(label.lat, 5) for label in labels],
        "text": [plotly_text(label.text) if positions[label.key] else "" for label in labels],
        "textposition": [positions[label.key] or "middle center" for label in labels],
    }


def commune_map(frame: pd.DataFrame, around: gpd.GeoDataFrame, code: str, *, largest_op: int) -> go.Figure:
    """The commune and its neighbours in full detail, with the commune's operations."""
    frame_bounds = bounds(around.loc[[code]], margin=0.35)
    layout = merged(
        base_map_layout(frame_bounds),
        {
            "height": 460,
            "legend": {
                "title": {"text": "Position approximative sauf mention. Plein : constaté ; creux : prévu."}
            },
        },
    )
    geojson = feature_collection(around)
    spread = spread_positions(frame)
    sizes = marker_sizes(frame[Derived.LOGEMENTS_RETENUS], largest_op)
    names = commune_names(
        around, code, frame_bounds, list(zip(spread["lon"], spread["lat"], sizes, strict=True))
    )
    data = commune_marker_data(frame, largest_op)
    markers = []
    for rank, index in enumerate(COMMUNE_CLASS_TRACES):
        trace = merged({**_class_trace(rank), "mode": "markers"}, nested(data[index]))
        markers.append(trace)
    traces = [
        *_commune_areas(around, geojson, code),
        *markers,
        {
            "type": "scattergeo",
            "mode": "text",
            **names,
            "textfont": {"size": NAME_FONT_PX, "color": theme.MUTED},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "Noms",
        },
    ]
    return figure(traces, layout)
