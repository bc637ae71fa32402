"""What a change of view sends to a map already drawn, instead of the whole figure: the values that
change, trace by trace and in the layout (the web layer turns them into a Dash ``Patch``). Written beside
the maps they change, so that the trace numbers stay the maps' business."""

from __future__ import annotations

from typing import Any, TypedDict

import pandas as pd

from dashboard.figures import maps


class Changes(TypedDict, total=False):
    """``data``: trace index → dotted key (« marker.line.color ») → value; ``layout``: dotted key → value."""

    data: dict[int, dict[str, Any]]
    layout: dict[str, Any]


def region_year_changes(frame: pd.DataFrame, acv_names: dict[str, str], **options: Any) -> Changes:
    """What a year step changes on the regional map: the symbols' styles and the partners' labels
    (``options``: those of ``maps.region_trace_data``; the operations shown are the same)."""
    unit = options.get("unit")
    if unit is not None:  # the overview: the same symbols in one trace, only their styles change
        return {"data": {maps.CLASS_TRACES[0]: maps.point_styles(maps.unit_classes(frame, unit))}}
    data = maps.region_trace_data(frame, acv_names, **options)
    return {"data": {index: data[index] for index in (*maps.CLASS_TRACES, maps.PARTNER_LABELS)}}


def region_view_changes(
    frame: pd.DataFrame,
    acv_names: dict[str, str],
    *,
    communes_url: str,
    departements_url: str,
    uirevision: str,
    **options: Any,
) -> Changes:
    """Everything a view changes on the regional map but the geometry's content: symbols, towns, frame,
    font, and which outlines are fetched (coarser ones for a national overview)."""
    unit = options.get("unit")
    data = maps.region_trace_data(frame, acv_names, **options)
    if unit is None:  # each class trace's own style again, after an overview styled symbols one by one
        for rank, index in enumerate(maps.CLASS_TRACES):
            data[index] = {**data[index], **maps.class_style(rank)}
    data[maps.DEPARTEMENTS] = {"geojson": departements_url}
    for index in (maps.ACV_COMMUNES, maps.PARTNER_COMMUNES):  # no town drawn on an overview: no fetch
        data[index] = {**data[index], "geojson": communes_url}
    minx, miny, maxx, maxy = options["view_bounds"]
    layout = {
        "font.size": maps.font_size(bool(options.get("presentation"))),
        "height": None,  # the page's and the slide's CSS size the map's box
        "geo.lonaxis.range": [minx, maxx],
        "geo.lataxis.range": [miny, maxy],
        "uirevision": uirevision,
    }
    return {"data": data, "layout": layout}


def commune_changes(frame: pd.DataFrame, largest_op: int) -> Changes:
    """What a change of view sends to a commune's map: its operations' symbols."""
    return {"data": maps.commune_marker_data(frame, largest_op)}
