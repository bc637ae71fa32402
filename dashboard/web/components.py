"""Layout pieces shared by the pages: key figures, tables, operation sheets, graphs. Pure."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from dash import Patch, dcc, html
from dash.development.base_component import Component

from dashboard.data import wording
from dashboard.data.parsing import PartialDate, format_financements
from dashboard.data.places import departement_of
from dashboard.data.schema import (
    DELIVERY_PLANNED,
    DELIVERY_REPORTED,
    PRECISION_COMMUNE,
    STATUS_PLURALS,
    Derived,
    Op,
)
from dashboard.data.sourcedates import reported
from dashboard.figures import theme, timeline
from dashboard.model import formatting
from dashboard.model.analysis import (
    CERTAINTY,
    PLAN_OF_YEAR,
    STATUS,
    VARIANT_CERTAINTY,
    VARIANT_STATUS,
    communes_among,
    followed,
    state_label,
)
from dashboard.model.chronology import phrase
from dashboard.web.ids import Html, Region

TOPOJSON_URL = "/assets/topojson/"  # plotly.js's base map: an empty world (assets/topojson/world_110m.json)

GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": False,  # no toolbar to tab through or print: exports have their own buttons
    "showSendToCloud": False,  # plotly.js 4 would offer to upload the chart to a cloud service
    "showEditInChartStudio": False,
    "topojsonURL": TOPOJSON_URL,  # never the CDN: the map must draw offline
    "locale": theme.PLOTLY_LOCALE,
    "responsive": True,
}


def graph(component_id: str, figure=None, *, label: str, what: str, png_button_type: str) -> html.Div:
    """A graph with its accessible name and an offline PNG export named after what it shows."""
    config = {
        **GRAPH_CONFIG,
        "toImageButtonOptions": {"filename": f"coeur-de-ville_{what}", "format": "png", "scale": 2},
    }
    return html.Div(
        [
            dcc.Graph(id=component_id, figure=figure or {}, config=config, className="graph"),
            html.Button(
                "Image PNG",
                id={"type": png_button_type, "graph": component_id},
                className="png-button no-print",
                title=f"Télécharger une image de : {label}",
            ),
        ],
        role="figure",
        className="graph-box",
        **{"aria-label": label, "data-export-what": what},
    )


def search_results(matches: list[Any], query: str, search: str) -> Component | None:
    """Links to the communes (or operations: their own page) found; nothing while nothing is typed."""
    if not query.strip():
        return None
    if not matches:
        # Operations are searched too: the message names both.
        return html.P(f"Ni commune ni opération ne correspond à « {query[:80]} ».", className="search-empty")
    return html.Ul(
        [
            html.Li(
                dcc.Link(
                    [html.Span(match.title or match.name, className="search-name"), _search_meta(match)],
                    href=f"{match.href}{search}",
                )
            )
            for match in matches
        ],
        className="search-list",
    )


def _search_meta(match) -> html.Span:
    """`` Aisne · 02691 · 4 opérations``, `` anciennement Marconne · Pas-de-Calais · 62447`` or, for an
    operation, `` opération · Compiègne · Rue d'Amiens``."""
    if match.operation:
        parts = ["opération", match.name, match.detail]
    else:
        parts = [match.detail, match.departement, match.code]
        if match.operations:
            parts.append(wording.plural(match.operations, "opération"))
    return html.Span(" " + " · ".join(part for part in parts if part), className="search-meta")


MAX_MAP_TABLE_ROWS = 50  # communes listed at most, those with the most dwellings first


def _map_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": frame[Op.CODE_INSEE],  # kept as it is (categories): no 100,000 strings made
            "commune": frame[Op.COMMUNE],
            "status": frame[STATUS],
            "logements": frame[Derived.LOGEMENTS_RETENUS].astype("Float64").fillna(0),
            # the higher reading; NaN where a count is open-ended (summed as such: « au moins »)
            "haut": frame[Derived.LOGEMENTS_MAX]
            .astype("Float64")
            .where(frame[Derived.LOGEMENTS_RETENUS].isna() | frame[Derived.LOGEMENTS_MAX].notna(), pd.NA)
            .fillna(0),
        }
    )


