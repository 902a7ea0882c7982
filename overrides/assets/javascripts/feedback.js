/* "Question? Comment? Typo?": progressive enhancement of the plain form in partials/question-comment-typo.html.
 *
 * - fetches a signed form token, sends the form as JSON, shows each field's error beside it and the reference;
 * - typo reports from a selection: select text in the article, then press Ctrl+Enter or the button that appears.
 *
 * Material's instant loading swaps pages without reloading scripts, so per-page work runs on every document$
 * emission and the document-wide listeners are bound once.
 */
(function () {
  "use strict";

  if (window.__atlasFeedback) return;
  window.__atlasFeedback = true;

  var CONTEXT_CHARS = 60;
  var ARTICLE = "article, .md-content";
  var pending = null; // the selection the floating button would report
  var button = null;

  function section() {
    return document.getElementById("question-comment-typo");
  }

  function formOf(root) {
    return root ? root.querySelector("form.atlas-qct__form") : null;
  }

  function endpoint(form) {
    return form.getAttribute("data-endpoint") || "/api/feedback";
  }

  function setStatus(form, text, isError) {
    var status = form.querySelector(".atlas-qct__status");
    status.textContent = text;
    status.classList.toggle("atlas-qct__status--error", Boolean(isError));
  }

  function fetchToken(form) {
    fetch(endpoint(form) + "/token", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.token) form.elements.form_token.value = body.token;
      })
      .catch(function () { /* the submission is still accepted without a token */ });
  }

  function kindOf(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "comment";
  }

  function syncKind(form) {
    form.querySelector(".atlas-qct__typo").hidden = kindOf(form) !== "typo";
  }

  // Field errors

  function clearErrors(form) {
    form.querySelectorAll(".atlas-qct__error").forEach(function (node) { node.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id.indexOf("-error") === -1;
      });
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
    });
  }

  function showErrors(form, body) {
    var fields = (body && body.fields) || {};
    var first = null;
    var unplaced = [];
    Object.keys(fields).forEach(function (name) {
      var field = form.elements[name];
      if (!field || field.type === "hidden" || field.length !== undefined && !field.tagName) {
        unplaced.push(name + " " + fields[name]);
        return;
      }
      var note = document.createElement("span");
      note.className = "atlas-qct__error";
      note.id = field.id + "-error";
      note.textContent = fields[name];
      field.insertAdjacentElement("afterend", note);
      field.setAttribute("aria-invalid", "true");
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
      first = first || field;
    });
    var message = (body && body.error) || "Your message could not be sent. Please try again.";
    setStatus(form, unplaced.length ? message + " (" + unplaced.join("; ") + ")" : message, true);
    if (first) first.focus();
  }

  // Sending

  function payload(form) {
    var data = {};
    var typo = kindOf(form) === "typo";
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string") return;
      var typoField = ["selected_text", "context_before", "context_after", "suggested_fix"].indexOf(name) !== -1;
      if (typoField && !typo) return;
      // Empty optional fields are left out; the three required ones are always sent.
      if (value === "" && ["page_url", "kind", "message"].indexOf(name) === -1) return;
      data[name] = value;
    });
    return data;
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    event.preventDefault();
    clearErrors(form);
    var send = form.querySelector('button[type="submit"]');
    send.disabled = true;
    setStatus(form, "Sending…", false);
    fetch(endpoint(form), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload(form)),
    })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (response.status === 201 && body && body.id) {
            var pageUrl = form.elements.page_url.value;
            form.reset();
            form.elements.page_url.value = pageUrl;
            syncKind(form);
            setStatus(form, "Thank you — your reference is " + body.id + ".", false);
            fetchToken(form);
          } else {
            showErrors(form, body);
          }
        });
      })
      .catch(function () {
        setStatus(form, "Your message could not be sent: the connection failed. Your text is still here; please try again.", true);
      })
      .then(function () { send.disabled = false; });
  }

  // Typo reports from a selection

  function squash(text) {
    return text.replace(/\s+/g, " ");
  }

  function selectionInArticle() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    var node = range.commonAncestorContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    var article = element && element.closest(ARTICLE);
    if (!article || element.closest(".atlas-qct")) return null;
    var text = squash(selection.toString()).trim();
    if (!text || text.length > 1000) return null;
    var before = document.createRange();
    before.selectNodeContents(article);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.selectNodeContents(article);
    after.setStart(range.endContainer, range.endOffset);
    return {
      text: text,
      before: squash(before.toString()).slice(-CONTEXT_CHARS),
      after: squash(after.toString()).slice(0, CONTEXT_CHARS),
      rect: range.getBoundingClientRect(),
    };
  }

  function typoButton() {
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "atlas-qct__typo-button";
      button.textContent = "Report a typo";
      button.hidden = true;
      // mousedown would clear the selection before the click arrives.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { if (pending) openTypoForm(pending); });
    }
    if (!document.body.contains(button)) document.body.appendChild(button);
    return button;
  }

  function hideButton() {
    if (button) button.hidden = true;
  }

  function onSelectionEnd() {
    var form = formOf(section());
    pending = form ? selectionInArticle() : null;
    if (!pending) {
      hideButton();
      return;
    }
    var floating = typoButton();
    floating.style.top = window.scrollY + pending.rect.bottom + 6 + "px";
    floating.style.left = Math.max(8, window.scrollX + pending.rect.left) + "px";
    floating.hidden = false;
  }

  function openTypoForm(report) {
    var form = formOf(section());
    if (!form) return;
    form.querySelector('input[name="kind"][value="typo"]').checked = true;
    syncKind(form);
    clearErrors(form);
    form.elements.selected_text.value = report.text;
    form.elements.context_before.value = report.before;
    form.elements.context_after.value = report.after;
    var fix = form.elements.suggested_fix;
    fix.value = report.text;
    if (!form.elements.message.value.trim()) form.elements.message.value = "Possible typo.";
    setStatus(form, "", false);
    hideButton();
    pending = null;
    fix.scrollIntoView({ block: "center" });
    fix.focus();
    fix.select();
  }

  function onKeydown(event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var report = selectionInArticle();
    if (!report || !formOf(section())) return;
    event.preventDefault();
    openTypoForm(report);
  }

  function bindDocumentOnce() {
    document.addEventListener("mouseup", function () { window.setTimeout(onSelectionEnd, 0); });
    document.addEventListener("keyup", function (event) {
      if (event.key !== "Enter") window.setTimeout(onSelectionEnd, 0);
    });
    document.addEventListener("keydown", onKeydown);
  }

  // Per page

  function init() {
    hideButton();
    pending = null;
    var form = formOf(section());
    if (!form || form.hasAttribute("data-atlas-bound")) return;
    form.setAttribute("data-atlas-bound", "");
    form.addEventListener("submit", onSubmit);
    form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
      radio.addEventListener("change", function () { syncKind(form); });
    });
    syncKind(form);
    fetchToken(form);
  }

  bindDocumentOnce();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
