/* Alignment Coordinates: fetch the theme's search index when a reader reaches for search.
 *
 * Material for MkDocs requests search/search_index.json (one XMLHttpRequest) as soon as a page
 * has loaded, so every first visit pays for the whole index, by far the largest file a visit
 * transfers on a big survey. This script holds that one request back until the reader shows an
 * intent to search: focus or pointer on the search form, the search toggle opened (by the
 * header's button or the theme's keyboard shortcuts), or an address that carries a search or a
 * highlight (?q=, ?h=). Then the request goes out unchanged, and the theme shows its
 * "Initializing search" message until the index has arrived, as it does on a slow network.
 *
 * It must run before the theme's bundle, which asks for the index while it loads: the plugin
 * puts it in every page's head (and the error page's). Nothing else is touched: every other
 * request passes straight through. Without this script, or without JavaScript, the theme
 * behaves as it always does.
 */
(function () {
  "use strict";

  var XHR = window.XMLHttpRequest;
  if (!XHR || !window.WeakSet || !window.URLSearchParams || location.protocol === "file:") return;
  /* The address asks for search results or highlighted matches: the index is needed now. */
  var params = new URLSearchParams(location.search);
  if (params.has("q") || params.has("h")) return;

  var INDEX = "search/search_index.json";
  var open = XHR.prototype.open;
  var send = XHR.prototype.send;
  var held = new WeakSet();
  var waiting = [];
  var released = false;

  function isIndex(url) {
    var target;
    try {
      target = new URL(String(url), location.href);
    } catch (error) {
      return false;
    }
    var path = target.pathname;
    return target.origin === location.origin && path.slice(-INDEX.length - 1) === "/" + INDEX;
  }

  function release() {
    if (released) return;
    released = true;
    var pending = waiting.splice(0, waiting.length);
    for (var i = 0; i < pending.length; i++) pending[i]();
  }

  XHR.prototype.open = function (method, url) {
    if (!released && isIndex(url)) held.add(this);
    else held.delete(this);
    return open.apply(this, arguments);
  };

  XHR.prototype.send = function () {
    if (released || !held.has(this)) return send.apply(this, arguments);
    var request = this;
    var args = arguments;
    held.delete(this);
    waiting.push(function () {
      if (request.readyState !== 1) return; /* aborted, or opened again, meanwhile */
      send.apply(request, args);
    });
  };

  function watch() {
    var form = document.forms.namedItem("search");
    if (!form) return release(); /* no search on this page: nothing to hold back */
    var toggle = document.querySelector("input[data-md-toggle=search]");
    if (toggle) {
      if (toggle.checked) release();
      toggle.addEventListener("change", function () {
        if (toggle.checked) release();
      });
    }
    ["focusin", "pointerdown", "pointerenter", "touchstart"].forEach(function (type) {
      form.addEventListener(type, release, { once: true, passive: true });
    });
    document.querySelectorAll("label[for=__search]").forEach(function (label) {
      label.addEventListener("pointerenter", release, { once: true, passive: true });
      label.addEventListener("pointerdown", release, { once: true, passive: true });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch, { once: true });
  else watch();
})();
