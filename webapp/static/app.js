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

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // The clipboard API where the page may use it, else the selection and execCommand.
  function copyText(value) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = value;
      area.setAttribute("readonly", "");
      area.className = "sr-only";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy failed"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Facet checkboxes apply at once; the submit button is only needed without JS.
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function () {
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
    // 引用: a copy button for each citation (the text stays selectable without JS).
    document.querySelectorAll("[data-cite]").forEach(function (box) {
      var button = box.querySelector("[data-copy-cite]");
      var text = box.querySelector("[data-cite-text]");
      var status = box.querySelector("[data-cite-status]");
      if (!button || !text) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(text.textContent.trim()).then(function () {
          if (status) status.textContent = "已复制";
        }, function () {
          selectText(text);
          if (status) status.textContent = "请按 Ctrl+C 复制";
        });
      });
    });
    // On a phone the filters start folded so results come first.
    if (window.matchMedia && window.matchMedia("(max-width: 759px)").matches) {
      document.querySelectorAll("details.filters").forEach(function (d) { d.open = false; });
    }
  });
})();
