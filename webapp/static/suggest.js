// reportsearch: completions under the search box (WAI-ARIA 1.2 combobox with a listbox popup).
// Progressive enhancement: without this file the box is a plain search field.
(function () {
  "use strict";

  var DELAY_MS = 150; // debounce: one request per pause in typing, not one per key
  var LIMIT = 8;

  function setup(input) {
    var form = input.form;
    var row = input.parentNode;
    var listId = input.id + "-suggest";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "检索建议");
    list.hidden = true;
    row.appendChild(list);
    row.classList.add("has-suggest");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = 0;
    var pending = null;
    var composing = false;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = items[index];
      if (!item) return;
      input.value = item.query;
      close();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.index = String(i);
        var text = document.createElement("span");
        text.className = "suggest-text";
        text.textContent = s.text;
        var count = document.createElement("span");
        count.className = "suggest-count";
        count.textContent = (s.approximate ? "约 " : "") + s.count + " 段";
        li.appendChild(text);
        if (s.kind === "phrase") {
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = "短语";
          li.appendChild(kind);
        }
        li.appendChild(count);
        list.appendChild(li);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (suggestions.length && document.activeElement === input) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchNow() {
      var q = input.value;
      if (pending) pending.abort();
      if (!q.trim() || /\s$/.test(q)) { render([]); return; }
      pending = new AbortController();
      var url = "/api/suggest?" + new URLSearchParams({ q: q, limit: String(LIMIT) }).toString();
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { query: q, suggestions: [] }; })
        .then(function (data) {
          if (data.query === input.value) render(data.suggestions || []); // drop answers to older input
        })
        .catch(function () { /* aborted or offline: the plain search box still works */ });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, DELAY_MS);
    }

    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { composing = false; schedule(); });
    input.addEventListener("input", function () { if (!composing) schedule(); });
    input.addEventListener("blur", close);

    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return; // keys confirming an IME candidate are not ours
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (items.length && input.value.trim()) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            return;
          }
        }
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active + step;
        if (next >= items.length) next = 0;
        if (next < 0) next = items.length - 1;
        setActive(next);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    // mousedown, not click: keep the focus in the box (blur would close the list before the click lands)
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li[role=option]");
      if (li) pick(Number(li.dataset.index));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-search-input]").forEach(setup);
  });
})();