def map_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Communes with operations, most dwellings first (at most ``MAX_MAP_TABLE_ROWS``), and how many
    communes there are in all. Does not depend on the year: a year step may reuse it."""
    columns = _map_columns(frame)
    per_commune = columns.groupby("code", sort=False, observed=True).agg(
        commune=("commune", "first"),
        operations=("status", "size"),
        logements=("logements", "sum"),
        haut=("haut", "sum"),
    )
    per_commune.index = per_commune.index.astype(str)
    shown = per_commune.sort_values(["logements", "commune"], ascending=[False, True]).head(
        MAX_MAP_TABLE_ROWS
    )
    shown = shown.assign(sans_nombre=none_known(frame, Op.CODE_INSEE, shown))
    return shown, len(per_commune)


def none_known(frame: pd.DataFrame, column: str, rows: pd.DataFrame) -> list[bool]:
    """For each of ``rows`` (a place of ``column`` with its summed « logements »), whether none of its
    operations publishes a number of dwellings: their sum reads « non publié », never 0. Only the rows summing
    to 0 are looked at, a handful at most: not a pass over every operation shown."""
    zero = [str(code) for code in rows.index[rows["logements"].to_numpy() == 0]]
    if not zero:
        return [False] * len(rows)
    theirs = frame[frame[column].isin(zero).to_numpy()]
    known = {str(code) for code in theirs.loc[theirs[Derived.LOGEMENTS_RETENUS].notna(), column].unique()}
    return [str(code) in zero and str(code) not in known for code in rows.index]


def map_statuses(frame: pd.DataFrame, codes: list[str], column: str = Op.CODE_INSEE) -> dict[str, str]:
    """The status counts of each of ``codes`` (communes, or the values of ``column``: départements) as
    text (« 2 livrées, 1 en travaux »), in order of first appearance; only their operations are counted."""
    listed = frame[frame[column].isin(codes).to_numpy()]  # their operations only
    texts: dict[str, dict[str, int]] = {code: {} for code in codes}
    groups = listed.groupby([column, STATUS, CERTAINTY], observed=True, sort=False).size()
    for (code, status, certainty), count in groups.items():
        label = state_label(str(status), str(certainty))  # a planned delivery is never « livrée »
        texts[str(code)][label] = texts[str(code)].get(label, 0) + int(count)
    return {
        code: ", ".join(wording.plural(n, label, state_label_plural(label)) for label, n in parts.items())
        for code, parts in texts.items()
    }


def state_label_plural(label: str) -> str:
    """The plural of a state's label: « livraisons prévues », « annoncées »."""
    plurals = {DELIVERY_REPORTED: "livraisons constatées", DELIVERY_PLANNED: "livraisons prévues"}
    return plurals.get(label, STATUS_PLURALS.get(label, label))


def _map_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], int]:
    """``map_rows`` and the status counts of the communes listed."""
    shown, communes = map_rows(frame)
    return shown, map_statuses(frame, list(shown.index)), communes


def map_table(
    frame: pd.DataFrame, acv_names: dict[str, str], departements: dict[str, str], search: str
) -> html.Table:
    """The map's content as a table, for screen readers and for anyone who prefers one: a row per commune
    with operations (the ``MAX_MAP_TABLE_ROWS`` with the most dwellings when there are more), then the
    Action Cœur de Ville communes without any."""
    shown, statuses, communes = _map_rows(frame)
    named = operation_links(frame, list(shown.index))
    rows = [
        html.Tr(
            [
                html.Th(dcc.Link(row["commune"], href=f"/commune/{code}{search}"), scope="row"),
                html.Td(departements.get(departement_of(code), departement_of(code))),
                html.Td("oui" if code in acv_names else "non"),
                html.Td(_operations_cell(row["operations"], named[code])),
                html.Td(_dwellings_cell(row["logements"], row["haut"], row["sans_nombre"])),
                html.Td(statuses[code]),
            ]
        )
        for code, row in shown.iterrows()
    ]
    with_operations = communes_among(frame, acv_names)
    rows += [
        html.Tr(
            [
                html.Th(dcc.Link(name, href=f"/commune/{code}{search}"), scope="row"),
                html.Td(departements.get(departement_of(code), departement_of(code))),
                html.Td("oui"),
                html.Td("0"),
                html.Td("—"),
                html.Td("aucune opération publiée dans la vue"),
            ]
        )
        for code, name in acv_names.items()
        if code not in with_operations
    ]
    caption = (
        f"Les {len(shown)} communes qui comptent le plus de logements, sur {communes} avec des opérations"
        if communes > len(shown)
        else ""
    )
    return _map_table_frame(caption, rows)


