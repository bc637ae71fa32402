"""A QR code of a page's address, drawn on the server as SVG (segno: no network, no file written)."""

from __future__ import annotations

import segno

QR_ERROR = "m"  # 15 % of the code may be smudged on a printed sheet and still read


def qr_data_uri(url: str, *, scale: int = 3) -> str:
    """A ``data:image/svg+xml`` URI of a QR code of ``url`` (black modules, 4-module quiet zone): an
    image the page embeds as it is, which the Content-Security-Policy's ``img-src data:`` allows."""
    return segno.make(url, error=QR_ERROR, micro=False).svg_data_uri(scale=scale, border=4, title="Code QR")
