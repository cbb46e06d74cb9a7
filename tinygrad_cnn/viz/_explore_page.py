"""The explorer page's HTML and style sheet; its script is in _explore_script.py. The page is one
file: the Graphviz SVG, the data (JSON) and the script all sit inline, so it opens offline."""
from __future__ import annotations

import html
import json

from ._explore_script import SCRIPT

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, sans-serif;
       color: #222; height: 100vh; display: flex; flex-direction: column; }
header { padding: 6px 10px; border-bottom: 1px solid #ccc; background: #fafafa;
         display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
header h1 { font-size: 15px; margin: 0; }
header .of { color: #555; }
button { font: inherit; padding: 2px 9px; border: 1px solid #999; border-radius: 4px;
         background: #fff; cursor: pointer; }
button:hover { background: #eef; }
#status { font-weight: 600; color: #8a1c1c; }
.key { display: inline-block; width: 11px; height: 11px; border: 3px solid; margin: 0 3px -2px 8px; }
main { flex: 1; display: flex; min-height: 0; }
#graph { flex: 1 1 40%; overflow: auto; border-right: 1px solid #ccc; }
#details { flex: 0 1 470px; overflow: auto; padding: 8px 12px; border-right: 1px solid #ccc; }
#code { flex: 1 1 34%; overflow: auto; padding: 8px 12px; background: #fcfcfc; }
h2 { font-size: 15px; margin: 2px 0 4px; }
h3 { font-size: 13px; margin: 12px 0 4px; border-bottom: 1px solid #ddd; }
.sub { color: #555; }
code, pre { font: 12px/1.35 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { margin: 4px 0 10px; padding: 6px 8px; background: #f4f4f4; border-radius: 4px; overflow-x: auto; }
pre.doc { background: #f7f3e8; white-space: pre-wrap; }
table.stats, table.params { border-collapse: collapse; margin: 4px 0; }
table.stats td, table.stats th, table.params td { padding: 1px 4px; font-size: 12px; text-align: right; }
table.stats th { font-weight: 600; color: #555; border-bottom: 1px solid #ddd; }
table.params td:first-child, table.stats td:first-child { text-align: left; color: #555; }
.maps { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0 8px; }
figure { margin: 0; }
figcaption { font-size: 11px; color: #555; }
canvas { image-rendering: pixelated; border: 1px solid #ccc; display: block; }
.hover { font: 11px ui-monospace, monospace; color: #333; min-height: 14px; }
.note { font-size: 11px; color: #777; }
a.vertex { color: #1a5fb4; cursor: pointer; text-decoration: underline dotted; }
.pair { display: flex; gap: 10px; flex-wrap: wrap; align-items: flex-start; }
.k { color: #7b30d0; font-weight: 600; } .s { color: #0a7a32; } .c { color: #8a8a8a; font-style: italic; }
.n { color: #b5520b; } .d { color: #1a5fb4; font-weight: 600; } .b { color: #0e7c86; }
g.node { cursor: pointer; }
g.cluster { cursor: pointer; }
g.node.selected > polygon, g.node.selected > path, g.node.selected > ellipse { stroke: #1a5fb4; stroke-width: 3; }
g.cluster.folded > path { fill: #d9d2e9; stroke: #555; stroke-dasharray: none; }
g.cluster.folded > text { font-size: 16px; }
g.node.done > polygon, g.node.done > path { stroke: #2a9d8f; stroke-width: 2.5; }
g.node.receives > polygon, g.node.receives > path, g.cluster.receives > path { stroke: #ff7f0e; stroke-width: 4; }
g.node.current > polygon, g.node.current > path, g.cluster.current > path { stroke: #d62728; stroke-width: 5; }
g.edge.flow > path { stroke: #ff7f0e; stroke-width: 3; }
g.edge.flow > polygon { stroke: #ff7f0e; fill: #ff7f0e; }
g.cluster.folded > text { font-weight: 600; }
"""

BODY = """<header>
  <h1>{title}: backprop explorer</h1>
  <span class="of">gradients of {grads_of}</span>
  <span>
    <button id="step-reset" title="back to before backward">⟲ reset</button>
    <button id="step-undo" title="undo one step">◂</button>
    <button id="step-back" title="run the next node's backward">step backward ▸</button>
  </span>
  <span id="status">before backward: click a node, or step backward</span>
  <span>
    <button id="fold-default" title="fold modules deeper than depth {depth}">fold to depth {depth}</button>
    <button id="unfold-all">unfold all</button>
    <button id="zoom-out">−</button><button id="zoom-in">+</button>
  </span>
  <span class="note">
    <span class="key" style="border-color:#d62728"></span>backward running
    <span class="key" style="border-color:#ff7f0e"></span>receives its gradient
    <span class="key" style="border-color:#2a9d8f"></span>backward done
    · click a dashed box to fold or unfold it · heatmaps: blue &lt; 0 &lt; red, white = 0
  </span>
</header>
<main>
  <div id="graph">{svg}</div>
  <div id="details"><p>Click a node of the graph to see what it computed, the gradient that
  reached it and the gradients it passed back; or press <b>step backward</b> to replay the
  backward pass one node at a time, from the loss down to the input.</p></div>
  <div id="code"><p class="note">The selected op's math and its forward and backward code,
  as they are in tinygrad_cnn/ops/, appear here.</p></div>
</main>
<pre id="selftest" hidden></pre>
"""


def to_json(data) -> str:
    """JSON that is safe inside a <script> element (no '</' can end it early)."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def page(svg: str, data: dict, depth: int) -> str:
    """The whole page: `svg` is Graphviz's drawing, `data` what explore.py gathered."""
    title = html.escape(data["title"])
    body = BODY.format(title=title, grads_of=html.escape(data["gradsOf"]), svg=svg, depth=depth)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}: backprop explorer</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f'{body}<script type="application/json" id="explore-data">{to_json(data)}</script>\n'
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n")
