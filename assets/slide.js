/* Cœur de Ville: the slide (presentation mode) and the printed sheet. Loaded by Dash from assets/.
   Keys for the year (arrows, and PageUp/PageDown as clickers send), the slide scaled to the screen,
   full screen, the player's steps kept out of the browser's history, the print date. */
(function () {
  "use strict";

  var STEPS = { ArrowLeft: "ctl-year-prev", PageUp: "ctl-year-prev", ArrowRight: "ctl-year-next", PageDown: "ctl-year-next" };
  /* The slide is laid out at 1080 px high and at least 1440 wide; narrower screens (a 4:3 projector) at
     1240 × 930, so that its 20 px text shows at 16.5 px once scaled to 1024×768. */
  var DESIGN = { width: 1440, height: 1080 };
  var NARROW_DESIGN = { width: 1240, height: 930 };
  var SMALLEST_SCALE = 0.82;  /* 20 px shows at 16.4 px */
  var SHORT_HEIGHT = 870;

  function click(id) {
    var element = document.getElementById(id);
    if (element) { element.click(); }
  }

  /* A year key steps from the year the last key asked for while the slider has not shown it yet: two
     presses a few milliseconds apart are two steps (a button's clicks, counted by Dash from its props,
     would count them as one). */
  var asked = null;
  function stepYear(delta) {
    var slider = document.querySelector("#ctl-year [role=slider]");
    var clientside = window.dash_clientside;
    if (!slider || !clientside || !clientside.set_props) { click(delta < 0 ? "ctl-year-prev" : "ctl-year-next"); return; }
    var shown = Number(slider.getAttribute("aria-valuenow"));
    var first = Number(slider.getAttribute("aria-valuemin"));
    var last = Number(slider.getAttribute("aria-valuemax"));
    var from = asked !== null && asked.year !== shown && Date.now() - asked.at < 1500 ? asked.year : shown;
    var year = Math.min(last, Math.max(first, from + delta));
    asked = { year: year, at: Date.now() };
    if (year !== from) { clientside.set_props("ctl-year", { value: year }); }
  }

  function presenting() {
    return !!document.querySelector(".presenting");
  }

  /* Where a key belongs to the control itself: typing, the slider (steps itself), an open list. */
  function ownsKeys(target) {
    return target.closest && target.closest(
      "input, textarea, select, [contenteditable], [role=slider], [role=listbox], [role=option], [aria-expanded=true]");
  }

  function onPage(target) {
    return target === document.body || target === document.documentElement || !target.closest;
  }

  /* Capture phase: a button that was clicked last (◀, a filter's button) keeps the focus, but the year
     keys still step the year; Space and Enter keep their meaning on a focused button. */
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || ownsKeys(event.target)) { return; }
    if (event.key === "Escape" && presenting()) { click("shell-exit-present"); event.preventDefault(); return; }
    if (STEPS[event.key]) { stepYear(STEPS[event.key] === "ctl-year-prev" ? -1 : 1); event.preventDefault(); event.stopPropagation(); return; }
    if ((event.key === " " || event.key === "Spacebar") && (presenting() || onPage(event.target))) {
      click("ctl-play"); event.preventDefault();
    }
  }, true);

  /* The slide is drawn at a design size, then scaled to the screen: 1920×1080 at 1:1 (and down to 886 px
     high); a shorter wide screen at least 870 px high scaled by 0.82 (1280×720: 1561×878); at 1024×768,
     1240×930 scaled by 0.83. */
  function fit() {
    var design = window.innerWidth / window.innerHeight < 1.5 ? NARROW_DESIGN : DESIGN;
    var scale = Math.min(window.innerWidth / design.width, window.innerHeight / design.height);
    /* A smaller wide screen (1280×720, 1366×768) gets a shorter design, at least 870 px high, rather than
       the 1080 px one shrunk: its 20 px text then shows at 16 px or more (slide.css, max-height: 885px). */
    if (design === DESIGN && window.innerHeight < design.height * SMALLEST_SCALE) {
      scale = Math.max(scale, Math.min(SMALLEST_SCALE, window.innerHeight / SHORT_HEIGHT));
    }
    var root = document.documentElement.style;
    root.setProperty("--slide-scale", String(scale));
    root.setProperty("--slide-width", (window.innerWidth / scale) + "px");
    root.setProperty("--slide-height", (window.innerHeight / scale) + "px");
  }
  window.addEventListener("resize", fit);
  fit();

  /* Full screen, and its button saying which way it goes. */
  function showFullscreen() {
    var button = document.getElementById("shell-fullscreen");
    if (!button) { return; }
    var on = !!document.fullscreenElement;
    button.textContent = on ? "Quitter le plein écran" : "Plein écran";
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  document.addEventListener("fullscreenchange", function () { fit(); showFullscreen(); });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : document.body;
    if (target.closest("#shell-fullscreen")) {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
    } else if (target.closest("#shell-exit-present") && document.fullscreenElement) {
      document.exitFullscreen();
    }
  });

  /* The player's year steps replace the current history entry instead of adding one: Back leaves the
     slide's years behind in one press. coeur.js's stepYear counts the steps the player took. */
  function onlyTheYearDiffers(url) {
    var next = new URL(url, window.location.href);
    if (next.pathname !== window.location.pathname) { return false; }
    var a = new URLSearchParams(next.search), b = new URLSearchParams(window.location.search);
    a.delete("annee"); b.delete("annee");
    a.sort(); b.sort();
    return a.toString() === b.toString();
  }
  var push = window.history.pushState;
  window.history.pushState = function (state, title, url) {
    if (window.coeurPlayerSteps > 0 && url !== undefined && url !== null && onlyTheYearDiffers(url)) {
      window.coeurPlayerSteps -= 1;
      return window.history.replaceState(state, title, url);
    }
    return push.apply(window.history, arguments);
  };

  /* A navigation of the browser (back, forward, a link within the app) tells the controls to follow the
     address; the address the app writes itself after a year step does not (dashboard/web/callbacks.py). */
  var navigations = 0;
  function navigated() {
    if (!window.dash_clientside || !window.dash_clientside.set_props) { return; }
    navigations += 1;
    window.dash_clientside.set_props("shell-nav", { data: { search: window.location.search, n: navigations } });
  }
  var followingLink = false;  /* a link of the app was clicked: the next push of an address is a navigation */
  document.addEventListener("click", function (event) {
    followingLink = !!(event.target.closest && event.target.closest("a[href]"));
  }, true);
  window.addEventListener("popstate", navigated);
  window.addEventListener("_dashprivate_pushstate", function () {
    if (followingLink) { followingLink = false; navigated(); }
  });

  /* The printed sheet says when it was printed (the page may have been open for days). */
  function printDate() {
    var today = new Date();
    var text = today.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
    if (today.getDate() === 1) { text = "1er" + text.slice(1); }  /* as the server writes it (data/wording.py) */
    document.querySelectorAll(".print-date").forEach(function (element) { element.textContent = text; });
  }
  window.addEventListener("beforeprint", printDate);
  if (window.matchMedia) { window.matchMedia("print").addEventListener("change", function (q) { if (q.matches) { printDate(); } }); }
})();
