"""Layout pieces shared by the pages: key figures, tables, operation sheets, graphs. Pure."""

from __future__ import annotations

import heapq
from collections.abc import Mapping

import numpy as np
import pandas as pd
from dash import Patch, dcc, html

from dashboard import formatting, theme
from dashboard.analysis import CERTAINTY, STATUS, VARIANT_CERTAINTY, VARIANT_STATUS, KeyFigures
from dashboard.chronology import is_reported, phrase
from dashboard.parsing import PartialDate, format_financements
from dashboard.schema import PRECISION_COMMUNE, Derived, Op, Total

GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": False,  # no toolbar to tab through or print: exports have their own buttons
    "showSendToCloud": False,  # plotly.js 4 would offer to upload the chart to a cloud service
    "showEditInChartStudio": False,
    "topojsonURL": "/assets/topojson/",  # never the CDN: the map must draw offline
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


def search_results(matches, query: str, search: str) -> html.Div | None:
    """Links to the communes found; nothing while nothing is typed."""
    if not query.strip():
        return None
    if not matches:
        return html.P(f"Aucune commune ne correspond à « {query[:80]} ».", className="search-empty")
    return html.Ul(
        [
            html.Li(
                dcc.Link(
                    [
                        html.Span(match.name, className="search-name"),
                        html.Span(
                            f" {match.departement} · {match.code}"
                            + (
                                f" · {formatting.plural(match.operations, 'opération')}"
                                if match.operations
                                else ""
                            ),
                            className="search-meta",
                        ),
                    ],
                    href=f"/commune/{match.code}{search}",
                )
            )
            for match in matches
        ],
        className="search-list",
    )


MAX_MAP_TABLE_ROWS = 50  # communes listed at most, those with the most dwellings first


SMALL_FRAME = 5_000  # rows under which a plain loop beats pandas' fixed cost per call (0.6 ms vs 3 ms here)


def _map_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], int]:
    """Communes with operations, most dwellings first (at most ``MAX_MAP_TABLE_ROWS``), their status
    counts as text (in order of first appearance), and how many communes there are in all. The order
    of the rows does not depend on the year."""
    if len(frame) <= SMALL_FRAME:
        totals: dict[str, list] = {}
        counts: dict[str, dict[str, int]] = {}
        for code, name, value, status in zip(
            frame[Op.CODE_INSEE].astype(str),
            frame[Op.COMMUNE].astype(str),
            frame[Derived.LOGEMENTS_RETENUS].astype("Float64").fillna(0).astype(float),
            frame[STATUS].astype(str),
            strict=True,
        ):
            entry = totals.setdefault(code, [name, 0, 0.0])
            entry[1] += 1
            entry[2] += value
            per_status = counts.setdefault(code, {})
            per_status[status] = per_status.get(status, 0) + 1
        per_commune = pd.DataFrame.from_dict(
            totals, orient="index", columns=["commune", "operations", "logements"]
        )
        pairs = [((code, status), n) for code, by_status in counts.items() for status, n in by_status.items()]
    else:
        columns = pd.DataFrame(
            {
                "code": frame[Op.CODE_INSEE].astype(str),
                "commune": frame[Op.COMMUNE],
                "status": frame[STATUS],
                "logements": frame[Derived.LOGEMENTS_RETENUS].astype("Float64").fillna(0),
            }
        )
        per_commune = columns.groupby("code", sort=False).agg(
            commune=("commune", "first"), operations=("status", "size"), logements=("logements", "sum")
        )
        pairs = list(columns.groupby(["code", "status"], observed=True, sort=False).size().items())
    shown = per_commune.sort_values(["logements", "commune"], ascending=[False, True]).head(
        MAX_MAP_TABLE_ROWS
    )
    texts: dict[str, list[str]] = {code: [] for code in shown.index}
    for (code, status), count in pairs:
        if code in texts:
            texts[code].append(f"{count} {status}")
    return shown, {code: ", ".join(parts) for code, parts in texts.items()}, len(per_commune)


