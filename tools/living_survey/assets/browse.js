/* living-survey: the "Browse all works" table — sort, filter, a live count, the view in the URL.
 *
 * Without this script the page is a plain table. Rows come from the table itself when the page
 * carries them all, else from data/browse.json. Everything read from the URL is checked against
 * the form's own choices and written with textContent, never as HTML. Only one page of matching
 * rows is in the DOM at a time, so a sort or filter stays fast with tens of thousands of rows.
 */
(function () {
  "use strict";

  // the shared helpers (living-survey-common.js): listed before this script on the page, required under Node
  var LS = typeof module === "object" && module && module.exports ? require("./living-survey-common.js") : window.LivingSurvey;

  var PAGE = 100;
  var MAX_WORDS = 200;
  var SORTABLE = ["label", "title", "year", "quadrants", "signal", "datasets", "placed_by", "added"];
  var YEAR = /^[0-9]{4}$/;

  function link(href, value) { return LS.el("a", value, { href: href }); }

  /* Rows as plain objects, from the compact arrays of data/browse.json. */
  function fromJson(data, root) {
    var f = {};
    data.fields.forEach(function (name, i) { f[name] = i; });
    return data.rows.map(function (r, index) {
      return {
        index: index,
        id: r[f.id],
        url: root + r[f.url],
        label: r[f.label],
        title: r[f.title],
        year: r[f.year],
        quadrants: r[f.quadrants].map(function (q) { return [q, data.quadrants[q] || q]; }),
        signal: r[f.signal].map(function (s) { return [s, data.signal[s] || s]; }),
        datasets: r[f.datasets],
        organisation: r[f.organisation],
        placed_by: r[f.placed_by],
        placer: r[f.placer],
        added: r[f.added]
      };
    });
  }

  function prepare(rows) {
    rows.forEach(function (r) {
      var datasets = r.datasets.map(function (d) { return d[0]; }).join(", ");
      r.keys = {
        label: r.label.toLowerCase(),
        title: r.title.toLowerCase(),
        year: parseInt(r.year, 10) || 0,
        quadrants: r.quadrants.map(function (q) { return q[1]; }).join(", ").toLowerCase(),
        signal: r.signal.map(function (s) { return s[1]; }).join(", ").toLowerCase(),
        datasets: datasets.toLowerCase(),
        placed_by: r.placed_by.toLowerCase(),
        added: r.added
      };
      r.haystack = [r.label, r.title, r.year, r.keys.quadrants, r.keys.signal, datasets, r.organisation, r.placed_by, r.added]
        .join(" \u0000 ").toLowerCase();
    });
    return rows;
  }

  /* The view a query asks for, keeping only values the form offers (`allowed`: for each of quadrant,
     signal and placer, the values its menu has). */
  function viewFromQuery(search, allowed) {
    var params = new URLSearchParams(search);
    var state = { q: "", quadrant: "", signal: "", from: "", to: "", placer: "", sort: "", dir: "asc" };
    // "text", not "q": Material opens its own search box for a "q" in the address
    var q = params.get("text");
    if (q) state.q = q.slice(0, MAX_WORDS);
    ["quadrant", "signal", "placer"].forEach(function (name) {
      var value = params.get(name);
      if (value && LS.has(allowed[name], value)) state[name] = value;
    });
    ["from", "to"].forEach(function (name) {
      var value = params.get(name);
      if (value && YEAR.test(value)) state[name] = value;
    });
    var sort = params.get("sort");
    if (sort && SORTABLE.indexOf(sort) >= 0) state.sort = sort;
    if (params.get("dir") === "desc") state.dir = "desc";
    return state;
  }

  /* The query that gives a view back (empty fields left out). */
  function queryOf(state) {
    var params = new URLSearchParams();
    ["q", "quadrant", "signal", "from", "to", "placer", "sort"].forEach(function (name) {
      if (state[name]) params.set(name === "q" ? "text" : name, state[name]);
    });
    if (state.sort && state.dir === "desc") params.set("dir", "desc");
    return params;
  }

  /* The prepared rows a view shows, in its order: every word of the text in a row, its menus' values
     among the row's, its year within the range; sorted by a column, ties in the rows' own order. */
  function filterRows(rows, state) {
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var from = state.from ? parseInt(state.from, 10) : -Infinity;
    var to = state.to ? parseInt(state.to, 10) : Infinity;
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (state.quadrant && !r.quadrants.some(function (q) { return q[0] === state.quadrant; })) continue;
      if (state.signal && !r.signal.some(function (s) { return s[0] === state.signal; })) continue;
      if (state.placer && r.placer !== state.placer) continue;
      if (r.keys.year < from || r.keys.year > to) continue;
      var ok = true;
      for (var w = 0; w < words.length; w++) {
        if (r.haystack.indexOf(words[w]) < 0) { ok = false; break; }
      }
      if (ok) out.push(r);
    }
    if (state.sort) {
      var key = state.sort;
      var sign = state.dir === "desc" ? -1 : 1;
      out.sort(function (a, b) {
        var x = a.keys[key], y = b.keys[key];
        if (x < y) return -sign;
        if (x > y) return sign;
        return a.index - b.index;
      });
    }
    return out;
  }

  /* The ids "Show these works on the map" may carry: only the shape of an entry id. */
  function mapIds(rows) {
    return rows.map(function (r) { return r.id; }).filter(function (id) { return /^[a-z0-9-]+$/.test(id); });
  }

  if (typeof module === "object" && module && module.exports) {
    module.exports = { fromJson: fromJson, prepare: prepare, viewFromQuery: viewFromQuery, queryOf: queryOf, filterRows: filterRows, mapIds: mapIds };
    return;
  }
  if (typeof document === "undefined" || !LS) return;

  function choices(select) {
    var out = {};
    Array.prototype.forEach.call(select.options, function (o) { if (o.value) out[o.value] = true; });
    return out;
  }

  function Browser(box, rows) {
    this.box = box;
    this.rows = prepare(rows);
    this.form = box.querySelector("#ls-browse-filters");
    this.count = box.querySelector("#ls-browse-count");
    this.body = box.querySelector("tbody");
    this.more = box.querySelector("#ls-browse-more");
    this.fields = {
      q: this.form.elements.q,
      quadrant: this.form.elements.quadrant,
      signal: this.form.elements.signal,
      from: this.form.elements.from,
      to: this.form.elements.to,
      placer: this.form.elements.placer
    };
    this.allowed = {
      quadrant: choices(this.fields.quadrant),
      signal: choices(this.fields.signal),
      placer: choices(this.fields.placer)
    };
    this.sort = { key: "", dir: "asc" };
    this.shown = PAGE;
    this.headers = [];
  }

  /* The view a URL asks for, keeping only values the form offers. */
  Browser.prototype.readUrl = function () {
    return viewFromQuery(window.location.search, this.allowed);
  };

  Browser.prototype.state = function () {
    var f = this.fields;
    return {
      q: f.q.value.slice(0, MAX_WORDS),
      quadrant: f.quadrant.value,
      signal: f.signal.value,
      from: YEAR.test(f.from.value) ? f.from.value : "",
      to: YEAR.test(f.to.value) ? f.to.value : "",
      placer: f.placer.value,
      sort: this.sort.key,
      dir: this.sort.dir
    };
  };

  Browser.prototype.writeUrl = function (state) {
    LS.replaceQuery(queryOf(state));
  };

  Browser.prototype.matching = function (state) {
    return filterRows(this.rows, state);
  };

  Browser.prototype.rowElement = function (r) {
    var tr = document.createElement("tr");
    var first = document.createElement("td");
    first.appendChild(link(r.url, r.label));
    tr.appendChild(first);
    tr.appendChild(LS.el("td", r.title));
    tr.appendChild(LS.el("td", r.year));
    tr.appendChild(LS.el("td", r.quadrants.map(function (q) { return q[1]; }).join(", ")));
    tr.appendChild(LS.el("td", r.signal.map(function (s) { return s[1]; }).join(", ")));
    var datasets = document.createElement("td");
    r.datasets.forEach(function (d, i) {
      if (i) datasets.appendChild(document.createTextNode(", "));
      // the build accepts only http(s) addresses; check again before making a link
      datasets.appendChild(/^https?:\/\//.test(d[1]) ? link(d[1], d[0]) : document.createTextNode(d[0]));
    });
    tr.appendChild(datasets);
    tr.appendChild(LS.el("td", r.placed_by));
    var added = document.createElement("td");
    var time = LS.el("time", r.added, { datetime: r.added });
    added.appendChild(time);
    tr.appendChild(added);
    return tr;
  };

  /* "Show these works on the map": the map page highlights the matching works (?highlight=ids, which
     the map validates against its own markers). Offered only for a filtered view of a few hundred. */
  Browser.prototype.mapLink = function (found, all) {
    var a = this.box.querySelector("#ls-browse-map");
    if (!a) return;
    var limit = parseInt(a.getAttribute("data-limit"), 10) || 0;
    var ids = mapIds(found);
    a.parentNode.hidden = all || !ids.length || ids.length > limit;
    a.href = a.getAttribute("data-base") + "?highlight=" + encodeURIComponent(ids.join(","));
  };

  Browser.prototype.render = function (keepShown) {
    var state = this.state();
    if (!keepShown) this.shown = PAGE;
    var found = this.matching(state);
    var visible = found.slice(0, this.shown);
    var fragment = document.createDocumentFragment();
    visible.forEach(function (r) { fragment.appendChild(this.rowElement(r)); }, this);
    this.body.replaceChildren(fragment);
    var total = this.rows.length;
    var noun = total === 1 ? "work" : "works";
    var message = found.length === total
      ? total.toLocaleString("en") + " " + noun
      : found.length.toLocaleString("en") + " of " + total.toLocaleString("en") + " " + noun + " match";
    if (visible.length < found.length) message += "; showing the first " + visible.length.toLocaleString("en");
    this.count.textContent = message + ".";
    this.mapLink(found, found.length === total);
    this.more.parentNode.hidden = visible.length >= found.length;
    this.headers.forEach(function (h) {
      if (h.key === state.sort) h.th.setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
      else h.th.removeAttribute("aria-sort");
    });
    this.writeUrl(state);
  };

  Browser.prototype.start = function () {
    var self = this;
    var initial = this.readUrl();
    ["q", "quadrant", "signal", "from", "to", "placer"].forEach(function (name) {
      self.fields[name].value = initial[name];
    });
    this.sort = { key: initial.sort, dir: initial.dir };
    Array.prototype.forEach.call(this.box.querySelectorAll("thead th[data-key]"), function (th) {
      var key = th.getAttribute("data-key");
      if (SORTABLE.indexOf(key) < 0) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ls-sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        self.sort = { key: key, dir: self.sort.key === key && self.sort.dir === "asc" ? "desc" : "asc" };
        self.render(false);
      });
      self.headers.push({ key: key, th: th });
    });
    this.form.addEventListener("input", function () { self.render(false); });
    this.form.addEventListener("change", function () { self.render(false); });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.form.addEventListener("reset", function () {
      // after the browser has cleared the fields
      window.setTimeout(function () { self.render(false); }, 0);
    });
    this.more.addEventListener("click", function () {
      self.shown += PAGE;
      self.render(true);
    });
    this.form.hidden = false;
    this.box.setAttribute("data-ready", "true");
    this.render(false);
  };

  function labels(select) {
    var out = {};
    Array.prototype.forEach.call(select.options, function (o) { if (o.value) out[o.value] = o.textContent; });
    return out;
  }

  /* Rows from the table the page already shows (small surveys); ids name quadrants and signals. */
  function fromTable(box) {
    var form = box.querySelector("#ls-browse-filters");
    var quadrants = labels(form.elements.quadrant);
    var signals = labels(form.elements.signal);
    function named(ids, names) {
      return (ids || "").split(" ").filter(Boolean).map(function (id) { return [id, names[id] || id]; });
    }
    return Array.prototype.map.call(box.querySelectorAll("tbody tr"), function (tr, index) {
      var cells = tr.cells;
      var a = cells[0].querySelector("a");
      return {
        index: index,
        id: tr.getAttribute("data-id") || "",
        url: a.getAttribute("href"),
        label: a.textContent,
        title: cells[1].textContent,
        year: cells[2].textContent,
        quadrants: named(tr.getAttribute("data-quadrants"), quadrants),
        signal: named(tr.getAttribute("data-signal"), signals),
        datasets: Array.prototype.map.call(cells[5].querySelectorAll("[data-name]"), function (d) {
          return [d.getAttribute("data-name"), d.getAttribute("href") || ""];
        }),
        organisation: tr.getAttribute("data-organisation") || "",
        placed_by: cells[6].textContent,
        placer: tr.getAttribute("data-placer") || "",
        added: cells[7].textContent
      };
    });
  }

  function init() {
    var box = document.getElementById("ls-browse");
    if (!box || box.getAttribute("data-ready")) return;
    if (box.getAttribute("data-complete") === "true") {
      new Browser(box, fromTable(box)).start();
      return;
    }
    var root = box.getAttribute("data-root") || "";
    LS.fetchFile(box.getAttribute("data-src") || "", "json")
      .then(function (data) {
        var fallback = box.querySelector(".ls-browse-fallback");
        if (fallback) fallback.hidden = true;
        new Browser(box, fromJson(data, root)).start();
      })
      .catch(function (error) {
        box.querySelector("#ls-browse-count").textContent = "The table could not be loaded (" + error.message + "); use the downloads below.";
      });
  }

  LS.onReady(init);
})();
