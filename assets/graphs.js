/* Cœur de Ville: each graph is drawn when it comes near the screen, not all at once at load. Drawing the
   financing and calendar charts below the first screen cost plotly.js 130-240 ms of blocked page each.

   dcc.Graph draws by calling Plotly.react(graphDiv, figure) and waits for its promise before anything
   else (its events, its next figure): the call is held here while the graph is far from the screen, and
   made once it comes within MARGIN of it. The figure stays in Dash's store as before; the year steps
   that arrive meanwhile wait in dcc.Graph's own queue and are drawn, in order, right after. A graph
   already drawn is redrawn at once, as before. Printing and the PNG export (coeur.js) draw those still
   waiting first: window.coeurGraphs.drawWithin(element). That dcc.Graph calls Plotly.react is a reliance on
   dcc's inner workings: dashboard/web/dashinternals.py names it, tests/test_dashinternals.py checks it. */
(function () {
  "use strict";
  /* Drawn while still a quarter of a screen below (or above) it: a chart takes 0.1-0.25 s to draw. */
  var MARGIN = "200px";
  var waiting = new Map();  /* graph div → {args, resolve, reject} */
  var observer = null;
  var react = null;

  function draw(div) {
    var call = waiting.get(div);
    if (!call) { return null; }
    waiting.delete(div);
    observer.unobserve(div);
    var drawn = react.apply(window.Plotly, call.args);
    drawn.then(call.resolve, call.reject);
    return drawn;
  }

  /* The graphs of root still waiting, drawn now; a promise of their drawings, or null if none waited. */
  function drawWithin(root) {
    var drawings = Array.from(waiting.keys()).filter(function (div) { return root.contains(div); }).map(draw);
    return drawings.length ? Promise.all(drawings) : null;
  }

  /* One graph per task: two graphs seen together (the commune's map and financing) do not make one
     long task of both drawings, and the page answers between them. The observer's report is a task of
     its own: the first graph seen is drawn in it, the others each in a task after it (at load the map
     was drawn one task later than it could, behind whatever the page had queued meanwhile). */
  var due = [];
  function drawNextDue() {
    draw(due.shift());
    if (due.length) { setTimeout(drawNextDue, 0); }
  }

  function seen(entries) {
    var idle = due.length === 0;  /* else a task is already asked for the next one */
    entries.forEach(function (entry) {
      if (entry.isIntersecting && due.indexOf(entry.target) < 0) { due.push(entry.target); }
    });
    if (idle && due.length) { drawNextDue(); }
  }

  /* Graphs of a page left before they were seen: never drawn, and their figures not kept. */
  function forgetGone() {
    Array.from(waiting.keys()).forEach(function (div) {
      if (!div.isConnected) { waiting.delete(div); observer.unobserve(div); }
    });
  }

  function reactWhenSeen(div) {
    /* Drawn already (a new figure, a year step) or not a graph of the page: at once. */
    if (!(div instanceof Element) || div._fullLayout || waiting.has(div)) {
      return react.apply(window.Plotly, arguments);
    }
    var args = arguments;
    forgetGone();
    return new Promise(function (resolve, reject) {
      waiting.set(div, { args: args, resolve: resolve, reject: reject });
      observer.observe(div);  /* its first report, at the next frame, draws it if it is near */
    });
  }

  /* dcc.Graph (responsive) asks plotly.js to fit the graph to its box whenever the box is observed, first
     of all right after the first drawing: plotly.js then draws the whole graph again (a relayout to
     autosize), even when the box has the size it was just drawn at. On a phone's first screen that was a
     second drawing of the map, about 0.1 s of main thread (0.4 s at Lighthouse's ×4 CPU). A graph whose
     box has the size it was drawn at is left as it is, and so is one not drawn yet (its drawing will fit
     its box: graphs below the screen wait, here); any other goes to plotly.js as before. */
  var resize = null;
  function resizeIfResized(graph) {
    var full = graph && graph._fullLayout;
    var layout = graph && graph.layout;
    if (graph instanceof Element && !full) { return Promise.resolve(graph); }
    if (full && layout && !(layout.width && layout.height) && graph.isConnected) {
      var box = window.getComputedStyle(graph);
      if (Math.abs(parseFloat(box.width) - full.width) < 0.5 && Math.abs(parseFloat(box.height) - full.height) < 0.5) {
        return Promise.resolve(graph);
      }
    }
    return resize.apply(this, arguments);
  }

  function install() {
    if (react || !window.Plotly || !window.IntersectionObserver) { return; }
    react = window.Plotly.react;
    observer = new IntersectionObserver(seen, { rootMargin: MARGIN + " 0px" });
    window.Plotly.react = reactWhenSeen;
    resize = window.Plotly.Plots.resize;
    window.Plotly.Plots.resize = resizeIfResized;
  }

  window.coeurGraphs = { drawWithin: drawWithin };
  /* plotly.js comes after this file (assets/vendor): installed once every deferred script has run, before
     the renderer mounts any graph (it waits for the page's layout, asked for then). */
  document.addEventListener("DOMContentLoaded", install);
})();
