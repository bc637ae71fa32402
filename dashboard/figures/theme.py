"""Visual constants, declared once: palettes, tenure colours, status marks, map defaults."""

from __future__ import annotations

from typing import Final

from dashboard.data.schema import UNSPECIFIED_MIX, Status

FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
TEXT: Final = "#1f2933"
MUTED: Final = "#52606d"
BACKGROUND: Final = "#ffffff"
# A caveat said on a value (« + 1 sans nombre »): assets/style.css's --warn-bg and --warn-line.
WARN_BACKGROUND: Final = "#fff4e5"
WARN_LINE: Final = "#d95f02"
ACCENT: Final = "#0b5cad"

# One colour per financing code, from most to least social; colour-blind-safe (Okabe–Ito based).
TENURE_COLOURS: Final = {
    "PLAI": "#004c99",
    "PLUS": "#3a8fd6",
    "PLS": "#009e73",
    "PLI": "#e69f00",
    "LLI": "#d55e00",
    "PSLA": "#cc79a7",
    "LU": "#8c6d31",
    UNSPECIFIED_MIX: "#bfc5cc",
}
# Combined codes (``LLI/PLS``) take the colour of their first part and a hatch, never a guess.
COMBINED_PATTERN: Final = "/"

STATUS_COLOURS: Final = {
    Status.DELIVERED: "#1b7837",
    Status.UNDER_WAY: "#d95f02",
    Status.ANNOUNCED: "#5e3c99",
    Status.UNKNOWN: "#7b8794",
}

PARTNER_FILL: Final = "#fde8c8"  # a centre named by the sources, no operation detailed
PARTNER_LINE: Final = "#b35806"
NO_NEWS_COLOUR: Final = "#7b8794"  # a state carried past its source with nothing since
UNPUBLISHED_COLOUR: Final = "#b8c2cc"
ACV_FILL: Final = "#d9e6f2"
ACV_LINE: Final = "#0b5cad"
DEPARTEMENT_FILL: Final = "#f4f5f7"
DEPARTEMENT_LINE: Final = "#7b8794"
MARKER_LINE: Final = "#ffffff"
MARKER_MIN_PX: Final = 9
MARKER_MAX_PX: Final = 34

PLOTLY_SEPARATORS: Final = ",\u202f"  # French decimal comma and narrow no-break space
PLOTLY_LOCALE: Final = "fr"