MAX_MAP_TABLE_OPERATIONS = 5  # operations named in a commune's row, at most: its page lists them all


def operation_links(frame: pd.DataFrame, codes: list[str]) -> dict[str, list[tuple[str, str]]]:
    """``(id, name)`` of the first ``MAX_MAP_TABLE_OPERATIONS`` operations of each of ``codes``, by
    name: the names the map's hover lists, each to link to its operation's page."""
    listed = frame[frame[Op.CODE_INSEE].isin(codes).to_numpy()]
    columns = (Op.CODE_INSEE, Op.NOM, Op.ADRESSE)
    found: dict[str, list[tuple[str, str]]] = {code: [] for code in codes}
    for op_id, code, nom, adresse in zip(listed.index, *(listed[c].tolist() for c in columns), strict=True):
        found[str(code)].append((str(op_id), str(nom or adresse or op_id)))
    return {
        code: sorted(named, key=lambda pair: (pair[1], pair[0]))[:MAX_MAP_TABLE_OPERATIONS]
        for code, named in found.items()
    }


def _operations_cell(count: float, named: list[tuple[str, str]]) -> list[Any]:
    """« 3 : Bismont · Les Allées de Beauval · Quartier Ordener », each name linking to its page; past
    ``MAX_MAP_TABLE_OPERATIONS``, « et 2 autres » (the commune's page, the row's heading, lists them)."""
    parts: list[Any] = [formatting.number(count)]
    for position, (op_id, name) in enumerate(named):
        parts += [" : " if position == 0 else " · ", dcc.Link(name, href=f"/operation/{op_id}")]
    left = int(count) - len(named)
    if left > 0:
        parts.append(f" · et {wording.plural(left, 'autre')}")
    return parts


def _dwellings_cell(low: float, high: float, unpublished: bool = False) -> str:
    """« 114 à 159 » where the sources allow two readings, as the map's hover says it; « non publié » where
    no operation of the row publishes its number (never « 0 »)."""
    if unpublished:
        return formatting.UNKNOWN
    if high > low:
        return f"{formatting.number(low)} à {formatting.number(high)}"
    return formatting.number(low)


MAP_COLUMNS = ("Commune", "Département", "Ville Action Cœur de Ville", "Opérations", "Logements", "Statuts")
MAP_STATUS_CELL = MAP_COLUMNS.index("Statuts")


def map_table_details() -> html.Details:
    """The map's table, closed: its rows are drawn when a person opens it (``Region.MAP_TABLE_OPEN``'s
    clicks), not with every page, where they were a third of the components the browser built at load."""
    return html.Details(
        [
            html.Summary("La carte sous forme de tableau", id=Region.MAP_TABLE_OPEN),
            html.Div(id=Region.MAP_TABLE),
        ],
        className="map-table",
    )


def _map_table_frame(caption: str, rows: list[Any]) -> html.Table:
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in MAP_COLUMNS])),
            html.Tbody(rows, id=Region.MAP_TABLE_BODY),
        ],
        className="data-table compact",
    )


def map_table_year_patch(
    frame: pd.DataFrame, acv_names: dict[str, str], search: str, shown: pd.DataFrame | None = None
) -> Patch:
    """What a year change alters in ``map_table`` (same operations, same rows): each commune's status
    counts, and every link, which carries the year. ``shown``: the rows of ``map_rows``, if known."""
    shown = map_rows(frame)[0] if shown is None else shown
    statuses = map_statuses(frame, list(shown.index))
    with_operations = communes_among(frame, acv_names)
    without = [code for code in acv_names if code not in with_operations]
    patch = Patch()
    body = at(patch, MAP_ROWS_PATH)
    for position, code in enumerate([*shown.index, *without]):
        cells = body[position]["props"]["children"]
        cells[0]["props"]["children"]["props"]["href"] = f"/commune/{code}{search}"  # Th > Link
        if position < len(shown):
            cells[MAP_STATUS_CELL]["props"]["children"] = statuses[code]
    return patch


