/* dealgraph page script: draws the graph held in the #dg-data JSON block with vis-network and builds the
 * search box, the circular-deal list, the relation and date filters, the legend, tooltips and details panel.
 * Every name and sentence comes from untrusted articles: they reach the page only through textContent,
 * element properties and vis-network's canvas text, never innerHTML or attributes parsed as markup. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("dg-data").textContent);
  var meta = data.meta;
  var FONT = getComputedStyle(document.body).fontFamily || "sans-serif";
  var MONEY = ["investedIn", "buysFrom"];
  var GLYPHS = {dot: "\u25CF", diamond: "\u25C6", square: "\u25A0", triangle: "\u25B2", star: "\u2605",
    hexagon: "\u2B22"};
  var nodeById = new Map(), edgesOf = new Map(), predicateStyle = new Map();
  var state = {hidden: new Set(), from: "", to: "", undated: true, isolated: true};
  var network, nodesDS, edgesDS, stableAt = null, resolveStable, timings = {script: performance.now()};
  var stable = new Promise(function (resolve) { resolveStable = resolve; });

  // ------------------------------------------------------------------------------------------- DOM helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  function safeUrl(text) {
    try {
      var url = new URL(text);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function darker(hex) {
    var n = parseInt(hex.slice(1), 16), f = 0.7;
    var r = Math.round(((n >> 16) & 255) * f), g = Math.round(((n >> 8) & 255) * f), b = Math.round((n & 255) * f);
    return "#" + ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
  }

  // ------------------------------------------------------------------------------------------- indexes

  function buildIndexes() {
    data.predicates.forEach(function (p) { predicateStyle.set(p.name, p); });
    data.nodes.forEach(function (n) { nodeById.set(n.id, n); edgesOf.set(n.id, []); });
    data.edges.forEach(function (e) {
      e.visible = true;
      edgesOf.get(e.from).push(e);
      if (e.to !== e.from) edgesOf.get(e.to).push(e);
    });
  }

  function styleOf(predicate) {
    return predicateStyle.get(predicate) || {color: "#b0b0b0", dashes: [4, 4], arrows: "to", label: predicate};
  }

  function typeStyle(n) { return data.types[n.type] || data.types.Other; }

  // ------------------------------------------------------------------------------------------- tooltips

  function line(box, key, value) {
    if (!value) return;
    var row = el("div", "dg-tip-line");
    row.appendChild(el("span", "dg-tip-key", key + ": "));
    row.appendChild(document.createTextNode(String(value)));
    box.appendChild(row);
  }

  function more(box, total, shown) {
    if (total > shown) box.appendChild(el("div", "dg-tip-key", "+ " + (total - shown) + " more"));
  }

  function relationLine(n, e) {
    var out = e.from === n.id, other = nodeById.get(out ? e.to : e.from);
    var facts = [styleOf(e.predicate).label, e.amount, e.date, e.status].filter(Boolean).join(", ");
    return (out ? "\u2192 " : "\u2190 ") + other.label + ": " + facts;
  }

  function nodeInfo(n, full) {
    var box = el("div", "dg-tip");
    box.appendChild(el("div", "dg-tip-title", n.label));
    var kind = n.type + (n.group ? " \u00B7 group of " + n.group + " leaves" : "");
    box.appendChild(el("div", "dg-tip-kind", kind));
    if (n.cycle) box.appendChild(el("div", "dg-tip-cycle", "in a circular deal"));
    var names = n.names.slice(0, full ? 40 : 8);
    line(box, "also", names.join(" \u00B7 "));
    more(box, n.names.length, names.length);
    line(box, "valuation", n.valuation);
    if (n.members) {
      box.appendChild(el("div", "dg-tip-head", "members"));
      var members = n.members.slice(0, full ? 60 : 12);
      members.forEach(function (m) { box.appendChild(el("div", "dg-tip-line", m)); });
      more(box, n.group, members.length);
    }
    var edges = edgesOf.get(n.id), limit = full ? 60 : 8;
    if (edges.length) box.appendChild(el("div", "dg-tip-head", "relations (" + edges.length + ")"));
    edges.slice(0, limit).forEach(function (e) { box.appendChild(el("div", "dg-tip-line", relationLine(n, e))); });
    more(box, edges.length, Math.min(limit, edges.length));
    if (full) box.appendChild(el("div", "dg-tip-src", n.iri));
    return box;
  }

  function sourceLine(src, full) {
    var url = full ? safeUrl(src) : null;
    if (!url) return el("div", "dg-tip-src", src);
    var link = el("a", "dg-tip-src", src);
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    var row = el("div");
    row.appendChild(link);
    return row;
  }

  function edgeInfo(e, full) {
    var box = el("div", "dg-tip"), style = styleOf(e.predicate);
    var a = nodeById.get(e.from).label, b = nodeById.get(e.to).label;
    box.appendChild(el("div", "dg-tip-title", a + (style.arrows ? " \u2192 " : " \u2194 ") + b));
    box.appendChild(el("div", "dg-tip-kind", style.label + (e.count ? " \u00B7 " + e.count + " relations grouped" : "")));
    if (e.cycle) box.appendChild(el("div", "dg-tip-cycle", "part of a circular deal"));
    line(box, "amount", e.amount);
    line(box, "date", e.date);
    line(box, "status", e.status);
    var evidence = e.evidence.slice(0, full ? 10 : 2), sources = e.sources.slice(0, full ? 10 : 3);
    if (evidence.length) box.appendChild(el("div", "dg-tip-head", "evidence"));
    evidence.forEach(function (s) { box.appendChild(el("div", "dg-tip-quote", "\u201C" + s + "\u201D")); });
    more(box, e.evidence.length, evidence.length);
    if (sources.length) box.appendChild(el("div", "dg-tip-head", "sources"));
    sources.forEach(function (s) { box.appendChild(sourceLine(s, full)); });
    more(box, e.sources.length, sources.length);
    return box;
  }

  function cycleInfo(c) {
    var box = el("div", "dg-tip");
    box.appendChild(el("div", "dg-tip-title", cyclePath(c)));
    box.appendChild(el("div", "dg-tip-cycle", "circular deal: money flows round " + c.nodes.length + " entities"));
    c.edges.forEach(function (id) {
      var part = edgeInfo(data.edges[id], true);
      part.style.marginTop = "10px";
      box.appendChild(part);
    });
    return box;
  }

  // ------------------------------------------------------------------------------------------- network

  function visNode(n) {
    var style = typeStyle(n), border = n.cycle ? data.cycleColor : darker(style.color);
    var node = {
      id: n.id, label: shorten(n.label, 34), shape: n.group ? "hexagon" : style.shape, size: n.size,
      borderWidth: n.cycle ? 3 : 1.2, title: nodeInfo(n, false),
      color: {background: style.color, border: border, highlight: {background: style.color, border: "#111"},
        hover: {background: style.color, border: "#111"}}
    };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }

  function visEdge(e) {
    var style = styleOf(e.predicate), color = e.cycle ? data.cycleColor : style.color;
    var edge = {
      id: e.id, from: e.from, to: e.to, width: e.cycle ? e.width + 1.5 : e.width,
      dashes: e.cycle ? false : style.dashes, title: edgeInfo(e, false),
      color: {color: color, highlight: color, hover: color, opacity: e.cycle ? 1 : 0.7},
      arrows: {to: {enabled: Boolean(style.arrows), scaleFactor: 0.55}}
    };
    if (e.curve) edge.smooth = {enabled: true, type: "curvedCW", roundness: e.curve};
    return edge;
  }

  function options() {
    var n = data.nodes.length, positioned = data.nodes.length > 0 && data.nodes[0].x !== undefined;
    return {
      autoResize: true,
      nodes: {font: {size: 14, face: FONT, color: "#1d2733", strokeWidth: 3, strokeColor: "#ffffff"},
        scaling: {label: {drawThreshold: n > 300 ? 7 : 5}}},
      edges: {smooth: false, arrowStrikethrough: false, selectionWidth: 1.5, hoverWidth: 0.6},
      layout: {improvedLayout: !positioned && n <= 100, randomSeed: 7},
      physics: meta.physics ? {
        enabled: true, solver: "barnesHut", timestep: 0.5, minVelocity: 0.75, maxVelocity: 40,
        barnesHut: {gravitationalConstant: -4000, centralGravity: 0.7, springLength: 110, springConstant: 0.04,
          damping: 0.35, avoidOverlap: 0.2},
        stabilization: {enabled: true, iterations: meta.iterations, updateInterval: 25, fit: true}
      } : {enabled: false},
      interaction: {hover: n <= 3000, tooltipDelay: 120, hideEdgesOnDrag: n > 500, hideEdgesOnZoom: n > 1500,
        multiselect: true, keyboard: {enabled: false}}
    };
  }

  function markStable() {
    if (stableAt !== null) return;
    stableAt = timings.stable = performance.now();
    byId("dg-status").textContent = "laid out in " + (stableAt / 1000).toFixed(1) + " s";
    document.documentElement.setAttribute("data-dg-stable", "1");
    resolveStable({ms: stableAt, timings: timings, nodes: data.nodes.length, edges: data.edges.length});
  }

  function createNetwork() {
    nodesDS = new vis.DataSet(data.nodes.map(visNode));
    edgesDS = new vis.DataSet(data.edges.map(visEdge));
    byId("dg-status").textContent = "laying out\u2026";
    network = new vis.Network(byId("dg-network"), {nodes: nodesDS, edges: edgesDS}, options());
    if (!data.nodes.length) {
      byId("dg-status").textContent = "nothing to draw";
      markStable();
    } else if (meta.physics) {
      network.on("stabilizationProgress", function (p) {
        byId("dg-status").textContent = "laying out\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
      });
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({physics: {enabled: false}});
        network.once("afterDrawing", markStable);
        network.redraw();
      });
    } else {
      network.once("afterDrawing", markStable);
      network.fit();
    }
    network.on("click", onClick);
    byId("dg-network").addEventListener("mouseleave", function () {
      var tip = document.querySelector("div.vis-tooltip");  // vis-network hides it only on moves inside the canvas
      if (tip) tip.style.visibility = "hidden";
    });
    timings.network = performance.now();
  }

  // ------------------------------------------------------------------------------------------- details

  function showDetails(box) {
    var body = byId("dg-details-body");
    clear(body);
    body.appendChild(box);
    byId("dg-details").hidden = false;
  }

  function hideDetails() { byId("dg-details").hidden = true; }

  function onClick(params) {
    if (params.nodes.length) showDetails(nodeInfo(nodeById.get(params.nodes[0]), true));
    else if (params.edges.length) showDetails(edgeInfo(data.edges[params.edges[0]], true));
    else hideDetails();
  }

  var ANIMATION = {duration: 450, easingFunction: "easeInOutQuad"};

  function panelShift() {
    var panel = byId("dg-details");
    return panel.hidden ? 0 : panel.offsetWidth + 20;
  }

  function showNodes(ids) {
    // Centre the nodes in the part of the canvas the details panel leaves free, zoomed to fit (at most 1.4x).
    var pos = network.getPositions(ids), xs = [], ys = [];
    ids.forEach(function (id) { xs.push(pos[id].x); ys.push(pos[id].y); });
    var box = byId("dg-network"), shift = panelShift(), margin = 90;
    var width = Math.max(1, Math.max.apply(null, xs) - Math.min.apply(null, xs));
    var height = Math.max(1, Math.max.apply(null, ys) - Math.min.apply(null, ys));
    var scale = Math.min(1.4, (box.clientWidth - shift - 2 * margin) / width, (box.clientHeight - 2 * margin) / height);
    network.moveTo({position: {x: (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2,
      y: (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2}, scale: Math.max(scale, 0.05),
      offset: {x: -shift / 2, y: 0}, animation: ANIMATION});
  }

  function focusNode(id) {
    var n = nodeById.get(id);
    if (!n) return false;
    if (nodesDS.get(id).hidden) nodesDS.update({id: id, hidden: false});
    network.selectNodes([id], true);
    showDetails(nodeInfo(n, true));
    network.focus(id, {scale: Math.max(network.getScale(), 1.1), offset: {x: -panelShift() / 2, y: 0},
      animation: ANIMATION});
    return true;
  }

  // ------------------------------------------------------------------------------------------- search

  function norm(text) { return String(text).normalize("NFKC").toLowerCase(); }

  function searchIndex() {
    return data.nodes.map(function (n) { return {node: n, names: [n.label].concat(n.names).map(norm)}; });
  }

  function search(query, index) {
    var q = norm(query).trim();
    if (!q) return [];
    var hits = [];
    index.forEach(function (entry) {
      var best = 9, matched = null;
      entry.names.forEach(function (name, i) {
        var score = name === q ? 0 : name.indexOf(q) === 0 ? 1 : name.indexOf(q) > 0 ? 2 : 9;
        if (score < best) { best = score; matched = i; }
      });
      if (best < 9) hits.push({node: entry.node, score: best, name: matched});
    });
    hits.sort(function (a, b) {
      return a.score - b.score || edgesOf.get(b.node.id).length - edgesOf.get(a.node.id).length;
    });
    return hits.slice(0, 12);
  }

  function resultItem(hit) {
    var li = el("li", null, hit.node.label);
    var other = hit.name > 0 ? hit.node.names[hit.name - 1] : null;
    li.appendChild(el("span", "dg-sub", hit.node.type + (other ? " \u00B7 " + other : "")));
    li.tabIndex = 0;
    li.addEventListener("click", function () { focusNode(hit.node.id); });
    li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") focusNode(hit.node.id); });
    return li;
  }

  function setupSearch() {
    var input = byId("dg-search"), list = byId("dg-search-results"), index = searchIndex(), hits = [];
    input.addEventListener("input", function () {
      hits = search(input.value, index);
      clear(list);
      hits.forEach(function (hit) { list.appendChild(resultItem(hit)); });
      if (input.value.trim() && !hits.length) list.appendChild(el("li", "dg-sub", "no entity has that name"));
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && hits.length) { ev.preventDefault(); focusNode(hits[0].node.id); }
    });
    return function (query) { hits = search(query, index); return hits.length ? focusNode(hits[0].node.id) : false; };
  }

  // ------------------------------------------------------------------------------------------- cycles

  function cyclePath(c) {
    var labels = c.nodes.map(function (id) { return nodeById.get(id).label; });
    return labels.concat(labels.slice(0, 1)).join(" \u2192 ");
  }

  function cycleSummary(c) {
    return c.edges.map(function (id) {
      var e = data.edges[id];
      return [styleOf(e.predicate).label, e.amount].filter(Boolean).join(" ");
    }).join(" \u00B7 ");
  }

  function selectCycle(i) {
    var c = data.cycles[i];
    if (!c) return false;
    c.nodes.forEach(function (id) { if (nodesDS.get(id).hidden) nodesDS.update({id: id, hidden: false}); });
    network.setSelection({nodes: c.nodes, edges: c.edges}, {unselectAll: true, highlightEdges: false});
    Array.prototype.forEach.call(byId("dg-cycles").children, function (li, j) {
      li.classList.toggle("dg-active", j === i);
    });
    showDetails(cycleInfo(c));
    showNodes(c.nodes);
    return true;
  }

  function setupCycles() {
    var list = byId("dg-cycles");
    byId("dg-cycle-count").textContent = String(meta.cyclesFound);
    if (meta.cyclesFound > data.cycles.length) {
      list.parentNode.insertBefore(el("p", "dg-note", "the " + data.cycles.length + " strongest of " +
        meta.cyclesFound), list);
    }
    if (!data.cycles.length) list.appendChild(el("li", "dg-sub", "none among the entities drawn"));
    data.cycles.forEach(function (c, i) {
      var li = el("li");
      li.appendChild(el("span", "dg-path", cyclePath(c)));
      li.appendChild(el("span", "dg-sub", cycleSummary(c)));
      li.tabIndex = 0;
      li.addEventListener("click", function () { selectCycle(i); });
      li.addEventListener("keydown", function (ev) { if (ev.key === "Enter") selectCycle(i); });
      list.appendChild(li);
    });
  }

  // ------------------------------------------------------------------------------------------- filters

  function dateBound(date, end) {
    var d = String(date).slice(0, 10);
    if (d.length === 4) return d + (end ? "-12-31" : "-01-01");
    if (d.length === 7) return d + (end ? "-31" : "-01");
    return d;
  }

  function edgeVisible(e) {
    if (state.hidden.has(e.predicate)) return false;
    if (!e.date) return state.undated;
    if (state.from && dateBound(e.date, true) < state.from) return false;
    return !(state.to && dateBound(e.date, false) > state.to);
  }

  function applyFilters() {
    var edgeChanges = [], nodeChanges = [], shown = 0;
    data.edges.forEach(function (e) {
      var visible = edgeVisible(e);
      if (visible !== e.visible) { e.visible = visible; edgeChanges.push({id: e.id, hidden: !visible}); }
      if (visible) shown += 1;
    });
    data.nodes.forEach(function (n) {
      var edges = edgesOf.get(n.id);
      var hidden = edges.length ? !edges.some(function (e) { return e.visible; }) : !state.isolated;
      if (hidden !== Boolean(n.hidden)) { n.hidden = hidden; nodeChanges.push({id: n.id, hidden: hidden}); }
    });
    edgesDS.update(edgeChanges);
    nodesDS.update(nodeChanges);
    updateStats(shown);
    return shown;
  }

  function relationRow(p) {
    var row = el("label", "dg-rel" + (p.count ? "" : " dg-empty"));
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = p.name;
    box.addEventListener("change", function () {
      if (box.checked) state.hidden.delete(p.name); else state.hidden.add(p.name);
      applyFilters();
    });
    var swatch = el("span", "dg-swatch-line");
    swatch.style.borderTopColor = p.color;
    swatch.style.borderTopStyle = p.dashes ? (p.dashes[0] <= 2 ? "dotted" : "dashed") : "solid";
    row.appendChild(box);
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(p.label + (p.arrows ? " \u2192" : " \u2194")));
    row.appendChild(el("span", "dg-n", p.count));
    return row;
  }

  function setRelations(names) {
    byId("dg-relations").querySelectorAll("input").forEach(function (box) {
      box.checked = names === null || names.indexOf(box.value) >= 0;
      if (box.checked) state.hidden.delete(box.value); else state.hidden.add(box.value);
    });
    applyFilters();
  }

  function setupFilters() {
    var box = byId("dg-relations"), cycleRow = el("div", "dg-rel"), swatch = el("span", "dg-swatch-line");
    swatch.style.borderTop = "4px solid " + data.cycleColor;
    cycleRow.appendChild(swatch);
    cycleRow.appendChild(document.createTextNode("circular deal (money cycle)"));
    box.appendChild(cycleRow);
    data.predicates.forEach(function (p) { box.appendChild(relationRow(p)); });
    byId("dg-rel-all").addEventListener("click", function () { setRelations(null); });
    byId("dg-rel-money").addEventListener("click", function () { setRelations(MONEY); });
    var from = byId("dg-date-from"), to = byId("dg-date-to"), undated = byId("dg-undated");
    var isolated = byId("dg-isolated");
    if (meta.dates) {
      from.min = to.min = meta.dates[0];
      from.max = to.max = meta.dates[1];
      byId("dg-date-span").textContent = "relations dated " + meta.dates[0] + " to " + meta.dates[1];
    }
    function onChange() {
      state.from = from.value;
      state.to = to.value;
      state.undated = undated.checked;
      state.isolated = isolated.checked;
      applyFilters();
    }
    [from, to, undated, isolated].forEach(function (input) { input.addEventListener("change", onChange); });
  }

  // ------------------------------------------------------------------------------------------- legend, header

  function setupLegend() {
    var legend = byId("dg-legend"), present = new Set(data.nodes.map(function (n) { return n.type; }));
    Object.keys(data.types).forEach(function (name) {
      var t = data.types[name];
      if (name === "Other" && !present.has("Other")) return;
      var row = el("div", "dg-legend-item"), glyph = el("span", "dg-glyph", GLYPHS[t.shape] || GLYPHS.dot);
      glyph.style.color = t.color;
      row.appendChild(glyph);
      row.appendChild(document.createTextNode(t.label));
      legend.appendChild(row);
    });
    if (data.nodes.some(function (n) { return n.group; })) {
      var row = el("div", "dg-legend-item");
      var hexagon = el("span", "dg-glyph", GLYPHS.hexagon);
      hexagon.style.color = "#7b8794";
      row.appendChild(hexagon);
      row.appendChild(document.createTextNode("group of leaves of one hub"));
      legend.appendChild(row);
    }
  }

  function updateStats(shownEdges) {
    var parts = [data.nodes.length + " entities", shownEdges + (shownEdges === data.edges.length ? "" :
      " of " + data.edges.length) + " relations", meta.cyclesFound + " circular deals"];
    if (meta.entities > data.nodes.length) parts.push("grouped from " + meta.entities);
    if (meta.focus) parts.push("around \u201C" + meta.focus + "\u201D, depth " + meta.depth);
    byId("dg-stats").textContent = parts.join(" \u00B7 ");
  }

  // ------------------------------------------------------------------------------------------- start

  function start() {
    buildIndexes();
    setupLegend();
    setupFilters();
    setupCycles();
    var searchFor = setupSearch();
    byId("dg-details-close").addEventListener("click", hideDetails);
    updateStats(data.edges.length);
    createNetwork();
    window.dealgraph = {data: data, network: network, nodes: nodesDS, edges: edgesDS, stable: stable,
      focusNode: focusNode, search: searchFor, selectCycle: selectCycle, applyFilters: applyFilters,
      setRelations: setRelations};
  }

  start();
}());