def map_table(
    frame: pd.DataFrame, acv_names: dict[str, str], departements: dict[str, str], search: str
) -> html.Details:
    """The map's content as a table, for screen readers and for anyone who prefers one: a row per commune
    with operations (the ``MAX_MAP_TABLE_ROWS`` with the most dwellings when there are more), then the
    Action Cœur de Ville communes without any."""
    shown, statuses, communes = _map_rows(frame)
    rows = [
        html.Tr(
            [
                html.Th(dcc.Link(row["commune"], href=f"/commune/{code}{search}"), scope="row"),
                html.Td(departements.get(code[:2], code[:2])),
                html.Td("oui" if code in acv_names else "non"),
                html.Td(formatting.number(row["operations"])),
                html.Td(formatting.number(row["logements"])),
                html.Td(statuses[code]),
            ]
        )
        for code, row in shown.iterrows()
    ]
    with_operations = set(frame[Op.CODE_INSEE].astype(str))
    rows += [
        html.Tr(
            [
                html.Th(dcc.Link(name, href=f"/commune/{code}{search}"), scope="row"),
                html.Td(departements.get(code[:2], code[:2])),
                html.Td("oui"),
                html.Td("0"),
                html.Td("—"),
                html.Td("aucune opération publiée dans la vue"),
            ]
        )
        for code, name in acv_names.items()
        if code not in with_operations
    ]
    header = ["Commune", "Département", "Ville Action Cœur de Ville", "Opérations", "Logements", "Statuts"]
    caption = (
        f"Les {len(shown)} communes qui comptent le plus de logements, sur {communes} avec des opérations"
        if communes > len(shown)
        else ""
    )
    return html.Details(
        [
            html.Summary("La carte sous forme de tableau"),
            html.Table(
                [
                    html.Caption(caption),
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in header])),
                    html.Tbody(rows),
                ],
                className="data-table compact",
            ),
        ],
        className="map-table",
    )


STATUS_CELL = 5


def map_table_year_patch(frame: pd.DataFrame, acv_names: dict[str, str], search: str) -> Patch:
    """What a year change alters in ``map_table`` (same operations, same rows): each commune's status
    counts, and every link, which carries the year."""
    shown, statuses, _ = _map_rows(frame)
    with_operations = set(frame[Op.CODE_INSEE].astype(str))
    without = [code for code in acv_names if code not in with_operations]
    patch = Patch()
    body = patch["props"]["children"][1]["props"]["children"][2]["props"]["children"]
    for position, code in enumerate([*shown.index, *without]):
        cells = body[position]["props"]["children"]
        cells[0]["props"]["children"]["props"]["href"] = f"/commune/{code}{search}"
        if position < len(shown):
            cells[STATUS_CELL]["props"]["children"] = statuses[code]
    return patch


def figure_card(label: str, value: str, detail: str = "") -> html.Div:
    return html.Div(
        [
            html.Div(value, className="kf-value"),
            html.Div(label, className="kf-label"),
            html.Div(detail, className="kf-detail") if detail else None,
        ],
        className="kf-card",
    )


def key_figures(figures: KeyFigures, year: int) -> html.Div:
    """The figures of the operations shown, each saying what it leaves out."""
    dwellings_note = []
    if figures.dwellings_computed:
        dwellings_note.append(
            f"dont {formatting.plural(figures.dwellings_computed, 'opération')} d'après le financement"
        )
    if figures.dwellings_unknown:
        dwellings_note.append(
            f"{formatting.plural(figures.dwellings_unknown, 'opération')} sans nombre publié"
        )
    surface_note = (
        f"{formatting.plural(figures.surface_unknown, 'opération')} sans surface publiée"
        if figures.surface_unknown
        else ""
    )
    cost_note = (
        f"connu pour {formatting.number(figures.cost_known)} sur {formatting.number(figures.operations)}"
        if figures.operations
        else ""
    )
    return html.Div(
        [
            figure_card(
                "opérations",
                formatting.number(figures.operations),
                f"{formatting.plural(figures.delivered, 'livrée')} · "
                f"{formatting.number(figures.under_way)} en travaux · "
                f"{formatting.plural(figures.announced, 'annoncée')} (fin {year})",
            ),
            figure_card("logements", formatting.number(figures.dwellings), " ; ".join(dwellings_note)),
            figure_card(
                "logements livrés fin " + str(year),
                formatting.number(figures.dwellings_delivered),
                f"{formatting.number(figures.dwellings_under_way)} en travaux",
            ),
            figure_card("surface", formatting.number(figures.surface_m2, unit="m²"), surface_note),
            figure_card(
                "surfaces commerciales",
                formatting.number(figures.shops) if figures.shops_known else formatting.UNKNOWN,
                f"publié pour {formatting.number(figures.shops_known)} "
                f"sur {formatting.number(figures.operations)}"
                if figures.operations
                else "",
            ),
            figure_card(
                "coût publié",
                formatting.euros(figures.cost_eur) if figures.cost_known else formatting.UNKNOWN,
                cost_note,
            ),
        ],
        className="kf-row",
        role="group",
        **{"aria-label": "Chiffres clés de la vue"},
    )


