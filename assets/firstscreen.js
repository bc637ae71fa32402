/* Cœur de Ville: the page written into the HTML (dashboard/endpoints/prerender.py) shows until the live page has
   drawn its own content in its place; then it goes, and the live page, laid out beneath it all along,
   shows at the same place. "Drawn" means the page's content and every control the written page shows:
   the slider and the dropdowns come with scripts of their own, loaded later, and change the controls'
   height when they arrive (on a busy phone, after the content). Removing the written page before them
   made the live page jump under the reader's eyes. */
(function () {
  "use strict";
  var screen = document.getElementById("first-screen");
  var entry = document.getElementById("react-entry-point");
  if (!screen || !entry) { return; }
  var dropdowns = screen.querySelectorAll(".dash-dropdown").length;
  var sliders = screen.querySelectorAll(".dash-slider-container").length;
  function drawn() {
    return entry.querySelector("#_pages_content > *")
      && entry.querySelectorAll(".dash-dropdown").length >= dropdowns
      && entry.querySelectorAll("[role=slider]").length >= sliders;
  }
  var observer = new MutationObserver(function () {
    if (drawn()) {
      observer.disconnect();
      screen.remove();
    }
  });
  observer.observe(entry, { childList: true, subtree: true });
})();

/* The same page goes with the HTML as the layout Dash Pages' router would answer for the address, with the
   controls' values for it (dashboard/endpoints/prerender.py, page_layout): the renderer's layout_post hook
   (dashboard/app.py, START_WHEN_PARSED) puts the page into Dash Pages' container of the shell it received,
   sets the controls (and the year's label) to the address's view, and gives Dash Pages' Location the
   address. The Location then
   finds nothing to change when it mounts, so the router, which answers only a change of it, is not asked:
   the page and its figures come with the shell, one round trip sooner; and the controls, already showing
   the view, make the page's callbacks draw nothing again. Navigating afterwards (a link, back, forward)
   changes the Location and the router draws the next page, as before. Pages the HTML does not carry (the
   slide, unknown addresses) are drawn by the router. Dash Pages' ids and the layout's JSON shape are
   Dash's: dashboard/web/dashinternals.py. */
(function () {
  "use strict";
  var LOCATION = "_pages_location";
  var CONTENT = "_pages_content";
  var STORE = "_pages_store";  /* the router's second output, the page's title, which Dash Pages sets */

  /* The components of the layout (Dash's JSON: {type, namespace, props: {id, children, …}}) by id. */
  function byId(node, found) {
    if (Array.isArray(node)) {
      node.forEach(function (child) { byId(child, found); });
    } else if (node && typeof node === "object" && node.props) {
      if (typeof node.props.id === "string") { found[node.props.id] = node; }
      byId(node.props.children, found);
    }
    return found;
  }

  window.coeurFirstPage = function (layout) {
    var written = document.getElementById("first-page");
    if (!written) { return; }
    written.remove();  /* once: a later layout (none is asked for today) draws its own page */
    var shell = byId(layout, {});
    var location = shell[LOCATION], content = shell[CONTENT], store = shell[STORE];
    if (!location || !content || !store) { return; }
    var first = JSON.parse(written.textContent);
    Object.keys(first.values).forEach(function (id) {
      if (shell[id]) { shell[id].props.value = first.values[id]; }
    });
    /* What shows a control's value (the year's label), written by a callback only when the value changes. */
    Object.keys(first.children).forEach(function (id) {
      if (shell[id]) { shell[id].props.children = first.children[id]; }
    });
    content.props.children = first.page;
    store.props.data = { title: document.title };  /* the server wrote the page's own in the HTML */
    /* What the Location reads on mounting, as it would read it: equal, it sets nothing. */
    ["pathname", "search", "hash", "href"].forEach(function (key) {
      location.props[key] = window.location[key];
    });
  };
})();