# The table shows a few columns (what a reader scans a row for); the other fields are in each row's detail.
TABLE_COLUMNS = (
    (Op.COMMUNE, "Commune"),
    (Op.NOM, "Nom, adresse"),
    (Op.PROGRAMME, "Programme"),
    (STATUS, "Statut"),
    (Derived.LOGEMENTS_RETENUS, "Logements"),
    (Op.LIVRAISON, "Livraison"),
)
DETAIL_COLUMNS = (
    (Op.ADRESSE, "Adresse"),
    (Op.NATURE, "Nature"),
    (Op.FINANCEMENTS, "Financements"),
    (Op.TYPOLOGIE, "Typologie"),
    (Op.SURFACE_M2, "Surface (m²)"),
    (Op.COMMERCES, "Surfaces commerciales"),
    (Op.DEBUT_TRAVAUX, "Début des travaux"),
    (Op.DUREE_MOIS, "Durée (mois)"),
    (Op.BUDGET_EUR, "Coût publié"),
    (Op.DESCRIPTION, "Description"),
    (Op.CONFLIT, "Désaccord entre sources"),
    (Op.REMARQUES, "Remarques"),
    (Op.SOURCE, "Source"),
)
SORTABLE = {column for column, _ in (*TABLE_COLUMNS, *DETAIL_COLUMNS)}
STATUS_CELL = [column for column, _ in TABLE_COLUMNS].index(STATUS)
MAX_TABLE_ROWS = 50  # rows drawn at most (the first in the order chosen); the caption says how many there are
MAX_UNDATED = 30  # operations listed at most under "Date non publiée"


# Columns that ``state_text`` reads besides the status: the state in words.
STATE_COLUMNS = (
    CERTAINTY,
    VARIANT_STATUS,
    VARIANT_CERTAINTY,
    Derived.DEBUT,
    Derived.FIN,
    Derived.SOURCE_DATE,
    Derived.SOURCE_LABEL,
    Derived.FIRST_LABEL,
    Derived.PLAN_LABEL,
    Derived.FIN_NOTE,
    Derived.DEBUT_CONSTATE,
    PLAN_OF_YEAR,
)
# Columns that ``cell`` reads besides the one it draws: the state in words, the range of dwellings.
CELL_COLUMNS = (*STATE_COLUMNS, Derived.LOGEMENTS_MAX, Derived.LOGEMENTS_ORIGINE)


PARSED_DATES = {Op.DEBUT_TRAVAUX: Derived.DEBUT, Op.LIVRAISON: Derived.FIN}


def cell(row: pd.Series, column: str, *, missing: str = "—") -> str:
    value = row[column]
    if column == STATUS:
        return state_text(row)
    if column in PARSED_DATES:  # the date as parsed once (dashboard.data.validate), at its precision
        parsed = row[PARSED_DATES[column]]
        return wording.french_date(parsed) if isinstance(parsed, PartialDate) else missing
    if column == Op.BUDGET_EUR:
        return formatting.euros(value) if not pd.isna(value) else missing
    if column == Derived.LOGEMENTS_RETENUS:
        return formatting.dwellings(value, row[Derived.LOGEMENTS_MAX], row[Derived.LOGEMENTS_ORIGINE])
    if column in (Op.SURFACE_M2, Op.COMMERCES, Op.DUREE_MOIS):
        return formatting.number(value) if not pd.isna(value) else missing
    return str(value) if value else missing


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def state_text(row: Mapping) -> str:
    """The state at the year shown, in words that say how it is known, and the other passage's state."""
    start, published = row.get(Derived.DEBUT), row.get(Derived.SOURCE_DATE)
    flag = row.get(Derived.DEBUT_CONSTATE)
    started = bool(flag) if flag is not None and not pd.isna(flag) else reported(start, published)
    start, end, started, plan = followed(
        start, row.get(Derived.FIN), started, _text(row.get(Derived.PLAN_LABEL)), row.get(PLAN_OF_YEAR)
    )
    words = phrase(
        str(row[STATUS]),
        str(row.get(CERTAINTY, "")),
        start,
        end,
        _text(row.get(Derived.FIRST_LABEL)) or str(row.get(Derived.SOURCE_LABEL, "")),
        start_reported=started,
        plan_source=plan,
        end_note=_text(row.get(Derived.FIN_NOTE)),
    )
    other = row.get(VARIANT_STATUS, pd.NA)
    if not pd.isna(other):
        words += f" ⚠ (autre date publiée : {other}, {row[VARIANT_CERTAINTY]})"
    return words


