"""The explorer page's script (plain JavaScript, no library): selecting nodes, drawing heatmaps,
stepping through backward, folding module boxes, and a self-test the browser test drives.

URL fragments: #select=op3 selects a node, #steps=2 replays two backward steps, and
#selftest=op3 clicks op3, steps backward three times and writes what the page showed, as JSON,
into <pre id="selftest"> (read by tests/viz/test_explore_browser.py)."""

SCRIPT = r"""
(function () {
"use strict";
const D = JSON.parse(document.getElementById("explore-data").textContent);
const svg = document.querySelector("#graph svg");
const details = document.getElementById("details"), code = document.getElementById("code");
const statusLine = document.getElementById("status");
const nodeG = {}, clusterG = {}, edges = [];
svg.querySelectorAll("g.node").forEach(g => { nodeG[g.querySelector("title").textContent] = g; });
svg.querySelectorAll("g.cluster").forEach(g => { clusterG[g.querySelector("title").textContent] = g; });
svg.querySelectorAll("g.edge").forEach(g => {
  const [from, to] = g.querySelector("title").textContent.split("->");
  edges.push({g, from, to});
});
const state = {step: 0, selected: null};

// ---- numbers and maps ----------------------------------------------------------------------
function fmt(x) {
  if (typeof x === "string") return x;
  if (x === 0) return "0";
  const a = Math.abs(x);
  return (a < 1e-3 || a >= 1e5) ? x.toExponential(3) : x.toPrecision(4);
}
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * Math.pow(2, -24);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * Math.pow(2, e - 15);
}
function decode(b64) {
  const bytes = atob(b64), out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = halfToFloat(bytes.charCodeAt(2 * i) | (bytes.charCodeAt(2 * i + 1) << 8));
  return out;
}
function colour(v, limit) {  // diverging: blue < 0 < red, white at 0
  if (!isFinite(v)) return "rgb(0,0,0)";
  const t = Math.min(1, Math.abs(v) / limit);
  const [r, g, b] = v >= 0 ? [178, 24, 43] : [33, 102, 172];
  return `rgb(${Math.round(255 + (r - 255) * t)},${Math.round(255 + (g - 255) * t)},${Math.round(255 + (b - 255) * t)})`;
}
function heatmap(m, caption, grid, size) {
  const values = decode(m.data);
  let limit = 0;
  values.forEach(v => { if (isFinite(v)) limit = Math.max(limit, Math.abs(v)); });
  limit = limit || 1;
  const cell = Math.max(2, Math.min(12, Math.floor((size || 96) / Math.max(m.h, m.w))));
  const canvas = document.createElement("canvas");
  canvas.width = m.w * cell; canvas.height = m.h * cell;
  const ctx = canvas.getContext("2d");
  for (let i = 0; i < m.h; i++) for (let j = 0; j < m.w; j++) {
    ctx.fillStyle = colour(values[i * m.w + j], limit);
    ctx.fillRect(j * cell, i * cell, cell, cell);
  }
  if (grid) {  // pooling windows, so the winner of each window can be found by eye
    ctx.strokeStyle = "rgba(0,0,0,0.18)"; ctx.lineWidth = 1;
    for (let i = grid[0]; i < m.h; i += grid[0]) { ctx.beginPath(); ctx.moveTo(0, i * cell + 0.5); ctx.lineTo(m.w * cell, i * cell + 0.5); ctx.stroke(); }
    for (let j = grid[1]; j < m.w; j += grid[1]) { ctx.beginPath(); ctx.moveTo(j * cell + 0.5, 0); ctx.lineTo(j * cell + 0.5, m.h * cell); ctx.stroke(); }
  }
  canvas.values = values; canvas.rows = m.h; canvas.cols = m.w;
  const fig = document.createElement("figure"), hover = document.createElement("div");
  hover.className = "hover";
  canvas.addEventListener("mousemove", e => {
    const i = Math.floor(e.offsetY / cell), j = Math.floor(e.offsetX / cell);
    if (i < m.h && j < m.w) hover.textContent = `${m.at}[${i}, ${j}] = ${fmt(values[i * m.w + j])}`;
  });
  const cap = document.createElement("figcaption");
  cap.textContent = `${caption} ${m.at} · ±${fmt(limit)}`;
  fig.append(cap, canvas, hover);
  return fig;
}
function mapsBlock(summary, caption, grid) {
  const box = document.createElement("div");
  if (!summary) return box;
  const row = document.createElement("div");
  row.className = "maps";
  summary.maps.forEach(m => row.append(heatmap(m, caption, grid)));
  box.append(row);
  if (summary.note) { const n = document.createElement("div"); n.className = "note"; n.textContent = summary.note; box.append(n); }
  return box;
}
const STATS = ["min", "max", "mean", "std", "norm", "zeros"];
function statsTable(rows) {
  const t = document.createElement("table");
  t.className = "stats";
  t.innerHTML = "<tr><th></th>" + STATS.map(s => `<th>${s === "norm" ? "‖·‖" : s}</th>`).join("") + "</tr>";
  rows.forEach(([name, summary]) => {
    if (!summary) return;
    const tr = document.createElement("tr");
    tr.dataset.row = name;
    tr.innerHTML = `<td>${name}</td>` + STATS.map(s => {
      const v = summary.stats[s];
      const text = v === undefined ? "" : s === "zeros" ? (100 * v).toFixed(1) + "%" : fmt(v);
      return `<td data-stat="${s}">${text}</td>`;
    }).join("");
    t.append(tr);
  });
  return t;
}

// ---- the panels ----------------------------------------------------------------------------
function shapeText(s) { return "(" + s.join(", ") + ")"; }
function vertexLink(id) {
  const v = D.vertices[id], a = document.createElement("a");
  a.className = "vertex"; a.textContent = v.label + (v.kind === "op" && v.scope ? ` (${v.scope})` : "");
  a.addEventListener("click", () => select(id));
  return a;
}
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function poolGrid(v) {
  if (!v.params || !/pool/.test(v.name)) return null;
  const k = (v.params.kernel_size || "").match(/\d+/g), s = (v.params.stride || "").match(/\d+/g);
  return k && s && k[0] === s[0] && k[1] === s[1] ? [Number(s[0]), Number(s[1])] : null;
}
function showOp(id) {
  const v = D.vertices[id];
  details.replaceChildren(el("h2", v.label));
  details.append(el("div", `op ${v.op}` + (v.scope ? ` · module ${v.scope}` + (v.module ? ` (${v.module})` : "") : " · outside any module"), "sub"));
  const keys = Object.keys(v.params);
  if (keys.length) {
    const t = el("table"); t.className = "params";
    keys.forEach(k => { const tr = el("tr"); tr.append(el("td", k), el("td", v.params[k])); t.append(tr); });
    details.append(el("h3", "hyper-parameters"), t);
  }
  details.append(el("h3", "forward"));
  v.inputs.forEach((inp, k) => {
    const line = el("div", `x${k} = `); line.append(vertexLink(inp), document.createTextNode(" " + shapeText(D.vertices[inp].shape)));
    details.append(line);
  });
  details.append(el("div", `y ${shapeText(v.shape)}`));
  details.append(statsTable([["y", v.value], ["dL/dy", v.grad]]));
  details.append(mapsBlock(v.value, "y"));
  details.append(el("h3", "backward"));
  if (!v.grad) { details.append(el("p", "No gradient reached this node (nothing before it requires grad).", "note")); }
  else {
    details.append(mapsBlock(v.grad, "dL/dy"));
    const grid = poolGrid(v);
    (D.flows[id] || []).forEach((f, k) => {
      const to = D.vertices[f.to], head = el("div", `to x${k} = `);
      head.append(vertexLink(f.to));
      details.append(head);
      if (f.grad === false) { details.append(el("div", "no gradient (it does not require grad)", "note")); return; }
      const passed = f.grad || to.grad;  // null: the input's whole gradient, stored on it
      details.append(statsTable([[`x${k}`, to.value], [`dL/dx${k}`, passed]]));
      // Each input channel beside the gradient it receives, large enough to find the cells.
      const big = 180;
      passed.maps.forEach((m, i) => {
        const pair = el("div"); pair.className = "pair";
        if (to.value.maps[i]) pair.append(heatmap(to.value.maps[i], `x${k}`, grid, big));
        pair.append(heatmap(m, `dL/dx${k}`, grid, big));
        details.append(pair);
      });
      if (passed.note) details.append(el("div", passed.note, "note"));
    });
  }
  showCode(v.op);
}
function showLeaf(id) {
  const v = D.vertices[id];
  details.replaceChildren(el("h2", v.label), el("div", `${v.kind} ${shapeText(v.shape)}` + (v.requiresGrad ? ", requires grad" : ""), "sub"));
  details.append(statsTable([["value", v.value], [".grad", v.grad]]));
  details.append(mapsBlock(v.value, "value"), mapsBlock(v.grad, "grad"));
  const users = Object.keys(D.flows).filter(op => D.flows[op].some(f => f.to === id));
  if (users.length) {
    details.append(el("h3", "receives gradients from"));
    users.forEach(op => { const d = el("div"); d.append(vertexLink(op)); details.append(d); });
  }
  code.replaceChildren(el("p", "A leaf tensor: backward accumulates the gradients it receives into its .grad.", "note"));
}
function showCode(op) {
  const s = D.sources[op];
  code.replaceChildren(el("h2", `${s.name} (${op})`), el("pre", s.doc, "doc"));
  ["forward", "backward"].forEach(part => {
    code.append(el("h3", `${part} · ${s[part].where}`));
    const pre = el("pre"); pre.innerHTML = s[part].html; pre.dataset.part = part; code.append(pre);
  });
}
function select(id) {
  if (!D.vertices[id]) return;
  if (state.selected && nodeG[state.selected]) nodeG[state.selected].classList.remove("selected");
  state.selected = id;
  if (nodeG[id]) nodeG[id].classList.add("selected");
  (D.vertices[id].kind === "op" ? showOp : showLeaf)(id);
}

// ---- stepping through backward -------------------------------------------------------------
function visible(id) { const c = foldedBoxOf(id); return c ? clusterG[c] : nodeG[id]; }
function applyStep() {
  svg.querySelectorAll(".current, .done, .receives, .flow").forEach(e => e.classList.remove("current", "done", "receives", "flow"));
  for (let k = 0; k < state.step - 1; k++) { const g = nodeG[D.order[k]]; if (g) g.classList.add("done"); }
  if (state.step === 0) { statusLine.textContent = "before backward: click a node, or step backward"; return; }
  const id = D.order[state.step - 1], v = D.vertices[id], flows = D.flows[id] || [];
  const g = visible(id); if (g) g.classList.add("current");
  const receivers = flows.filter(f => f.grad !== false);
  receivers.forEach(f => {
    const r = visible(f.to); if (r && r !== g) r.classList.add("receives");
    edges.filter(e => e.from === f.to && e.to === id).forEach(e => e.g.classList.add("flow"));
  });
  statusLine.textContent = `step ${state.step} / ${D.order.length}: backward of ${v.label}` +
    (v.scope ? ` (${v.scope})` : "") + ` sends gradients to ${receivers.length} input${receivers.length === 1 ? "" : "s"}`;
  select(id);
  if (g && g.scrollIntoView) g.scrollIntoView({block: "center", inline: "center"});
}
function stepTo(k) { state.step = Math.max(0, Math.min(D.order.length, k)); applyStep(); }

// ---- folding module boxes ------------------------------------------------------------------
const home = {};  // cluster -> [parent element, the comment that marks its place]
Object.entries(clusterG).forEach(([name, g]) => {
  const mark = document.createComment(name); g.after(mark); home[name] = mark;
  g.addEventListener("click", () => { D.clusters[name].folded = !D.clusters[name].folded; applyFolds(); });
});
function foldedBoxOf(id) {  // the outermost folded box around a node, or null
  let found = null;
  Object.entries(D.clusters).forEach(([name, c]) => {
    if (c.folded && c.members.includes(id) && !(found && D.clusters[found].members.length > c.members.length)) found = name;
  });
  return found;
}
function applyFolds() {
  const hidden = new Set(), hiddenBoxes = new Set();
  Object.entries(D.clusters).forEach(([name, c]) => {
    if (!c.folded) return;
    c.members.forEach(m => hidden.add(m));
    Object.keys(D.clusters).forEach(other => { let p = D.clusters[other].parent; while (p) { if (p === name) hiddenBoxes.add(other); p = D.clusters[p].parent; } });
  });
  Object.entries(nodeG).forEach(([id, g]) => { g.style.display = hidden.has(id) ? "none" : ""; });
  edges.forEach(e => { e.g.style.display = hidden.has(e.from) && hidden.has(e.to) ? "none" : ""; });
  Object.entries(clusterG).forEach(([name, g]) => {
    const c = D.clusters[name], text = g.querySelector("text");
    g.style.display = hiddenBoxes.has(name) ? "none" : "";
    g.classList.toggle("folded", c.folded);
    if (text) {
      if (text.dataset.y === undefined) { text.dataset.x = text.getAttribute("x"); text.dataset.y = text.getAttribute("y"); }
      const ops = c.members.filter(m => D.vertices[m] && D.vertices[m].kind === "op").length;
      text.textContent = (c.folded ? "▸ " : "▾ ") + c.label + (c.folded ? ` · ${ops} ops folded, click to open` : "");
      // A folded box's title moves to its middle, where the eye lands when a step scrolls there.
      const box = g.querySelector("polygon, path").getBBox();
      text.setAttribute("x", c.folded ? box.x + box.width / 2 : text.dataset.x);
      text.setAttribute("y", c.folded ? box.y + box.height / 2 : text.dataset.y);
      text.setAttribute("text-anchor", c.folded ? "middle" : "start");
    }
    // A folded box is painted last, over the edges that run into it; an open one goes back.
    if (c.folded) g.parentNode.append(g); else home[name].before(g);
  });
  applyStep();
}
function foldTo(defaultDepth) {
  Object.values(D.clusters).forEach(c => { c.folded = defaultDepth ? c.initiallyFolded : false; });
  applyFolds();
}
Object.values(D.clusters).forEach(c => { c.initiallyFolded = c.folded; });

// ---- controls ------------------------------------------------------------------------------
let zoom = 1;
const baseW = parseFloat(svg.getAttribute("width")), baseH = parseFloat(svg.getAttribute("height"));
function setZoom(z) { zoom = z; svg.setAttribute("width", baseW * z + "pt"); svg.setAttribute("height", baseH * z + "pt"); }
Object.entries(nodeG).forEach(([id, g]) => g.addEventListener("click", e => { e.stopPropagation(); select(id); }));
const on = (id, f) => document.getElementById(id).addEventListener("click", f);
on("step-back", () => stepTo(state.step + 1));
on("step-undo", () => stepTo(state.step - 1));
on("step-reset", () => stepTo(0));
on("fold-default", () => foldTo(true));
on("unfold-all", () => foldTo(false));
on("zoom-in", () => setZoom(zoom * 1.25));
on("zoom-out", () => setZoom(zoom / 1.25));
applyFolds();

// ---- URL fragment: #select=ID, #steps=K, #selftest=ID --------------------------------------
function readPanel() {
  const rows = {};
  details.querySelectorAll("table.stats tr[data-row]").forEach(tr => {
    const cells = {}; tr.querySelectorAll("td[data-stat]").forEach(td => { cells[td.dataset.stat] = td.textContent; });
    rows[tr.dataset.row] = cells;
  });
  const maps = Array.from(details.querySelectorAll("figure")).map(f => {
    const c = f.querySelector("canvas");
    return {caption: f.querySelector("figcaption").textContent, rows: c.rows, cols: c.cols, values: Array.from(c.values)};
  });
  const ids = cls => Array.from(svg.querySelectorAll("g." + cls)).map(g => g.querySelector("title").textContent);
  return {title: details.querySelector("h2").textContent, sub: (details.querySelector(".sub") || {}).textContent,
          rows, maps, status: statusLine.textContent, selected: state.selected,
          current: ids("current"), receives: ids("receives"), flows: ids("flow").length,
          code: Array.from(code.querySelectorAll("pre[data-part]")).map(p => p.textContent)};
}
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.has("steps")) stepTo(Number(hash.get("steps")));
if (hash.has("select")) { select(hash.get("select")); const g = nodeG[hash.get("select")]; if (g) g.scrollIntoView({block: "center", inline: "center"}); }
if (hash.has("scroll")) { const h = Array.from(details.querySelectorAll("h3")).find(h => h.textContent === hash.get("scroll")); if (h) h.scrollIntoView(); }
if (hash.has("selftest")) {
  const report = {folded: Object.keys(D.clusters).filter(n => D.clusters[n].folded), order: D.order, steps: []};
  const target = nodeG[hash.get("selftest")];
  target.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  report.clicked = readPanel();
  for (let k = 0; k < 3; k++) {
    document.getElementById("step-back").dispatchEvent(new MouseEvent("click", {bubbles: true}));
    report.steps.push(readPanel());
  }
  const out = document.getElementById("selftest");
  out.textContent = JSON.stringify(report); out.hidden = false;
}
})();
"""
