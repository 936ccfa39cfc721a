// Small progressive enhancements. Loaded as a file so that the CSP needs no 'unsafe-inline'.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });

  // A link in the error summary puts the cursor into its field (a plain anchor would only scroll there).
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    field.focus({ preventScroll: true });
    (field.closest("fieldset") || field.closest(".kern-form-input, .kern-form-check") || field).scrollIntoView();
  });
})();