def sort_frame(
    frame: pd.DataFrame, column: str, descending: bool, *, limit: int | None = None
) -> pd.DataFrame:
    """Sorted by ``column`` then id, unknown values last; only the first ``limit`` rows if given."""
    if column not in SORTABLE:
        column = Op.COMMUNE
    if limit is not None and len(frame) > limit:
        frame = frame.iloc[_first_positions(known_values(frame[column]), frame[Op.ID], descending, limit)]
    return frame.sort_values(
        [column, Op.ID],
        ascending=[not descending, True],
        na_position="last",
        kind="stable",
        key=lambda values: known_values(values) if values.name == column else values,
    )


def known_values(values: pd.Series) -> pd.Series:
    """``values`` with an empty text (an unpublished date, name…) as missing, so that it sorts last too."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # the dataset stores repeated texts as categories
        if len(values) < len(values.cat.categories):  # a few rows of a national list: its own categories
            values = values.cat.remove_unused_categories()
        blanks = [category for category in values.cat.categories.tolist() if not str(category).strip()]
        return values.cat.remove_categories(blanks) if blanks else values
    if values.dtype != object and not pd.api.types.is_string_dtype(values):
        return values
    return values.where(values.fillna("").astype(str).str.strip() != "")


def source_titles(row: pd.Series, sources: dict[str, str]) -> str:
    return " ; ".join(sources.get(s.strip(), s.strip()) for s in row[Op.SOURCE].split(";") if s.strip())


def _first_positions(values: pd.Series, ids: pd.Series, descending: bool, limit: int) -> np.ndarray:
    """Positions of the ``limit`` rows that come first by (value, id), without sorting every row:
    values ranked through their distinct values, ids compared only among the ties at the cut."""
    ranks, _ = pd.factorize(values, sort=True, use_na_sentinel=True)
    known = ranks >= 0
    ranks = np.where(known, ranks.max() - ranks if descending else ranks, len(values))  # unknown last
    cut = np.partition(ranks, limit - 1)[limit - 1]
    before = np.flatnonzero(ranks < cut)
    tied = np.flatnonzero(ranks == cut)
    tied_ids = ids.to_numpy(dtype=object)[tied]
    first_tied = heapq.nsmallest(limit - len(before), range(len(tied)), key=tied_ids.__getitem__)
    return np.concatenate([before, tied[first_tied]])


def operations_table(
    frame: pd.DataFrame,
    *,
    search: str,
    sort: dict,
    sort_button_type: str,
    total: int | None = None,
) -> html.Div:
    """The operations shown, sortable, a few columns each and every other published field in the row's
    detail, each row linking to its commune; the first ``MAX_TABLE_ROWS`` in the order chosen when there
    are more (a page of 100,000 rows helps no one). ``total``: ``frame`` holds those first rows already,
    of that many operations."""
    column, descending = sort.get("column", Op.COMMUNE), sort.get("descending", False)
    ordered = sort_frame(frame, column, descending, limit=MAX_TABLE_ROWS)
    header = [_sort_header(key, title, column, descending, sort_button_type) for key, title in TABLE_COLUMNS]
    header.append(html.Th(html.Span("Détail", className="detail-head"), scope="col", className="col-detail"))
    body = [
        html.Tr(_row_cells(row, search), id=f"op-row-{row[Op.ID]}")
        for row in _records(ordered, [*SORTABLE, Op.CODE_INSEE, Op.ID, *CELL_COLUMNS])
    ]
    if not body:
        empty = html.Td("Aucune opération ne correspond aux filtres.", colSpan=len(TABLE_COLUMNS) + 1)
        body = [html.Tr(empty)]
    caption = table_caption(len(ordered), len(frame) if total is None else total, column)
    return _operations_table_frame(caption, header, body)


def _operations_table_frame(caption: Any, header: list[Any], body: list[Any]) -> html.Div:
    return html.Div(
        html.Table(
            [html.Caption(caption), html.Thead(html.Tr(header)), html.Tbody(body, id=Region.TABLE_BODY)],
            className="data-table operations-table",
        ),
        className="table-scroll",
        tabIndex=0,
        role="region",
        **{"aria-label": "Tableau des opérations"},
    )


def _sort_header(key: str, title: str, column: str, descending: bool, button_type: str) -> html.Th:
    state = "descending" if key == column and descending else "ascending" if key == column else "none"
    arrow = {"descending": " ▼", "ascending": " ▲", "none": ""}[state]
    return html.Th(
        html.Button(
            title + arrow,
            id={"type": button_type, "column": key},
            className="sort-button",
            title=f"Trier par {title.lower()}",
        ),
        scope="col",
        className=f"col-{key}",  # as its cells: print.css hides both, by class (the written table has no ids)
        **{"aria-sort": state},
    )


def _row_cells(row: dict, search: str) -> list:
    """The compact columns of a row (the commune first, as its header), then its detail."""
    cells: list = [
        html.Th(dcc.Link(row[Op.COMMUNE], href=f"/commune/{row[Op.CODE_INSEE]}{search}"), scope="row")
    ]
    for key, _ in TABLE_COLUMNS[1:]:
        if key == Op.NOM:
            name = row[Op.NOM] or row[Op.ADRESSE] or formatting.UNKNOWN
            address = row[Op.ADRESSE] if row[Op.NOM] and row[Op.ADRESSE] else ""
            link = dcc.Link(name, href=f"/operation/{row[Op.ID]}", title="Historique daté et sources")
            cells.append(html.Td([link, html.Span(address, className="row-address") if address else None]))
        else:
            cells.append(html.Td(cell(row, key, missing=formatting.UNKNOWN), className=f"col-{key}"))
    cells.append(html.Td(_row_detail(row), className="col-detail"))
    return cells


def _row_detail(row: dict) -> html.Details:
    """A summary naming the operation; its fields (``row_fields``) are drawn when the row is opened:
    drawn for every row, they were most of the components the browser built at load. ``open`` is held
    by the callback that draws them, so that a table drawn again closes the rows it empties."""
    name = row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]
    return html.Details(
        [
            html.Summary(
                ["Plus", html.Span(f" sur {name}", className="visually-hidden")],
                id={"type": Region.ROW_OPEN, "op": row[Op.ID]},
            ),
            html.Div(id={"type": Region.ROW_FIELDS, "op": row[Op.ID]}),
        ],
        id={"type": Region.ROW_DETAIL, "op": row[Op.ID]},
        open=False,
        className="row-detail",
    )


def row_fields(row: Mapping, sources: dict[str, str]) -> html.Dl:
    """Every published field of a row that the table's columns do not show; the unpublished ones named."""
    pairs, unpublished = [], []
    for key, title in DETAIL_COLUMNS:
        value = source_titles(row, sources) if key == Op.SOURCE else cell(row, key, missing="")
        if value in ("", formatting.UNKNOWN):
            unpublished.append(title.lower())
        else:
            pairs += [html.Dt(title), html.Dd(value)]
    if unpublished:
        pairs += [html.Dt(formatting.UNKNOWN.capitalize()), html.Dd(", ".join(unpublished))]
    return html.Dl(pairs, className="fields row-fields")


