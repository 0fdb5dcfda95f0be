/*
 * Figure 1, the survey's map: fetched once, shown inline, zoomable, with labels on demand.
 *
 * A page showing the map holds <figure class="ls-map" data-ls-map="URL of assets/map.svg">. This
 * script fetches that one SVG file (same origin, our own build output; the browser caches it for
 * every page), inserts it inline so its links, focus and tooltips work, and adds zoom and pan
 * (wheel, pinch, drag, buttons, keys), a full-screen view, tooltips, and highlights.
 * Without JavaScript the page shows the same file in an <object> (links work there too).
 *
 * API for other pages' scripts (browse filters, the locator, search results):
 *
 *   livingSurveyMap.ready.then(function (map) {   // null if the page has no map
 *     map.highlight(["entry-id", ...]);  // highlight these entries, dim the others; returns how many matched
 *     map.highlight(null);               // clear
 *     map.ids();                         // every entry id on the map
 *     map.toSvg(x, y);                   // data coordinates in [-1, 1] -> {x, y} in SVG units
 *     map.addPoint(x, y, {label: "text", id: "dom-id"});  // draw an extra point; returns its <g>
 *     map.clearPoints();
 *     map.reset();                       // the full view
 *     map.shareUrl(ids);                 // this page's URL with ?highlight=ids
 *     map.svg;                           // the inline <svg>
 *   });
 *   document.addEventListener("ls-map:ready", function (e) { e.detail; /* the map object *\/ });
 *
 * The data -> SVG mapping is also on the SVG itself: data-ls-plot="x0 y0 x1 y1" gives the SVG
 * coordinates of data point (-1, -1) and of (1, 1). Markers are <a class="ls-marker"
 * data-ls-id="entry id" data-ls-q="quadrant id">. A page URL may carry ?highlight=id1,id2 (ids are
 * checked against the map's own; anything else is ignored).
 *
 * Labels: the SVG holds one layer of labels per font size (data-ls-size, in SVG units), each
 * placed at build time without overlaps; this script shows the layer that reads at 12 CSS px or
 * more at the current zoom, and sizes markers to match.
 */
