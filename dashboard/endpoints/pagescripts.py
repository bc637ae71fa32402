"""The page's script tags as Dash writes them, deferred, without the two bundles the dashboard never runs."""

from __future__ import annotations

# Dash writes @babel/polyfill (core-js 2 and regenerator-runtime, 99 KB) before React. plotly.js 4, without
# which no page works, already needs a browser that has every feature core-js 2 adds, and in Chromium
# core-js still swaps some built-ins for its own slower ones (String.prototype.trim, found by the CPU
# profile): about 280 ms of script at each load on a desktop. Of the polyfill, Dash's loader of its lazy
# components (the graph, the dropdowns, the slider) uses the global ``regeneratorRuntime`` alone: it comes
# from assets/vendor/regenerator-runtime.js (MIT, 25 KB). dash_table's loader (33 KB) is written in every
# page; no page has a DataTable.
UNUSED = ("/_dash-component-suites/dash/deps/polyfill@", "/_dash-component-suites/dash/dash_table/")


def page_scripts(scripts: str) -> str:
    """Dash's ``<script>`` lines without the unused bundles, the others deferred: the page written into the
    HTML shows before any script runs (app.START_WHEN_PARSED starts the renderer after them, in order)."""
    kept = [line for line in scripts.split("\n") if not any(f'src="{unused}' in line for unused in UNUSED)]
    return "\n".join(kept).replace("<script src=", "<script defer src=")