def published_totals(totals: pd.DataFrame, figures: KeyFigures, sources: dict[str, str]) -> html.Details:
    """What the articles announce next to what the detailed table adds up to."""

    def published(indicator: str) -> str:
        rows = totals[totals[Total.INDICATEUR] == indicator]
        values = [
            f"{formatting.number(v)} ({sources.get(s, s)})"
            for v, s in zip(rows[Total.VALEUR], rows[Total.SOURCE], strict=True)
        ]
        return " ; ".join(values) or formatting.UNKNOWN

    rows = [
        ("Programmes Action Cœur de Ville", published("acv_programmes")),
        ("Logements Action Cœur de Ville", published("acv_logements")),
        ("Centres-villes", published("acv_centres_villes")),
        ("Communes soutenues", published("acv_communes_soutenues")),
        (
            "Investissement",
            " ; ".join(
                f"{formatting.euros(v)} ({sources.get(s, s)})"
                for v, s in zip(
                    totals.loc[totals[Total.INDICATEUR] == "acv_investissement", Total.VALEUR],
                    totals.loc[totals[Total.INDICATEUR] == "acv_investissement", Total.SOURCE],
                    strict=True,
                )
            )
            or formatting.UNKNOWN,
        ),
        ("Parc de Clésence", published("clesence_logements")),
    ]
    return html.Details(
        [
            html.Summary("Chiffres annoncés par les sources, comparés au détail publié"),
            html.Table(
                [
                    html.Thead(
                        html.Tr(
                            [html.Th("Indicateur", scope="col"), html.Th("Annoncé (source)", scope="col")]
                        )
                    )
                ]
                + [
                    html.Tbody(
                        [html.Tr([html.Th(label, scope="row"), html.Td(value)]) for label, value in rows]
                    )
                ],
                className="data-table compact",
            ),
            html.P(
                f"Le détail publié opération par opération, que montre ce tableau de bord, compte "
                f"{formatting.plural(figures.operations, 'opération')} et "
                f"{formatting.number(figures.dwellings)} logements dans la vue : "
                "les totaux annoncés couvrent des programmes dont le détail n'a pas été publié.",
                className="note",
            ),
        ],
        className="totals",
        open=True,
    )


TABLE_COLUMNS = (
    (Op.COMMUNE, "Commune"),
    (Op.ADRESSE, "Adresse"),
    (Op.NOM, "Nom"),
    (Op.PROGRAMME, "Programme"),
    (Op.NATURE, "Nature"),
    (STATUS, "Statut"),
    (Derived.LOGEMENTS_RETENUS, "Logements"),
    (Op.FINANCEMENTS, "Financements"),
    (Op.TYPOLOGIE, "Typologie"),
    (Op.SURFACE_M2, "Surface (m²)"),
    (Op.COMMERCES, "Commerces"),
    (Op.DEBUT_TRAVAUX, "Début des travaux"),
    (Op.LIVRAISON, "Livraison"),
    (Op.DUREE_MOIS, "Durée (mois)"),
    (Op.BUDGET_EUR, "Coût publié"),
    (Op.DESCRIPTION, "Description"),
    (Op.CONFLIT, "Désaccord entre sources"),
    (Op.REMARQUES, "Remarques"),
    (Op.SOURCE, "Source"),
)
SORTABLE = {column for column, _ in TABLE_COLUMNS}
STATUS_CELL = [column for column, _ in TABLE_COLUMNS].index(STATUS)
MAX_TABLE_ROWS = 50  # rows drawn at most (the first in the order chosen); the caption says how many there are
MAX_UNDATED = 30  # operations listed at most under "Date non publiée"


