// reportsearch: small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function searchInput() {
    return document.querySelector("[data-search-input]");
  }

  // "/" focuses the search box (unless the user is typing somewhere already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) return;
    var input = searchInput();
    if (!input) return;
    event.preventDefault();
    input.focus();
    input.select();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Facet checkboxes apply at once; the submit button is only needed without JS.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
    // On a phone the filters start folded so results come first.
    if (window.matchMedia && window.matchMedia("(max-width: 759px)").matches) {
      document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
    }
  });
})();
