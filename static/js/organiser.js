// Organiser pages: autosave state of notes, focus after reordering, no double submits.
// Loaded as a file (strict CSP: no inline script).
(function () {
  "use strict";

  var dirty = new Set();

  // Notes: mark a field as unsaved while typing; warn before leaving with unsaved text.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.matches && field.matches("textarea[data-autosave]")) {
      dirty.add(field.id);
      var status = document.getElementById(field.form.id + "-status");
      if (status && !status.querySelector(".note__conflict")) {
        status.textContent = "Ungespeicherte Änderungen …";
      }
    }
  });

  // A refused save of a note (conflict 409, invalid 422) still shows its answer next to the note at once;
  // so does a refused form inside an element marked data-swap-invalid (422).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    var note = target && target.closest && target.closest("form.note");
    var marked = target && target.closest && target.closest("[data-swap-invalid]");
    if (((status === 409 || status === 422) && note) || (status === 422 && marked)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The server says whether a note's text is stored ("saved") or only in the field ("unsaved").
  document.addEventListener("note-state", function (event) {
    var id = "id_" + event.detail.slot + "-body";
    if (event.detail.state === "saved") {
      dirty.delete(id);
    } else {
      dirty.add(id);
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var source = event.detail.elt;
    if (source && source.form) {
      var status = document.getElementById(source.form.id + "-status");
      if (status) {
        status.textContent = "Nicht gespeichert – keine Verbindung. Ihr Text bleibt im Feld; es wird erneut versucht, sobald Sie weiterschreiben.";
      }
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Agenda: keep keyboard focus on the moved item's button after the list is replaced.
  var focusKey = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusKey = active && active.dataset ? active.dataset.focusKey || null : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!focusKey) { return; }
    var target = document.querySelector('[data-focus-key="' + focusKey + '"]');
    if (target && !target.disabled) {
      target.focus();
    } else {
      var other = focusKey.indexOf("up-") === 0 ? focusKey.replace("up-", "down-") : focusKey.replace("down-", "up-");
      var fallback = document.querySelector('[data-focus-key="' + other + '"]');
      if (fallback) { fallback.focus(); }
    }
    focusKey = null;
  });

  // Forms marked data-submit-once: disable their buttons right after submitting (a double click sends once).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once")) { return; }
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  // Pages restored from the back/forward cache get their buttons back.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; });
    });
  });
})();