# Columns that ``cell`` reads besides the one it draws: the state in words, the range of dwellings.
CELL_COLUMNS = (
    CERTAINTY,
    VARIANT_STATUS,
    VARIANT_CERTAINTY,
    Derived.DEBUT,
    Derived.FIN,
    Derived.SOURCE_DATE,
    Derived.SOURCE_LABEL,
    Derived.LOGEMENTS_MAX,
    Derived.LOGEMENTS_ORIGINE,
)


def cell(row: pd.Series, column: str, *, missing: str = "—") -> str:
    value = row[column]
    if column == STATUS:
        return state_text(row)
    if column in (Op.DEBUT_TRAVAUX, Op.LIVRAISON):
        return formatting.partial_date(value) if value else "—"
    if column == Op.BUDGET_EUR:
        return formatting.euros(value) if not pd.isna(value) else missing
    if column == Derived.LOGEMENTS_RETENUS:
        return formatting.dwellings(value, row[Derived.LOGEMENTS_MAX], row[Derived.LOGEMENTS_ORIGINE])
    if column in (Op.SURFACE_M2, Op.COMMERCES, Op.DUREE_MOIS):
        return formatting.number(value) if not pd.isna(value) else "—"
    return str(value) if value else "—"


def state_text(row: Mapping) -> str:
    """The state at the year shown, in words that say how it is known, and the other passage's state."""
    start, published = row.get(Derived.DEBUT), row.get(Derived.SOURCE_DATE)
    words = phrase(
        str(row[STATUS]),
        str(row.get(CERTAINTY, "")),
        start,
        row.get(Derived.FIN),
        str(row.get(Derived.SOURCE_LABEL, "")),
        start_reported=bool(start and published and is_reported(start, published)),
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
        frame = frame.iloc[_first_positions(frame[column], frame[Op.ID], descending, limit)]
    return frame.sort_values(
        [column, Op.ID], ascending=[not descending, True], na_position="last", kind="stable"
    )


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
    sources: dict[str, str] | None = None,
) -> html.Div:
    """Every published field of the operations shown, sortable, each row linking to its commune; the first
    ``MAX_TABLE_ROWS`` in the order chosen when there are more (a page of 100,000 rows helps no one)."""
    column, descending = sort.get("column", Op.COMMUNE), sort.get("descending", False)
    ordered = sort_frame(frame, column, descending, limit=MAX_TABLE_ROWS)
    header = []
    for key, title in TABLE_COLUMNS:
        state = "descending" if key == column and descending else "ascending" if key == column else "none"
        arrow = {"descending": " ▼", "ascending": " ▲", "none": ""}[state]
        header.append(
            html.Th(
                html.Button(
                    title + arrow,
                    id={"type": sort_button_type, "column": key},
                    className="sort-button",
                    title=f"Trier par {title.lower()}",
                ),
                scope="col",
                **{"aria-sort": state},
            )
        )
    body = []
    for row in _records(ordered, [*SORTABLE, Op.CODE_INSEE, Op.ID, *CELL_COLUMNS]):
        cells = []
        for key, _ in TABLE_COLUMNS:
            if key == Op.COMMUNE:
                cells.append(
                    html.Th(
                        dcc.Link(row[Op.COMMUNE], href=f"/commune/{row[Op.CODE_INSEE]}{search}"), scope="row"
                    )
                )
            elif key == Op.SOURCE:
                cells.append(html.Td(source_titles(row, sources or {}), className="col-source"))
            else:
                cells.append(html.Td(cell(row, key), className=f"col-{key}"))
        body.append(html.Tr(cells, id=f"op-row-{row[Op.ID]}"))
    if not body:
        body = [html.Tr(html.Td("Aucune opération ne correspond aux filtres.", colSpan=len(TABLE_COLUMNS)))]
    return html.Div(
        html.Table(
            [
                html.Caption(table_caption(len(ordered), len(frame), column)),
                html.Thead(html.Tr(header)),
                html.Tbody(body),
            ],
            className="data-table",
        ),
        className="table-scroll",
        tabIndex=0,
        role="region",
        **{"aria-label": "Tableau des opérations"},
    )


