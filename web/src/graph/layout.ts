// Automatic layout with dagre, inside out: each Parallel branch and Map
// processor is laid out first, its state becomes a box big enough to hold
// it, then the enclosing graph is laid out around those boxes.
import dagre from "@dagrejs/dagre";
import type { GGraph, GNode } from "./model";

const FONT = "600 13px system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK KR', 'Noto Sans KR', sans-serif";
const SMALL = "11px system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK KR', sans-serif";
let ctx: CanvasRenderingContext2D | null = null;

export function textWidth(text: string, font = FONT): number {
  ctx ??= document.createElement("canvas").getContext("2d");
  if (!ctx) return text.length * 8;
  ctx.font = font;
  return ctx.measureText(text).width;
}

export const GROUP_PAD = 16;
export const GROUP_HEADER = 34;
export const BRANCH_GAP = 16;
export const BRANCH_TITLE = 22;

function size(n: GNode) {
  if (n.kind !== "state") {
    n.width = 64;
    n.height = 28;
    return;
  }
  const sub = [n.type, n.detail].filter(Boolean).join(" · ");
  const w = Math.max(textWidth(n.label), textWidth(sub, SMALL));
  n.width = Math.min(Math.max(Math.ceil(w) + 44, 150), 300);
  n.height = 50;
  if (n.groups?.length) {
    for (const g of n.groups) layout(g);
    const inner = n.groups.reduce((sum, g) => sum + g.width, 0) + BRANCH_GAP * (n.groups.length - 1);
    const tallest = Math.max(...n.groups.map((g) => g.height));
    n.width = Math.max(n.width, inner + 2 * GROUP_PAD);
    n.height = GROUP_HEADER + BRANCH_TITLE + tallest + GROUP_PAD;
  }
}

/** layout sets positions (centres) and sizes on every node and points on every edge of g. */
export function layout(g: GGraph): GGraph {
  const dg = new dagre.graphlib.Graph({ multigraph: true });
  dg.setGraph({ rankdir: "TB", nodesep: 36, ranksep: 46, edgesep: 16, marginx: 8, marginy: 8 });
  dg.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) {
    size(n);
    dg.setNode(n.id, { width: n.width, height: n.height });
  }
  g.edges.forEach((e, i) => {
    const label = e.label;
    const lw = label ? Math.min(textWidth(label, SMALL), 220) + 14 : 0;
    dg.setEdge(e.from, e.to, { width: lw, height: label ? 20 : 0, labelpos: "c", minlen: 1, weight: e.kind === "catch" ? 1 : 2 }, `e${i}`);
  });
  dagre.layout(dg);
  for (const n of g.nodes) {
    const p = dg.node(n.id);
    n.x = p.x;
    n.y = p.y;
  }
  g.edges.forEach((e, i) => {
    const de = dg.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points: { x: number; y: number }[]; x?: number; y?: number; width: number; height: number };
    e.points = de.points ?? [];
    if (e.label && de.x !== undefined && de.y !== undefined) e.labelPos = { x: de.x, y: de.y, width: de.width, height: de.height };
  });
  const gl = dg.graph();
  g.width = gl.width ?? 0;
  g.height = gl.height ?? 0;
  return g;
}
