// Small progressive enhancements. Loaded as a file so that the CSP needs no 'unsafe-inline'.
(function () {
  "use strict";
  // Move focus to the error summary after a failed submit so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
