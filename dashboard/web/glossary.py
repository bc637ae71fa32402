"""Keys a reader needs beside the graphs: the financing codes in words, the map's symbols. Pure."""

from __future__ import annotations

from dash import html

from dashboard.data.schema import FINANCING_CODES, FINANCING_LABELS

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


def financing_glossary(*, compact: bool = False) -> html.Div | html.P:
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