def table_year_patch(frame: pd.DataFrame, *, search: str, sort: dict) -> Patch:
    """What a year change alters in ``operations_table`` when the rows and their order stay (same
    operations, not sorted by status): each row's status cell, and its link, which carries the year."""
    column, descending = sort.get("column", Op.COMMUNE), sort.get("descending", False)
    return ordered_year_patch(sort_frame(frame, column, descending, limit=MAX_TABLE_ROWS), search=search)


def ordered_year_patch(ordered: pd.DataFrame, *, search: str) -> Patch:
    """``table_year_patch`` of rows already in the table's order, its first ``MAX_TABLE_ROWS`` at most (a
    view's rows kept: ``pages.region.first_rows``), not sorted again: all of France's year step sorted its
    50 rows again, Arrow's texts (the ids, a name) included. Only the columns the cells read are read."""
    patch = Patch()
    rows = at(patch, TABLE_ROWS_PATH)
    for index, row in enumerate(_records(ordered, [STATUS, Op.CODE_INSEE, *STATE_COLUMNS])):
        cells = rows[index]["props"]["children"]
        cells[0]["props"]["children"]["props"]["href"] = f"/commune/{row[Op.CODE_INSEE]}{search}"  # Th > Link
        cells[STATUS_CELL]["props"]["children"] = cell(row, STATUS)
    return patch


