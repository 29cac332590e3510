// Draws a laid-out graph as SVG: states as boxes (coloured by their status
// in an execution), Parallel/Map states as boxes holding their branches,
// Choice rules and Catches as labelled edges. States are focusable buttons.
import { s } from "../lib/dom";
import { build, type GEdge, type GGraph, type GNode } from "./model";
import { layout, textWidth, GROUP_HEADER, GROUP_PAD, BRANCH_GAP, BRANCH_TITLE } from "./layout";
import type { StateStatus } from "./status";

export interface RenderOptions {
  status?: Map<string, StateStatus>;
  traversed?: Set<string>;
  selected?: string;
  onSelect?: (state: string) => void;
}

const SMALL = "11px system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK KR', sans-serif";

function fit(text: string, width: number, font = SMALL): string {
  if (textWidth(text, font) <= width) return text;
  let t = text;
  while (t.length > 1 && textWidth(t + "…", font) > width) t = t.slice(0, -1);
  return t + "…";
}

function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return "";
  let d = `M${points[0].x},${points[0].y}`;
  if (points.length === 2) return d + ` L${points[1].x},${points[1].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const n = points[i + 1];
    const mx = i === points.length - 2 ? n.x : (p.x + n.x) / 2;
    const my = i === points.length - 2 ? n.y : (p.y + n.y) / 2;
    d += ` Q${p.x},${p.y} ${mx},${my}`;
  }
  return d;
}

const subtitle = (n: GNode) => (n.type === "missing" ? "missing state" : [n.type, n.detail].filter(Boolean).join(" · "));

function drawEdge(e: GEdge, ox: number, oy: number, opts: RenderOptions): SVGGElement {
  const pts = e.points.map((p) => ({ x: p.x + ox, y: p.y + oy }));
  const walked = opts.traversed?.has(`${e.from}→${e.to}`) ?? false;
  const g = s("g", { class: `edge edge-${e.kind}${walked ? " walked" : ""}`, "data-from": e.from, "data-to": e.to });
  g.append(s("path", { d: pathOf(pts), "marker-end": `url(#arrow${walked ? "-walked" : ""})` }));
  if (e.label && e.labelPos) {
    const w = e.labelPos.width;
    const x = e.labelPos.x + ox, y = e.labelPos.y + oy;
    g.append(
      s("rect", { class: "edge-label-bg", x: x - w / 2, y: y - 10, width: w, height: 20, rx: 10 }),
      s("text", { class: "edge-label", x, y: y + 4, "text-anchor": "middle" }, fit(e.label, w - 12)),
    );
    g.append(s("title", {}, e.label));
  }
  return g;
}

function drawNode(n: GNode, ox: number, oy: number, opts: RenderOptions, layer: { nodes: SVGGElement; edges: SVGGElement }) {
  const x = n.x + ox - n.width / 2;
  const y = n.y + oy - n.height / 2;
  if (n.kind !== "state") {
    const g = s("g", { class: `terminal terminal-${n.kind}`, "data-node": n.id });
    g.append(s("rect", { x, y, width: n.width, height: n.height, rx: n.height / 2 }), s("text", { x: x + n.width / 2, y: y + n.height / 2 + 4, "text-anchor": "middle" }, n.label));
    layer.nodes.append(g);
    return;
  }
  const status = opts.status?.get(n.id);
  const cls = ["state", `type-${(n.type ?? "").toLowerCase()}`, status ? `st-${status}` : "", opts.selected === n.id ? "selected" : "", n.groups ? "group" : ""].filter(Boolean).join(" ");
  const label = `${n.label}, ${n.type} state${status ? ", " + status : ""}`;
  const g = s("g", { class: cls, "data-state": n.id, tabindex: opts.onSelect ? 0 : undefined, role: opts.onSelect ? "button" : "img", "aria-label": label });
  if (opts.onSelect) {
    g.addEventListener("click", () => opts.onSelect!(n.id));
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        opts.onSelect!(n.id);
      }
    });
  }
  g.append(s("title", {}, label));
  if (opts.selected === n.id) g.append(s("rect", { class: "ring", x: x - 4, y: y - 4, width: n.width + 8, height: n.height + 8, rx: 11 }));
  g.append(s("rect", { class: "box", x, y, width: n.width, height: n.height, rx: 8 }));
  if (n.groups) {
    g.append(
      s("text", { class: "name", x: x + 12, y: y + 20 }, fit(n.label, n.width - 100, "600 13px system-ui, sans-serif")),
      s("text", { class: "sub", x: x + n.width - 12, y: y + 20, "text-anchor": "end" }, n.type ?? ""),
    );
    layer.nodes.append(g);
    let bx = x + GROUP_PAD;
    const inner = n.groups.reduce((sum, b) => sum + b.width, 0) + BRANCH_GAP * (n.groups.length - 1);
    bx += (n.width - 2 * GROUP_PAD - inner) / 2;
    for (const b of n.groups) {
      const by = y + GROUP_HEADER;
      layer.nodes.append(s("rect", { class: "branch", x: bx, y: by, width: b.width, height: b.height + BRANCH_TITLE, rx: 6 }));
      layer.nodes.append(s("text", { class: "branch-title", x: bx + 8, y: by + 15 }, b.title ?? ""));
      drawGraph(b, bx, by + BRANCH_TITLE, opts, layer);
      bx += b.width + BRANCH_GAP;
    }
    return;
  }
  g.append(
    s("rect", { class: "accent", x, y: y + 6, width: 3, height: n.height - 12, rx: 1.5 }),
    s("text", { class: "name", x: x + n.width / 2, y: y + n.height / 2 - 2, "text-anchor": "middle" }, fit(n.label, n.width - 20, "600 13px system-ui, sans-serif")),
    s("text", { class: "sub", x: x + n.width / 2, y: y + n.height / 2 + 14, "text-anchor": "middle" }, fit(subtitle(n), n.width - 20)),
  );
  if (status) g.append(statusMark(status, x + n.width - 10, y + 10));
  layer.nodes.append(g);
}

