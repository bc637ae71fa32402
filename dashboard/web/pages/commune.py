"""The commune page (``/commune/<code_insee>``): a sheet a mayor can bookmark, share and print; its
title and description name the commune and its figures, so a shared link shows them."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import dash
import pandas as pd
from dash import Dash, Input, Output, dcc, html
from dash.development.base_component import Component

from dashboard.data import wording
from dashboard.data.mapgeo import neighbourhood
from dashboard.data.places import departement_of
from dashboard.data.schema import Geo, Op
from dashboard.data.wording import french_date, plural
from dashboard.export.tables import file_name
from dashboard.figures import mapchanges, maps
from dashboard.figures.mix import mix_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.model import analysis
from dashboard.model.state import View, view_query
from dashboard.web import components, glossary, headline, inputs, milestones, share, written
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS
from dashboard.web.ids import Commune, Shell
from dashboard.web.legend import map_legend
from dashboard.web.qr import qr_data_uri
from dashboard.web.routes import OPERATION_PREFIX, Route
from dashboard.web.views import (
    CONTROLS,
    answered,
    back_link,
    commune_path,
    current_context,
    figure_patch,
    output,
    outputs,
    public_root,
    report_url,
    routed_location,
    shown_operations,
    view_of,
)

PATH_TEMPLATE = "/commune/<code>"
SITE = "Cœur de Ville"


def _known(code: Any) -> tuple[Context, str] | None:
    context = current_context()
    return (context, code) if isinstance(code, str) and code in context.dataset.communes.index else None


def title(code: Any = None) -> str:
    """``Amiens : 1 opération, 46 logements — Cœur de Ville``."""
    known = _known(code)
    if known is None:
        return f"Commune introuvable — {SITE}"
    context, code = known
    name, figures = _default_figures(context, code)
    if not figures.operations and len(context.lookups.partners_of(code)):
        return f"{name} : centre-ville cité par les sources, détail non publié — {SITE}"
    if not figures.operations:  # never « 0 opération, 0 logements »
        return f"{name} : aucune opération publiée — {SITE}"
    return f"{name} : {_figures_text(figures)} — {SITE}"


def _default_figures(context: Context, code: str) -> tuple[str, analysis.KeyFigures]:
    """The commune's name and key figures in the default view (the latest source's year, no filter):
    computed once per commune and data version (``Caches.figures``), for the page's head."""

    def figures() -> analysis.KeyFigures:
        frame, _ = shown_operations(context, View(year=context.lookups.default_year), code)
        return analysis.key_figures(frame)

    return context.dataset.communes.at[code, Geo.NOM], context.caches.figures.get(code, figures)


def _programme_words(context: Context, code: str) -> str:
    """« du programme Action Cœur de Ville », or what the commune's operations mix."""
    operations = context.dataset.operations
    programmes = tuple(
        sorted(set(operations.loc[operations[Op.CODE_INSEE] == code, Op.PROGRAMME].astype(str)))
    )
    return headline.Perimeter("", programmes).programme_words()


def _figures_text(figures: analysis.KeyFigures) -> str:
    return f"{plural(figures.operations, 'opération')}, {headline.DwellingSum.of_all(figures).titled()}"


def description(code: Any = None) -> str:
    """``Amiens (80021), Somme : 1 opération (hors programme) de Clésence, 46 logements. Sources…``"""
    known = _known(code)
    if known is None:
        return "Aucune commune du périmètre n'a ce code."
    context, code = known
    name, figures = _default_figures(context, code)
    departement = context.lookups.departement_names.get(departement_of(code), departement_of(code))
    sources = wording.sources_published(context.dataset.source_dates)
    if not figures.operations and len(context.lookups.partners_of(code)):
        return (
            f"{name} ({code}), {departement} : Clésence y intervient selon les sources, "
            f"le détail des opérations n'a pas été publié. {sources}."
        )
    return (
        f"{name} ({code}), {departement} : {plural(figures.operations, 'opération')} "
        f"{_programme_words(context, code)} de Clésence, "
        f"{headline.DwellingSum.of_all(figures).with_unit()}. {sources}."
    )


def layout(**_query: Any) -> html.Div:
    """Drawn by Dash Pages' router. The code is the route's (dashboard.web.routes), not the keyword Dash
    passes: Dash would let a query key ``code`` replace the path's."""
    location = routed_location()
    if location is None:
        return page(code="00000", name="", departement="", is_acv=False, back_href="/")
    return for_location(*location)


def for_location(route: Route, search: str) -> html.Div:
    """The page of the route and query, as the router draws it (and the HTML, prerender.py)."""
    context = current_context()
    if route.commune is None:
        return not_found(route.code or "", back_link(search))
    return commune_layout(context, route.commune, back_link(search), context.url.parse(search))


