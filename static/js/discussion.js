// Discussion of a clause: small helpers around htmx. Everything works without this file too.
(function () {
  "use strict";

  // After htmx swapped a form in: focus the error summary, or the text field of a freshly opened form.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelector || target.id === "discussion") { return; }
    var summary = target.querySelector(".error-summary");
    if (summary) { summary.focus(); return; }
    var textarea = target.querySelector("textarea");
    if (textarea) { textarea.focus(); }
  });

  // Another page of threads: start reading at the heading of the discussion.
  document.addEventListener("htmx:afterSwap", function (event) {
    var config = event.detail.requestConfig;
    var source = config && config.elt;
    if (!source || !source.hasAttribute || !source.hasAttribute("data-discussion-page")) { return; }
    var heading = document.getElementById("discussion-heading");
    if (!heading) { return; }
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    heading.scrollIntoView({ block: "start" });
  });

  // The server names the comment that was just posted or changed: bring it into view.
  document.body.addEventListener("commentChanged", function (event) {
    var comment = document.getElementById("comment-" + event.detail.id);
    if (!comment) { return; }
    comment.setAttribute("tabindex", "-1");
    comment.focus({ preventScroll: true });
    comment.scrollIntoView({ block: "center" });
  });

  // "Abbrechen" under a reply form that htmx opened: close it instead of reloading the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-discussion-cancel]") : null;
    if (!link) { return; }
    var form = link.closest("form");
    var slot = form && form.parentElement;
    if (slot && slot.classList.contains("comment__reply-slot")) {
      event.preventDefault();
      slot.innerHTML = "";
    }
  });
})();