def path_to(component: Any, target: str) -> list[str | int] | None:
    """Where the component with id ``target`` is in ``component``'s tree, as a Patch addresses it."""
    if getattr(component, "id", None) == target:
        return []
    children = getattr(component, "children", None)
    items = children if isinstance(children, list | tuple) else [children]
    for position, child in enumerate(items):
        if isinstance(child, Component):
            found = path_to(child, target)
            if found is not None:
                step: list[str | int] = ["props", "children"]
                return [*step, position, *found] if isinstance(children, list | tuple) else [*step, *found]
    return None


def at(patch: Patch, path: list[str | int]) -> Any:
    for step in path:
        patch = patch[step]
    return patch


# The rows of the tables, found by their body's id in the tables as built: a year change patches them.
def _rows_path(table: Any, body_id: str) -> list[str | int]:
    """Where the rows of the body ``body_id`` are in ``table``."""
    path = path_to(table, body_id)
    if path is None:
        raise LookupError(f"no {body_id} in the table")
    return [*path, "props", "children"]


MAP_ROWS_PATH = _rows_path(_map_table_frame("", []), Region.MAP_TABLE_BODY)
TABLE_ROWS_PATH = _rows_path(_operations_table_frame("", [], []), Region.TABLE_BODY)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """A dict per row, of ``columns`` only: many times faster to read than iterrows' Series."""
    columns = [column for column in dict.fromkeys(columns) if column in frame.columns]
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


# The « Livraison » column is the record's date today whatever the year shown; the state follows the year's.
DATES_NOTE = (
    "« Livraison » : la date la plus récente publiée ; « Statut » : la prévision connue cette année-là"
)


def table_caption(shown: int, total: int, column: str) -> list:
    """« 12 opérations — cliquer un en-tête pour trier. « Livraison » : … »; the instruction in its own span,
    which paper leaves out (``no-print``: nothing to click there)."""
    if shown == total:
        counted, instruction = wording.plural(total, "opération"), "cliquer un en-tête pour trier"
    else:
        title = dict(TABLE_COLUMNS).get(column, "Commune").lower()
        counted = (
            f"{formatting.number(shown)} premières opérations sur {formatting.number(total)}, par {title}"
        )
        instruction = "cliquer un en-tête pour trier, filtrer pour voir les autres"
    return [counted, html.Span(f" — {instruction}", className="no-print"), f". {DATES_NOTE}."]


def sheet_title(row: pd.Series) -> html.H3:
    """An operation's name, linked to its page (its dated record and sources)."""
    name = row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]
    return html.H3(dcc.Link(name, href=f"/operation/{row[Op.ID]}", title="Historique daté et sources"))


