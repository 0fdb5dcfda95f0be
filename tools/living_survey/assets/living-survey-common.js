/* living-survey: what the site's scripts share, as one namespace (window.LivingSurvey).
 *
 * The plugin lists this file before its other scripts on every page, so the map, the version
 * selector, the locator and the browse table find it loaded. The search script is the one
 * exception: it must run in the head before the theme's bundle, so it carries its own few lines.
 *
 * Text only ever goes in with textContent; an address is used only once it resolves to this
 * page's origin; a file is fetched only from this origin. The address checks are pure (they take
 * the origin to compare with), so under Node (module.exports) the tests run them without a browser.
 */
(function () {
  "use strict";

  var LS = {};

  /* hasOwnProperty, for objects built from the data or the address. */
  LS.has = function (object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  };

  /* An element with its text (set as text, never parsed) and attributes. */
  LS.el = function (tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  };

  LS.SVG = "http://www.w3.org/2000/svg";

  /* An SVG element with its attributes. */
  LS.svg = function (tag, attrs) {
    var node = document.createElementNS(LS.SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  };

  /* Run once the document is parsed (now, if it already is). */
  LS.onReady = function (run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run, { once: true });
    else run();
  };

  /* The address `value` resolved against `base`, if it is an http(s) address on `origin`; else null. */
  LS.sameOrigin = function (value, base, origin) {
    var url;
    try {
      url = new URL(String(value), base);
    } catch (error) {
      return null;
    }
    return url.origin === origin && /^https?:$/.test(url.protocol) ? url : null;
  };

  /* A link read from a data file: a path relative to the site root (no scheme, no leading slash or
     backslash, no space or control character, which the address parser drops or rewrites), prefixed
     with `root` and still on `origin` once resolved against `base`. The prefixed link, or null. */
  LS.siteLink = function (path, root, base, origin) {
    // control characters are what this check refuses, so the pattern names them
    // oxlint-disable-next-line no-control-regex
    if (typeof path !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(path) || /^[/\\]/.test(path) || /[\s\\\x00-\x1f\x7f]/.test(path)) {
      return null;
    }
    var href = root + path;
    return LS.sameOrigin(href, base, origin) ? href : null;
  };

  /* A file of this site, as "json" or "text": rejects (Error "HTTP <status>") when it is not there,
     and never asks another origin. */
  LS.fetchFile = function (value, as) {
    var url = LS.sameOrigin(value, document.baseURI, window.location.origin);
    if (!url) return Promise.reject(new Error("not an address of this site"));
    if (typeof window.fetch !== "function") return Promise.reject(new Error("this browser cannot fetch files"));
    return window.fetch(url.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return as === "text" ? response.text() : response.json();
    });
  };

  /* Put a view's parameters in the address bar without a new history entry or a reload. */
  LS.replaceQuery = function (params) {
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  };

  if (typeof module === "object" && module && module.exports) module.exports = LS;
  else window.LivingSurvey = LS;
})();
