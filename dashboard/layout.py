"""The page shell shared by every page: header, year and filter controls, footer. Pure."""

from __future__ import annotations

import datetime
import re

import dash
from babel.dates import format_date
from dash import dcc, html

from dashboard.context import Context
from dashboard.formatting import LOCALE
from dashboard.ids import Ctl, Shell
from dashboard.schema import FINANCING_CODES, FINANCING_LABELS, PROGRAMMES, STATUSES

PLAY_INTERVAL_MS = 2500  # one year every 2.5 s: time to read the map before it changes


def year_control(context: Context) -> html.Div:
    first, last = context.years
    return html.Div(
        [
            html.Span(
                [
                    "Situation fin ",
                    html.Strong(context.default_year, id=Ctl.YEAR_VALUE, className="year-value"),
                ],
                className="control-label year-label",
                id=Ctl.YEAR_LABEL,
            ),
            html.Button(
                "◀",
                id=Ctl.YEAR_PREV,
                className="step-button",
                title="Année précédente (←)",
                **{"aria-label": "Année précédente"},
            ),
            html.Div(
                dcc.Slider(
                    id=Ctl.YEAR,
                    min=first,
                    max=last,
                    step=1,
                    value=context.default_year,
                    marks={
                        year: (str(year) if (year - first) % 2 == 0 or year == last else "")
                        for year in range(first, last + 1)
                    },
                    allow_direct_input=False,
                    updatemode="mouseup",
                    included=True,
                ),
                className="year-slider",
            ),
            html.Button(
                "▶",
                id=Ctl.YEAR_NEXT,
                className="step-button",
                title="Année suivante (→)",
                **{"aria-label": "Année suivante"},
            ),
            html.Button(
                "▶ Lecture",
                id=Ctl.PLAY,
                className="step-button play-button",
                title="Parcourir les années automatiquement (espace)",
                **{"aria-pressed": "false"},
            ),
            dcc.Interval(id=Ctl.PLAY_TIMER, interval=PLAY_INTERVAL_MS, disabled=True),
        ],
        className="year-control",
        role="group",
        **{"aria-label": "Année affichée"},
    )


def _dropdown(component_id: str, options: list, placeholder: str, label: str) -> html.Label:
    return html.Label(
        [
            html.Span(label, className="control-label", id=f"{component_id}-label"),
            dcc.Dropdown(
                id=component_id,
                options=options,
                multi=True,
                placeholder=placeholder,
                searchable=True,
                clearable=True,
                className="filter",
            ),
        ],
        className="filter-label",
    )


def filters(context: Context) -> html.Div:
    departements = [
        {"label": f"{name} ({code})", "value": code}
        for code, name in sorted(context.departement_names.items())
    ]
    return html.Div(
        [
            _dropdown(Ctl.DEPARTEMENT, departements, "Tous", "Département"),
            _dropdown(Ctl.COMMUNE, context.commune_options(), "Toutes", "Commune"),
            _dropdown(Ctl.PROGRAMME, [{"label": p, "value": p} for p in PROGRAMMES], "Tous", "Programme"),
            _dropdown(Ctl.STATUS, [{"label": s, "value": s} for s in STATUSES], "Tous", "Statut"),
            _dropdown(
                Ctl.CODE,
                [{"label": f"{c} — {FINANCING_LABELS[c]}", "value": c} for c in FINANCING_CODES],
                "Tous",
                "Financement",
            ),
            html.Button("Réinitialiser", id=Ctl.RESET, className="reset-button"),
        ],
        className="filters",
    )


def data_date(text: object) -> str:
    """« 26 novembre 2026 » for the data's ISO date; the text as written if it is not one."""
    try:
        return format_date(datetime.date.fromisoformat(str(text)), "d MMMM y", locale=LOCALE)
    except ValueError:
        return str(text) if text else "date inconnue"


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def french_dates(text: str) -> str:
    """The ISO dates of a text in French: « mise à jour du 16 octobre 2018 »."""
    return ISO_DATE.sub(lambda match: data_date(match.group()), text)


