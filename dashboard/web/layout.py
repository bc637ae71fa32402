"""The page shell shared by every page: header, year and filter controls, footer. Pure."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

import dash
from dash import dcc, html

from dashboard.data import wording
from dashboard.data.schema import Src
from dashboard.web import headline, written
from dashboard.web.context import Context
from dashboard.web.filters import FILTERS, Filter
from dashboard.web.ids import Ctl, Shell

PLAY_INTERVAL_MS = 2500  # one year every 2.5 s: time to read the map before it changes
# Dash 4's dropdowns speak English unless told otherwise (dcc.Dropdown's ``labels`` prop).
DROPDOWN_LABELS = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionnés",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun choix ne correspond",
}


def year_control(context: Context) -> html.Div:
    first, last = context.lookups.years
    return html.Div(
        [
            html.Span(
                [
                    "Situation fin ",
                    html.Strong(context.lookups.default_year, id=Ctl.YEAR_VALUE, className="year-value"),
                ],
                className="control-label year-label",
                id=Ctl.YEAR_LABEL,
            ),
            html.Button(  # its triangle drawn by style.css (an SVG), not a glyph some fonts lack
                "",
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
                    value=context.lookups.default_year,
                    # Every other year counted from the last, which is always named: two names never
                    # meet (« 2026 » and « 2027 » overprinted when the period had an even length).
                    marks={
                        year: (str(year) if (last - year) % 2 == 0 else "") for year in range(first, last + 1)
                    },
                    allow_direct_input=False,
                    updatemode="mouseup",
                    included=True,
                ),
                className="year-slider",
            ),
            html.Button(
                "",
                id=Ctl.YEAR_NEXT,
                className="step-button",
                title="Année suivante (→)",
                **{"aria-label": "Année suivante"},
            ),
            html.Button(
                "Lecture",
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
                labels=DROPDOWN_LABELS,
                className="filter",
            ),
        ],
        className=f"filter-label filter-label-{component_id}",
    )


def filters(context: Context, table: Sequence[Filter] = FILTERS) -> html.Details:
    """The filters, in a panel that phones keep closed (its summary hidden on wider screens, where the
    panel always shows: assets/style.css, « Filters panel »)."""
    fields = html.Div(
        [
            *(
                _dropdown(spec.control, spec.options(context.lookups), spec.placeholder, spec.label)
                for spec in table
            ),
            html.Button("Réinitialiser", id=Ctl.RESET, className="reset-button"),
        ],
        className="filters",
    )
    summary = html.Summary("Filtres", className="filters-summary")
    return html.Details([summary, fields], className="filters-panel")


def data_date(text: object) -> str:
    """« 26 novembre 2026 » for the data's ISO date; the text as written if it is not one."""
    try:
        return wording.french_date(datetime.date.fromisoformat(str(text)))
    except ValueError:
        return str(text) if text else "date inconnue"


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def french_dates(text: str) -> str:
    """The ISO dates of a text in French: « mise à jour du 16 octobre 2018 »."""
    return ISO_DATE.sub(lambda match: data_date(match.group()), text)


def footer(context: Context) -> html.Footer:
    metadata = context.dataset.metadata
    dates = context.dataset.source_dates
    unknown = " — date de publication inconnue"
    table = context.dataset.sources
    addresses = dict(zip(table[Src.SOURCE], table[Src.ADRESSE], strict=True)) if Src.ADRESSE in table else {}
    publishers = dict(zip(table[Src.SOURCE], table[Src.EDITEUR], strict=True)) if Src.EDITEUR in table else {}
    sources = [
        html.Li(
            [
                html.A(title, href=addresses[source], rel="noopener") if addresses.get(source) else title,
                f" — {publishers[source]}" if publishers.get(source) else None,
                f" — publié en {dates[source].label}" if source in dates else unknown,
                html.Span(f" (date estimée : {dates[source].basis})", className="source-basis")
                if source in dates and not dates[source].exact
                else None,
            ]
        )
        for source, title in context.lookups.source_titles.items()
    ]
    return html.Footer(
        [
            html.P(
                "Les opérations viennent des pages publiques ci-dessous, chacune datée d'après son propre "
                "texte : ce tableau de bord dit ce qu'elles disent à leur date. Sources des opérations :"
            ),
            html.Ul(sources),
            html.P(
                f"Fichier de données modifié le {data_date(metadata.get('date_donnees'))}."
                + (f" {searched}." if (searched := headline.search_line(metadata)) else ""),
                className="file-date",
            ),
            html.P(french_dates(metadata.get("geometrie", ""))),
            html.P(french_dates(metadata.get("acv", ""))),
            html.P(
                f"Licence des référentiels : {metadata.get('licence', '')}. Communes et limites : "
                f"{metadata.get('geometrie_millesime', '')}."
            ),
            html.P(
                html.A("Données ouvertes : fichiers, licence et dictionnaire des données", href="/donnees/")
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
                title="Les opérations affichées, pour un tableur, la vue décrite en tête",
            ),
            html.Button(
                "Tableur XLSX",
                id=Shell.EXPORT_XLSX,
                className="action-button",
                title="Les opérations affichées, la vue et le dictionnaire des données, en trois feuilles",
            ),
            html.Button(
                "CSV brut",
                id=Shell.EXPORT_TIDY,
                className="action-button",
                title="Le tableau seul, sans lignes d'en-tête, pour un programme",
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
            html.Span("Lecture en cours", className="playing-badge", **{"aria-hidden": "true"}),
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
                    html.Span(
                        f"Clésence · Action Cœur de Ville · {context.lookups.perimeter_name}",
                        className="tagline",
                    ),
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
            written.static(footer(context)),  # the sources: nothing live, React builds the element alone
        ],
        id=Shell.ROOT,
        className="shell",
    )
