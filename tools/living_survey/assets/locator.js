/* living-survey: "Place your dataset". Reads the framework's data embedded in the page, estimates a
   position from the reader's answers, draws it on Figure 1, lists the nearest works and writes a
   ready-to-paste entry. The surveyed works are in a file of the site (data-ls-works on the data
   element), fetched once, when the reader first answers; without it everything but the nearest
   works still works. Answers live in the address (?<question id>=<option index>), read back only
   if they name a known question and option. Text is only ever set with textContent. */
(function () {
  "use strict";

  // the shared helpers (living-survey-common.js): listed before this script on the page, required under Node
  var LS = typeof module === "object" && module && module.exports ? require("./living-survey-common.js") : window.LivingSurvey;

  // -- the scoring rule: pure, shared with the build --------------------------------------------------
  // The rule is the framework's (data.scoring); tools/living_survey/model/scoring.py is its Python twin,
  // written to do the same float operations in the same order, so both give the same bits. Under
  // Node (module.exports) the script only exports these functions, for the test that compares them.

  // Half up, as floor(v * 10^d + 0.5) / 10^d: Math.round's ties differ from it near 0.5.
  function roundHalfUp(v, decimals) {
    var scale = Math.pow(10, decimals);
    return Math.floor(v * scale + 0.5) / scale + 0;
  }

  // The coordinate on one axis from the chosen option index of each answered question ({id: index}),
  // with how many answers counted; answers scored null lean neither way and are not counted.
  function scoreAxis(axis, scoring, given) {
    var total = 0, count = 0, answered = 0;
    if (scoring.rule !== "mean") throw new Error("unknown scoring rule " + scoring.rule);
    axis.questions.forEach(function (q) {
      if (given[q.id] === undefined) return;
      answered += 1;
      var score = q.options[given[q.id]].score;
      if (score === null) return;
      total += score;
      count += 1;
    });
    return {value: count ? roundHalfUp(total / count, scoring.decimals) : null, counted: count, answered: answered};
  }

  // -- answers read from the address: pure ---------------------------------------------------------

  // The questions by id ({id: {axis, question}}), from the framework's axes.
  function questionsOf(axes) {
    var out = {};
    axes.forEach(function (axis) {
      axis.questions.forEach(function (q) { out[q.id] = {axis: axis, question: q}; });
    });
    return out;
  }

  // The answers an address's query asks for ({question id: option index}): only known questions,
  // and only one digit naming one of that question's options; anything else is ignored.
  function answersFromQuery(search, questions) {
    var out = {};
    new URLSearchParams(search).forEach(function (value, id) {
      if (!LS.has(questions, id) || !/^[0-9]$/.test(value)) return;
      var index = Number(value);
      if (index < questions[id].question.options.length) out[id] = index;
    });
    return out;
  }

  // -- what the page shows of a number: pure --------------------------------------------------------

  function rounded(v) { return Math.round(v * 100) / 100; }

  function shown(v) {
    var text = Math.abs(v).toFixed(2);
    return v === 0 ? text : (v > 0 ? "+" : "\u2212") + text;
  }

  function short(v) { return v === 0 ? "0" : (v > 0 ? "+" : "\u2212") + String(Math.abs(v)); }

  // The quadrant ({x, y} signs) that an estimate falls in; none while an axis is open or on its line.
  function quadrantAt(quadrants, x, y) {
    if (x === null || y === null || x === 0 || y === 0) return null;
    var sx = x < 0 ? -1 : 1, sy = y < 0 ? -1 : 1;
    return quadrants.filter(function (q) { return q.x === sx && q.y === sy; })[0] || null;
  }

  // -- the works file: pure -------------------------------------------------------------------------

  function isText(v) { return typeof v === "string"; }
  function isNumber(v) { return typeof v === "number" && isFinite(v); }

  // The rows of the works file as entries; a row that is not as described is left out, and so is
  // one whose link would leave the site (`link` turns a path relative to the site root into a link
  // on this site, or null).
  function readWorks(file, link) {
    if (!file || !Array.isArray(file.columns) || !Array.isArray(file.entries) || !Array.isArray(file.quadrants)) {
      throw new Error("not a list of works");
    }
    var at = {};
    file.columns.forEach(function (name, i) { at[name] = i; });
    var pattern = Array.isArray(file.entry_url) && file.entry_url.length === 2 && file.entry_url.every(isText) ? file.entry_url : null;
    var out = [];
    file.entries.forEach(function (row, index) {
      if (!Array.isArray(row)) return;
      var e = {
        index: index,
        id: row[at.id], work: row[at.work], label: row[at.label], title: row[at.title],
        quadrant: file.quadrants[row[at.quadrant]], x: row[at.x], y: row[at.y], rationale: row[at.rationale]
      };
      if (![e.id, e.label, e.title, e.quadrant, e.rationale].every(isText) || ![e.work, e.x, e.y].every(isNumber)) return;
      e.url = link(at.url !== undefined ? row[at.url] : pattern ? pattern[0] + e.id + pattern[1] : null);
      if (e.url === null) return;
      out.push(e);
    });
    return out;
  }

  // The `count` nearest works to (x, y): a work placed more than once counts once, at its nearest
  // placement. The file's rows are sorted by entry id: equal distances keep that order.
  function nearestOf(entries, x, y, count) {
    var seen = {};
    return entries.map(function (e) {
      return {entry: e, d: Math.sqrt((e.x - x) * (e.x - x) + (e.y - y) * (e.y - y))};
    }).sort(function (a, b) {
      return a.d - b.d || a.entry.index - b.entry.index;
    }).filter(function (n) {
      if (LS.has(seen, n.entry.work)) return false;
      seen[n.entry.work] = true;
      return true;
    }).slice(0, count);
  }

  var pure = {
    roundHalfUp: roundHalfUp, scoreAxis: scoreAxis, questionsOf: questionsOf, answersFromQuery: answersFromQuery,
    rounded: rounded, shown: shown, short: short, quadrantAt: quadrantAt, readWorks: readWorks, nearestOf: nearestOf
  };
  if (typeof module === "object" && module && module.exports) {
    module.exports = pure;
    return;
  }
  if (typeof document === "undefined" || !LS) return;

  var source = document.getElementById("ls-locator-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var worksUrl = source.getAttribute("data-ls-works") || "";
  var root = source.getAttribute("data-ls-root") || "";
  var questions = questionsOf(data.axes);  // id -> {axis, question}
  var el = LS.el;

  function $(id) { return document.getElementById(id); }

  function radios(id) {
    return Array.prototype.filter.call(document.querySelectorAll("input[type=radio]"), function (input) {
      return input.name === id;
    });
  }

  // -- answers: the form <-> the address ----------------------------------------------------------

  function answers() {
    var out = {};
    Object.keys(questions).forEach(function (id) {
      radios(id).forEach(function (input) { if (input.checked) out[id] = Number(input.value); });
    });
    return out;
  }

  function fromAddress() {
    var given = answersFromQuery(window.location.search, questions);
    Object.keys(given).forEach(function (id) {
      radios(id).forEach(function (input) { input.checked = Number(input.value) === given[id]; });
    });
  }

  function toAddress(given) {
    var params = new URLSearchParams();
    Object.keys(given).forEach(function (id) { params.set(id, String(given[id])); });
    LS.replaceQuery(params);
  }

  // -- the estimate ---------------------------------------------------------------------------------

  function estimate(given) {
    return data.axes.map(function (axis) {
      // rounded by the rule to the precision shown and written, so that the quadrant never hangs on rounding noise
      var s = scoreAxis(axis, data.scoring, given);
      return {axis: axis, value: s.value, answered: s.answered, counted: s.counted, total: axis.questions.length};
    });
  }

  function quadrantOf(est) { return quadrantAt(data.quadrants, est[0].value, est[1].value); }

  function estimateText(e) {
    if (e.value === null && e.answered) return "open: no answer so far leans either way (answer another of its " + e.total + ")";
    if (e.value === null) return "open: no question answered yet (answer at least one of its " + e.total + ")";
    var pole = e.value === 0 ? "on the dividing line" : (e.value < 0 ? e.axis.negative : e.axis.positive);
    return shown(e.value) + " (" + pole + "), from " + e.answered + " of " + e.total + " answers";
  }

  function describe(e) { return e.axis.name + " " + estimateText(e); }

  // -- Figure 1 -------------------------------------------------------------------------------------
  // The map's own script inserts the figure and offers an API (window.livingSurveyMap: addPoint,
  // clearPoints, highlight); the point is drawn with it. Until the map is ready, or if it cannot
  // load, the estimate is shown in words only.

  var map = null;

  function drawPoint(est, quadrant, neighbours) {
    if (!map) return;
    map.clearPoints();
    map.highlight(quadrant && neighbours.length ? neighbours.map(function (n) { return n.entry.id; }) : null);
    if (!quadrant) return;
    var x = est[0].value, y = est[1].value;
    var g = map.addPoint(x, y, {label: "Your dataset", id: "ls-locator-point"});
    g.setAttribute("data-x", String(rounded(x)));
    g.setAttribute("data-y", String(rounded(y)));
    g.classList.add("ls-locator-point");
    var title = LS.svg("title");
    title.textContent = "Your dataset: " + quadrant.title;
    g.insertBefore(title, g.firstChild);
  }

  // -- the surveyed works: fetched once, when first needed ----------------------------------------

  var works = {state: "idle", entries: [], error: ""};

  function siteLink(path) { return LS.siteLink(path, root, document.baseURI, window.location.origin); }

  function loadWorks() {
    if (works.state === "loading" || works.state === "ready") return;
    if (typeof window.fetch !== "function") {
      works.state = "failed";
      works.error = "this browser cannot fetch files";
      return;
    }
    works.state = "loading";
    LS.fetchFile(worksUrl, "json")
      .then(function (file) {
        works.entries = readWorks(file, siteLink);
        works.state = "ready";
      })
      .catch(function (error) {
        works.state = "failed";
        works.error = error && error.message ? String(error.message) : "";
      })
      .then(function () { update(false); });
  }

  // -- the nearest works ----------------------------------------------------------------------------

  function quadrantById(id) {
    return data.quadrants.filter(function (q) { return q.id === id; })[0];
  }

  function nearest(x, y) { return nearestOf(works.entries, x, y, data.neighbours); }

  var NOTE = null;  // the note's text as the page wrote it

  function listNeighbours(neighbours, quadrant) {
    var list = $("ls-locator-neighbours");
    var note = $("ls-locator-nearest-note");
    if (NOTE === null) NOTE = note.textContent;
    list.textContent = "";
    var message = NOTE;
    if (quadrant && works.state === "loading") {
      message = "Loading the surveyed works to find the nearest\u2026";
    } else if (quadrant && works.state === "failed") {
      message = "The list of surveyed works could not be loaded" + (works.error ? " (" + works.error + ")" : "") +
        ", so the nearest works cannot be shown. Your estimate, its point on Figure 1 and the entry below do not need it.";
    }
    if (!quadrant || works.state !== "ready") {
      list.hidden = true;
      if (note.textContent !== message) note.textContent = message;
      note.hidden = false;
      return;
    }
    neighbours.forEach(function (n) {
      var e = n.entry, q = quadrantById(e.quadrant);
      var item = el("li", "", {"class": "ls-locator-neighbour", "data-entry": e.id});
      item.appendChild(el("a", e.label, {href: e.url}));
      item.appendChild(document.createTextNode(" \u2014 " + e.title + " ("));
      item.appendChild(el("a", q ? q.title : e.quadrant, {href: q ? q.url : "#"}));
      item.appendChild(document.createTextNode("; distance " + n.d.toFixed(2) + ")"));
      var details = el("details", "", {"class": "ls-locator-rationale"});
      details.appendChild(el("summary", "Why " + e.label + " sits there"));
      details.appendChild(el("p", e.rationale));
      var more = el("p");
      more.appendChild(el("a", "The full rationale for " + e.label, {href: e.url + "#rationale"}));
      details.appendChild(more);
      item.appendChild(details);
      list.appendChild(item);
    });
    list.hidden = false;
    note.hidden = true;
  }

  // -- the entry to paste, and the proposal ---------------------------------------------------------

  function oneLine(text) { return String(text).replace(/\s+/g, " ").trim(); }

  var WIDTH = 92;

  // Break a line between words, continuation lines indented (a Markdown list item stays one item).
  function wrap(line, width, indent) {
    var out = [], current = "";
    line.split(" ").forEach(function (word) {
      if (current && (current + " " + word).length > width) {
        out.push(current);
        current = indent + word;
      } else {
        current = current ? current + " " + word : word;
      }
    });
    out.push(current);
    return out;
  }

  function entryYaml(est, quadrant, given) {
    var position = "[" + rounded(est[0].value) + ", " + rounded(est[1].value) + "]";
    var lines = [
      "key:   # the work's BibTeX key in references.bib",
      "quadrant: " + quadrant.id,
      "position: " + position,
      "quotes:",
      "  - text: \"\"   # a passage copied verbatim from the work",
      "    page: \"\"   # the page it is on, such as \"3\" or \"17-18\"; \"abstract\" if you read it there",
      "rationale: |-"
    ];
    rationale(est, quadrant, given).forEach(function (line) {
      wrap(line, WIDTH, line.indexOf("- ") === 0 ? "  " : "").forEach(function (part) { lines.push(part ? "  " + part : ""); });
    });
    answersYaml(given).forEach(function (line) { lines.push(line); });
    lines.push("placed_by: \"" + data.placeholders.handle + "\"   # who placed the work: your GitHub handle, with its @");
    lines.push("added: \"" + today() + "\"   # the day you add the entry (YYYY-MM-DD)");
    return lines.join("\n") + "\n";
  }

  // The answers as the entry records them: each with its evidence, the first quote until the
  // contributor points it at another one (or at a page of the work with a note).
  function answersYaml(given) {
    var out = [];
    data.axes.forEach(function (axis) {
      axis.questions.forEach(function (q) {
        if (given[q.id] === undefined) return;
        out.push("  " + q.id + ":   # " + oneLine(q.text));
        out.push("    option: " + given[q.id] + "   # " + oneLine(q.options[given[q.id]].text));
        out.push("    quote: 0   # the evidence: the index of the quote above that shows it (or page: \"\" and note: \"\")");
      });
    });
    return out.length ? ["answers:"].concat(out) : [];
  }

  function today() {
    // the reader's own calendar date, as the entry's `added` asks (never in the future there)
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function rationale(est, quadrant, given) {
    var out = [
      "Placed in " + quadrant.title + ": " + est.map(function (e) {
        return e.axis.name + " " + shown(e.value) + " (" + (e.value < 0 ? e.axis.negative : e.axis.positive) + ")";
      }).join(", ") + ", from these answers to the framework's questions:",
      ""
    ];
    est.forEach(function (e) {
      e.axis.questions.forEach(function (q) {
        if (given[q.id] === undefined) return;
        var option = q.options[given[q.id]];
        out.push("- " + oneLine(q.text) + " " + oneLine(option.text) + " (" + (option.score === null ? "no lean" : short(option.score)) + ")");
      });
    });
    out.push("", data.placeholders.rationale);  // validation refuses an entry that still holds it
    return out;
  }

  function proposalUrl(est, quadrant, given) {
    var p = data.proposal;
    var params = new URLSearchParams();
    params.set("template", p.template);
    var values = {
      quadrant: quadrant.id,
      position: "[" + rounded(est[0].value) + ", " + rounded(est[1].value) + "]",
      rationale: rationale(est, quadrant, given).join("\n")
    };
    p.fields.forEach(function (name) { if (values[name] !== undefined) params.set(name, values[name]); });
    // each answer into the form's dropdown for its question, when the form offers that option word for word
    var choices = p.choices || {};
    est.forEach(function (e) {
      e.axis.questions.forEach(function (q) {
        if (given[q.id] === undefined || !Object.prototype.hasOwnProperty.call(choices, q.id)) return;
        var text = q.options[given[q.id]].text;
        if (choices[q.id].indexOf(text) !== -1) params.set(q.id, text);
      });
    });
    return p.url + "?" + params.toString();
  }

  function showEntry(est, quadrant, given) {
    var box = $("ls-locator-entry");
    var note = $("ls-locator-entry-note");
    $("ls-locator-copied").textContent = "";
    if (!quadrant) {
      box.hidden = true;
      note.hidden = false;
      return;
    }
    $("ls-locator-yaml").textContent = entryYaml(est, quadrant, given);
    var propose = $("ls-locator-propose");
    if (propose && data.proposal) propose.setAttribute("href", proposalUrl(est, quadrant, given));
    box.hidden = false;
    note.hidden = true;
  }

  function copyEntry() {
    var text = $("ls-locator-yaml").textContent;
    var done = function () { $("ls-locator-copied").textContent = "Copied."; };
    var failed = function () {
      var range = document.createRange();
      range.selectNodeContents($("ls-locator-yaml"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $("ls-locator-copied").textContent = "Selected: press Ctrl+C (or \u2318C) to copy.";
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  // -- putting it together --------------------------------------------------------------------------

  function update(remember) {
    var given = answers();
    var est = estimate(given);
    var quadrant = quadrantOf(est);
    est.forEach(function (e) { $("ls-estimate-" + e.axis.key).textContent = estimateText(e); });
    var where = $("ls-estimate-quadrant");
    where.textContent = "";
    var status;
    if (quadrant) {
      where.appendChild(el("a", quadrant.title, {href: quadrant.url}));
      status = "Estimated position: " + est.map(describe).join("; ") + ". Quadrant: " + quadrant.title + ".";
    } else if (est.some(function (e) { return e.value === null; })) {
      where.textContent = "open: every axis needs at least one answer";
      status = "Not placed yet. " + est.map(describe).join("; ") + ".";
    } else {
      where.textContent = "on a dividing line: answer one more question on that axis";
      status = "On a dividing line. " + est.map(describe).join("; ") + ".";
    }
    $("ls-locator-status").textContent = status;
    $("ls-locator-reset").hidden = Object.keys(given).length === 0;
    Array.prototype.forEach.call(document.querySelectorAll("button[data-ls-clear]"), function (button) {
      button.hidden = given[button.getAttribute("data-ls-clear")] === undefined;
    });
    // the works are needed once an axis has an estimate: fetched then (again after a failure, on a new answer)
    if (Object.keys(given).length && (works.state === "idle" || (remember && works.state === "failed"))) loadWorks();
    var neighbours = quadrant && works.state === "ready" ? nearest(est[0].value, est[1].value) : [];
    drawPoint(est, quadrant, neighbours);
    listNeighbours(neighbours, quadrant);
    showEntry(est, quadrant, given);
    if (remember) toAddress(given);
  }

  fromAddress();
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.type === "radio" && LS.has(questions, target.name)) update(true);
  });
  $("ls-locator-reset").addEventListener("click", function () {
    Object.keys(questions).forEach(function (id) { radios(id).forEach(function (input) { input.checked = false; }); });
    update(true);
    var first = document.querySelector(".ls-question input[type=radio]");
    if (first) first.focus();
  });
  $("ls-locator-copy").addEventListener("click", copyEntry);
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button[data-ls-clear]") : null;
    if (!button) return;
    var id = button.getAttribute("data-ls-clear");
    if (!LS.has(questions, id)) return;
    var group = radios(id);
    group.forEach(function (input) { input.checked = false; });
    update(true);
    if (group.length) group[0].focus();  // the clear button has just been hidden
  });
  update(false);
  if (window.livingSurveyMap && window.livingSurveyMap.ready) {
    window.livingSurveyMap.ready.then(function (found) {
      if (!found) return;
      map = found;
      update(false);
    });
  }
})();