function statusMark(status: StateStatus, cx: number, cy: number): SVGGElement {
  const g = s("g", { class: "mark" });
  g.append(s("circle", { cx, cy, r: 7 }));
  const d: Record<StateStatus, string> = {
    succeeded: `M${cx - 3},${cy} l2,2 l4,-4`,
    failed: `M${cx - 2.5},${cy - 2.5} l5,5 M${cx + 2.5},${cy - 2.5} l-5,5`,
    caught: `M${cx},${cy - 3} v3.5 M${cx},${cy + 2.6} v0.1`,
    running: `M${cx - 2.5},${cy} h5`,
    aborted: `M${cx - 2.5},${cy} h5`,
    cancelled: `M${cx - 2.5},${cy} h5`,
  };
  g.append(s("path", { d: d[status] }));
  return g;
}

function drawGraph(g: GGraph, ox: number, oy: number, opts: RenderOptions, layer: { nodes: SVGGElement; edges: SVGGElement }) {
  for (const e of g.edges) layer.edges.append(drawEdge(e, ox, oy, opts));
  for (const n of g.nodes) drawNode(n, ox, oy, opts, layer);
}

/** renderDefinition lays out and draws a definition; a definition that does not parse draws nothing. */
export function renderDefinition(definition: string | object, opts: RenderOptions = {}): { svg: SVGSVGElement; graph: GGraph } | null {
  let def: unknown = definition;
  if (typeof definition === "string") {
    try {
      def = JSON.parse(definition);
    } catch {
      return null;
    }
  }
  if (typeof def !== "object" || def === null || Array.isArray(def)) return null;
  const graph = layout(build(def as Record<string, unknown>));
  return { svg: renderGraph(graph, opts), graph };
}

export function renderGraph(g: GGraph, opts: RenderOptions = {}): SVGSVGElement {
  const pad = 8;
  const svg = s("svg", {
    class: "graph", width: g.width + 2 * pad, height: g.height + 2 * pad, viewBox: `${-pad} ${-pad} ${g.width + 2 * pad} ${g.height + 2 * pad}`,
    role: "group", "aria-label": "State machine graph",
  });
  const defs = s("defs");
  for (const id of ["arrow", "arrow-walked"]) {
    defs.append(s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: id })));
  }
  const layer = { edges: s("g", { class: "edges" }), nodes: s("g", { class: "nodes" }) };
  svg.append(defs, layer.nodes, layer.edges);
  // nodes first so that group boxes sit under edges; plain states are drawn over them below
  drawGraph(g, 0, 0, opts, layer);
  // move plain (non-group) states above the edges
  const top = s("g", { class: "states-top" });
  for (const el of Array.from(layer.nodes.querySelectorAll(":scope > g.state:not(.group), :scope > g.terminal"))) top.append(el);
  svg.append(top);
  return svg;
}
