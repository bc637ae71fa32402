/* Cœur de Ville: the page written into the HTML (dashboard/prerender.py) shows until the live page has
   drawn its own content in its place; then it goes, and the live page, laid out beneath it all along,
   shows at the same place. */
(function () {
  "use strict";
  var screen = document.getElementById("first-screen");
  var entry = document.getElementById("react-entry-point");
  if (!screen || !entry) { return; }
  var observer = new MutationObserver(function () {
    if (entry.querySelector("#_pages_content > *")) {
      observer.disconnect();
      screen.remove();
    }
  });
  observer.observe(entry, { childList: true, subtree: true });
})();
