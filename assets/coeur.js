/* Cœur de Ville: keyboard for presenters and offline PNG export. Loaded by Dash from assets/. */
(function () {
  "use strict";

  /* Keys for presenters: assets/slide.js. */

  /* Accessibility fixes for Dash 4 controls, applied as they appear: the dropdown's only focusable
     element is an aria-hidden input (screen readers hear nothing) and its button is named after the
     value alone; the slider thumb has no name at all. */
  function label(id) {
    var element = document.getElementById(id + "-label");
    return element ? element.id : null;
  }
  function fixControls(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var hidden = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (!hidden || !button || button.dataset.coeurFixed) { return; }
      hidden.setAttribute("tabindex", "-1");
      button.setAttribute("tabindex", "0");
      var name = label(button.id);
      if (name) { button.setAttribute("aria-labelledby", name + " " + button.getAttribute("aria-labelledby")); }
      button.dataset.coeurFixed = "1";
    });
    root.querySelectorAll("#ctl-year [role=slider]").forEach(function (thumb) {
      thumb.setAttribute("aria-label", "Année affichée");
      thumb.setAttribute("aria-valuetext", "Situation fin " + thumb.getAttribute("aria-valuenow"));
    });
  }
  /* A search result for an operation (#op-<id>) scrolls to its sheet once the page has drawn it, once. */
  var shownTarget = "";
  function showTarget() {
    var hash = window.location.hash;
    if (hash.indexOf("#op-") !== 0 || shownTarget === window.location.pathname + hash) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    shownTarget = window.location.pathname + hash;
    target.classList.add("op-target");
    target.scrollIntoView({ block: "start" });
  }
  /* A sheet printed on several pages repeats its header at the top of each page after the first: the
     page's name in a margin box of @page (print.css leaves room for it), written here as the name
     changes. A constructed sheet, not a <style> element: nothing inline for the security policy.
     An engine that draws no margin box (Firefox ESR 153 does not even parse them: a feature test, not the
     browser's name) gets a running head instead: an element fixed at the top of the printed page, which
     Firefox repeats on every page, the first included (print.css, html.no-margin-boxes, reserves its room
     at the top of each page). */
  var pageHead = null;
  var pageHeadName = null;
  var marginBoxes = (function () {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync("@page { @top-left { content: \"\"; } }");
      return Boolean(sheet.cssRules[0].cssRules && sheet.cssRules[0].cssRules.length);
    } catch (error) { return false; }
  }());
  if (!marginBoxes) { document.documentElement.classList.add("no-margin-boxes"); }
  function cssString(text) { return "\"" + text.replace(/[\\"]/g, "\\$&").replace(/\n/g, " ") + "\""; }
  function runningHead(name) {
    var head = document.querySelector("body > .running-head");
    if (!head) {
      head = document.createElement("div");
      head.className = "running-head";
      head.setAttribute("aria-hidden", "true");  /* the page's own header and title say it on screen */
      document.body.appendChild(head);
    }
    head.textContent = "Cœur de Ville" + (name ? " · " + name : "");
  }
  function nameSheet() {
    var title = document.querySelector(".page-title");
    var name = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
    if (name === pageHeadName) { return; }
    pageHeadName = name;
    if (!marginBoxes) { runningHead(name); return; }
    if (!document.adoptedStyleSheets) { return; }
    if (!pageHead) {
      try { pageHead = new CSSStyleSheet(); } catch (error) { return; }
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([pageHead]);
    }
    var head = "Cœur de Ville" + (name ? " · " + name : "") + " (suite)";
    /* The first page has the page's own header: no margin box (declared here, after the one above). */
    pageHead.replaceSync("@page { @top-left { content: " + cssString(head) + "; } } " +
                         "@page :first { @top-left { content: none; } }");
  }
  new MutationObserver(function () { fixControls(document); showTarget(); nameSheet(); })
    .observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-valuenow"] });

  /* Search results: ↓ from the box enters the list, ↑ ↓ move in it, ↑ from the first or Échap goes
     back to the box (Entrée follows the focused link, as any link). */
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("shell-search");
    var list = document.getElementById("shell-search-results");
    if (!box || !list || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (at < 0 && (event.target !== box || event.key !== "ArrowDown")) { return; }
    var next = null;
    if (event.key === "ArrowDown") { next = links[Math.min(at + 1, links.length - 1)]; }
    else if (event.key === "ArrowUp") { next = at === 0 ? box : links[at - 1]; }
    else if (event.key === "Escape") { next = box; }
    if (next) { next.focus(); event.preventDefault(); }
  });

  /* A filter's list closes once a value is chosen (it stayed open over the page): the Escape its
     component closes on, sent after the choice is made. */
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest(".filter-label [role=option]");
    if (!option) { return; }
    setTimeout(function () {
      var target = document.activeElement && document.activeElement !== document.body ? document.activeElement : option;
      target.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    }, 0);
  });

  /* Copy the link of the current view (the clipboard API needs a secure context: fall back). */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#shell-copy");
    if (!button) { return; }
    var url = window.location.href;
    var done = function () { button.textContent = "Lien copié ✓"; setTimeout(function () { button.textContent = "Copier le lien"; }, 2000); };
    var fallback = function () {
      var field = document.createElement("textarea");
      field.value = url; field.setAttribute("readonly", ""); field.style.position = "fixed"; field.style.opacity = "0";
      document.body.appendChild(field); field.select();
      try { document.execCommand("copy"); done(); } finally { document.body.removeChild(field); }
    };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(url).then(done, fallback); }
    else { fallback(); }
  });

  /* Printing: fit each graph to its printed box (the screen size would be cut off), then restore. The
     printed page has a fixed width (assets/print.css), so the box is measured once print styles apply:
     the first call (beforeprint, screen styles) may be followed by a right one (the print media query). */
  var PRINT_FONT_PX = 13;  /* the sheet's graphs in the type size of the sheet: 9.75 pt, never under 9 */
  /* The calendar's key (dashboard/figures/timeline.py) sits above the graph on screen, its last row just
     over the « fin N » label of the year's dotted line: a gap of 2 % of the plot's height, which the printed
     graph's 280 px no longer give, so on paper « Livraison » printed over « fin 2022 ». On paper the key goes
     under the graph, at the bottom of its box (a container-referenced legend: plotly.js reserves its room
     below the years), the label alone above the plot. */
  var CALENDARS = "#region-timeline, #commune-timeline";
  /* Its rows measured from the graph's left edge (not the plot's, narrow beside the names), its groups
     without the 10 px gap between them, and never cut to half the graph's height (plotly.js's default for
     a key outside the plot: a scroll bar on paper). */
  var LEGEND_UNDER = { "legend.yref": "container", "legend.y": 0, "legend.yanchor": "bottom",
                       "legend.xref": "container", "legend.x": 0, "legend.tracegroupgap": 0,
                       "legend.maxheight": 1 };
  /* A calendar's height on paper, the one rule of both pages: plotly.js names a category axis's rows one
     in n when its plot gives a row less than 1.2 times the font (14 px on the region's sheet, 13 on the
     commune's), so the plot gets CALENDAR_ROW_PX a row, and the graph around it what plotly.js just took
     at the printed width for the year line's label, the years and the key (its rows depend on that width,
     narrow beside long names: 4 on the region's sheet, 2 on Saint-Quentin's). A fixed room named 4 of the
     region's 14 operations (280 px), and a commune's calendar, half its screen height, got 12 px a row from
     a dozen operations on (6 of 12 named). */
  var CALENDAR_ROW_PX = 17;
  function calendarHeight(graph) {
    var full = graph._fullLayout;
    var rows = ((full.yaxis || {})._categories || []).length;
    /* no row: its one line (« Aucune date publiée… ») */
    return Math.round(full.height - full._size.h + Math.max(rows, 1) * CALENDAR_ROW_PX);
  }
  function printHeight(graph, full) {
    if (graph.closest(".commune-page")) {
      if (graph.closest(".map-panel")) { return 260; }
      /* The charts' screen height grows with their rows: on paper, half of it, within bounds. */
      return Math.max(100, Math.min(Math.round(0.5 * full), 230));
    }
    if (graph.closest(".map-panel")) { return 470; }  /* the region on landscape pages: a 125 mm map */
    return 280;
  }
  /* Firefox copies the page for printing as soon as the print events' handlers return, while plotly.js
     redraws a map after a relayout only later (a promise): the sheet showed the screen's drawing cut to the
     printed box, a corner of the commune. So, while printing, a map's SVG layers scale to their box
     (assets/print.css, .print-scaled): their viewBox is the size plotly.js last drew at, refreshed after
     each drawing. A browser that waits for the redraw (Chromium) prints the map fitted to its box; one that
     does not (Firefox) prints the whole screen drawing, scaled down, its names hidden (.screen-drawing: they
     would print under 9 pt). */
  function drawnSize(graph) {
    var svg = graph.querySelector(".main-svg");
    return svg ? [Number(svg.getAttribute("width")), Number(svg.getAttribute("height"))] : null;
  }
  function scaleToBox(graph, size) {
    if (!size || !size[0] || !size[1]) { return; }
    graph.querySelectorAll(".main-svg").forEach(function (svg) {
      svg.setAttribute("viewBox", "0 0 " + size[0] + " " + size[1]);
      svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    });
    var container = graph.querySelector(".svg-container");
    if (container) { container.style.aspectRatio = size[0] + " / " + size[1]; }
    graph.classList.add("print-scaled");
  }
  function unscale(graph) {
    graph.classList.remove("print-scaled", "screen-drawing");
    graph.querySelectorAll(".main-svg").forEach(function (svg) {
      svg.removeAttribute("viewBox");
      svg.removeAttribute("preserveAspectRatio");
    });
    var container = graph.querySelector(".svg-container");
    if (container) { container.style.aspectRatio = ""; }
  }
  function redrawnForPrint() {
    if (!this.classList.contains("print-scaled")) { return; }
    this.classList.remove("screen-drawing");
    scaleToBox(this, drawnSize(this));
  }
  function scaleWhilePrinting(graph) {
    if (graph.classList.contains("print-scaled") || !graph.querySelector(".geo")) { return; }
    scaleToBox(graph, drawnSize(graph));
    graph.classList.add("screen-drawing");
    if (!graph.dataset.printWatched && graph.on) { graph.on("plotly_afterplot", redrawnForPrint.bind(graph)); }
    graph.dataset.printWatched = "1";
  }

  /* plotly.js draws a map again after a relayout only in a promise, and Firefox copies the page for printing
     before any promise settles (beforeprint, the print media query's change and afterprint run with no
     microtask between them: measured with a probe). A browser that does so is known by that alone (a
     microtask queued at beforeprint has not run when the print query turns on), and there the map fitted
     to its printed box is drawn at once by what that promise would call, the geo subplot's own update
     (plotly.js 4.1.1, vendored: assets/vendor) with the data and layout the relayout just gave it: names
     print at the sheet's size in Firefox as in Chromium, which waits for the promise and is left to it.
     Anything missing (another plotly.js, an error), the scaled screen drawing stays. */
  var settledSincePrint = true;
  function drawMapNow(graph) {
    var geo = graph._fullLayout && graph._fullLayout.geo && graph._fullLayout.geo._subplot;
    if (!geo || !geo.topojson || typeof geo.update !== "function" || !geo._geoCalcData) { return false; }
    try { geo.update(geo._geoCalcData, geo._fullLayout); } catch (error) { return false; }
    graph.classList.remove("screen-drawing");
    scaleToBox(graph, drawnSize(graph));
    return true;
  }

  function fitForPrint(printing, drawNow) {
    if (!window.Plotly) { return; }
    /* Graphs not drawn yet (graphs.js) are drawn now, then fitted once drawn: fitted mid-drawing, the
       calendar printed at its screen size, cut to its printed box. */
    var drawing = printing && window.coeurGraphs ? window.coeurGraphs.drawWithin(document.body) : null;
    if (drawing) {
      drawing.then(function () { fitForPrint(true); });  /* microtasks: before the page is printed */
    }
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      if (printing) {
        scaleWhilePrinting(graph);
        if (graph.dataset.screenHeight === undefined) {
          graph.dataset.screenHeight = String(graph.layout.height || "");
          graph.dataset.screenFont = String(graph._fullLayout.font.size);
          if (graph.closest(CALENDARS)) { graph.dataset.screenLegend = JSON.stringify(graph.layout.legend || {}); }
        }
        var box = graph.closest(".graph-box") || graph.parentElement;
        var full = graph.dataset.screenHeight ? Number(graph.dataset.screenHeight) : graph._fullLayout.height;
        /* Bar values squeezed by plotly.js to fit stay at the sheet's smallest type (9 pt and over). */
        var small = { "uniformtext.minsize": PRINT_FONT_PX, "uniformtext.mode": "show" };
        if (graph.closest(".commune-page")) { small["font.size"] = PRINT_FONT_PX; }
        var calendar = graph.closest(CALENDARS);
        if (calendar) { Object.assign(small, LEGEND_UNDER); }
        /* A calendar is drawn at its printed width first (plotly.js draws a relayout at once), then given
           its height: calendarHeight reads what that drawing took around the plot. */
        var height = calendar ? full : Math.min(full, printHeight(graph, full));
        window.Plotly.relayout(graph, Object.assign({ width: box.clientWidth, height: height }, small));
        if (calendar) { window.Plotly.relayout(graph, { height: calendarHeight(graph) }); }
        if (drawNow && graph.classList.contains("print-scaled")) { drawMapNow(graph); }
      } else if (graph.dataset.screenHeight !== undefined) {
        unscale(graph);
        var screenHeight = graph.dataset.screenHeight ? Number(graph.dataset.screenHeight) : null;
        var font = Number(graph.dataset.screenFont);
        var back = { width: null, height: screenHeight, "font.size": font,
                     "uniformtext.minsize": null, "uniformtext.mode": null };
        if (graph.dataset.screenLegend !== undefined) { back.legend = JSON.parse(graph.dataset.screenLegend); }
        delete graph.dataset.screenHeight;
        delete graph.dataset.screenFont;
        delete graph.dataset.screenLegend;
        window.Plotly.relayout(graph, back);
      }
    });
  }
  window.addEventListener("beforeprint", function () {
    settledSincePrint = false;
    Promise.resolve().then(function () { settledSincePrint = true; });
    fitForPrint(true);
  });
  window.addEventListener("afterprint", function () { fitForPrint(false); });
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", function (query) {
      fitForPrint(query.matches, query.matches && !settledSincePrint);
    });
  }

  /* The notice of a former commune (dashboard/endpoints/redirects.py) belongs to the page it was written on. */
  var noticePath = window.location.pathname;
  function dropNotice() {
    var notice = document.getElementById("redirect-notice");
    if (notice && window.location.pathname !== noticePath) { notice.remove(); }
  }
  window.addEventListener("popstate", dropNotice);
  window.addEventListener("_dashprivate_pushstate", dropNotice);

  /* A PNG export that can be read on its own, once pasted in a slide or a mail: the graph redrawn in the
     browser at 1600×900 (no network) from a copy of its layout carrying a title, the map's legend (the
     page's HTML legend redrawn as shapes and words in a column on the right) and, at the bottom, the
     perimeter, filters, year, sources and data date that the server describes (/export/legende, the words
     of the CSV and XLSX exports), wrapped by their measured width so that no line runs past the image.
     The copy is kept in window.coeurLastImage for the tests. */
  var IMAGE = { width: 1600, height: 900 };
  var MARGIN = { t: 90, l: 70, r: 50 };
  /* gap: from the plot's bottom to the caption; slack: room kept at the right of its longest line */
  var CAPTION = { size: 16, lineHeight: 1.3, gap: 40, slack: 16 };
  var KEY = { size: 17, titleSize: 16, share: 0.34, swatch: 18, rowGap: 10 };  /* the map's legend column */
  var WHAT = { carte: "Carte", financements: "Logements par financement", calendrier: "Calendrier des opérations" };
  var measurer = null;

  function textWidth(text, size, family) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = size + "px " + family;
    return measurer.measureText(text.replace(/&(#\d+|[a-z]+);/g, "x")).width;  /* escaped by the server */
  }

  /* Lines of ``text`` (words never split) each at most ``width`` px wide in that font. */
  function wrapped(text, width, size, family) {
    var lines = [];
    var line = "";
    text.split(" ").forEach(function (word) {
      var longer = line ? line + " " + word : word;
      if (line && textWidth(longer, size, family) > width) { lines.push(line); line = word; }
      else { line = longer; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function escapeText(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* The page's HTML legend beside the map (dashboard/web/legend.py) as plotly shapes and annotations in the
     paper's right-hand column [left, 1]; ``plot`` is the plot area's size in px. */
  function legendParts(legend, left, plot, family) {
    var shapes = [];
    var annotations = [];
    var x = function (px) { return left + px / plot.width; };
    var y = function (px) { return 1 - px / plot.height; };
    var width = (1 - left) * plot.width;
    var top = 0;
    var title = legend.querySelector(".legend-title");
    if (title) {
      var lines = wrapped(escapeText(title.textContent.trim()), width, KEY.titleSize, family);
      annotations.push({ text: lines.join("<br>"), showarrow: false, align: "left", xref: "paper",
                         yref: "paper", x: x(0), y: y(0), xanchor: "left", yanchor: "top",
                         font: { size: KEY.titleSize, color: "#52606d" }, name: "legend-title" });
      top += lines.length * KEY.titleSize * CAPTION.lineHeight + 2 * KEY.rowGap;
    }
    legend.querySelectorAll(".legend-list li").forEach(function (item) {
      var swatch = item.querySelector(".swatch");
      var words = wrapped(escapeText(item.textContent.trim()), width - KEY.swatch - 12, KEY.size, family);
      var height = Math.max(KEY.swatch, words.length * KEY.size * CAPTION.lineHeight);
      var middle = top + height / 2;
      if (swatch) {
        var style = swatch.style;
        var hollow = swatch.classList.contains("swatch-hollow");
        var line = { color: style.borderColor, width: hollow ? 3 : 2 };
        var fill = hollow ? "#ffffff" : (style.backgroundColor || style.borderColor);
        var half = KEY.swatch / 2;
        var box = { xref: "paper", yref: "paper", x0: x(0), x1: x(KEY.swatch), y0: y(middle + half),
                    y1: y(middle - half), line: line, fillcolor: fill, layer: "above" };
        if (swatch.classList.contains("swatch-circle")) { shapes.push(Object.assign({ type: "circle" }, box)); }
        else if (swatch.classList.contains("swatch-diamond")) {
          shapes.push({ type: "path", xref: "paper", yref: "paper", line: line, fillcolor: fill, layer: "above",
                        path: "M " + x(half) + "," + y(middle - half) + " L " + x(KEY.swatch) + "," + y(middle) +
                              " L " + x(half) + "," + y(middle + half) + " L " + x(0) + "," + y(middle) + " Z" });
        } else {
          if (swatch.classList.contains("swatch-area")) { box.line = { color: style.borderColor, width: 1.5 }; }
          shapes.push(Object.assign({ type: "rect" }, box));
        }
        if (swatch.classList.contains("swatch-dot")) {
          shapes.push({ type: "circle", xref: "paper", yref: "paper", x0: x(half - 3), x1: x(half + 3),
                        y0: y(middle + 3), y1: y(middle - 3), line: { width: 0 }, fillcolor: "#7b8794",
                        layer: "above" });
        }
      }
      annotations.push({ text: words.join("<br>"), showarrow: false, align: "left", xref: "paper",
                         yref: "paper", x: x(KEY.swatch + 12), y: y(middle), xanchor: "left",
                         yanchor: "middle", font: { size: KEY.size }, name: "legend-entry" });
      top += height + KEY.rowGap;
    });
    return { shapes: shapes, annotations: annotations };
  }

  function imageLayout(graph, what, caption) {
    var layout = JSON.parse(JSON.stringify(graph.layout || {}));
    var family = (graph._fullLayout && graph._fullLayout.font && graph._fullLayout.font.family) || "sans-serif";
    var title = (WHAT[what] || "Graphique") + " — " + caption.place + " — situation fin " + caption.year;
    var plotWidth = IMAGE.width - MARGIN.l - MARGIN.r;
    var lines = [];
    caption.lines.forEach(function (paragraph) {
      lines = lines.concat(wrapped(paragraph, plotWidth - CAPTION.slack, CAPTION.size, family));
    });
    var bottom = CAPTION.gap + Math.ceil(lines.length * CAPTION.size * CAPTION.lineHeight) + 24;
    layout.title = { text: "<b>" + title + "</b>", x: 0.01, xanchor: "left", y: 0.97, yanchor: "top",
                     font: { size: 30 } };
    layout.margin = Object.assign({}, layout.margin || {}, { t: MARGIN.t, b: bottom, l: MARGIN.l, r: MARGIN.r });
    layout.annotations = layout.annotations || [];
    var section = graph.closest("section");
    var legend = what === "carte" && section ? section.querySelector(".map-legend") : null;
    if (legend) {
      var plot = { width: plotWidth, height: IMAGE.height - MARGIN.t - bottom };
      var left = 1 - KEY.share;
      var parts = legendParts(legend, left, plot, family);
      layout.geo = Object.assign({}, layout.geo || {}, { domain: { x: [0, left - 0.03], y: [0, 1] } });
      layout.shapes = (layout.shapes || []).concat(parts.shapes);
      layout.annotations = layout.annotations.concat(parts.annotations);
    }
    layout.annotations.push({  /* last: the tests read it there */
      text: lines.join("<br>"), showarrow: false, align: "left", xref: "paper", yref: "paper",
      x: 0, y: 0, xanchor: "left", yanchor: "top", yshift: -CAPTION.gap,
      font: { size: CAPTION.size, color: "#52606d" }, name: "caption"
    });
    layout.width = IMAGE.width;
    layout.height = IMAGE.height;
    layout.autosize = false;
    layout.paper_bgcolor = "#ffffff";
    return layout;
  }

  function exportImage(graph, what, name) {
    var question = new URLSearchParams({ chemin: location.pathname, vue: location.search });
    fetch("/export/legende?" + question.toString(), { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
      .catch(function () { return { place: "", year: "", lines: [] }; })
      .then(function (caption) {
        var layout = imageLayout(graph, what, caption);
        var config = { topojsonURL: graph._context.topojsonURL, locale: graph._context.locale };
        window.coeurLastImage = { name: name, layout: layout };
        return window.Plotly.toImage({ data: graph.data, layout: layout, config: config },
                                     { format: "png", width: IMAGE.width, height: IMAGE.height, scale: 1 });
      })
      .then(function (url) {
        var link = document.createElement("a");
        link.href = url;
        link.download = name + ".png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    coeur: {
      /* The presentation flag of the URL: the page's class, and the flag for the panels (sent only when
         it changes, so that a year step does not redraw them). The year is said by the page itself. */
      presentationMode: function (search, presenting) {
        var on = new URLSearchParams(search || "").get("presentation") === "1";
        var noUpdate = window.dash_clientside.no_update;
        return [on ? "shell presenting" : "shell", on === presenting ? noUpdate : on];
      },
      /* One year back or forward, or the player's next year (from the first when started on the last). */
      stepYear: function (_prev, _next, _tick, year, first, last) {
        var triggered = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id.split(".")[0]; });
        if (triggered.indexOf("ctl-year-prev") >= 0) { return Math.max(first, year - 1); }
        if (triggered.indexOf("ctl-year-next") >= 0) { return Math.min(last, year + 1); }
        if (triggered.indexOf("ctl-play-timer") >= 0) {
          window.coeurPlayerSteps = Math.min((window.coeurPlayerSteps || 0) + 1, 2);  /* slide.js: replace, not push */
          return year >= last ? first : year + 1;
        }
        return window.dash_clientside.no_update;
      },
      /* The play button starts and pauses; reaching the last year while playing stops the player. */
      playOrPause: function (_clicks, year, disabled, last) {
        var triggered = window.dash_clientside.callback_context.triggered.map(function (t) { return t.prop_id; });
        var playing = !disabled;
        if (triggered.indexOf("ctl-play.n_clicks") >= 0) { playing = !playing; }
        else if (playing && year >= last) { playing = false; }
        else { return window.dash_clientside.no_update; }
        return [!playing, playing ? "Pause" : "Lecture", playing ? "true" : "false"];  /* icons: style.css */
      },
      /* Download the graph whose button was clicked, named after what it shows, as an image that stands
         on its own (see exportImage). */
      downloadPng: function () {
        var triggered = window.dash_clientside.callback_context.triggered;
        if (!triggered.length || !triggered[0].value) { return window.dash_clientside.no_update; }
        var id = JSON.parse(triggered[0].prop_id.split(".")[0]).graph;
        if (window.coeurGraphs) { window.coeurGraphs.drawWithin(document.getElementById(id)); }  /* graphs.js */
        var graph = document.querySelector("#" + id + ".js-plotly-plot, #" + id + " .js-plotly-plot");
        var box = document.getElementById(id).closest("[data-export-what]");
        var page = document.querySelector("[data-export-name]");
        var slider = document.querySelector("#ctl-year [role=slider]");
        var year = slider ? slider.getAttribute("aria-valuenow") : "";
        var what = box ? box.getAttribute("data-export-what") : "graphique";
        var base = page ? page.getAttribute("data-export-name") : "coeur-de-ville";
        var name = [base, what === "carte" ? "" : what, year].filter(Boolean).join("_");
        exportImage(graph, what, name);
        return name;
      }
    }
  });
})();
