"""The maps' legend, in HTML beside the map: the same entries every year, readable on a slide and on paper
(Plotly's own legend would drop empty entries and could not wrap as the page does)."""

from __future__ import annotations

from dash import html

from dashboard.figures import theme
from dashboard.figures.maps import CLASSES, MapClass


def _swatch(kind: MapClass) -> html.Span:
    hollow = "-open" in kind.symbol
    shape = kind.symbol.replace("-open-dot", "").replace("-open", "")
    style = {
        "borderColor": kind.colour,
        "background": theme.BACKGROUND if hollow else kind.colour,
    }
    classes = (
        f"swatch swatch-{shape}"
        + (" swatch-hollow" if hollow else "")
        + (" swatch-dot" if "dot" in kind.symbol else "")
    )
    return html.Span(className=classes, style=style, **{"aria-hidden": "true"})


def _area(name: str, fill: str, line: str) -> html.Li:
    swatch = html.Span(
        className="swatch swatch-area",
        style={"background": fill, "borderColor": line},
        **{"aria-hidden": "true"},
    )
    return html.Li([swatch, name])


NATIONAL_SCALE = (
    "un symbole par département tant qu'aucun n'est choisi (cliquer un symbole), puis par commune, surface "
    "proportionnelle aux logements ; l'outre-mer est rapproché à l'ouest, sans respect de l'échelle"
)


def map_legend(*, region: bool, by_departement: bool = False) -> html.Div:
    """Symbol area is dwellings; colour the status; filled reported, hollow forecast, grey no news."""
    entries = [html.Li([_swatch(kind), kind.name]) for kind in CLASSES]
    if region:
        entries += [
            _area("Ville Action Cœur de Ville sans opération publiée", theme.ACV_FILL, theme.ACV_LINE),
            _area(
                "Centre-ville cité par les sources, détail non publié", theme.PARTNER_FILL, theme.PARTNER_LINE
            ),
        ]
    scale = (
        (
            NATIONAL_SCALE
            if by_departement
            else "un symbole par commune, surface proportionnelle aux logements"
        )
        if region
        else "un symbole par opération"
    )
    return html.Div(
        [
            html.P(
                f"Légende : {scale}. Plein : constaté par une source ; creux : prévu ; "
                "gris : sans nouvelles.",
                className="legend-title",
            ),
            html.Ul(entries, className="legend-list"),
        ],
        className="map-legend",
    )
