"""Keys a reader needs beside the graphs: the financing codes in words, the map's symbols. Pure."""

from __future__ import annotations

from dash import html

from dashboard.figures.maps import CLASSES
from dashboard.schema import FINANCING_CODES, FINANCING_LABELS

# The words a slide has room for: what sets each code apart. LU's meaning is confirmed by no source.
SHORT_LABELS = {
    "PLAI": "très social (intégration)",
    "PLUS": "social",
    "PLS": "social, loyers plus hauts",
    "PLI": "intermédiaire (prêt)",
    "LLI": "intermédiaire (logement)",
    "PSLA": "location-accession",
    "LU": "sens non confirmé",
}
LU_CAVEAT = "Aucune source consultée ne dit ce que signifie LU : il est montré tel que publié."
# Unicode marks that draw like the map's symbols, for a key printed outside the map.
SYMBOL_MARKS = {
    "circle": "●",
    "circle-open": "○",
    "diamond": "◆",
    "diamond-open": "◇",
    "square": "■",
    "circle-open-dot": "◉",
}


def financing_glossary(*, compact: bool = False) -> html.Div:
    """The seven financing codes with their meaning; ``compact``: one line of short words (the slide)."""
    if compact:
        items = [
            html.Span([html.Abbr(code, title=FINANCING_LABELS[code]), f" {SHORT_LABELS[code]}"])
            for code in FINANCING_CODES
        ]
        return html.P(items, className="glossary glossary-compact", **{"aria-label": "Codes de financement"})
    terms = [
        part
        for code in FINANCING_CODES
        for part in (html.Dt(code), html.Dd(FINANCING_LABELS[code].removeprefix("LU ")))
    ]
    return html.Div(
        [
            html.H3("Codes de financement", className="small-title"),
            html.Dl(terms, className="glossary-list"),
            html.P(LU_CAVEAT, className="glossary-caveat"),
        ],
        className="glossary",
    )


def map_key(note: str) -> html.Div:
    """The map's legend as page text, outside the map (the printed sheet hides the map's own)."""
    items = [
        html.Li(
            [
                html.Span(
                    SYMBOL_MARKS.get(kind.symbol, "●"), className="key-mark", style={"color": kind.colour}
                ),
                f" {kind.name}",
            ]
        )
        for kind in CLASSES
    ]
    return html.Div(
        [html.Ul(items, className="key-list"), html.P(note, className="key-note")], className="map-key"
    )
