/* Cœur de Ville: parts of a page written on the server (dashboard/web/written.py), for React not to build
   them at load. Static parts (``static``: the sources, the legends, the glossary) are written for good.
   Live parts (``until_wanted``) are shown as written until a person nears them: on a phone, React building
   the region's operations table (some 200 components, below the first screens) was a fifth of the page's
   work at load.

   The holder comes from the layout empty, with its content's HTML in ``data-written``: it is put in the
   holder at once, inert (to read and to print, like the page's first screen; not to use). When the holder
   comes within a screen of the view, or at the first key pressed (a keyboard's or a screen reader's user
   moves through the page without scrolling), the store named in ``data-wanted`` is set to "wanted"
   (Dash's ``dash_clientside.set_props``); its callback answers with the live content, which React draws
   in the holder: the written content then goes. Any other answer filling the
   holder first (a change of the view) replaces it the same way. */
(function () {
  "use strict";
  var MARGIN = "100% 0px";  /* a screen ahead: the live content is drawn before it is reached */
  var entry = document.getElementById("react-entry-point");
  if (!entry || !window.IntersectionObserver) { return; }
  var written = new Map();  /* holder → the nodes written in it */
  var asked = new WeakSet();  /* holders whose live content was asked for */

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
    observer.unobserve(holder);
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
    if (live) { nodes.forEach(function (node) { if (node.nodeType === 1) { node.inert = true; } }); }
    holder.append(template.content);
    written.set(holder, nodes);
    if (live) { observer.observe(holder); }
  }

  /* React drew something in a holder (its live content): the written nodes go. */
  function replaced(records) {
    records.forEach(function (record) {
      var nodes = written.get(record.target);
      if (!nodes) { return; }
      var live = Array.from(record.addedNodes).some(function (node) { return nodes.indexOf(node) < 0; });
      if (live) { forget(record.target); }
    });
  }

  new MutationObserver(function (records) {
    replaced(records);
    Array.from(written.keys()).forEach(function (holder) { if (!holder.isConnected) { forget(holder); } });
    entry.querySelectorAll("[data-written]").forEach(write);
  }).observe(entry, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-written"] });

  document.addEventListener("keydown", function () {
    Array.from(written.keys()).forEach(want);
  }, true);
})();
