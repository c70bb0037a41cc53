"""``d3viz``: an interactive HTML page showing a graph (Theano 1.0's ``theano.d3viz.d3viz``).

The page is one self-contained file: the layout is computed here (``layout.py``), the graph and
the positions are embedded as JSON, and a small inline script draws them as SVG and adds
panning (drag), zooming (wheel, buttons), highlighting on hover, a details panel on click and a
search box. Nothing is fetched from the network, so it works offline.
"""

import html
import json
import os

from theano.d3viz.layout import layered_layout
from theano.d3viz.model import build_model

__all__ = ["d3viz", "d3write", "page_html"]


def _layout_model(model, _done=None):
    done = set() if _done is None else _done
    if id(model) in done:  # an inner graph shared by several nodes is laid out once
        return model
    done.add(id(model))
    nodes = model["nodes"]
    for n in nodes:
        if "inner" in n:
            _layout_model(n["inner"], done)
    sizes = {n["id"]: (n["w"], n["h"]) for n in nodes}
    pinned = [n["id"] for n in nodes if n["kind"] == "input"]
    pairs = [(e["src"], e["dst"]) for e in model["edges"]]
    pos, routes, (width, height) = layered_layout([n["id"] for n in nodes], sizes, pairs,
                                                  pinned_top=pinned)
    for n in nodes:
        n["x"], n["y"] = (round(v, 1) for v in pos[n["id"]])
    for e, pts in zip(model["edges"], routes):
        e["points"] = [[round(a, 1), round(b, 1)] for a, b in pts]
    model["width"], model["height"] = round(width, 1), round(height, 1)
    return model


def page_html(fct):
    """The HTML text of the page ``d3viz`` writes for ``fct``."""
    model = _layout_model(build_model(fct))
    data = json.dumps(model, separators=(",", ":"))
    # keep the JSON inert inside <script>: no "</script" or "<!--" can end or comment it out
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (_PAGE.replace("@TITLE@", html.escape(model["title"]))
                 .replace("@DATA@", data)
                 .replace("@STYLE@", _STYLE)
                 .replace("@SCRIPT@", _SCRIPT))


def d3viz(fct, outfile, copy_deps=True, *args, **kwargs):
    """Write an interactive HTML view of the graph of ``fct`` (a compiled function, a
    FunctionGraph, a variable or a list of variables) to ``outfile``.

    Open the file in a browser: drag to pan, the wheel (or the +/- buttons) to zoom, hover a
    node to highlight its edges, click it to see its op, types, static shapes and, for a
    function compiled with ``profile=True`` and called, its time, share of the node time, calls,
    the input shapes seen and how the backend ran it. Nodes of a profiled function are shaded
    by their share of the time. The page is self-contained (no scripts are loaded from the
    network), so ``copy_deps`` (Theano copied its JavaScript libraries next to the page) has
    nothing to do and is accepted for compatibility. ``page.html#node=n3`` opens the page with
    node ``n3`` selected, ``page.html#find=softmax`` with the first node matching "softmax".
    Returns ``outfile``."""
    if args or kwargs:
        raise TypeError("d3viz: unexpected arguments "
                        f"{', '.join([repr(a) for a in args] + list(kwargs))}")
    if not isinstance(outfile, (str, os.PathLike)):
        raise TypeError(f"d3viz: outfile must be a path, got {type(outfile).__name__}")
    text = page_html(fct)
    outfile = os.fspath(outfile)
    folder = os.path.dirname(os.path.abspath(outfile))
    os.makedirs(folder, exist_ok=True)
    with open(outfile, "w", encoding="utf-8") as fh:
        fh.write(text)
    return outfile


