"""The operation page (``/operation/<id>``): its dated record — milestones in time order, forecasts hollow
and facts filled, each with its source —, every figure with where it comes from, the conflicts and the
date the public record was last searched. Bookmarkable, shareable (its title and description name the
operation and its state) and printable on one A4 page (assets/print.css)."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import dcc, html

from dashboard.data import milestones as record
from dashboard.data import wording
from dashboard.data.schema import MILESTONE_KINDS, Certainty, Derived, Fig, Ms, Op, Src
from dashboard.model import analysis, formatting, planned
from dashboard.model.chronology import when
from dashboard.web import headline
from dashboard.web.context import Context
from dashboard.web.ids import Html
from dashboard.web.routes import Route
from dashboard.web.views import back_link, current_context, routed_location

PATH_TEMPLATE = "/operation/<op_id>"
SITE = "Cœur de Ville"


def _known(op_id: Any) -> tuple[Context, str] | None:
    context = current_context()
    ok = isinstance(op_id, str) and op_id in context.dataset.operations.index
    return (context, op_id) if ok else None


def _name(row: pd.Series) -> str:
    return str(row[Op.NOM] or row[Op.ADRESSE] or row[Op.ID])


def _state(context: Context, op_id: str, year: int) -> str:
    """The state at the end of ``year`` in words, as the other pages say it."""
    shown = context.at_year(year)
    return str(analysis.phrases(shown.loc[[op_id]]).iloc[0])


def title(op_id: Any = None) -> str:
    """``Résidence de la Croix d'Or, Soissons — Cœur de Ville``."""
    known = _known(op_id)
    if known is None:
        return f"Opération introuvable — {SITE}"
    context, op_id = known
    row = context.dataset.operations.loc[op_id]
    return f"{_name(row)}, {row[Op.COMMUNE]} — {SITE}"


def description(op_id: Any = None) -> str:
    """What a link preview shows: the operation, its dwellings, its state and how many dated milestones."""
    known = _known(op_id)
    if known is None:
        return "Aucune opération publiée n'a cet identifiant."
    context, op_id = known
    row = context.dataset.operations.loc[op_id]
    dwellings = formatting.dwellings(
        row[Derived.LOGEMENTS_RETENUS], row[Derived.LOGEMENTS_MAX], row[Derived.LOGEMENTS_ORIGINE]
    )
    count = int((context.dataset.milestones[Ms.OPERATION] == op_id).sum())
    year = context.lookups.default_year
    return (
        f"{_name(row)}, {row[Op.COMMUNE]} ({row[Op.PROGRAMME]}) : {dwellings} logements ; fin {year}, "
        f"{_state(context, op_id, year)}. Historique daté : {wording.plural(count, 'jalon')}, "
        f"chacun avec sa source. {headline.search_line(context.dataset.metadata)}."
    )


def layout(**_query: Any) -> html.Div:
    """Drawn by Dash Pages' router; the id is the route's (dashboard.web.routes)."""
    location = routed_location()
    if location is None:
        return html.Div(className="page operation-page")
    return for_location(*location)


def for_location(route: Route, search: str) -> html.Div:
    context = current_context()
    if route.operation is None:
        return html.Div(
            [
                html.H1("Opération introuvable", className="page-title"),
                html.P("Aucune opération publiée n'a cet identifiant."),
                dcc.Link("← Retour à la carte", href=back_link(search), className="back-link"),
            ],
            className="page not-found",
            role="alert",
        )
    return page(context, route.operation, search)


def _sources(context: Context) -> dict[str, dict]:
    table = context.dataset.sources
    return {row[Src.SOURCE]: row for row in table.to_dict("records")}


def source_words(context: Context, source: str) -> Any:
    """« La Croix d'Or renaît… (Le Vase communicant, septembre 2022) », linked to the page when known."""
    found = _sources(context).get(source)
    if found is None:
        return source
    date = context.dataset.source_dates.get(source)
    said = ", ".join(part for part in (found.get(Src.EDITEUR, ""), date.label if date else "") if part)
    name = found.get(Src.TITRE) or source
    address = found.get(Src.ADRESSE, "")
    link = html.A(name, href=address, rel="noopener") if address else name
    return html.Span([link, f" ({said})" if said else ""], className="source")


def milestone_item(context: Context, row: dict) -> html.Li:
    """One milestone: filled if reported, hollow if forecast, with its date, source and inference."""
    fact = row[Ms.ETAT] == Certainty.REPORTED
    date = row[record.DATE]
    words = MILESTONE_KINDS.get(row[Ms.TYPE], row[Ms.TYPE])
    said = f"{words} {when(date)}" if date is not None else f"{words}, date non publiée"
    return html.Li(
        [
            html.Span("●" if fact else "○", className="ms-mark", **{"aria-hidden": "true"}),
            html.Strong(said[:1].upper() + said[1:]),
            html.Span(" — constaté" if fact else " — prévu à la date de la source", className="ms-state"),
            html.Div(["Source : ", source_words(context, row[Ms.SOURCE])], className="ms-source"),
            html.Div(f"« {row[Ms.CITATION]} »", className="ms-quote") if row[Ms.CITATION] else None,
            html.Div(f"Date déduite : {row[Ms.INFERENCE]}", className="ms-inference")
            if row[Ms.INFERENCE]
            else None,
            html.Div(row[Ms.REMARQUE], className="ms-note") if row[Ms.REMARQUE] else None,
        ],
        className="ms " + ("ms-fact" if fact else "ms-forecast"),
    )


