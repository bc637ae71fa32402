"""Bytes of the pages as served (HTML, uncompressed) and of the layouts serialised into them.

    python bench/page_weight.py [data_dir]

Prints one JSON object: for ``/`` and a commune page, the HTML's bytes and the bytes of the
``validation_layout`` Dash writes into the page's config.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO)

from dashboard.app import create_app  # noqa: E402
from dashboard.settings import Settings  # noqa: E402

CONFIG = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


def weigh(html: str) -> dict[str, int]:
    found = CONFIG.search(html)
    config = json.loads(found.group(1)) if found else {}
    layout = config.get("validation_layout")
    return {
        "html_bytes": len(html.encode()),
        "validation_layout_bytes": len(json.dumps(layout, separators=(",", ":")).encode()) if layout else 0,
    }


def main() -> None:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "data"
    client = create_app(Settings(data_dir=data_dir)).server.test_client()
    pages = {"/": "/", "commune": "/commune/02691"}
    print(json.dumps({name: weigh(client.get(url).get_data(as_text=True)) for name, url in pages.items()}))


if __name__ == "__main__":
    main()
