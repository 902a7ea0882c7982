/* The full results page (/results/?words=…&kind=…&region=…): the service's answer with filters by region
 * and kind. Without the service it hands the query to Material's static search. The parameter is
 * "words", not "q": Material opens its own search dialog on any page whose URL carries ?q=. */
(function () {
  "use strict";

  function openStaticSearch(query) {
    var toggle = document.getElementById("__search");
    var input = document.querySelector(".md-search__input");
    if (!toggle || !input) return;
    toggle.checked = true;
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  }

  function init() {
    var root = document.getElementById("atlas-results-page");
    if (!root || root.dataset.atlasBound) return;
    root.dataset.atlasBound = "true";
    var form = root.querySelector("form");
    var list = root.querySelector(".atlas-results__list");
    var status = root.querySelector(".atlas-results__status");
    var params = new URLSearchParams(window.location.search);
    ["words", "kind", "region"].forEach(function (name) {
      if (params.get(name) !== null) form.elements[name].value = params.get(name);
    });
    var query = (params.get("words") || "").trim();
    if (!query) { status.textContent = "Type where or when it hurts, then press Search."; return; }
    var url = "/api/search?limit=50&q=" + encodeURIComponent(query);
    if (params.get("kind")) url += "&kind=" + encodeURIComponent(params.get("kind"));
    if (params.get("region")) url += "&region=" + encodeURIComponent(params.get("region"));
    status.textContent = "Searching…";
    Promise.all([window.atlasSearch.fetchJson(url), window.atlasSearch.loadAreaLabels()]).then(function (parts) {
      var answer = parts[0];
      if (answer.status !== 200) { status.textContent = answer.body.error || "The search could not run."; return; }
      var body = answer.body;
      status.textContent = (body.suggestion ? "Showing results for \u201c" + body.suggestion + "\u201d. " : "") +
        (body.total ? body.total + " matching " + (body.total === 1 ? "article" : "articles") + "." : "Nothing matched; try other words for where it hurts.");
      list.textContent = "";
      body.results.forEach(function (result, i) { list.appendChild(window.atlasSearch.resultItem(result, i)); });
    }, function () {
      status.textContent = "The symptom search is unreachable right now; showing the site's built-in search instead.";
      openStaticSearch(query);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