(function () {
  "use strict";

  var LS = window.LivingSurvey; // living-survey-common.js, listed before this script

  var MIN_PX = 10; // labels inline
  var MIN_PX_OPEN = 12; // labels in the full-screen map
  var MAX_ZOOM = 24;
  var MAX_HIGHLIGHT = 500;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var resolveReady;
  var api = {
    ready: new Promise(function (resolve) {
      resolveReady = resolve;
    }),
    maps: [],
  };
  window.livingSurveyMap = api;

  function button(label, text, onClick) {
    var b = LS.el("button", text, { type: "button", "class": "ls-map-button", "aria-label": label, title: label });
    b.addEventListener("click", onClick);
    return b;
  }

  function Map(figure, svg) {
    var self = this;
    var view = figure.querySelector(".ls-map-view");
    var box = svg.viewBox.baseVal;
    var full = { x: box.x, y: box.y, w: box.width, h: box.height };
    var vb = { x: full.x, y: full.y, w: full.w, h: full.h };
    var layers = Array.prototype.slice.call(svg.querySelectorAll(".ls-layer"));
    var sizes = layers.map(function (g) {
      return parseFloat(g.getAttribute("data-ls-size"));
    });
    var markerRatio = parseFloat(svg.getAttribute("data-ls-marker")) || 0.4;
    var hitRatio = parseFloat(svg.getAttribute("data-ls-hit")) || 1;
    var plot = (svg.getAttribute("data-ls-plot") || "0 0 1 1").split(" ").map(parseFloat);
    var markers = Array.prototype.slice.call(svg.querySelectorAll("a.ls-marker"));
    var byId = {};
    markers.forEach(function (a) {
      byId[a.getAttribute("data-ls-id")] = a;
    });
    var fixedText = Array.prototype.slice.call(svg.querySelectorAll(".ls-quadrant text, .ls-axis-label"));
    fixedText.forEach(function (t) {
      t.setAttribute("data-ls-base", t.getAttribute("font-size"));
    });
    var extra = svg.querySelector(".ls-extra");
    var current = null;
    var size = 12;

    this.svg = svg;
    this.figure = figure;

    var tip = document.createElement("div");
    tip.className = "ls-map-tip";
    tip.setAttribute("aria-hidden", "true");
    tip.hidden = true;
    view.appendChild(tip);

    function ppu() {
      var r = svg.getBoundingClientRect();
      if (!r.width || !r.height) return 1;
      return Math.min(r.width / vb.w, r.height / vb.h);
    }

    function apply() {
      svg.setAttribute("viewBox", [vb.x, vb.y, vb.w, vb.h].map(function (v) { return v.toFixed(2); }).join(" "));
      var scale = ppu();
      var min = figure.classList.contains("ls-map--open") ? MIN_PX_OPEN : MIN_PX;
      // the smallest size that still reads at MIN_PX shows the most labels; the largest if none does
      var pick = 0;
      for (var k = layers.length - 1; k >= 0; k--) {
        if (sizes[k] * scale >= min) { pick = k; break; }
      }
      if (current !== pick) {
        layers.forEach(function (g, j) {
          g.style.display = j === pick ? "inline" : "none";
        });
        current = pick;
      }
      // shown at the size that reads at `min` px, never larger than the size it was placed at
      size = Math.min(sizes[pick] || 12, (min / scale) * 1.002);
      layers[pick].setAttribute("font-size", size.toFixed(3));
      var r = (markerRatio * size).toFixed(3);
      var hit = (hitRatio * size).toFixed(3);
      markers.forEach(function (a) {
        a.querySelector(".ls-dot").setAttribute("r", r);
        a.querySelector(".ls-hit").setAttribute("r", hit);
      });
      Array.prototype.forEach.call(extra.querySelectorAll("circle"), function (c) {
        c.setAttribute("r", r);
      });
      Array.prototype.forEach.call(extra.querySelectorAll("text"), function (t) {
        t.setAttribute("font-size", size.toFixed(3));
      });
      fixedText.forEach(function (t) {
        var base = parseFloat(t.getAttribute("data-ls-base"));
        // never past the layer's size: the labels' placement reserved the titles at that size
        t.setAttribute("font-size", (Math.ceil(Math.max(base, Math.min(min / scale, sizes[pick] || 12)) * 100) / 100).toString());
      });
      figure.classList.toggle("ls-zoomed", vb.w < full.w - 0.01);
      hideTip();
    }

    function clamp() {
      vb.w = Math.min(full.w, Math.max(full.w / MAX_ZOOM, vb.w));
      vb.h = vb.w * (full.h / full.w);
      vb.x = Math.min(full.x + full.w - vb.w, Math.max(full.x, vb.x));
      vb.y = Math.min(full.y + full.h - vb.h, Math.max(full.y, vb.y));
    }

    function toUnits(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return { x: vb.x + vb.w / 2, y: vb.y + vb.h / 2 };
      var p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
      return { x: p.x, y: p.y };
    }

    function zoomAt(factor, cx, cy) {
      var w = Math.min(full.w, Math.max(full.w / MAX_ZOOM, vb.w / factor));
      var f = w / vb.w;
      vb.x = cx - (cx - vb.x) * f;
      vb.y = cy - (cy - vb.y) * f;
      vb.w = w;
      clamp();
      apply();
    }

    function zoomCentre(factor) {
      zoomAt(factor, vb.x + vb.w / 2, vb.y + vb.h / 2);
    }

    function pan(dx, dy) {
      vb.x += dx;
      vb.y += dy;
      clamp();
      apply();
    }

    this.reset = function () {
      vb = { x: full.x, y: full.y, w: full.w, h: full.h };
      apply();
    };
    this.zoomIn = function () { zoomCentre(1.6); };
    this.zoomOut = function () { zoomCentre(1 / 1.6); };
    this.zoom = function () { return full.w / vb.w; };

    // -- tooltips -------------------------------------------------------------------------------
    function showTip(a) {
      var title = a.querySelector("title");
      var name = title ? title.textContent : "";
      tip.textContent = name;
      tip.hidden = false;
      var r = a.querySelector(".ls-dot").getBoundingClientRect();
      var v = view.getBoundingClientRect();
      var left = r.left - v.left + r.width / 2;
      var top = r.top - v.top;
      tip.style.left = Math.max(4, Math.min(v.width - tip.offsetWidth - 4, left - tip.offsetWidth / 2)) + "px";
      tip.style.top = (top - tip.offsetHeight - 8 < 0 ? r.bottom - v.top + 8 : top - tip.offsetHeight - 8) + "px";
    }
    function hideTip() {
      if (!tip.hidden && !(document.activeElement && document.activeElement.classList && document.activeElement.classList.contains("ls-marker"))) {
        tip.hidden = true;
      }
    }
    svg.addEventListener("pointerover", function (e) {
      var a = e.target.closest && e.target.closest("a.ls-marker");
      if (a) showTip(a);
    });
    svg.addEventListener("pointerout", function (e) {
      var a = e.target.closest && e.target.closest("a.ls-marker");
      if (a && document.activeElement !== a) tip.hidden = true;
    });
    svg.addEventListener("focusin", function (e) {
      var a = e.target.closest && e.target.closest("a.ls-marker");
      if (!a) return;
      var c = a.querySelector(".ls-dot");
      var cx = parseFloat(c.getAttribute("cx"));
      var cy = parseFloat(c.getAttribute("cy"));
      if (cx < vb.x || cx > vb.x + vb.w || cy < vb.y || cy > vb.y + vb.h) {
        vb.x = cx - vb.w / 2;
        vb.y = cy - vb.h / 2;
        clamp();
        apply();
      }
      showTip(a);
    });
    svg.addEventListener("focusout", function () {
      tip.hidden = true;
    });

    // -- wheel, drag, pinch ----------------------------------------------------------------------
    svg.addEventListener("wheel", function (e) {
      // scrolling down past a map at its full view scrolls the page, as a reader expects
      if (e.deltaY > 0 && vb.w >= full.w - 0.01) return;
      e.preventDefault();
      var p = toUnits(e.clientX, e.clientY);
      zoomAt(Math.exp(-e.deltaY * 0.002), p.x, p.y);
    }, { passive: false });

    var pointers = {};
    var dragged = false;
    var last = null;
    function count() { return Object.keys(pointers).length; }
    function pair() {
      var ids = Object.keys(pointers);
      var a = pointers[ids[0]];
      var b = pointers[ids[1]];
      return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
    svg.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY, x0: e.clientX, y0: e.clientY };
      dragged = false;
      last = count() === 2 ? pair() : null;
    });
    svg.addEventListener("pointermove", function (e) {
      var p = pointers[e.pointerId];
      if (!p) return;
      var scale = ppu();
      if (count() === 1) {
        if (!dragged && Math.hypot(e.clientX - p.x0, e.clientY - p.y0) < 6) return;
        if (!dragged) {
          dragged = true;
          try { svg.setPointerCapture(e.pointerId); } catch (err) { /* the pointer is gone */ }
        }
        var dx = e.clientX - p.x;
        var dy = e.clientY - p.y;
        p.x = e.clientX;
        p.y = e.clientY;
        pan(-dx / scale, -dy / scale);
      } else if (count() === 2) {
        p.x = e.clientX;
        p.y = e.clientY;
        var now = pair();
        if (last && last.d > 0) {
          var at = toUnits(now.x, now.y);
          zoomAt(now.d / last.d, at.x, at.y);
          var before = toUnits(last.x, last.y);
          var after = toUnits(now.x, now.y);
          pan(before.x - after.x, before.y - after.y);
        }
        dragged = true;
        last = now;
      }
    });
    function up(e) {
      delete pointers[e.pointerId];
      last = count() === 2 ? pair() : null;
    }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    // a drag that ends over a marker is not a click on it
    svg.addEventListener("click", function (e) {
      if (dragged) {
        e.preventDefault();
        e.stopPropagation();
        dragged = false;
      }
    }, true);

    // -- keys ------------------------------------------------------------------------------------
    figure.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var step = vb.w * 0.15;
      var handled = true;
      switch (e.key) {
        case "+": case "=": self.zoomIn(); break;
        case "-": case "_": self.zoomOut(); break;
        case "0": self.reset(); break;
        case "ArrowLeft": if (self.zoom() > 1.01) pan(-step, 0); else handled = false; break;
        case "ArrowRight": if (self.zoom() > 1.01) pan(step, 0); else handled = false; break;
        case "ArrowUp": if (self.zoom() > 1.01) pan(0, -step); else handled = false; break;
        case "ArrowDown": if (self.zoom() > 1.01) pan(0, step); else handled = false; break;
        case "Escape": if (figure.classList.contains("ls-map--open")) setOpen(false); else handled = false; break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });

    // -- full screen -----------------------------------------------------------------------------
    var openButton;
    var home = document.createComment("ls-map");
    function setOpen(open) {
      // the open map lives at the end of <body>: no ancestor's transform or overflow can hold it in
      if (open && !home.parentNode) {
        figure.parentNode.insertBefore(home, figure);
        document.body.appendChild(figure);
      } else if (!open && home.parentNode) {
        home.parentNode.replaceChild(figure, home);
      }
      figure.classList.toggle("ls-map--open", open);
      document.documentElement.classList.toggle("ls-map-is-open", open);
      openButton.textContent = open ? "Close" : "Full screen";
      openButton.setAttribute("aria-label", open ? "Close the full-screen map" : "Open the map full screen");
      openButton.title = openButton.getAttribute("aria-label");
      openButton.setAttribute("aria-expanded", open ? "true" : "false");
      self.reset();
      openButton.focus();
    }
    this.open = function () { setOpen(true); };
    this.close = function () { setOpen(false); };

    var bar = document.createElement("div");
    bar.className = "ls-map-bar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Map controls");
    bar.appendChild(button("Zoom in", "+", function () { self.zoomIn(); }));
    bar.appendChild(button("Zoom out", "\u2212", function () { self.zoomOut(); }));
    bar.appendChild(button("Reset the view", "Reset", function () { self.reset(); }));
    openButton = button("Open the map full screen", "Full screen", function () {
      setOpen(!figure.classList.contains("ls-map--open"));
    });
    openButton.setAttribute("aria-expanded", "false");
    bar.appendChild(openButton);
    figure.insertBefore(bar, view);

    if (window.ResizeObserver) {
      new ResizeObserver(function () { apply(); }).observe(svg);
    } else {
      window.addEventListener("resize", apply);
    }

    // -- highlights and extra points -------------------------------------------------------------
    this.ids = function () { return Object.keys(byId); };
    this.highlight = function (ids) {
      var wanted = {};
      var matched = 0;
      (ids || []).slice(0, MAX_HIGHLIGHT).forEach(function (id) {
        if (typeof id === "string" && Object.prototype.hasOwnProperty.call(byId, id) && !wanted[id]) {
          wanted[id] = true;
          matched += 1;
        }
      });
      markers.forEach(function (a) {
        a.classList.toggle("ls-hl", !!wanted[a.getAttribute("data-ls-id")]);
      });
      Array.prototype.forEach.call(svg.querySelectorAll(".ls-layer text"), function (t) {
        t.classList.toggle("ls-hl", !!wanted[t.getAttribute("data-ls-for")]);
      });
      figure.classList.toggle("ls-has-hl", matched > 0);
      return matched;
    };
    this.shareUrl = function (ids) {
      var url = new URL(window.location.href);
      var known = (ids || []).filter(function (id) { return Object.prototype.hasOwnProperty.call(byId, id); });
      if (known.length) url.searchParams.set("highlight", known.join(","));
      else url.searchParams.delete("highlight");
      return url.href;
    };
    this.toSvg = function (x, y) {
      return { x: plot[0] + (x + 1) / 2 * (plot[2] - plot[0]), y: plot[1] + (y + 1) / 2 * (plot[3] - plot[1]) };
    };
    this.addPoint = function (x, y, opts) {
      opts = opts || {};
      var at = self.toSvg(Number(x), Number(y));
      var g = LS.svg("g", { "class": "ls-extra-point" });
      if (opts.id) g.id = String(opts.id);
      g.appendChild(LS.svg("circle", { cx: at.x, cy: at.y, r: (markerRatio * size).toFixed(3) }));
      if (opts.label) {
        var t = LS.svg("text", { x: at.x + markerRatio * size * 1.8, y: at.y + size * 0.35, "font-size": size.toFixed(3) });
        t.textContent = String(opts.label);
        g.appendChild(t);
      }
      extra.appendChild(g);
      return g;
    };
    this.clearPoints = function () {
      while (extra.firstChild) extra.removeChild(extra.firstChild);
    };

    var quadrant = figure.getAttribute("data-ls-quadrant");
    var fromUrl = new URLSearchParams(window.location.search).get("highlight");
    if (fromUrl) {
      this.highlight(fromUrl.split(",").map(function (s) { return s.trim(); }));
    } else if (quadrant) {
      this.highlight(markers.filter(function (a) { return a.getAttribute("data-ls-q") === quadrant; }).map(function (a) {
        return a.getAttribute("data-ls-id");
      }));
    }
    apply();
  }

  /*
   * Cleaning the map file before it joins the page. The file is our own build output, but it
   * comes from a cache on disk, and an inline SVG runs whatever a file could carry (event
   * attributes, animations that set links, links to script addresses, styles that fetch from
   * other hosts). So only what mapsvg.py writes is kept: its elements, its attributes with
   * values of the shape it writes, styles made of its own rules, and links that stay on this
   * site. Anything else is dropped, whatever it is called.
   */
  var ELEMENTS = { svg: 1, style: 1, g: 1, line: 1, polyline: 1, rect: 1, circle: 1, text: 1, a: 1, title: 1 };
  var NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?(?:px)?$/i;
  var NUMBERS = /^[-\d.,\se]*$/i;
  var WORD = /^[a-z-]+$/i;
  var COLOUR = /^(?:#[0-9a-f]{3,8}|[a-z]+)$/i;
  var ATTRIBUTES = {
    "class": /^[\w -]*$/,
    x: NUMBER, y: NUMBER, x1: NUMBER, y1: NUMBER, x2: NUMBER, y2: NUMBER, cx: NUMBER, cy: NUMBER, r: NUMBER,
    width: NUMBER, height: NUMBER, "font-size": NUMBER, "stroke-width": NUMBER,
    viewBox: NUMBERS, points: NUMBERS,
    "text-anchor": WORD, "font-weight": WORD,
    fill: COLOUR, stroke: COLOUR,
    "font-family": /^[\w ',-]*$/,
    transform: /^(?:\s*(?:translate|rotate|scale)\([-\d.,\se]*\))*\s*$/i,
  };
  var STYLE_CLASSES = /^\.ls-(?:ink|axis|layer|dot|hit|leader|join)(?:\[data-ls-size="[\d.]+"\])?$/;
  var STYLE_PROPERTIES = {
    fill: 1, stroke: 1, "stroke-width": 1, "stroke-linejoin": 1, "stroke-dasharray": 1, opacity: 1,
    display: 1, "pointer-events": 1, "paint-order": 1,
  };

  function cssValue(value) {
    // a colour may come from the theme's variables; no other function (url(), image(), …), no
    // escapes, quotes or comments: nothing that could name a resource
    var rest = value.replace(/var\(--[a-z0-9-]+(?:,\s*#[0-9a-f]{3,8})?\)/gi, "");
    return /^[\w#.%\s-]*$/.test(rest);
  }

  function declarations(text) {
    return text.split(";").every(function (part) {
      if (!part.trim()) return true;
      var colon = part.indexOf(":");
      if (colon < 0) return false;
      var name = part.slice(0, colon).trim().toLowerCase();
      return STYLE_PROPERTIES[name] === 1 && cssValue(part.slice(colon + 1));
    });
  }

  function styleSheet(text) {
    // rules of the map's own classes, optionally inside one @media on the colour scheme
    var rule = /^\s*([^{}@]+)\{([^{}]*)\}/;
    var media = /^\s*@media\s*\(prefers-color-scheme:\s*(?:dark|light)\)\s*\{/;
    var depth = 0;
    var m;
    text = text.trim();
    while (text) {
      if ((m = media.exec(text)) && depth === 0) {
        depth = 1;
      } else if (depth === 1 && (m = /^\s*\}/.exec(text))) {
        depth = 0;
      } else if ((m = rule.exec(text))) {
        var selectors = m[1].split(",").every(function (s) { return STYLE_CLASSES.test(s.trim()); });
        if (!selectors || !declarations(m[2])) return false;
      } else {
        return false;
      }
      text = text.slice(m[0].length).trim();
    }
    return depth === 0;
  }

  function sameSite(value, base) {
    // our links are relative to the file; anything that resolves off this site (another host,
    // javascript:, data:, …) is not a link of ours
    var url = LS.sameOrigin(value, base, window.location.origin);
    return url ? url.href : null;
  }

  function cleanAttributes(el, base) {
    Array.prototype.slice.call(el.attributes).forEach(function (attr) {
      var name = attr.name;
      var keep;
      if (attr.namespaceURI) {
        keep = false; // xlink:href, xml:base, …: namespaced attributes are not ours
      } else if (/^data-ls-[a-z-]+$/.test(name)) {
        keep = true; // data, read by this script as text
      } else if (name === "href" && el.localName === "a") {
        var href = sameSite(attr.value, base);
        if (href) el.setAttribute("href", href); // absolute: the page is not where the file is
        keep = !!href;
      } else if (name === "style") {
        keep = declarations(attr.value);
      } else {
        keep = Object.prototype.hasOwnProperty.call(ATTRIBUTES, name) && ATTRIBUTES[name].test(attr.value);
      }
      if (!keep) el.removeAttributeNode(attr);
    });
  }

  function clean(root, base) {
    // iterative: a deeply nested file cannot exhaust the stack
    var stack = [root];
    while (stack.length) {
      var el = stack.pop();
      Array.prototype.slice.call(el.childNodes).forEach(function (node) {
        if (node.nodeType === 3) return; // text
        var ours = node.nodeType === 1 && node.namespaceURI === SVG_NS && ELEMENTS[node.localName] === 1 && node !== root;
        if (ours && node.localName === "style" && (node.children.length || !styleSheet(node.textContent))) ours = false;
        if (ours && node.localName === "svg") ours = false; // one root
        if (!ours) el.removeChild(node);
        else stack.push(node);
      });
      cleanAttributes(el, base);
    }
  }

  function load(figure) {
    var url = figure.getAttribute("data-ls-map");
    var view = figure.querySelector(".ls-map-view");
    if (!url || !view || !window.fetch || !window.DOMParser) return Promise.resolve(null);
    var base = LS.sameOrigin(url, document.baseURI, window.location.origin);
    if (!base) return Promise.resolve(null);
    return LS.fetchFile(base.href, "text")
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "image/svg+xml");
        var root = doc.documentElement;
        if (!root || root.namespaceURI !== SVG_NS || doc.getElementsByTagName("parsererror").length) {
          throw new Error("map: not an SVG");
        }
        clean(root, base);
        var svg = document.importNode(root, true);
        svg.setAttribute("role", "group");
        svg.setAttribute("aria-labelledby", figure.querySelector("figcaption") ? figure.querySelector("figcaption").id : "");
        while (view.firstChild) view.removeChild(view.firstChild);
        view.appendChild(svg);
        figure.classList.add("ls-map--live");
        var map = new Map(figure, svg);
        api.maps.push(map);
        return map;
      });
  }

  function start() {
    var figures = document.querySelectorAll("figure.ls-map[data-ls-map]");
    if (!figures.length) {
      resolveReady(null);
      return;
    }
    Array.prototype.forEach.call(figures, function (figure, i) {
      load(figure).then(function (map) {
        if (i === 0) resolveReady(map);
        if (map) document.dispatchEvent(new CustomEvent("ls-map:ready", { detail: map }));
      }, function (err) {
        figure.classList.add("ls-map--failed");
        if (i === 0) resolveReady(null);
        if (window.console) console.warn(String(err));
      });
    });
  }

  if (LS) LS.onReady(start);
  else resolveReady(null); // without the shared helpers the page keeps its plain figure
})();