def footer(context: Context) -> html.Footer:
    metadata = context.dataset.metadata
    sources = [html.Li(title) for title in context.source_titles.values()]
    return html.Footer(
        [
            html.P(f"Données du {data_date(metadata.get('date_donnees'))}. Sources des opérations :"),
            html.Ul(sources),
            html.P(french_dates(metadata.get("geometrie", ""))),
            html.P(french_dates(metadata.get("acv", ""))),
            html.P(
                f"Licence des référentiels : {metadata.get('licence', '')}. Limites communales au millésime "
                f"{metadata.get('geometrie_millesime', '')} : quelques communes ont fusionné depuis."
            ),
        ],
        className="footer",
    )


def search_box() -> html.Div:
    return html.Div(
        [
            html.Label("Rechercher une commune", htmlFor=Shell.SEARCH, className="visually-hidden"),
            dcc.Input(
                id=Shell.SEARCH,
                type="search",
                placeholder="Commune ou code INSEE…",
                debounce=0.25,
                autoComplete="off",
                className="search-input",
                maxLength=80,
            ),
            html.Div(
                id=Shell.SEARCH_RESULTS,
                className="search-results",
                role="region",
                **{"aria-live": "polite", "aria-label": "Résultats de la recherche"},
            ),
        ],
        className="search no-print",
        role="search",
    )


def actions() -> html.Div:
    return html.Div(
        [
            html.Button(
                "Mode présentation",
                id=Shell.PRESENT,
                className="action-button",
                title="Grand écran : ← → (ou Page préc./suiv.) changent l'année, espace lance la lecture, "
                "Échap pour sortir",
            ),
            html.Button(
                "Copier le lien",
                id=Shell.COPY,
                className="action-button",
                title="Copier le lien de cette vue",
            ),
            html.Button(
                "Exporter CSV",
                id=Shell.EXPORT_CSV,
                className="action-button",
                title="Les opérations affichées, pour un tableur",
            ),
            dcc.Download(id=Shell.DOWNLOAD),
        ],
        className="actions no-print",
    )


def presenter_bar() -> html.Div:
    """The slide's own buttons. The year is never written here: it is said by the page's year line,
    which comes with the key figures in one server answer, so that both always show the same year."""
    return html.Div(
        [
            html.Span("⏵ Lecture en cours", className="playing-badge", **{"aria-hidden": "true"}),
            html.Button(
                "Plein écran",
                id=Shell.FULLSCREEN,
                className="action-button fullscreen-button",
                title="Afficher en plein écran (F11 ailleurs)",
                **{"aria-pressed": "false"},
            ),
            html.Button(
                "Quitter la présentation (Échap)",
                id=Shell.EXIT_PRESENT,
                className="action-button exit-present",
            ),
        ],
        className="presenter-bar",
        role="region",
        **{"aria-label": "Présentation"},
    )


def shell(context: Context) -> html.Div:
    return html.Div(
        [
            dcc.Store(id=Shell.PRESENTING, data=False),
            dcc.Store(id=Shell.NAV),
            dcc.Store(id=Shell.PNG_DONE),
            html.A("Aller au contenu", href="#" + Shell.CONTENT, className="skip-link"),
            html.Header(
                [
                    dcc.Link(
                        [html.Span("Cœur de Ville", className="brand")], href="/", className="brand-link"
                    ),
                    html.Span("Clésence · Action Cœur de Ville · Hauts-de-France", className="tagline"),
                    search_box(),
                    actions(),
                ],
                className="header",
            ),
            html.Div(
                [year_control(context), filters(context)],
                id=Shell.CONTROLS,
                className="controls no-print",
                role="region",
                **{"aria-label": "Année et filtres"},
            ),
            presenter_bar(),
            html.Div(id=Shell.NOTICE, role="status", className="notice"),
            html.Main(dash.page_container, id=Shell.CONTENT, className="content", tabIndex=-1),
            footer(context),
        ],
        id=Shell.ROOT,
        className="shell",
    )
