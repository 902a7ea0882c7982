/* Trigger Atlas symptom search in Material's search box.
 *
 * As the reader types, the query goes (debounced) to the search service, whose answers lead from the
 * place that hurts to the culprit muscle. When the service cannot be reached (the site opened from a
 * static host), this script steps aside and Material's built-in static search answers instead, so the
 * search box is never dead. Bound once per element, so Material's instant loading does not double it.
 */
(function () {
  "use strict";

  var API = "/api/search";
  var DEBOUNCE_MS = 180;
  var TIMEOUT_MS = 2500;
  var serviceUp = null; // null: not yet known
  var areaLabels = null;
  var timer = null;
  var inflight = null;

  function searchRoot() { return document.querySelector(".md-search"); }

  function useService(up) {
    serviceUp = up;
    var root = searchRoot();
    if (root) root.classList.toggle("atlas-search--service", up);
    var panel = document.getElementById("atlas-search-panel");
    if (panel && !up) panel.hidden = true;
  }

  function fetchJson(url) {
    var controller = new AbortController();
    var timeout = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        clearTimeout(timeout);
        if (response.status >= 500 || response.status === 404) throw new Error("service unavailable");
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not the search service");
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }, function (error) { clearTimeout(timeout); throw error; });
  }

  function loadAreaLabels() {
    if (areaLabels) return Promise.resolve(areaLabels);
    return fetchJson("/api/areas").then(function (answer) {
      areaLabels = {};
      (answer.body.areas || []).forEach(function (a) { areaLabels[a.id] = a.label; });
      return areaLabels;
    }, function () { areaLabels = {}; return areaLabels; });
  }

  /* The service escapes the snippet and marks matches with <mark>; rebuild it from text nodes and
   * <mark> elements only, so nothing else could ever become markup. */
  function snippetNode(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    out.className = "atlas-search__snippet";
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else out.appendChild(document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  function chip(areaId, zone) {
    var span = document.createElement("span");
    span.className = "atlas-chip atlas-chip--" + zone;
    span.textContent = (areaLabels && areaLabels[areaId]) || areaId.replace(/-/g, " ");
    span.title = zone === "essential" ? "Main pain area" : "Sometimes felt here";
    return span;
  }

  function resultItem(result, index) {
    var item = document.createElement("li");
    item.className = "atlas-search__item";
    item.setAttribute("role", "option");
    item.id = "atlas-search-option-" + index;
    var link = document.createElement("a");
    link.href = result.url;
    link.className = "atlas-search__link";
    link.tabIndex = -1;
    var title = document.createElement("span");
    title.className = "atlas-search__title";
    title.textContent = result.title;
    var muscle = document.createElement("span");
    muscle.className = "atlas-search__muscle";
    muscle.textContent = result.kind === "story" ? "Story · culprit: " + result.muscle_name : result.muscle_name;
    link.appendChild(title);
    link.appendChild(muscle);
    link.appendChild(snippetNode(result.snippet));
    var chips = document.createElement("span");
    chips.className = "atlas-search__chips";
    (result.pain_areas.essential || []).slice(0, 4).forEach(function (a) { chips.appendChild(chip(a, "essential")); });
    (result.pain_areas.spillover || []).slice(0, 2).forEach(function (a) { chips.appendChild(chip(a, "spillover")); });
    link.appendChild(chips);
    item.appendChild(link);
    return item;
  }

  function render(panel, answer, query) {
    panel.textContent = "";
    var meta = document.createElement("p");
    meta.className = "atlas-search__meta";
    if (answer.suggestion) {
      meta.append("Showing results for ");
      var em = document.createElement("em");
      em.textContent = answer.suggestion;
      meta.appendChild(em);
      meta.append(". ");
    }
    meta.append(answer.total === 0 ? "No pattern matches yet; try the place that hurts in other words."
      : answer.total + (answer.total === 1 ? " pattern" : " patterns") + " may explain it.");
    panel.appendChild(meta);
    var list = document.createElement("ol");
    list.className = "atlas-search__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Symptom search results");
    answer.results.forEach(function (r, i) { list.appendChild(resultItem(r, i)); });
    panel.appendChild(list);
    var more = document.createElement("a");
    more.className = "atlas-search__more";
    more.href = "/results/?words=" + encodeURIComponent(query);
    more.textContent = "All results, with filters";
    panel.appendChild(more);
    panel.hidden = false;
  }

  function run(input, panel) {
    var query = input.value.trim();
    if (!query) { panel.hidden = true; return; }
    if (inflight) inflight.cancelled = true;
    var token = { cancelled: false };
    inflight = token;
    Promise.all([fetchJson(API + "?limit=8&q=" + encodeURIComponent(query)), loadAreaLabels()]).then(function (parts) {
      if (token.cancelled) return;
      var answer = parts[0];
      if (answer.status !== 200) { panel.hidden = true; return; }
      useService(true);
      render(panel, answer.body, query);
    }, function () {
      if (token.cancelled) return;
      useService(false); // Material's own static search takes over.
    });
  }

  function options(panel) { return Array.prototype.slice.call(panel.querySelectorAll(".atlas-search__item")); }

  function onKey(event, input, panel) {
    if (!serviceUp || panel.hidden) return;
    var items = options(panel);
    var current = items.findIndex(function (el) { return el.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      event.stopPropagation();
      if (!items.length) return;
      var next = event.key === "ArrowDown" ? Math.min(items.length - 1, current + 1) : Math.max(0, current - 1);
      items.forEach(function (el) { el.setAttribute("aria-selected", "false"); });
      items[next].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[next].id);
      items[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      var target = current >= 0 ? items[current].querySelector("a").getAttribute("href")
        : "/results/?words=" + encodeURIComponent(input.value.trim());
      window.location.assign(target);
    }
  }

  function init() {
    var input = document.querySelector(".md-search__input");
    var wrap = document.querySelector(".md-search__scrollwrap");
    if (!input || !wrap || input.dataset.atlasBound) return;
    input.dataset.atlasBound = "true";
    input.setAttribute("aria-controls", "atlas-search-panel");
    var panel = document.createElement("div");
    panel.id = "atlas-search-panel";
    panel.className = "atlas-search";
    panel.hidden = true;
    panel.setAttribute("aria-live", "polite");
    wrap.insertBefore(panel, wrap.firstChild);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input, panel); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) { onKey(event, input, panel); }, true);
    if (serviceUp !== null) useService(serviceUp);
  }

  window.atlasSearch = { fetchJson: fetchJson, snippetNode: snippetNode, chip: chip, loadAreaLabels: loadAreaLabels, resultItem: resultItem };
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
