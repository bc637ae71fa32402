"""The map's table on a national overview: what the map draws there, one row per département (the
commune rows are ``components.map_table``'s, for a map of communes)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import Patch, dcc, html

from dashboard.data.schema import Derived
from dashboard.model import formatting
from dashboard.web.components import MAP_ROWS_PATH, at, map_statuses, none_known
from dashboard.web.ids import Region

COLUMNS = ("Département", "Opérations", "Logements", "Statuts")
STATUS_CELL = COLUMNS.index("Statuts")
CAPTION = "Un rang par département, comme sur la carte ; choisir un département montre ses communes."
ROWS_PATH = MAP_ROWS_PATH  # a caption, a head, a body: the rows where the table of communes has them


def departement_rows(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """One row per département with operations (name, operations, dwellings), most dwellings first; the
    same every year of a view (a year step may reuse it)."""
    dwellings = frame[Derived.LOGEMENTS_RETENUS].astype("Float64").fillna(0)
    grouped = dwellings.groupby(frame[Derived.DEPARTEMENT], observed=True)
    rows = pd.DataFrame({"operations": grouped.size(), "logements": grouped.sum()})
    rows.index = rows.index.astype(str)
    rows["name"] = [names.get(code, code) for code in rows.index]
    rows = rows.sort_values(["logements", "name"], ascending=[False, True])
    return rows.assign(sans_nombre=none_known(frame, Derived.DEPARTEMENT, rows))


def statuses(frame: pd.DataFrame, codes: list[str]) -> dict[str, str]:
    """Each département's operations counted by status (« 12 livrées, 3 en travaux »)."""
    return map_statuses(frame, codes, column=Derived.DEPARTEMENT)


def departement_table(frame: pd.DataFrame, rows: pd.DataFrame, links: Mapping[str, str]) -> html.Table:
    """The rows of ``departement_rows``; ``links``: each département's address (the view, filtered to
    it)."""
    counted = statuses(frame, list(rows.index))
    body = [
        html.Tr(
            [
                html.Th(dcc.Link(row["name"], href=links[code]), scope="row"),
                html.Td(formatting.number(row["operations"])),
                html.Td(
                    formatting.UNKNOWN  # no operation there publishes its number: not « 0 »
                    if row["sans_nombre"]
                    else formatting.number(row["logements"])
                ),
                html.Td(counted[code]),
            ]
        )
        for code, row in rows.iterrows()
    ]
    return html.Table(
        [
            html.Caption(CAPTION),
            html.Thead(html.Tr([html.Th(heading, scope="col") for heading in COLUMNS])),
            html.Tbody(body, id=Region.MAP_TABLE_BODY),
        ],
        className="data-table compact",
    )


def year_patch(frame: pd.DataFrame, rows: pd.DataFrame, links: Mapping[str, str]) -> Patch:
    """What a year step changes in ``departement_table``: the status counts, and the links (the year)."""
    counted = statuses(frame, list(rows.index))
    patch = Patch()
    body = at(patch, ROWS_PATH)
    for position, code in enumerate(rows.index):
        cells = body[position]["props"]["children"]
        cells[0]["props"]["children"]["props"]["href"] = links[code]  # Th > Link
        cells[STATUS_CELL]["props"]["children"] = counted[code]
    return patch