def d3write(fct, path, *args, **kwargs):
    """Write the Graphviz DOT text of ``fct``'s graph to ``path`` (keyword arguments are
    ``pydotprint``'s drawing options: ``compact``, ``with_ids``, ...)."""
    from theano.printing import _dot_source

    text = _dot_source(fct, *args, **kwargs)
    with open(os.fspath(path), "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@ \u2014 theano d3viz</title>
<style>@STYLE@</style>
</head>
<body>
<header>
  <span id="crumbs"><strong>@TITLE@</strong></span>
  <span id="summary"></span>
  <input id="search" type="search" placeholder="find a node (op, name, type)" autocomplete="off">
  <button id="zoom-in" title="zoom in">+</button>
  <button id="zoom-out" title="zoom out">\u2212</button>
  <button id="fit" title="fit the graph in the window">fit</button>
</header>
<main>
  <div id="stage"><svg id="canvas" xmlns="http://www.w3.org/2000/svg"></svg>
    <noscript><p class="noscript">This page draws the graph with JavaScript; enable it to see
    the picture.</p></noscript>
  </div>
  <aside id="details"><p class="hint">Click a node to see its details.</p></aside>
</main>
<footer id="legend"></footer>
<script type="application/json" id="graph-data">@DATA@</script>
<script>@SCRIPT@</script>
</body>
</html>
"""

_STYLE = """
html, body { margin: 0; height: 100%; font: 13px/1.35 system-ui, -apple-system, "Segoe UI",
  "DejaVu Sans", sans-serif; color: #1d2330; background: #f6f7f9; }
body { display: flex; flex-direction: column; }
header { display: flex; gap: 8px; align-items: center; padding: 6px 10px; background: #fff;
  border-bottom: 1px solid #d6d9de; }
header #summary { color: #556; flex: 1; }
header #crumbs a { color: #1a55c4; cursor: pointer; }
header input { width: 240px; padding: 3px 6px; }
header button { min-width: 30px; padding: 2px 8px; cursor: pointer; }
main { flex: 1; display: flex; min-height: 0; }
#stage { flex: 1; position: relative; overflow: hidden; cursor: grab; }
#stage.dragging { cursor: grabbing; }
#canvas { width: 100%; height: 100%; display: block; user-select: none; }
#details { width: 320px; overflow: auto; padding: 8px 12px; background: #fff;
  border-left: 1px solid #d6d9de; }
#details h3 { margin: 4px 0 8px; font-size: 14px; word-break: break-all; }
#details table { border-collapse: collapse; width: 100%; }
#details td { vertical-align: top; padding: 2px 4px; border-bottom: 1px solid #eee;
  word-break: break-all; }
#details td.k { color: #556; white-space: nowrap; word-break: normal; }
#details pre { margin: 0; font-size: 11px; white-space: pre-wrap; }
#details a { color: #1a55c4; cursor: pointer; }
.hint, .noscript { color: #778; }
footer { padding: 4px 10px; background: #fff; border-top: 1px solid #d6d9de; color: #445; }
footer .sw { display: inline-block; width: 12px; height: 12px; vertical-align: -2px;
  border: 1px solid #555; margin: 0 3px 0 10px; }
.node { cursor: pointer; }
.node .shape { stroke: #3b4252; stroke-width: 1.2; }
.node text { font-size: 12px; fill: #111; pointer-events: none; }
.node text.sub { font-size: 11px; fill: #333; }
.kind-apply .shape { fill: #ffd9df; }
.kind-apply.op-Scan .shape { fill: #fff3a6; }
.kind-apply.op-IfElse .shape { fill: #f6c6f6; }
.kind-input .shape { fill: #74d66d; }
.kind-shared .shape { fill: #a9e8a3; }
.kind-constant .shape { fill: #dfe9d6; }
.kind-output .shape { fill: #6fb2ff; }
.edge path { fill: none; stroke: #606878; stroke-width: 1.3; }
.edge.kind-destroy path { stroke: #d12b2b; stroke-width: 2; }
.edge.kind-view path { stroke: #2b5fd1; stroke-dasharray: 5 3; }
.dim { opacity: 0.18; }
.hl .shape { stroke: #e07b00; stroke-width: 3; }
.edge.hl path { stroke: #e07b00; stroke-width: 2.5; }
.sel .shape { stroke: #0a56d6; stroke-width: 3.5; }
.match .shape { stroke: #0a9d58; stroke-width: 3.5; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var TOP = JSON.parse(document.getElementById("graph-data").textContent);
  var G = TOP, path = [];  // the graph shown, and the nodes opened to reach it
  var svg = document.getElementById("canvas");
  var stage = document.getElementById("stage");
  var byId = {}, nodeEls = {}, edgeEls = [], incident = {};
  var view = { x: 0, y: 0, k: 1 };

  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function heat(share) {  // white -> red as a node takes more of the time
    var s = Math.max(0, Math.min(1, share || 0));
    var g = Math.round(235 - 185 * Math.sqrt(s)), b = Math.round(238 - 198 * Math.sqrt(s));
    return "rgb(255," + g + "," + b + ")";
  }

  function edgePath(p) {
    var d = "M" + p[0][0] + "," + p[0][1];
    for (var i = 1; i < p.length; i++) {
      var a = p[i - 1], b = p[i], my = (a[1] + b[1]) / 2;
      d += " C" + a[0] + "," + my + " " + b[0] + "," + my + " " + b[0] + "," + b[1];
    }
    return d;
  }

  var defs = el("defs", {}, svg);
  var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
    markerUnits: "userSpaceOnUse", markerWidth: "9", markerHeight: "9",
    orient: "auto-start-reverse" }, defs);
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#606878" }, marker);
  var root = el("g", { id: "viewport" }, svg);
  var edgeLayer = el("g", { "class": "edges" }, root);
  var nodeLayer = el("g", { "class": "nodes" }, root);

  function draw(M) {
    G = M;
    byId = {}; nodeEls = {}; edgeEls = []; incident = {};
    while (edgeLayer.firstChild) edgeLayer.removeChild(edgeLayer.firstChild);
    while (nodeLayer.firstChild) nodeLayer.removeChild(nodeLayer.firstChild);
    G.nodes.forEach(function (n) { byId[n.id] = n; incident[n.id] = []; });
    G.edges.forEach(function (e, i) {
      var g = el("g", { "class": "edge kind-" + e.kind, "data-src": e.src, "data-dst": e.dst },
                 edgeLayer);
      el("path", { d: edgePath(e.points), "marker-end": "url(#arrow)" }, g);
      el("title", {}, g).textContent = e.label + (e.var ? " (" + e.var + ")" : "");
      edgeEls.push(g);
      incident[e.src].push(i);
      incident[e.dst].push(i);
    });
    G.nodes.forEach(function (n) {
      var cls = "node kind-" + n.kind + (n.optype ? " op-" + n.optype : "");
      var g = el("g", { "class": cls, "data-id": n.id,
                        transform: "translate(" + n.x + "," + n.y + ")" }, nodeLayer);
      var shape;
      if (n.kind === "apply") {
        shape = el("ellipse", { "class": "shape", rx: n.w / 2, ry: n.h / 2 }, g);
        if (G.profile) shape.style.fill = heat(n.share);
      } else {
        shape = el("rect", { "class": "shape", x: -n.w / 2, y: -n.h / 2, width: n.w,
                             height: n.h, rx: n.kind === "constant" ? 9 : 2 }, g);
      }
      var top = -(n.label.length - 1) * 7.5;
      n.label.forEach(function (line, i) {
        var t = el("text", { "class": i ? "sub" : "main", x: 0, y: top + i * 15,
                             "text-anchor": "middle", "dominant-baseline": "central" }, g);
        t.textContent = line;
      });
      el("title", {}, g).textContent = n.title;
      g.addEventListener("mouseenter", function () { highlight(n.id); });
      g.addEventListener("mouseleave", function () { highlight(null); });
      g.addEventListener("click", function (ev) { ev.stopPropagation(); select(n.id); });
      g.addEventListener("dblclick", function (ev) { ev.stopPropagation(); enter(n.id); });
      nodeEls[n.id] = g;
    });
    var nApply = G.nodes.filter(function (n) { return n.kind === "apply"; }).length;
    var summary = nApply + " apply node" + (nApply === 1 ? "" : "s") + ", " + G.edges.length + " edges";
    if (G.profile) summary += "; profiled: " + G.profile.calls + " call" +
      (G.profile.calls === 1 ? "" : "s") + ", " + G.profile.call_time + " in calls, " +
      G.profile.node_time + " in nodes";
    document.getElementById("summary").textContent = summary;
    drawCrumbs();
    svg.setAttribute("data-rendered-nodes", String(G.nodes.length));
    svg.setAttribute("data-rendered-edges", String(G.edges.length));
    svg.setAttribute("data-depth", String(path.length));
    select(null);
    fit();
  }

  // inner graphs (Scan, OpFromGraph): open a node, and come back through the breadcrumbs
  function drawCrumbs() {
    var bar = document.getElementById("crumbs");
    bar.textContent = "";
    var models = [TOP];
    path.forEach(function (n) { models.push(n.inner); });
    models.forEach(function (m, i) {
      if (i) bar.appendChild(document.createTextNode(" \u203a "));
      var a = document.createElement(i === models.length - 1 ? "strong" : "a");
      a.textContent = i ? (path[i - 1].title + " (inner graph)") : m.title;
      if (i < models.length - 1) a.addEventListener("click", function () {
        path = path.slice(0, i); draw(models[i]); });
      bar.appendChild(a);
    });
  }
  function enter(id) {
    var n = byId[id];
    if (!n || !n.inner) return;
    path.push(n);
    draw(n.inner);
  }

  function neighbours(id) {
    var s = {}; s[id] = true;
    incident[id].forEach(function (i) { s[G.edges[i].src] = true; s[G.edges[i].dst] = true; });
    return s;
  }

  function highlight(id) {
    var keep = id ? neighbours(id) : null;
    G.nodes.forEach(function (n) {
      var g = nodeEls[n.id];
      g.classList.toggle("dim", !!keep && !keep[n.id]);
      g.classList.toggle("hl", id === n.id);
    });
    edgeEls.forEach(function (g, i) {
      var on = !!id && (G.edges[i].src === id || G.edges[i].dst === id);
      g.classList.toggle("hl", on);
      g.classList.toggle("dim", !!id && !on);
    });
  }

  var panel = document.getElementById("details");
  function select(id) {
    Object.keys(nodeEls).forEach(function (k) { nodeEls[k].classList.toggle("sel", k === id); });
    panel.textContent = "";
    if (!id) { panel.innerHTML = '<p class="hint">Click a node to see its details.</p>'; return; }
    var n = byId[id];
    var h = document.createElement("h3"); h.textContent = n.title; panel.appendChild(h);
    var tbl = document.createElement("table"); tbl.id = "details-table";
    function row(k, v, isPre) {
      var tr = tbl.insertRow(), a = tr.insertCell(), b = tr.insertCell();
      a.className = "k"; a.textContent = k;
      if (isPre) { var pre = document.createElement("pre"); pre.textContent = v; b.appendChild(pre); }
      else if (v instanceof Node) b.appendChild(v);
      else b.textContent = v;
    }
    row("kind", n.kind);
    Object.keys(n.details).forEach(function (k) {
      var v = n.details[k]; row(k, v, v.indexOf("\n") >= 0);
    });
    function links(ids) {
      var span = document.createElement("span");
      ids.forEach(function (other, j) {
        if (j) span.appendChild(document.createTextNode(", "));
        var a = document.createElement("a"); a.textContent = byId[other].title.slice(0, 40);
        a.addEventListener("click", function () { select(other); centerOn(other); });
        span.appendChild(a);
      });
      return span;
    }
    var ins = [], outs = [];
    incident[id].forEach(function (i) {
      var e = G.edges[i];
      if (e.dst === id) ins.push(e.src); else outs.push(e.dst);
    });
    if (n.inner) {
      var open = document.createElement("a");
      open.id = "open-inner";
      open.textContent = "open the inner graph (" + n.inner.nodes.length + " nodes)";
      open.addEventListener("click", function () { enter(id); });
      row("open", open);
    }
    if (ins.length) row("from", links(ins));
    if (outs.length) row("to", links(outs));
    panel.appendChild(tbl);
  }

  function apply() {
    root.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")");
  }
  function fit() {
    var W = stage.clientWidth || 800, H = stage.clientHeight || 600;
    view.k = Math.min(W / G.width, H / G.height, 1.5);
    view.x = (W - G.width * view.k) / 2;
    view.y = (H - G.height * view.k) / 2;
    apply();
  }
  function zoomAt(f, cx, cy) {
    var k = Math.max(0.05, Math.min(8, view.k * f));
    view.x = cx - (cx - view.x) * (k / view.k);
    view.y = cy - (cy - view.y) * (k / view.k);
    view.k = k; apply();
  }
  function centerOn(id) {
    var n = byId[id], W = stage.clientWidth, H = stage.clientHeight;
    view.x = W / 2 - n.x * view.k; view.y = H / 2 - n.y * view.k; apply();
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    zoomAt(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    stage.classList.add("dragging");
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    view.x = drag.vx + dx; view.y = drag.vy + dy; apply();
  });
  window.addEventListener("pointerup", function () { drag = null; stage.classList.remove("dragging"); });
  svg.addEventListener("click", function () { if (!drag || !drag.moved) select(null); });
  document.getElementById("zoom-in").onclick = function () {
    zoomAt(1.25, stage.clientWidth / 2, stage.clientHeight / 2); };
  document.getElementById("zoom-out").onclick = function () {
    zoomAt(0.8, stage.clientWidth / 2, stage.clientHeight / 2); };
  document.getElementById("fit").onclick = fit;
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase(), first = null;
    G.nodes.forEach(function (n) {
      var hay = (n.title + " " + JSON.stringify(n.details)).toLowerCase();
      var m = q.length > 0 && hay.indexOf(q) >= 0;
      nodeEls[n.id].classList.toggle("match", m);
      if (m && !first) first = n.id;
    });
    if (first) centerOn(first);
  });

  var legend = document.getElementById("legend");
  [["input", "#74d66d"], ["shared variable", "#a9e8a3"], ["constant", "#dfe9d6"],
   ["apply node", G.profile ? heat(0.5) : "#ffd9df"], ["output", "#6fb2ff"]].forEach(function (p) {
    var s = document.createElement("span"); s.className = "sw"; s.style.background = p[1];
    legend.appendChild(s); legend.appendChild(document.createTextNode(p[0]));
  });
  legend.appendChild(document.createTextNode(
    "  \u2014 red edges: input overwritten (destroy_map); dashed blue: view" +
    (G.profile ? "; apply nodes shaded by their share of the time" : "")));
  draw(TOP);
  window.addEventListener("resize", fit);
  // links into the page: #node=<id> selects a node, #find=<text> searches and selects the first match
  function fromHash() {
    var h = decodeURIComponent((location.hash || "").slice(1)), id = null;
    var parts = h.split("&");
    if (parts[0].indexOf("open=") === 0) {
      path = []; draw(TOP); enter(parts[0].slice(5)); h = parts.slice(1).join("&");
    }
    if (h.indexOf("node=") === 0 && byId[h.slice(5)]) id = h.slice(5);
    if (h.indexOf("find=") === 0) {
      var box = document.getElementById("search");
      box.value = h.slice(5);
      box.dispatchEvent(new Event("input"));
      var m = document.querySelector(".node.match");
      if (m) id = m.getAttribute("data-id");
    }
    if (id) { select(id); centerOn(id); }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  document.body.classList.add("ready");
})();
"""