def table_year_patch(frame: pd.DataFrame, *, search: str, sort: dict) -> Patch:
    """What a year change alters in ``operations_table`` when the rows and their order stay (same
    operations, not sorted by status): each row's status cell, and its link, which carries the year."""
    column, descending = sort.get("column", Op.COMMUNE), sort.get("descending", False)
    ordered = sort_frame(frame, column, descending, limit=MAX_TABLE_ROWS)
    patch = Patch()
    rows = patch["props"]["children"]["props"]["children"][2]["props"]["children"]  # Div > Table > Tbody
    for index, row in enumerate(_records(ordered, [STATUS, Op.CODE_INSEE, *CELL_COLUMNS])):
        cells = rows[index]["props"]["children"]
        cells[0]["props"]["children"]["props"]["href"] = f"/commune/{row[Op.CODE_INSEE]}{search}"  # Th > Link
        cells[STATUS_CELL]["props"]["children"] = cell(row, STATUS)
    return patch


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """A dict per row, of ``columns`` only: many times faster to read than iterrows' Series."""
    columns = [column for column in dict.fromkeys(columns) if column in frame.columns]
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def table_caption(shown: int, total: int, column: str) -> str:
    if shown == total:
        return f"{formatting.plural(total, 'opération')} — cliquer un en-tête pour trier"
    title = dict(TABLE_COLUMNS).get(column, "Commune").lower()
    return (
        f"{formatting.number(shown)} premières opérations sur {formatting.number(total)}, par {title} — "
        "cliquer un en-tête pour trier, filtrer pour voir les autres"
    )


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
        ("Début des travaux", formatting.partial_date(row[Op.DEBUT_TRAVAUX])),
        ("Livraison", formatting.partial_date(row[Op.LIVRAISON])),
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
    children = [
        html.H3(row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]),
        html.P(row[Op.DESCRIPTION], className="description") if row[Op.DESCRIPTION] else None,
        html.Dl(
            [part for label, value in fields for part in (html.Dt(label), html.Dd(value))], className="fields"
        ),
        html.P(["⚠ Sources en désaccord : ", row[Op.CONFLIT]], className="conflict")
        if row[Op.CONFLIT]
        else None,
        html.P(row[Op.REMARQUES], className="remark") if row[Op.REMARQUES] else None,
        html.P(["Source : ", source_titles(row, sources)], className="source"),
        html.A(
            "Signaler une erreur",
            href=report_url.replace("{id}", row[Op.ID]),
            className="report-link no-print",
        ),
    ]
    return html.Article(children, className="op-sheet", id=f"op-{row[Op.ID]}")


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
        return formatting.french_date(value)
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
    if frame.empty:
        return html.Div()
    items = []
    for _, row in frame.head(MAX_UNDATED).iterrows():
        duration = (
            f" — durée publiée : {formatting.number(row[Op.DUREE_MOIS], unit='mois')}"
            if not pd.isna(row[Op.DUREE_MOIS])
            else ""
        )
        items.append(html.Li(f"{row[Op.COMMUNE]} · {row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID]}{duration}"))
    if len(frame) > MAX_UNDATED:
        items.append(
            html.Li(
                f"… et {formatting.plural(len(frame) - MAX_UNDATED, 'autre opération', 'autres opérations')}"
                " sans date publiée (voir le tableau)",
                className="more",
            )
        )
    return html.Div(
        [html.H3("Date non publiée", className="small-title"), html.Ul(items)], className="undated"
    )
