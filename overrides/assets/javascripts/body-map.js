/* "Where does it hurt?": pick areas on the body figure or in the list; the muscles that refer pain
 * there are listed, main referrers first. Asks the search service (area + typed words); when it cannot
 * be reached, ranks the patterns embedded in the page the same way, so the map works on a static host. */
(function () {
  "use strict";

  var ESSENTIAL = 1.0, SPILLOVER = 0.35, DEBOUNCE_MS = 200;

  function init() {
    var root = document.getElementById("atlas-body-map");
    if (!root || root.dataset.atlasBound) return;
    root.dataset.atlasBound = "true";
    var data = JSON.parse(document.getElementById("atlas-map-data").textContent);
    var base = new URL(data.root, window.location.href);
    var selected = [];
    var shapes = Array.prototype.slice.call(root.querySelectorAll(".body-map [data-area]"));
    var boxes = Array.prototype.slice.call(root.querySelectorAll('input[name="area"]'));
    var words = root.querySelector("#atlas-map-words");
    var status = root.querySelector(".atlas-map__status");
    var list = root.querySelector(".atlas-map__list-results");
    var label = root.querySelector(".atlas-map__label");
    var timer = null, generation = 0;

    function setSelected(area, on) {
      var at = selected.indexOf(area);
      if (on && at === -1) selected.push(area);
      if (!on && at !== -1) selected.splice(at, 1);
      shapes.forEach(function (s) { if (s.dataset.area === area) s.setAttribute("aria-checked", on ? "true" : "false"); });
      boxes.forEach(function (b) { if (b.value === area) b.checked = on; });
      schedule();
    }

    function showLabel(area) { label.textContent = data.labels[area] || area; }

    shapes.forEach(function (shape) {
      var area = shape.dataset.area;
      shape.setAttribute("aria-label", data.labels[area] || area);
      shape.addEventListener("click", function () { setSelected(area, selected.indexOf(area) === -1); });
      shape.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          setSelected(area, selected.indexOf(area) === -1);
        }
      });
      shape.addEventListener("mouseenter", function () { showLabel(area); });
      shape.addEventListener("focus", function () { showLabel(area); });
    });
    boxes.forEach(function (box) { box.addEventListener("change", function () { setSelected(box.value, box.checked); }); });
    words.addEventListener("input", schedule);
    root.querySelector("form").addEventListener("submit", function (event) { event.preventDefault(); update(); });
    root.querySelector(".atlas-map__clear").addEventListener("click", function () {
      selected.slice().forEach(function (a) { setSelected(a, false); });
      words.value = "";
      schedule();
    });

    function schedule() { clearTimeout(timer); timer = setTimeout(update, DEBOUNCE_MS); }

    function zoneOf(result, area) {
      if ((result.essential || []).indexOf(area) !== -1) return "essential";
      if ((result.spillover || []).indexOf(area) !== -1) return "spillover";
      return null;
    }

    /* The same ranking as the service's area search: essential before spillover, more essential
     * matches higher, the more common pattern first. */
    function offline(query) {
      var terms = query.toLowerCase().split(/[^a-z0-9]+/).filter(function (t) { return t.length > 2; });
      return data.patterns.map(function (p) {
        var score = selected.reduce(function (sum, a) {
          var zone = zoneOf(p, a);
          return sum + (zone === "essential" ? ESSENTIAL : zone === "spillover" ? SPILLOVER : 0);
        }, 0) / Math.max(1, selected.length);
        var textHits = terms.filter(function (t) { return p.words.indexOf(t) !== -1; }).length;
        return { p: p, score: score, text: textHits };
      }).filter(function (r) { return selected.length ? r.score > 0 : r.text > 0; })
        .sort(function (a, b) { return (b.score + 0.2 * b.text) - (a.score + 0.2 * a.text) || a.p.rank - b.p.rank || (a.p.title < b.p.title ? -1 : 1); })
        .slice(0, 20).map(function (r) { return r.p; });
    }

    function online(query) {
      var params = new URLSearchParams();
      selected.forEach(function (a) { params.append("area", a); });
      if (query) params.set("q", query);
      params.set("kind", "pattern");
      params.set("limit", "20");
      return window.atlasSearch.fetchJson("/api/search?" + params.toString()).then(function (answer) {
        if (answer.status !== 200) throw new Error(answer.body.error || "search failed");
        return answer.body.results.map(function (r) {
          return { muscle: r.muscle, title: r.title, url: r.url, summary: r.summary,
                   essential: r.pain_areas.essential, spillover: r.pain_areas.spillover };
        });
      });
    }

    function why(result) {
      var main = selected.filter(function (a) { return zoneOf(result, a) === "essential"; });
      var some = selected.filter(function (a) { return zoneOf(result, a) === "spillover"; });
      var parts = [];
      if (main.length) parts.push("Main pain in the " + main.map(function (a) { return data.labels[a].toLowerCase(); }).join(", "));
      if (some.length) parts.push("sometimes spills into the " + some.map(function (a) { return data.labels[a].toLowerCase(); }).join(", "));
      return parts.length ? parts.join("; ") + "." : "";
    }

    function render(results, source) {
      list.textContent = "";
      results.forEach(function (r) {
        var item = document.createElement("li");
        var main = selected.some(function (a) { return zoneOf(r, a) === "essential"; });
        item.className = "atlas-map__result " + (main ? "atlas-map__result--essential" : "atlas-map__result--spillover");
        var img = document.createElement("img");
        img.src = new URL(data.thumbs.replace("{muscle}", r.muscle), base).href;
        img.alt = "";
        img.width = 72;
        img.loading = "lazy";
        var text = document.createElement("div");
        var link = document.createElement("a");
        link.href = /^\//.test(r.url) ? r.url : new URL(r.url, base).href;
        link.textContent = r.title;
        var title = document.createElement(main ? "strong" : "span");
        title.appendChild(link);
        var line = document.createElement("p");
        line.className = "atlas-map__why";
        line.textContent = why(r) + " " + (r.summary || "");
        text.appendChild(title);
        text.appendChild(line);
        item.appendChild(img);
        item.appendChild(text);
        list.appendChild(item);
      });
      var n = results.length;
      status.textContent = n ? n + (n === 1 ? " muscle" : " muscles") + " may send pain there" + (source === "offline" ? " (from the page's own data; the search service is unreachable)." : ".")
        : "No pattern in the atlas matches that yet.";
    }

    function update() {
      var query = words.value.trim();
      if (!selected.length && !query) { list.textContent = ""; status.textContent = "Pick an area to begin."; return; }
      var mine = ++generation;
      online(query).then(function (results) { if (mine === generation) render(results, "service"); },
        function () { if (mine === generation) render(offline(query), "offline"); });
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