def commune_layout(context: Context, code: str, back: str, view: View) -> html.Div:
    communes = context.dataset.communes
    frame, _ = shown_operations(context, view, code)
    figure = maps.commune_map(
        frame, neighbourhood(communes, code), code, largest_op=context.lookups.largest_op
    )
    shown = panels(context, frame, view, code)
    footer = print_footer(page_url(code, view, context.lookups.default_year), datetime.date.today())
    return page(
        code=code,
        name=communes.at[code, Geo.NOM],
        departement=context.lookups.departement_names.get(departement_of(code), departement_of(code)),
        is_acv=code in context.dataset.acv.index,
        back_href=back,
        map_figure=figure,
        embed_snippet=share.snippet_here(code, communes.at[code, Geo.NOM]),
        # Every panel drawn with the page, in one answer: its callback then only follows the controls.
        filled={
            Commune.FIGURES: shown.figures,
            Commune.MIX: shown.mix,
            Commune.TIMELINE: shown.timeline,
            Commune.UNDATED: shown.undated,
            Commune.OPERATIONS: shown.operations,
            Commune.PRINT_FOOTER: footer,
        },
    )


def page(
    *,
    code: str,
    name: str,
    departement: str,
    is_acv: bool,
    back_href: str,
    map_figure: Any = None,
    embed_snippet: str = "",
    filled: dict[str, Any] | None = None,
) -> html.Div:
    acv = (
        "Ville du programme Action Cœur de Ville"
        if is_acv
        else "Hors programme Action Cœur de Ville (liste ANCT)"
    )
    filled = filled or {}
    return html.Div(
        [
            dcc.Store(id=Commune.READY, data=code),
            dcc.Link("← Retour à la carte", href=back_href, className="back-link no-print"),
            html.H1(name, className="page-title"),
            html.P(f"{departement} · code INSEE {code} · {acv}", className="subtitle"),
            *(_sharing(code, name, embed_snippet) if embed_snippet else ()),
            _figures(filled.get(Commune.FIGURES)),
            html.Div(
                [
                    _panel(
                        "Situation",
                        Commune.MAP,
                        f"Carte de {name} et des communes voisines",
                        "carte",
                        map_figure,
                    ),
                    _panel(
                        "Financements",
                        Commune.MIX,
                        f"Logements par financement à {name}",
                        "financements",
                        filled.get(Commune.MIX),
                    ),
                ],
                className="grid",
            ),
            _calendar(name, filled),
            html.Section(
                [html.H2("Opérations"), html.Div(filled.get(Commune.OPERATIONS), id=Commune.OPERATIONS)],
                className="panel operations-panel",
            ),
            written.static(
                html.Div(filled.get(Commune.PRINT_FOOTER), id=Commune.PRINT_FOOTER, className="print-footer")
            ),
        ],
        className="page commune-page",
        **{"data-export-name": file_name(name)},
    )


def _figures(figures: Any) -> html.Div:
    """The key figures, written on the server (``written.static``): the callback's answer replaces them."""
    return written.static(
        html.Div(figures, id=Commune.FIGURES, className="figures", **{"aria-live": "polite"})
    )


def _calendar(name: str, filled: dict[str, Any]) -> html.Section:
    return html.Section(
        [
            html.H2("Calendrier"),
            components.graph(
                Commune.TIMELINE,
                filled.get(Commune.TIMELINE),
                label=f"Calendrier des opérations à {name}",
                what="calendrier",
                png_button_type=Shell.PNG_BUTTON,
            ),
            written.static(html.Div(filled.get(Commune.UNDATED), id=Commune.UNDATED)),
        ],
        className="panel calendar-panel",
    )


def _sharing(code: str, name: str, embed_snippet: str) -> tuple[Any, Any]:
    """The « Intégrer » snippet and the sheet as one image (the link preview, drawn on the server)."""
    image = html.A(
        "Image de la fiche (PNG)",
        href=f"/apercu/{code}.png",
        download=f"{file_name(name)}_fiche.png",
        className="sheet-image no-print",
        title=f"Télécharger une image de la fiche de {name} : chiffres, contour, opérations, sources",
    )
    return share.share_box(embed_snippet), image


def _panel(heading: str, graph_id: str, label: str, what: str, figure: Any = None) -> html.Section:
    is_map = graph_id == Commune.MAP
    return html.Section(
        [
            html.H2(heading),
            components.graph(graph_id, figure, label=label, what=what, png_button_type=Shell.PNG_BUTTON),
            written.static(map_legend(region=False) if is_map else glossary.financing_glossary()),
        ],
        className=f"panel {'map-panel' if is_map else 'side-panel'}",
    )


def print_footer(url: str, today: datetime.date) -> list:
    """What the printed sheet ends with: when it was printed, the address of the live page and its QR
    code (assets/slide.js writes the day of printing over the day the page was drawn)."""
    return [
        html.Img(src=qr_data_uri(url), alt="Code QR de l'adresse de cette page", className="print-qr"),
        html.P(
            [
                "Imprimé le ",
                html.Span(french_date(today), className="print-date"),
                " depuis le tableau de bord Cœur de Ville. Page à jour : ",
                html.Span(url, className="print-url"),
            ]
        ),
    ]


