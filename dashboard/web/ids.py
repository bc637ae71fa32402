"""Every component ID, declared once and prefixed by its panel."""

from __future__ import annotations

from typing import Final

from dashboard.web import dashinternals


class Shell:
    ROOT: Final = "shell-root"
    PRESENTING: Final = "shell-presenting"
    FULLSCREEN: Final = "shell-fullscreen"
    NAV: Final = "shell-nav"  # a navigation of the browser (back, forward, a link): assets/slide.js
    PRESENT: Final = "shell-present"
    EXIT_PRESENT: Final = "shell-exit-present"
    COPY: Final = "shell-copy"
    SEARCH: Final = "shell-search"
    SEARCH_RESULTS: Final = "shell-search-results"
    EXPORT_CSV: Final = "shell-export-csv"
    EXPORT_TIDY: Final = "shell-export-tidy"
    EXPORT_XLSX: Final = "shell-export-xlsx"
    DOWNLOAD: Final = "shell-download"
    PNG_BUTTON: Final = "shell-png"  # pattern-matching type, one per graph
    PNG_DONE: Final = "shell-png-done"
    URL: Final = dashinternals.PAGES_LOCATION  # Dash Pages' Location, in dash.page_container
    PAGE: Final = dashinternals.PAGES_CONTENT  # where Dash Pages draws the page (dash.page_container)
    CONTENT: Final = "shell-content"
    NOTICE: Final = "shell-notice"
    CONTROLS: Final = "shell-controls"


class Ctl:
    YEAR: Final = "ctl-year"
    YEAR_PREV: Final = "ctl-year-prev"
    YEAR_NEXT: Final = "ctl-year-next"
    YEAR_LABEL: Final = "ctl-year-label"
    YEAR_VALUE: Final = "ctl-year-value"
    PLAY: Final = "ctl-play"
    PLAY_TIMER: Final = "ctl-play-timer"
    DEPARTEMENT: Final = "ctl-departement"
    COMMUNE: Final = "ctl-commune"
    PROGRAMME: Final = "ctl-programme"
    STATUS: Final = "ctl-status"
    CODE: Final = "ctl-code"
    RESET: Final = "ctl-reset"


class Region:
    TITLE: Final = "region-title"
    READY: Final = "region-ready"
    FIGURES: Final = "region-figures"
    TOTALS: Final = "region-totals"
    MAP: Final = "region-map"
    MIX: Final = "region-mix"
    TIMELINE: Final = "region-timeline"
    UNDATED: Final = "region-undated"
    TABLE: Final = "region-table"
    MAP_TABLE: Final = "region-map-table"  # the map's table, drawn once its summary is opened
    MAP_TABLE_OPEN: Final = "region-map-table-open"  # that summary (its n_clicks)
    MAP_TABLE_BODY: Final = "region-map-table-body"
    TABLE_BODY: Final = "region-table-body"
    # false: the table written with the page; "wanted" (assets/firstscreen.js); true: the live table sent
    TABLE_LIVE: Final = "region-table-live"
    SORT: Final = "region-sort"
    SORT_BUTTON: Final = "region-sort-button"  # pattern-matching type
    ROW_DETAIL: Final = "region-row-detail"  # pattern-matching type: a row's details (its ``open``)
    ROW_OPEN: Final = "region-row-open"  # pattern-matching type: a row's « Plus » summary
    ROW_FIELDS: Final = "region-row-fields"  # pattern-matching type: the row's fields, drawn when opened


class Commune:
    READY: Final = "commune-ready"
    FIGURES: Final = "commune-figures"
    MAP: Final = "commune-map"
    MIX: Final = "commune-mix"
    TIMELINE: Final = "commune-timeline"
    UNDATED: Final = "commune-undated"
    OPERATIONS: Final = "commune-operations"
    PRINT_FOOTER: Final = "commune-print-footer"


class Live:
    POLL: Final = "live-poll"
    BUILT: Final = "live-built"  # the data version the page was built from
    LATEST: Final = "live-latest"  # the version the server serves now, and the one it refused if any
    BANNER: Final = "live-banner"
    SHOWN: Final = "staff-view"  # the banner of a draft or an earlier version shown to staff (web/shown.py)


class Html:
    """Ids of HTML the server writes around Dash's app, read by assets/*.js."""

    FIRST_SCREEN: Final = "first-screen"  # the page drawn in the HTML (dashboard.endpoints.prerender)
    FIRST_SCREEN_END: Final = "first-screen-end"  # its last element: the browser paints once it is parsed
    FIRST_PAGE: Final = "first-page"  # the page's layout, as JSON in the HTML (assets/firstscreen.js)
    REDIRECT_NOTICE: Final = "redirect-notice"  # why an old address led here (dashboard.endpoints.redirects)
    ENTRY_POINT: Final = dashinternals.ENTRY_POINT  # where Dash's renderer draws the app
    OPERATION: Final = "op-"  # + an operation's id: its sheet on a commune's page (assets/coeur.js)