def operation_sheet(row: pd.Series, *, sources: dict[str, str], report_url: str) -> html.Article:
    """One operation with every published field, its source, caveats and conflicts."""
    fields = [
        ("Adresse", row[Op.ADRESSE] or formatting.UNKNOWN),
        ("Programme", row[Op.PROGRAMME]),
        ("Nature", row[Op.NATURE] or "non précisée"),
        ("État", cell(row, STATUS)),
        ("Logements", cell(row, Derived.LOGEMENTS_RETENUS)),
        ("Financements", row[Op.FINANCEMENTS] or "non précisé"),
        ("Typologie", row[Op.TYPOLOGIE] or formatting.UNKNOWN),
        ("Surface", formatting.number(row[Op.SURFACE_M2], unit="m²")),
        ("Surfaces commerciales", formatting.number(row[Op.COMMERCES])),
        ("Début des travaux", cell(row, Op.DEBUT_TRAVAUX, missing=formatting.UNKNOWN)),
        ("Livraison (dernière date publiée)", cell(row, Op.LIVRAISON, missing=formatting.UNKNOWN)),
        ("Durée", formatting.number(row[Op.DUREE_MOIS], unit="mois")),
        ("Coût publié", cell(row, Op.BUDGET_EUR, missing=formatting.UNKNOWN)),
        (
            "Position",
            "approximative (commune)"
            if row[Op.PRECISION_GEO] == PRECISION_COMMUNE
            else row[Op.PRECISION_GEO],
        ),
    ]
    fields += [(f"{VARIANT_LABELS.get(c, c)} (autre passage)", variant_text(v)) for c, v in _variants(row)]
    fields += [(f"{VARIANT_LABELS.get(c, c)} : déduit", why) for c, why in _inferences(row)]
    # On a phone the sheet is its name and its state, the rest folded (style.css), a conflict said in the
    # fold's summary (« ⚠ Lectures en désaccord ») and read first once opened; wider screens and paper show
    # the fold open, without its summary, the conflict under the title as before.
    conflict = row[Op.CONFLIT]
    details = [
        html.Summary(
            "⚠ Lectures en désaccord · détail" if conflict else "Détail de l'opération",
            className="op-details-summary",
        ),
        html.P(["⚠ Lectures en désaccord : ", conflict], className="conflict") if conflict else None,
        html.P(row[Op.DESCRIPTION], className="description") if row[Op.DESCRIPTION] else None,
        html.Dl(
            [part for label, value in fields for part in (html.Dt(label), html.Dd(value))], className="fields"
        ),
    ]
    children = [
        sheet_title(row),
        html.P([html.Strong("État : "), cell(row, STATUS)], className="op-state"),
        html.Details(
            [
                *details,
                html.P(row[Op.REMARQUES], className="remark") if row[Op.REMARQUES] else None,
                html.P(["Source : ", source_titles(row, sources)], className="source"),
                html.A(
                    "Signaler une erreur",
                    href=report_url.replace("{id}", row[Op.ID]),
                    className="report-link no-print",
                )
                if report_url
                else None,
            ],
            className="op-details",
        ),
    ]
    return html.Article(children, className="op-sheet", id=f"{Html.OPERATION}{row[Op.ID]}")


VARIANT_LABELS = {
    Op.LIVRAISON: "Livraison",
    Op.DEBUT_TRAVAUX: "Début des travaux",
    Op.LOGEMENTS: "Logements",
    Op.FINANCEMENTS: "Financements",
    Op.SURFACE_M2: "Surface",
    Op.NOM: "Nom",
    Op.BUDGET_EUR: "Coût",
}


def _variants(row: pd.Series) -> list[tuple[str, object]]:
    typed = row.get(Derived.VARIANTES)
    return list(typed.items()) if isinstance(typed, dict) else []


def variant_text(value: object) -> str:
    """Another published value, as people read it: a date in words, a number with spaces."""
    if isinstance(value, PartialDate):
        return wording.french_date(value)
    if isinstance(value, int | float):
        return formatting.number(value)
    if isinstance(value, tuple):  # a tenure mix
        return format_financements(value)
    return str(value)


def _inferences(row: pd.Series) -> list[tuple[str, str]]:
    text = row.get(Op.INFERENCES) or ""
    pairs = [item.partition("=") for item in str(text).split("|") if item.strip()]
    return [(column.strip(), why.strip()) for column, _, why in pairs if why.strip()]


def undated_list(frame: pd.DataFrame) -> html.Div:
    """The operations of ``frame`` with no published date: the first ``MAX_UNDATED`` named, the others
    counted. Only the rows named are taken: taking every undated row (all their columns) read each one's
    texts, which copies the preloaded master's pages into the worker (issue 24)."""
    rows = np.flatnonzero(timeline.undated_rows(frame))
    if not len(rows):
        return html.Div()
    items = []
    for _, row in frame.iloc[rows[:MAX_UNDATED]].iterrows():
        duration = (
            f" — durée publiée : {formatting.number(row[Op.DUREE_MOIS], unit='mois')}"
            if not pd.isna(row[Op.DUREE_MOIS])
            else ""
        )
        items.append(html.Li(f"{row[Op.COMMUNE]} · {row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]}{duration}"))
    if len(rows) > MAX_UNDATED:
        items.append(
            html.Li(
                f"… et {wording.plural(len(rows) - MAX_UNDATED, 'autre opération', 'autres opérations')}"
                " sans date publiée (voir le tableau)",
                className="more",
            )
        )
    return html.Div(
        [html.H3("Date non publiée", className="small-title"), html.Ul(items)], className="undated"
    )