def page_url(code: str, view: View, default_year: int) -> str:
    """The address of this commune's page in this view, as the browser reached the server."""
    query = view_query(
        dataclasses.replace(view, presentation=False), default_year=default_year, filters=FILTERS
    )
    return public_root() + PATH_TEMPLATE.replace("<code>", code) + query


def not_found(code: str, back_href: str) -> html.Div:
    return html.Div(
        [
            html.H1("Commune introuvable", className="page-title"),
            html.P(["Aucune commune du périmètre n'a le code « ", code[:40], " »."]),
            dcc.Link("← Retour à la carte", href=back_href, className="back-link"),
        ],
        className="page not-found",
        role="alert",
    )


@dataclasses.dataclass(frozen=True)
class Panels:
    """What the commune page's callback writes."""

    figures: Any = output(Commune.FIGURES, "children")
    map: Any = output(Commune.MAP, "figure")
    mix: Any = output(Commune.MIX, "figure")
    timeline: Any = output(Commune.TIMELINE, "figure")
    undated: Any = output(Commune.UNDATED, "children")
    operations: Any = output(Commune.OPERATIONS, "children")
    print_footer: Any = output(Commune.PRINT_FOOTER, "children")


def register(app: Dash) -> None:
    """The page in Dash Pages' registry, and its callbacks on ``app``."""
    dash.register_page(
        __name__,
        path_template=PATH_TEMPLATE,
        name="Commune",
        title=title,
        description=description,
        layout=layout,
    )
    app.callback(
        output=outputs(Panels),
        inputs={
            "code": Input(Commune.READY, "data"),
            "presenting": Input(Shell.PRESENTING, "data"),
            **CONTROLS,
        },
        prevent_initial_call=True,  # the page is drawn whole (commune_layout): this follows the controls
    )(update_commune)
    app.callback(
        output=Output(Shell.URL, "pathname", allow_duplicate=True),
        inputs={"click": Input(Commune.MAP, "clickData")},
        prevent_initial_call=True,
    )(open_from_map)


def open_from_map(click: Any) -> Any:
    """An operation's symbol opens its page (its dated record); a commune's area opens the commune's."""
    op_id = inputs.clicked_operation(click)
    if op_id is not None and op_id in current_context().dataset.operations.index:
        return OPERATION_PREFIX + op_id
    return commune_path(click)


def update_commune(code: Any, presenting: Any, year: Any, filters: Any) -> dict[str, Any]:
    """The commune's panels follow the controls and the mode."""
    known = _known(code)
    if known is None:
        return answered(Panels())
    context, code = known
    view = view_of(year, filters, presentation=bool(presenting), context=context)
    frame, _ = shown_operations(context, view, code)
    footer = print_footer(page_url(code, view, context.lookups.default_year), datetime.date.today())
    return answered(dataclasses.replace(panels(context, frame, view, code), print_footer=footer))


def analysis_rows(frame: pd.DataFrame):
    """The operations in id order, each row with its state at the year shown."""
    return frame.sort_values(Op.ID).iterrows()


def summary(context: Context, code: str, frame: pd.DataFrame, view: View) -> list:
    """As of when, then the key figures; a partner commune's page says what the sources say instead."""
    partners = context.lookups.partners_of(code)
    sources = wording.sources_published(context.dataset.source_dates)
    when = f"Fin {view.year}" + (" (projection)" if view.year > context.lookups.sources_year else "")
    searched = wording.search_line(context.dataset.metadata)
    line = html.P(
        f"{when}, selon les sources. {sources}.{f' {searched}.' if searched else ''}", className="year-line"
    )
    if not len(frame) and len(partners):
        name = context.dataset.communes.at[code, Geo.NOM]
        return [
            line,
            headline.partner_notice(
                partners, context.lookups.source_titles, context.dataset.source_dates, name
            ),
        ]
    figures = analysis.key_figures(frame)
    return [line, headline.key_figures(figures, year=view.year, sources_year=context.lookups.sources_year)]


def panels(context: Context, frame: pd.DataFrame, view: View, code: str = "") -> Panels:
    sheets: list[Component] = [
        components.operation_sheet(row, sources=context.lookups.source_titles, report_url=report_url())
        for _, row in analysis_rows(frame)
    ] or [html.P("Aucune opération publiée dans cette commune pour la vue choisie.", className="empty")]
    return Panels(
        figures=summary(context, code, frame, view),
        map=figure_patch(mapchanges.commune_changes(frame, context.lookups.largest_op)),
        mix=mix_figure(analysis.mix_summary(frame, context.dataset.mix), presentation=view.presentation),
        timeline=timeline_figure(frame, year=view.year, presentation=view.presentation),
        # The calendar as a list of milestones too: what phones show instead of the chart (style.css).
        undated=[milestones.milestone_list(frame), components.undated_list(frame)],
        operations=sheets,
    )
