/* Cœur de Ville: the page written into the HTML (dashboard/endpoints/prerender.py) shows until the live page has
   drawn its own content in its place; then it goes, and the live page, laid out beneath it all along,
   shows at the same place. "Drawn" means the page's content and every control the written page shows:
   the slider and the dropdowns come with scripts of their own, loaded later, and change the controls'
   height when they arrive (on a busy phone, after the content). Removing the written page before them
   made the live page jump under the reader's eyes. The written page is read by screen readers too (not
   inert), its buttons and fields said unavailable (dashboard/web/written.py, ``usable``); the live page,
   hidden until then, is not: a screen reader never has the page twice. */
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
  /* The focus in the written page (a link: its buttons are said unavailable) goes to the same element of
     the live page: the one with the same id, or the element at the same place in the nearest one with an
     id (the written page mirrors the live one). */
  function keepFocus(focused) {
    var steps = [], element = focused;
    while (element && element !== screen && !element.id) {
      steps.unshift(Array.prototype.indexOf.call(element.parentElement.children, element));
      element = element.parentElement;
    }
    var same = element && element !== screen && document.getElementById(element.id);
    for (var i = 0; same && i < steps.length; i += 1) { same = same.children[steps[i]]; }
    if (same && same.matches(focused.tagName)) { same.focus({ preventScroll: true }); }
  }
  var observer = new MutationObserver(function () {
    if (drawn()) {
      observer.disconnect();
      var focused = screen.contains(document.activeElement) ? document.activeElement : null;
      screen.remove();
      if (focused) { keepFocus(focused); }
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

/* Written parts: parts of a page written on the server (dashboard/web/written.py), for React not to build
   them at load. Static parts (``static``: the sources, the legends, the glossary) are written for good.
   Live parts (``until_wanted``) are shown as written until a person nears them: on a phone, React building
   the region's operations table (some 200 components, below the first screens) was a fifth of the page's
   work at load.

   The holder comes from the layout empty, with its content's HTML in ``data-written``: it is put in the
   holder at once, marked ``data-until-live``, to read, print and use: a screen reader has the table, its
   caption, headings and rows, from the start (made inert, it had nothing of it until the table neared the
   screen or a key was pressed, and its browse mode sends no key to the page). When the holder comes within
   a screen of the view, at the first key pressed, when the focus enters it, or when one of its controls
   is used, the store named in ``data-wanted`` is set to "wanted" (Dash's ``dash_clientside.set_props``);
   its callback answers with the live content, which React draws in the holder: the written content then
   goes in the same task, so that the page never holds the content twice. What the written controls
   cannot do (a sort button, a row's « Plus », both a callback's) is done on the live content: the click
   is held, then made on the element at the same place in it. The focus, if it was in the written
   content, moves to the element at the same place too: the reader keeps their place. Any other answer filling the
   holder first (a change of the view) replaces it the same way. An answer that only changes a few cells
   (a year step) sets the holder's ``data-patch`` instead (``written.patch_text``): the assignments of a Dash
   Patch of the live content, made here to the written HTML, which mirrors it (a position, an element; a
   prop, an attribute; ``children``, a text). Should one not find its element, the live content is asked
   for, which comes whole. */
(function () {
  "use strict";
  var MARGIN = "100% 0px";  /* a screen ahead: the live content is drawn before it is reached */
  var entry = document.getElementById("react-entry-point");
  if (!entry || !window.IntersectionObserver) { return; }
  var written = new Map();  /* holder → the nodes written in it */
  var asked = new WeakSet();  /* holders whose live content was asked for */
  var held = new Map();  /* holder → where in it a click waits for the live content (``place``) */
  var UNTIL_LIVE = "data-until-live";
  /* What the written HTML cannot do: its buttons and summaries are a callback's (links are plain links). */
  var CONTROL = "button, summary";

  function want(holder) {
    var store = holder.getAttribute("data-wanted");
    observer.unobserve(holder);
    if (asked.has(holder) || !store || !written.has(holder)) { return; }
    if (window.dash_clientside && window.dash_clientside.set_props) {
      asked.add(holder);
      window.dash_clientside.set_props(store, { data: "wanted" });
    }
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (seen) { if (seen.isIntersecting) { want(seen.target); } });
  }, { rootMargin: MARGIN });

  function forget(holder) {
    (written.get(holder) || []).forEach(function (node) { node.remove(); });
    written.delete(holder);
    asked.delete(holder);
    held.delete(holder);
    observer.unobserve(holder);
  }

  /* Where ``element`` is among the elements of ``nodes`` (the written or the live content): its position
     at each level, from the holder's; and back, the element at ``place`` (null if there is none). */
  function place(nodes, element) {
    var steps = [];
    while (element && nodes.indexOf(element) < 0) {
      if (!element.parentElement) { return null; }
      steps.unshift(Array.prototype.indexOf.call(element.parentElement.children, element));
      element = element.parentElement;
    }
    if (!element) { return null; }
    steps.unshift(nodes.filter(function (node) { return node.nodeType === 1; }).indexOf(element));
    return steps;
  }

  function at(holder, steps) {
    var element = holder;
    for (var i = 0; element && steps && i < steps.length; i += 1) { element = element.children[steps[i]]; }
    return steps && element !== holder ? element : null;
  }

  /* The written content of ``holder`` goes, the live one (drawn in it by React) stays; a held click is
     made on the element at the same place in it. */
  function swap(holder) {
    var click = held.get(holder);
    forget(holder);
    keepFocus();
    var target = at(holder, click);
    if (target) { target.focus({ preventScroll: true }); target.click(); }
  }

  /* The focus in a live part's holder, written or live: when React draws the content again (the live
     table replacing the written one, or sorted) the focused element goes and the focus fell back to the
     page's start; it goes to the element at the same place in the new content. */
  var focus = null;  /* {holder, element, steps} */
  document.addEventListener("focusin", function (event) {
    var holder = event.target.closest && event.target.closest("[data-wanted]");
    focus = holder && { holder: holder, element: event.target, steps: place(Array.from(holder.children), event.target) };
    if (holder && written.has(holder)) { want(holder); }  /* a screen reader may move it without a key */
  }, true);
  /* A click elsewhere leaves the focus to the page (on nothing focusable): it stays there. */
  document.addEventListener("pointerdown", function (event) {
    if (focus && !focus.holder.contains(event.target)) { focus = null; }
  }, true);

  function keepFocus() {
    if (!focus || focus.element.isConnected || !focus.holder.isConnected) { return; }
    var active = document.activeElement;
    if (active && active !== document.body) { return; }
    var target = at(focus.holder, focus.steps);
    var focusable = target && target.closest("a[href], button, summary, input, [tabindex]");
    if (focusable && focus.holder.contains(focusable)) { focusable.focus({ preventScroll: true }); }
  }

  function write(holder) {
    var html = holder.getAttribute("data-written");
    holder.removeAttribute("data-written");
    forget(holder);
    if (holder.childNodes.length) { return; }  /* the live content is there already */
    var template = document.createElement("template");
    template.innerHTML = html;
    var nodes = Array.from(template.content.childNodes);
    var live = holder.hasAttribute("data-wanted");  /* else static: written for good, to use as it is */
    if (live) { nodes.forEach(function (node) { if (node.nodeType === 1) { node.setAttribute(UNTIL_LIVE, ""); } }); }
    holder.append(template.content);
    written.set(holder, nodes);
    if (live) { observer.observe(holder); }
  }

  /* Where ``location`` (a Dash Patch's, from the holder's children) leads in the written ``nodes``: the
     element and the attribute it names ("children": its text); null where the HTML does not mirror it. */
  function target(nodes, location) {
    var children = nodes.filter(function (node) { return node.nodeType === 1; }), element = null;
    for (var i = 0; i < location.length; i += 1) {
      var step = location[i];
      if (typeof step === "number") {
        element = children && children[step];
        children = null;
        if (!element) { return null; }
      } else if (step === "props" && i + 1 < location.length) {
        if (children) {  /* children of one component: its element */
          if (children.length !== 1) { return null; }
          element = children[0];
          children = null;
        }
        if (!element) { return null; }
        i += 1;
        if (i === location.length - 1) { return { element: element, name: location[i] }; }
        if (location[i] !== "children") { return null; }
        children = Array.from(element.children);
      } else {
        return null;
      }
    }
    return null;
  }

  function patch(holder) {
    var nodes = written.get(holder), text = holder.getAttribute("data-patch");
    if (!nodes || !text) { return; }
    var found = JSON.parse(text).map(function (assignment) {
      var place = target(nodes, assignment[0]);
      return place && { place: place, value: String(assignment[1]) };
    });
    if (found.some(function (change) { return !change; })) { return want(holder); }  /* asked whole */
    found.forEach(function (change) {
      if (change.place.name === "children") { change.place.element.textContent = change.value; }
      else { change.place.element.setAttribute(change.place.name, change.value); }
    });
  }

  /* React drew something in a holder (its live content): the written nodes go. */
  function replaced(records) {
    records.forEach(function (record) {
      var nodes = written.get(record.target);
      if (!nodes) { return; }
      var live = Array.from(record.addedNodes).some(function (node) { return nodes.indexOf(node) < 0; });
      if (live) { swap(record.target); }
    });
  }

  new MutationObserver(function (records) {
    replaced(records);
    keepFocus();
    records.forEach(function (record) {
      if (record.attributeName === "data-patch") { patch(record.target); }
    });
    Array.from(written.keys()).forEach(function (holder) { if (!holder.isConnected) { forget(holder); } });
    entry.querySelectorAll("[data-written]").forEach(write);
  }).observe(entry, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-written", "data-patch"] });

  function holderOf(element) {
    var found = null;
    written.forEach(function (nodes, holder) {
      if (!found && nodes.some(function (node) { return node.contains && node.contains(element); })) { found = holder; }
    });
    return found;
  }

  /* A click on a written control: held for the live content, which is asked for; the click on it follows.
     Only in a part that has live content (``data-wanted``): a static part's summaries open their own
     details (the lead's « Prévu et constaté », the sources), and nothing would ever make the click. */
  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest(CONTROL);
    var holder = control && holderOf(control);
    if (!holder || !holder.hasAttribute("data-wanted")) { return; }
    event.preventDefault();  /* a summary would open its row, empty: its fields are a callback's */
    event.stopPropagation();
    held.set(holder, place(written.get(holder), control));
    want(holder);
  }, true);

  /* A key wants the live parts shown, not those the page hides (the table on the slide). */
  document.addEventListener("keydown", function () {
    Array.from(written.keys()).forEach(function (holder) {
      if (holder.getClientRects().length) { want(holder); }
    });
  }, true);
})();
