/* Cœur de Ville: never backwards (dashboard/endpoints/versionorder.py). The browser remembers the newest
   version of the data it has seen (the page's <meta name="coeur-version">, the X-Coeur-Version of every
   answer) in the cookie coeur_v, sent with each request: a server still serving an older version refuses it
   (503) and nginx asks another one. An answer from a newer version than the page's reloads the page, once. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="coeur-version"]');
  var page = meta ? Number(meta.content) || 0 : 0;
  var reloading = false;
  function seen() {
    var found = document.cookie.match(/(?:^|;\s*)coeur_v=(\d+)/);
    return found ? Number(found[1]) : 0;
  }
  function remember(stamp) {
    if (stamp > seen()) {
      document.cookie = "coeur_v=" + stamp + "; path=/; max-age=86400; samesite=strict";
    }
  }
  remember(page);
  if (!window.fetch || !page) { return; }
  var fetched = window.fetch;
  window.fetch = function () {
    return fetched.apply(this, arguments).then(function (response) {
      var stamp = Number(response.headers.get("X-Coeur-Version")) || 0;
      remember(stamp);
      if (stamp > page && !reloading) {
        reloading = true;
        window.location.reload();
      }
      return response;
    });
  };
})();
