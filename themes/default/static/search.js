/* okrsite search: finds owners, objectives and key results as you type
   (the pages listing many items filter them with filter.js).
   The index is loaded in parts with <script> tags, which also works for a site
   opened from disk: on first use its head (search-index.js at the site root),
   then for each word typed the parts of the words starting with its first
   letters (search/words-HEX.js), then the chunks holding the results shown
   (search/entries-N.js); okrsite/render/search.py writes them and explains the
   format. Without JavaScript the search box is a link to the site index page. */
(function () {
  "use strict";

  var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  /* The folded words of a text: its runs of letters, digits and marks (as words() in search.py). */
  function words(text) {
    return fold(text).match(WORD) || [];
  }

  /* The words of a query that are searched: one letter alone finds nothing yet. */
  function queryWords(query) {
    return words(query).filter(function (word) { return word.length > 1; });
  }

  /* The parts holding the words that start with `word`: those whose names start with it, and the one
     with the longest name that `word` starts with (a shorter one was split: it holds one short word). */
  function partsFor(head, word) {
    var found = [], prefix = null;
    head.parts.forEach(function (name) {
      if (name.indexOf(word) === 0) found.push(name);
      else if (name.length > 1 && word.indexOf(name) === 0) prefix = name;  /* the names are sorted */
    });
    return prefix ? [prefix].concat(found) : found;
  }

  var VALUE = new Int8Array(128);  /* each digit's value, by its character's code */
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS.charCodeAt(d)] = d;

  /* Marks in `seen`, by entry number, where the words of `part` starting with `word` are: 3 in the
     title's first word, 2 elsewhere in the title, 1 in the rest (the best of them). A word's entries
     are written as numbers in base 32, low digits first (a digit above 31 says more follow): for
     each, the gap from the one before times 3, plus its flag (search.py's _code). */
  function mark(seen, part, word) {
    Object.keys(part).forEach(function (token) {
      if (token.indexOf(word) !== 0) return;
      var code = part[token], number = -1, value = 0, scale = 1;
      for (var i = 0; i < code.length; i++) {
        var digit = VALUE[code.charCodeAt(i)];
        value += (digit & 31) * scale;
        if (digit > 31) { scale *= 32; continue; }
        number += Math.floor(value / 3) + 1;
        if (seen[number] <= value % 3) seen[number] = value % 3 + 1;
        value = 0; scale = 1;
      }
    });
  }

  /* The numbers of the entries matching every word of the query, best first, at most `limit`:
     the title starting with the first word, then every word in the title, then the others;
     the current cycle (the lower numbers) before past ones. `parts` holds the loaded parts by name. */
  function match(head, parts, query, limit) {
    var searched = queryWords(query);
    if (!searched.length) return [];
    var seen = searched.map(function (word) {
      var marks = new Uint8Array(head.entries);
      partsFor(head, word).forEach(function (name) { if (parts[name]) mark(marks, parts[name], word); });
      return marks;
    });
    var ranks = [[], [], [], [], [], []];
    for (var number = 0; number < head.entries; number++) {
      var inTitle = true, w;
      for (w = 0; w < seen.length && seen[w][number]; w++) inTitle = inTitle && seen[w][number] > 1;
      if (w < seen.length) continue;
      var rank = (seen[0][number] === 3 ? 0 : (inTitle ? 1 : 2)) + (number < head.current ? 0 : 3);
      if (ranks[rank].length < limit) ranks[rank].push(number);
    }
    return [].concat.apply([], ranks).slice(0, limit);
  }

  /* The chunk holding entry `number`. */
  function chunkOf(head, number) {
    var chunk = 0;
    while (chunk + 1 < head.chunks.length && head.chunks[chunk + 1] <= number) chunk++;
    return chunk;
  }

  /* The name's UTF-8 bytes in hex: how a word part's file is named (okrsite/urls.py's search_words). */
  function hex(name) {
    return Array.prototype.map.call(new TextEncoder().encode(name), function (byte) {
      return (byte < 16 ? "0" : "") + byte.toString(16);
    }).join("");
  }

  if (typeof module !== "undefined") {
    module.exports = { match: match, fold: fold, words: words, partsFor: partsFor, chunkOf: chunkOf, hex: hex };
    return;
  }

  /* Loading: each file calls okrsiteSearch(its path, its data). */
  var HEAD = "search-index.js", files = {}, waiting = {};
  window.okrsiteSearch = function (path, data) {
    files[path] = data;
    (waiting[path] || []).splice(0).forEach(function (callback) { callback(); });
  };

  /* Calls back once every file of `paths` is loaded (a file that fails to load is taken as empty). */
  function load(root, paths, callback) {
    var left = paths.filter(function (path) { return !(path in files); });
    if (!left.length) return callback();
    var count = left.length;
    left.forEach(function (path) {
      var first = !waiting[path];
      (waiting[path] = waiting[path] || []).push(function () { if (--count === 0) callback(); });
      if (!first) return;
      var script = document.createElement("script");
      script.src = root + path;
      script.onerror = function () { window.okrsiteSearch(path, path === HEAD ? null : {}); };
      document.head.appendChild(script);
    });
  }

  /* The entries matching `query`, best first, at most `limit`, given to `callback` once loaded. */
  function search(root, query, limit, callback) {
    load(root, [HEAD], function () {
      var head = files[HEAD];
      if (!head) return callback([]);
      var searched = queryWords(query), names = {};
      searched.forEach(function (word) {
        partsFor(head, word).forEach(function (name) { names[name] = "search/words-" + hex(name) + ".js"; });
      });
      load(root, Object.keys(names).map(function (name) { return names[name]; }), function () {
        var parts = {};
        Object.keys(names).forEach(function (name) { parts[name] = files[names[name]]; });
        var numbers = match(head, parts, query, limit);
        var chunks = numbers.map(function (number) { return "search/entries-" + chunkOf(head, number) + ".js"; });
        load(root, chunks, function () {
          callback(numbers.map(function (number, i) {
            return (files[chunks[i]] || [])[number - head.chunks[chunkOf(head, number)]];
          }).filter(Boolean));
        });
      });
    });
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

    function show(query, results) {
      if (query !== input.value) return;  /* typed on since: a later search shows its own */
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
        none.textContent = queryWords(query).length ? "Nothing found. The site index lists everything."
          : "Type one more letter.";
        list.appendChild(none);
      }
      list.hidden = !input.value.trim();
      list.setAttribute("data-query", query);  /* what it shows results of */
    }

    input.addEventListener("input", function () {
      var query = input.value;
      search(root, query, 12, function (results) { show(query, results); });
    });
    input.addEventListener("focus", function () { load(root, [HEAD], function () {}); });
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
