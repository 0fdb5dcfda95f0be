/* living-survey: the header's version selector, for a living site at the root and releases at v/X.Y/.
   Material's own selector looks for versions.json and every version in sibling folders of the
   current build, which a root-level living site is not; this script reads the same versions.json
   (mike's format) and renders the same menu (Material's md-version classes), so it looks alike.
   Without JavaScript the "What changed" page links every release. Everything it reads from the
   network or the URL is checked and inserted as text, never as HTML. */
(function () {
  "use strict";
  var LS = window.LivingSurvey;  // living-survey-common.js, listed before this script
  if (!LS) return;
  // the selector opened this version's home because the page asked for is not in it: say so there
  var MISSING = "#living-survey-missing";
  if (location.hash === MISSING) {
    var content = document.querySelector(".md-content__inner") || document.body;
    var note = LS.el("p", "The page you were reading is not in this version of the survey, so its home page opened instead.", { "class": "ls-missing", role: "status" });
    content.insertBefore(note, content.firstChild);
  }
  var meta = document.querySelector('meta[name="living-survey-version"]');
  if (!meta || !window.fetch || !window.URL) return;
  var SERIES = /^[0-9]{1,6}\.[0-9]{1,6}$/;
  var current = meta.getAttribute("content") || "";
  if (current && !SERIES.test(current)) return;
  var living = LS.sameOrigin(meta.getAttribute("data-living") || "./", document.baseURI, location.origin);
  var source = LS.sameOrigin(meta.getAttribute("data-versions") || "", document.baseURI, location.origin);
  if (!living || !source) return;

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
    var page = LS.sameOrigin(rest, root, location.origin) || root;
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
    var box = LS.el("div", "", { "class": "md-version" });
    var button = LS.el("button", current ? "version " + current : "living", { "class": "md-version__current", type: "button", "aria-label": "Select version" });
    var menu = LS.el("ul", "", { "class": "md-version__list" });
    items.forEach(function (item) {
      var li = LS.el("li", "", { "class": "md-version__item" });
      if (item.gone) {
        li.appendChild(LS.el("span", item.title, { "class": "md-version__link" }));
        menu.appendChild(li);
        return;
      }
      var a = LS.el("a", item.title, { "class": "md-version__link", href: rootOf(item.series).href });
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

  LS.fetchFile(source.href, "json")
    .then(render)
    .catch(function () { /* no versions.json: no selector, the page works as before */ });
})();
