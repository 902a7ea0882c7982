// Editors' pages: small conveniences only; every page works without this file.
(function () {
  "use strict";

  function initSelectAll() {
    var toggle = document.querySelector(".select-all");
    if (!toggle) return;
    var boxes = document.querySelectorAll('input[type="checkbox"][name="ids"]');
    toggle.hidden = false;
    toggle.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = toggle.checked; });
    });
  }

  // The queue's filters apply as soon as a select changes.
  function initFilters() {
    var form = document.querySelector("form.filters");
    if (!form) return;
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  // The bulk form asks before leaving for the confirmation page when nothing is selected.
  function initBulk() {
    var form = document.querySelector("form.bulk");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      if (!form.querySelector('input[name="ids"]:checked')) {
        event.preventDefault();
        window.alert("Select at least one item first.");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initSelectAll();
    initFilters();
    initBulk();
  });
})();
