"""The partial plotly.js bundle in assets/vendor replaces dcc.Graph's own plotly.min.js, in the page
Dash writes and in a real headless Chromium that draws every trace type the dashboard uses."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from tests.plotly_page import ASSETS, CUSTOM_BUNDLE, build_app, running

# Where dcc.Graph's lazy loader fetches plotly.js from when window.Plotly is missing.
STOCK_PLOTLY = "plotly.min.js"


def test_bundle_is_built_from_the_plotly_js_that_python_plotly_embeds() -> None:
    header = (ASSETS / CUSTOM_BUNDLE).read_text(encoding="utf-8")[:300]
    assert f"plotly.js {get_plotlyjs_version()} partial bundle" in header


def test_page_loads_the_bundle_as_a_plain_script_before_the_dash_renderer() -> None:
    app, _ = build_app()
    page = app.server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    ours = [i for i, src in enumerate(scripts) if src.startswith(f"/assets/{CUSTOM_BUNDLE}?m=")]
    renderer = [i for i, src in enumerate(scripts) if "dash_renderer" in src]
    assert ours and renderer and ours[0] < renderer[0]
    assert not any(STOCK_PLOTLY in src for src in scripts)


def test_without_the_bundle_the_page_falls_back_to_dcc_lazy_loading() -> None:
    app, _ = build_app(custom_bundle=False)
    page = app.server.test_client().get("/").get_data(as_text=True)
    assert CUSTOM_BUNDLE not in page


@pytest.mark.browser
def test_graphs_draw_with_our_bundle_only(browser, capsys: pytest.CaptureFixture[str]) -> None:
    app, communes = build_app()
    requested, finished, errors = [], [], []
    with running(app) as base_url:
        page = browser.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.on("requestfinished", lambda r: finished.append(r))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} {r.failure}"))
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.goto(base_url)
        page.wait_for_function(
            "n => document.querySelectorAll('path.choroplethlocation').length === n"
            " && document.querySelectorAll('.barlayer .point').length === 3"
            " && document.querySelectorAll('.scatterlayer .point').length >= 4",
            arg=communes,
            timeout=30_000,
        )
        page.wait_for_load_state("networkidle")
        version = page.evaluate("window.Plotly.version")
        trace_types = page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(gd => gd._fullData.map(t => t.type))"
        )
        scatter_ticks = page.locator("#scatter .xtick text").all_text_contents()
        # Compressed body + headers, as received; to be read before the page closes.
        sizes = [(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"], r.url) for r in finished]
        page.close()

    assert not [url for url in requested if STOCK_PLOTLY in url]
    assert any(f"/assets/{CUSTOM_BUNDLE}" in url for url in requested)
    assert {urlsplit(url).hostname for url in requested} == {"127.0.0.1"}
    assert errors == []
    assert version == get_plotlyjs_version()
    assert trace_types == [["choropleth", "scattergeo"], ["bar"], ["scatter"]]
    # The French locale of the bundle: a decimal comma with no `separators` in the figure.
    assert "1,5" in scatter_ticks

    with capsys.disabled():
        print(
            f"\n[page weight] {len(sizes)} responses, {sum(n for n, _ in sizes) / 1024:.0f} KiB transferred"
            f" (compressed bodies + headers); largest: "
            + ", ".join(
                f"{urlsplit(u).path.rsplit('/', 1)[-1]} {n / 1024:.0f} KiB" for n, u in sorted(sizes)[-3:]
            )
        )


def test_the_bundle_s_brotli_11_beside_it_is_the_bundle() -> None:
    """Sent as it is to brotli clients (dashboard/endpoints/serving.py); written by the build script."""
    compressed = (ASSETS / (CUSTOM_BUNDLE + ".br")).read_bytes()
    assert brotli.decompress(compressed) == (ASSETS / CUSTOM_BUNDLE).read_bytes()
