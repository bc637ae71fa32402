/* Cœur de Ville: the page in the room — the sticky table header sits below the sticky controls
   (their height as a CSS variable), and the filters panel shows on wide screens where the browser
   cannot open a <details> from CSS. Loaded by Dash from assets/. */
(function () {
  "use strict";

  function measureControls() {
    var controls = document.getElementById("shell-controls");
    if (!controls) { return; }
    var height = window.getComputedStyle(controls).position === "sticky" ? controls.offsetHeight : 0;
    document.documentElement.style.setProperty("--controls-height", height + "px");
  }

  var wide = window.matchMedia("(min-width: 700px)");
  var cssOpens = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  function openFiltersWhereWide() {
    var panel = document.querySelector(".filters-panel");
    if (panel && !cssOpens && wide.matches && !panel.open) { panel.open = true; }
    /* The operations' details too (folded on phones only), and on paper whatever the width. */
    if (!cssOpens && (wide.matches || printing)) {
      document.querySelectorAll(".op-details:not([open])").forEach(function (details) { details.open = true; });
    }
    /* The region lead's folds, on paper only (print.css opens them where the browser can). */
    if (!cssOpens && printing) {
      document.querySelectorAll(".lead-more:not([open])").forEach(function (details) { details.open = true; });
    }
  }
  var printing = false;
  window.addEventListener("beforeprint", function () { printing = true; openFiltersWhereWide(); });
  window.addEventListener("afterprint", function () { printing = false; });

  var watched = null;
  var resize = window.ResizeObserver ? new ResizeObserver(measureControls) : null;
  new MutationObserver(function () {
    var controls = document.getElementById("shell-controls");
    if (controls && controls !== watched) {
      watched = controls;
      if (resize) { resize.observe(controls); }
      measureControls();
    }
    openFiltersWhereWide();
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", measureControls);

  /* On a phone, the legend in a type size at which its longest entry fits the width (a legend-only
     relayout: the map is not drawn again; callbacks never patch these keys). */
  var narrow = window.matchMedia("(max-width: 699px)");
  if (narrow.matches) {
    var legendWatch = new MutationObserver(function () {
      var graph = document.querySelector("#region-map .js-plotly-plot");
      if (!graph || !graph._fullLayout || !graph._fullLayout.legend || !window.Plotly) { return; }
      legendWatch.disconnect();
      window.Plotly.relayout(graph, { "legend.font.size": 12, "legend.title.font.size": 13 });
    });
    legendWatch.observe(document.documentElement, { childList: true, subtree: true });
  }
})();
