/* living-survey: the header's version selector, for a living site at the root and releases at v/X.Y/.
   Material's own selector looks for versions.json and every version in sibling folders of the
   current build, which a root-level living site is not; this script reads the same versions.json
   (mike's format) and renders the same menu (Material's md-version classes), so it looks alike.
   Without JavaScript the "What changed" page links every release. Everything it reads from the
   network or the URL is checked and inserted as text, never as HTML. */
(function () {
  "use strict";
  // the selector opened this version's home because the page asked for is not in it: say so there
  var MISSING = "#living-survey-missing";
  if (location.hash === MISSING) {
    var content = document.querySelector(".md-content__inner") || document.body;
    var note = document.createElement("p");
    note.className = "ls-missing";
    note.setAttribute("role", "status");
    note.textContent = "The page you were reading is not in this version of the survey, so its home page opened instead.";
    content.insertBefore(note, content.firstChild);
  }
  var meta = document.querySelector('meta[name="living-survey-version"]');
  if (!meta || !window.fetch || !window.URL) return;
  var SERIES = /^[0-9]{1,6}\.[0-9]{1,6}$/;
  var current = meta.getAttribute("content") || "";
  if (current && !SERIES.test(current)) return;
  var living = new URL(meta.getAttribute("data-living") || "./", document.baseURI);
  var source = new URL(meta.getAttribute("data-versions") || "", document.baseURI);
  if (living.origin !== location.origin || source.origin !== location.origin) return;

  // releases sit beside versions.json, one folder each (as mike lays them out)
  function rootOf(series) {
    return series ? new URL(series + "/", source) : living;
  }

  // this page's path below its own build's root, to open the same page in another version
  var here = location.origin + location.pathname;
  var mine = rootOf(current).href;
  var rest = here.indexOf(mine) === 0 ? here.slice(mine.length) : "";

  function go(series) {
    var root = rootOf(series);
    var page = new URL(rest, root);
    if (page.origin !== location.origin) page = root;
    fetch(page.href, { method: "HEAD", credentials: "same-origin" })
      .then(function (response) { location.assign(response.ok ? page.href : root.href + MISSING); })
      .catch(function () { location.assign(root.href + MISSING); });
  }

  function render(list) {
    var topic = document.querySelector(".md-header__topic");
    if (!topic || !Array.isArray(list)) return;
    var items = [{ series: "", title: "living (current)" }];
    list.forEach(function (item) {
      if (!item || typeof item.version !== "string" || !SERIES.test(item.version)) return;
      var title = typeof item.title === "string" && item.title ? item.title.slice(0, 40) : item.version;
      var latest = Array.isArray(item.aliases) && item.aliases.indexOf("latest") >= 0;
      // a release the deploy could not place (missing or failing its checksum): listed, not linked
      var gone = item.unavailable === true;
      items.push({ series: item.version, title: title + (latest ? " (latest release)" : "") + (gone ? " (unavailable)" : ""), gone: gone });
    });
    var box = document.createElement("div");
    box.className = "md-version";
    var button = document.createElement("button");
    button.className = "md-version__current";
    button.type = "button";
    button.setAttribute("aria-label", "Select version");
    button.textContent = current ? "version " + current : "living";
    var menu = document.createElement("ul");
    menu.className = "md-version__list";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "md-version__item";
      if (item.gone) {
        var span = document.createElement("span");
        span.className = "md-version__link";
        span.textContent = item.title;
        li.appendChild(span);
        menu.appendChild(li);
        return;
      }
      var a = document.createElement("a");
      a.className = "md-version__link";
      a.href = rootOf(item.series).href;
      a.textContent = item.title;
      if (item.series === current) a.setAttribute("aria-current", "true");
      a.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        go(item.series);
      });
      li.appendChild(a);
      menu.appendChild(li);
    });
    box.appendChild(button);
    box.appendChild(menu);
    topic.appendChild(box);
  }

  fetch(source.href, { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(render)
    .catch(function () { /* no versions.json: no selector, the page works as before */ });
})();
