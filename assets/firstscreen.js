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