def _ordered(rows: pd.DataFrame) -> list[dict]:
    records = rows.to_dict("records")
    return sorted(
        records, key=lambda r: (r[record.DATE] is None, r[record.DATE].earliest() if r[record.DATE] else ())
    )


def figures_table(context: Context, op_id: str) -> html.Table | html.P:
    figures = context.dataset.figures
    rows = figures[figures[Fig.OPERATION] == op_id].to_dict("records")
    if not rows:
        return html.P("Aucun chiffre publié par une autre source que la fiche de l'opération.")
    body = [
        html.Tr(
            [
                html.Th(str(r[Fig.CHAMP]).replace("_", " "), scope="row"),
                html.Td(f"{r[Fig.VALEUR]} {r[Fig.UNITE]}".strip()),
                html.Td(r[Fig.PORTEE] or "toute l'opération"),
                html.Td(
                    [
                        source_words(context, r[Fig.SOURCE]),
                        html.Div(f"« {r[Fig.CITATION]} »", className="ms-quote") if r[Fig.CITATION] else None,
                        html.Div(r[Fig.REMARQUE], className="ms-note") if r[Fig.REMARQUE] else None,
                    ]
                ),
            ]
        )
        for r in rows
    ]
    head = html.Thead(
        html.Tr([html.Th(h, scope="col") for h in ("Chiffre", "Valeur", "Portée", "Source et passage")])
    )
    return html.Table([head, html.Tbody(body)], className="data-table compact figures-by-source")


def conflicts(context: Context, op_id: str) -> list[str]:
    """The disagreements, in words: the row's own, reported dates that cannot be one, figures read twice."""
    row = context.dataset.operations.loc[op_id]
    found = [str(row[Op.CONFLIT])] if row[Op.CONFLIT] else []
    milestones = context.dataset.milestones
    mine = milestones[(milestones[Ms.OPERATION] == op_id) & milestones[record.DATE].notna()]
    for kind, rows in mine.groupby(Ms.TYPE):
        facts = rows[rows[record.REPORTED]]
        dates = facts[record.DATE].tolist()
        if any(not record._overlap(a, b) for a in dates for b in dates):
            readings = " ; ".join(record.reading(r) for _, r in facts.iterrows())
            found.append(f"{MILESTONE_KINDS.get(str(kind), kind)} : {readings}")
    figures = context.dataset.figures
    theirs = figures[figures[Fig.OPERATION] == op_id]
    for (field, scope), rows in theirs.groupby([Fig.CHAMP, Fig.PORTEE]):
        if rows[Fig.VALEUR].nunique() > 1:
            readings = " ; ".join(
                f"{v} ({s})" for v, s in zip(rows[Fig.VALEUR], rows[Fig.SOURCE], strict=True)
            )
            where = f" ({scope})" if scope else ""
            found.append(f"{str(field).replace('_', ' ')}{where} : {readings}")
    return found


def page(context: Context, op_id: str, search: str) -> html.Div:
    row = context.dataset.operations.loc[op_id]
    year = context.lookups.default_year
    dwellings = formatting.dwellings(
        row[Derived.LOGEMENTS_RETENUS],
        row[Derived.LOGEMENTS_MAX],
        row[Derived.LOGEMENTS_ORIGINE],
        detailed=True,
    )
    milestones = context.dataset.milestones
    mine = _ordered(milestones[milestones[Ms.OPERATION] == op_id])
    deliveries = planned.deliveries(
        context.dataset.operations.loc[[op_id]], milestones, context.dataset.source_dates
    )
    disagreements = conflicts(context, op_id)
    own_sources = [s.strip() for s in str(row[Op.SOURCE]).split(";") if s.strip()]
    return html.Div(
        [
            dcc.Link("← Retour à la carte", href=back_link(search), className="back-link"),
            html.H1(_name(row), className="page-title"),
            html.P(
                [
                    dcc.Link(  # the commune's page, at this operation's sheet (assets/coeur.js)
                        str(row[Op.COMMUNE]),
                        href=f"/commune/{row[Op.CODE_INSEE]}{search}#{Html.OPERATION}{op_id}",
                        title="Sa fiche sur la page de la commune",
                    ),
                    f" · programme : {row[Op.PROGRAMME]} · {dwellings} logements",
                ],
                className="subtitle",
            ),
            html.P(f"Fin {year} : {_state(context, op_id, year)}.", className="year-line operation-state"),
            html.P(row[Op.DESCRIPTION], className="description") if row[Op.DESCRIPTION] else None,
            html.H2("Historique daté"),
            html.P(
                "● constaté (fait rapporté par la source) · ○ prévu (une prévision à la date de la source)"
            ),
            html.Ol([milestone_item(context, r) for r in mine], className="milestones")
            if mine
            else html.P("Aucun jalon daté n'est publié pour cette opération."),
            html.H2("Prévu et constaté"),
            html.P(
                planned.summary(deliveries) if deliveries else "Aucune livraison constatée par une source."
            ),
            html.H2("Chiffres et leurs sources"),
            html.P(
                ["Fiche de l'opération : "]
                + [part for s in own_sources for part in (source_words(context, s), " ")],
                className="op-sources",
            ),
            figures_table(context, op_id),
            html.H2("Désaccords entre lectures"),
            html.Ul([html.Li(text) for text in disagreements], className="conflicts")
            if disagreements
            else html.P("Aucun désaccord relevé entre les sources."),
            html.P(headline.search_line(context.dataset.metadata) + ".", className="file-date"),
        ],
        className="page operation-page",
    )


def register() -> None:
    dash.register_page(
        __name__,
        path_template=PATH_TEMPLATE,
        name="Opération",
        title=title,
        description=description,
        layout=layout,
    )
