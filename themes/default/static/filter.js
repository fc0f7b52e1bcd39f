/* okrsite filters: the alignment tree, the status page and the people directory
   keep only the items matching what is typed, a status, a department and "only
   what needs attention", as you type. The filter lives in the address
   (?q=...&status=...&dept=...&attention=1), so a filtered view is a link to share; on a page
   split by department (render/sections.py) a link with a department opens that department's page.

   Each item carries data-status (one status, or a person's: those of their
   objectives) and data-dept; its text is its own (a tree item's: its line, not
   its branch). A tree item matching deep down keeps the items above it shown,
   their branches open. Elements marked data-filter-group hide when none of their
   items shows. Without JavaScript the form stays hidden and every item shows.

   Light on a page of many thousand items: the items are read once, on first
   use; each change is one pass over them in arrays, then one batch of writes
   touching only the items whose state changed. */
(function () {
  "use strict";

  var DELAY = 100;  /* ms of typing before the text filters */
  var PARAMS = ["q", "status", "dept", "attention"];

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function number(n) {
    return n.toLocaleString("en-US");
  }

  /* The page's items, read once: what each is matched on and where it stands. */
  function readItems(scope) {
    var elements = scope.querySelectorAll("[data-status]");
    var index = new Map(), groupIndex = new Map(), groups = [];
    var items = {
      elements: elements, statuses: [], depts: [], texts: [], parents: [], counted: [],
      branches: [], opened: [], groupsOf: [], groups: groups, total: 0
    };
    function groupOf(element) {  /* the index of the nearest group around element, or -1 */
      var group = element && element.closest("[data-filter-group]");
      if (!group) return -1;
      if (!groupIndex.has(group)) {
        groupIndex.set(group, groups.length);
        groups.push({ element: group, parent: -1, hidden: group.hidden });
        groups[groupIndex.get(group)].parent = groupOf(group.parentElement);
      }
      return groupIndex.get(group);
    }
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i], up = element.parentElement.closest("[data-status]");
      var line = element.querySelector(":scope > .node") || element;
      var branch = element.querySelector(":scope > details");
      index.set(element, i);
      items.statuses.push(element.getAttribute("data-status").split(" "));
      items.depts.push(element.getAttribute("data-dept"));
      items.texts.push(fold(line.textContent));
      items.parents.push(up ? index.get(up) : -1);
      items.counted.push(!element.hasAttribute("data-also"));  /* a tree's "also aligns here" line */
      items.branches.push(branch);
      items.opened.push(branch ? branch.open : false);
      items.groupsOf.push(groupOf(element));
      if (items.counted[i]) items.total++;
    }
    return items;
  }

  /* Which items show for `state`: 0 hidden, 1 matching, 2 shown for a match below it; and
     which branches hold a shown item. One pass over the items, one walk up from each match
     that stops where an earlier walk passed. */
  function match(items, state, attention) {
    var n = items.texts.length, shown = new Uint8Array(n), open = new Uint8Array(n), count = 0;
    var words = fold(state.q).split(/\s+/).filter(Boolean);
    for (var i = 0; i < n; i++) {
      if (state.dept && items.depts[i] !== state.dept) continue;
      var statuses = items.statuses[i];
      if (state.status && statuses.indexOf(state.status) < 0) continue;
      if (state.attention && !needsAttention(statuses, attention)) continue;
      var text = items.texts[i], hit = true;
      for (var w = 0; w < words.length && hit; w++) hit = text.indexOf(words[w]) >= 0;
      if (!hit) continue;
      shown[i] = 1;
      if (items.counted[i]) count++;
      for (var p = items.parents[i]; p >= 0 && !open[p]; p = items.parents[p]) {
        open[p] = 1;
        if (!shown[p]) shown[p] = 2;
      }
    }
    return { shown: shown, open: open, count: count };
  }

  function needsAttention(statuses, attention) {
    for (var s = 0; s < statuses.length; s++) if (attention.indexOf(statuses[s]) >= 0) return true;
    return false;
  }

  /* A split people directory lists no one: its filter finds people in the cycle's people.js,
     loaded with a <script> tag on first use (which also works from disk), and lists the first
     FOUND_SHOWN of them in place of the departments. */
  var FOUND_SHOWN = 50, people = null, peopleWaiting = [];
  window.okrsitePeople = function (data) {
    people = data;
    people.texts = data.people.map(function (p) {
      var team = p[3] >= 0 ? data.teams[p[3]][1] : "";
      return fold(p[0] + " " + p[2] + " " + team);
    });
    peopleWaiting.splice(0).forEach(function (callback) { callback(); });
  };

  function loadPeople(src, callback) {
    if (people) return callback();
    peopleWaiting.push(callback);
    if (peopleWaiting.length > 1) return;
    var script = document.createElement("script");
    script.src = src;
    document.head.appendChild(script);
  }

  /* The people matching `state`, by name: the indices of at most `limit`, and how many match. */
  function findPeople(state, attention, limit) {
    var words = fold(state.q).split(/\s+/).filter(Boolean), found = [], count = 0;
    for (var i = 0; i < people.people.length; i++) {
      var person = people.people[i], statuses = person[5].split(" ");
      if (state.dept && people.sections[person[4]][0] !== state.dept) continue;
      if (state.status && statuses.indexOf(state.status) < 0) continue;
      if (state.attention && !needsAttention(statuses, attention)) continue;
      var text = people.texts[i], hit = true;
      for (var w = 0; w < words.length && hit; w++) hit = text.indexOf(words[w]) >= 0;
      if (!hit) continue;
      if (count++ < limit) found.push(i);
    }
    return { found: found, count: count };
  }

  function make(name, className, text) {
    var made = document.createElement(name);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  function link(href, text) {
    var made = make("a", "", text);
    made.href = href;
    return made;
  }

  /* A found person as the directory shows one: name, role, team and department, their statuses. */
  function personItem(index, root, labels) {
    var person = people.people[index], folder = root + people.cycle + "/";
    var item = make("li"), line = make("p");
    line.appendChild(link(folder + person[1] + "/index.html", person[0]));
    if (person[2]) { line.appendChild(document.createTextNode(" ")); line.appendChild(make("span", "muted", person[2])); }
    if (person[3] >= 0) {
      var team = people.teams[person[3]];
      line.appendChild(document.createTextNode(" in "));
      line.appendChild(link(folder + team[0] + "/index.html", team[1]));
    }
    var section = people.sections[person[4]];
    if (person[3] < 0 || people.teams[person[3]][0] !== section[0]) line.appendChild(make("span", "muted", " · " + section[1]));
    item.appendChild(line);
    var statuses = make("p", "small");
    person[5].split(" ").filter(Boolean).forEach(function (status) {
      statuses.appendChild(make("span", "pill pill-" + status, labels[status] || status));
      statuses.appendChild(document.createTextNode(" "));
    });
    if (statuses.firstChild) item.appendChild(statuses);
    return item;
  }

  function setUp(form) {
    var scope = document.querySelector("main") || document.body;
    var finder = form.getAttribute("data-people");
    if (!finder && !scope.querySelector("[data-status]")) return;  /* nothing to filter: no controls */
    var text = form.elements.q, status = form.elements.status, dept = form.elements.dept;
    var attentionBox = form.elements.attention;
    var attention = attentionBox ? attentionBox.getAttribute("data-statuses").split(" ") : [];
    var count = form.querySelector(".filters-count");
    var one = form.getAttribute("data-one"), many = form.getAttribute("data-many");
    var items = null, hiddenNow = null, timer = 0, found = null;

    function state() {
      return {
        q: text.value.trim(), status: status ? status.value : "", dept: dept ? dept.value : "",
        attention: attentionBox ? attentionBox.checked : false
      };
    }

    function active(s) { return Boolean(s.q || s.status || s.dept || s.attention); }

    function apply(s) {
      if (finder) findFor(s); else filter(s);
      remember(s);
    }

    /* Show what matches `s`, writing only what changed since the last time. */
    function filter(s) {
      items = items || readItems(scope);
      var on = active(s), n = items.texts.length, result = on ? match(items, s, attention) : null;
      hiddenNow = hiddenNow || new Uint8Array(n);
      var groupsShown = new Uint32Array(items.groups.length);
      for (var i = 0; i < n; i++) {
        var shown = on ? result.shown[i] : 1, element = items.elements[i];
        var hidden = shown ? 0 : 1;
        if (hiddenNow[i] !== hidden) { element.hidden = Boolean(hidden); hiddenNow[i] = hidden; }
        var branch = items.branches[i];
        if (branch) {
          var open = on ? Boolean(result.open[i]) : items.opened[i];
          if (branch.open !== open) branch.open = open;
          var empty = on && !result.open[i];  /* a branch whose items are all filtered out */
          if (branch.hidden !== empty) branch.hidden = empty;
        }
        if (shown) for (var g = items.groupsOf[i]; g >= 0 && !groupsShown[g]; g = items.groups[g].parent) groupsShown[g] = 1;
      }
      items.groups.forEach(function (group, g) {
        var hidden = on && !groupsShown[g];
        if (group.hidden !== hidden) { group.element.hidden = hidden; group.hidden = hidden; }
      });
      say(on ? result.count : null, items.total);
    }

    /* A split directory: the people matching `s` from people.js, in place of the departments. */
    function findFor(s) {
      var on = active(s);
      Array.prototype.forEach.call(scope.querySelectorAll("[data-finder-hide]"), function (part) { part.hidden = on; });
      if (!on) {
        if (found) found.hidden = true;
        return say(null, null);
      }
      loadPeople(finder, function () {
        var now = state();
        if (!active(now)) return;  /* cleared while loading */
        var result = findPeople(now, attention, FOUND_SHOWN), labels = {};
        if (status) Array.prototype.forEach.call(status.options, function (o) { labels[o.value] = o.textContent; });
        if (!found) {
          found = make("ul", "directory finder-results");
          found.setAttribute("aria-label", "People found");
          form.parentNode.insertBefore(found, form.nextSibling);
        }
        found.textContent = "";
        result.found.forEach(function (index) { found.appendChild(personItem(index, form.getAttribute("data-root"), labels)); });
        found.hidden = !result.found.length;
        say(result.count, people.people.length, result.found.length);
      });
    }

    /* "Showing 42 of 1,380 objectives", or all of them (`shown` null); a finder "10,000 people:
       type to find anyone" (`total` null) or "Showing the first 50 of 312 matching of 10,000 people". */
    function say(shown, total, listed) {
      if (total === null) {
        count.textContent = "Type a name, a title or a team to find anyone, or choose a status or a department.";
        return;
      }
      var noun = total === 1 ? one : many;
      if (listed !== undefined && listed < shown) {
        count.textContent = "Showing the first " + number(listed) + " of " + number(shown) + " matching, of " +
          number(total) + " " + noun + ": type more to narrow";
        return;
      }
      count.textContent = shown === null ? "Showing all " + number(total) + " " + noun
                                         : "Showing " + number(shown) + " of " + number(total) + " " + noun;
    }

    /* The filter in the address, for a link to this view; other parameters are kept. */
    function remember(s) {
      var params = new URLSearchParams(window.location.search);
      PARAMS.forEach(function (name) { params.delete(name); });
      if (s.q) params.set("q", s.q);
      if (s.status) params.set("status", s.status);
      if (s.dept) params.set("dept", s.dept);
      if (s.attention) params.set("attention", "1");
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      try { window.history.replaceState(window.history.state, "", url); } catch (e) { /* a page opened from disk */ }
    }

    function choose(select, value) {  /* a value the select offers, else none */
      if (!select) return;
      select.value = value || "";
      if (select.value !== (value || "")) select.value = "";
    }

    function applyNow() { window.clearTimeout(timer); apply(state()); }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { apply(state()); }, DELAY);
    }

    function clear() {
      text.value = "";
      choose(status, "");
      choose(dept, "");
      if (attentionBox) attentionBox.checked = false;
      applyNow();
    }

    text.addEventListener("input", later);
    text.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && text.value) { event.preventDefault(); text.value = ""; applyNow(); }
    });
    form.addEventListener("change", function (event) { if (event.target !== text) applyNow(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); applyNow(); });
    form.querySelector(".filters-clear").addEventListener("click", clear);

    var params = new URLSearchParams(window.location.search);
    text.value = params.get("q") || "";
    choose(status, params.get("status"));
    choose(dept, params.get("dept"));
    if (attentionBox) attentionBox.checked = params.get("attention") === "1";
    form.hidden = false;
    var first = state();
    if (active(first)) apply(first);
    else if (finder) say(null, null);
    else say(null, scope.querySelectorAll("[data-status]:not([data-also])").length);
  }

  /* A link to a split page filtered by department (?dept=marketing&status=at-risk, made before the
     split, or by hand) opens that department's page with the rest of the filter. */
  function followSection() {
    var params = new URLSearchParams(window.location.search), dept = params.get("dept");
    if (!dept || document.querySelector("form.filters[data-people]")) return false;
    var link = document.querySelector("a[data-section='" + CSS.escape(dept) + "']");
    if (!link) return false;
    params.delete("dept");
    var query = params.toString();
    window.location.replace(link.href + (query ? "?" + query : "") + window.location.hash);
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (followSection()) return;
    Array.prototype.forEach.call(document.querySelectorAll("form.filters"), setUp);
  });
})();
