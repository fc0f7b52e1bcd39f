/* okrsite search: finds owners, objectives and key results as you type
   (the pages listing many items filter them with filter.js).
   The index (search-index.js at the site root) is loaded on first use with a
   <script> tag, which also works for a site opened from disk. Without JavaScript
   the search box is a link to the site index page. */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  /* The entries matching every word of the query, best first, at most `limit`. */
  function match(index, query, limit) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var found = [];
    index.entries.forEach(function (entry, position) {
      var title = fold(entry[1]);
      var text = title + " " + fold(entry[2]) + " " + fold(entry[4]);
      for (var i = 0; i < words.length; i++) {
        if (text.indexOf(words[i]) < 0) return;
      }
      var rank = title.indexOf(words[0]) === 0 ? 0 : (words.every(function (w) { return title.indexOf(w) >= 0; }) ? 1 : 2);
      if (entry[5] !== index.current) rank += 3;  /* the current cycle before past ones */
      found.push([rank, position, entry]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return found.slice(0, limit).map(function (item) { return item[2]; });
  }

  if (typeof module !== "undefined") { module.exports = { match: match, fold: fold }; return; }

  var index = null, waiting = [];
  window.okrsiteSearch = function (data) {
    index = data;
    waiting.splice(0).forEach(function (callback) { callback(); });
  };

  function load(root, callback) {
    if (index) return callback();
    waiting.push(callback);
    if (waiting.length > 1) return;
    var script = document.createElement("script");
    script.src = root + "search-index.js";
    document.head.appendChild(script);
  }

  function setUp(form) {
    var root = form.getAttribute("data-root") || "";
    var input = form.querySelector("input[type=search]");
    var list = document.createElement("ul");
    list.className = "search-results";
    list.id = "search-results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");

    function show() {
      var results = match(index, input.value, 12);
      list.textContent = "";
      results.forEach(function (entry) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + entry[3] + "index.html";
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry[0];
        var title = document.createElement("span");
        title.className = "result-title";
        title.textContent = entry[1];
        var detail = document.createElement("span");
        detail.className = "muted small";
        detail.textContent = entry[2];
        link.appendChild(kind);
        link.appendChild(title);
        link.appendChild(detail);
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!results.length && input.value.trim()) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "Nothing found. The site index lists everything.";
        list.appendChild(none);
      }
      list.hidden = !input.value.trim();
    }

    input.addEventListener("input", function () { load(root, show); });
    input.addEventListener("focus", function () { load(root, function () {}); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; list.hidden = true; }
      if (event.key === "ArrowDown") {
        var first = list.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    list.addEventListener("keydown", function (event) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
      if (event.key === "Escape") { list.hidden = true; input.focus(); }
    });
    form.addEventListener("submit", function (event) {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); window.location.href = first.href; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.search"), setUp);
  });
})();
