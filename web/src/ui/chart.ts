// A small time-series chart in SVG (bars or a line), sized by CSS.
import { s } from "../lib/dom";

export interface Point {
  t: number; // ms
  v: number;
}

export function chart(points: Point[], opts: { windowMs: number; kind: "bar" | "line"; unit?: string; label: string; color?: string }): SVGSVGElement {
  const W = 360, H = 120, L = 34, B = 18, T = 8, R = 8;
  const now = Date.now();
  const t0 = now - opts.windowMs;
  const shown = points.filter((p) => p.t >= t0 && isFinite(p.v));
  const max = Math.max(1, ...shown.map((p) => p.v));
  const nice = niceMax(max);
  const x = (t: number) => L + ((t - t0) / opts.windowMs) * (W - L - R);
  const y = (v: number) => T + (1 - v / nice) * (H - T - B);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.label, preserveAspectRatio: "none" });
  for (const f of [0, 0.5, 1]) {
    svg.append(s("line", { class: "grid", x1: L, x2: W - R, y1: y(nice * f), y2: y(nice * f) }));
    svg.append(s("text", { class: "axis", x: L - 4, y: y(nice * f) + 3, "text-anchor": "end" }, fmt(nice * f)));
  }
  const mins = Math.round(opts.windowMs / 60000);
  svg.append(s("text", { class: "axis", x: L, y: H - 4 }, `−${mins} min`), s("text", { class: "axis", x: W - R, y: H - 4, "text-anchor": "end" }, "now"));
  if (opts.kind === "bar") {
    const bw = Math.max(2, ((W - L - R) / (opts.windowMs / 5000)) * 0.8);
    for (const p of shown) {
      if (p.v <= 0) continue;
      svg.append(s("rect", { class: "bar", x: x(p.t) - bw, y: y(p.v), width: bw, height: Math.max(1, y(0) - y(p.v)), style: opts.color ? `fill:${opts.color}` : undefined }, s("title", {}, `${fmt(p.v)}${opts.unit ?? ""} at ${new Date(p.t).toLocaleTimeString()}`)));
    }
  } else if (shown.length) {
    const d = shown.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
    svg.append(s("path", { class: "line", d, style: opts.color ? `stroke:${opts.color}` : undefined }));
    for (const p of shown) svg.append(s("circle", { class: "dot", cx: x(p.t), cy: y(p.v), r: 2.5 }, s("title", {}, `${fmt(p.v)}${opts.unit ?? ""} at ${new Date(p.t).toLocaleTimeString()}`)));
  }
  return svg;
}

function niceMax(v: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (Number.isInteger(v)) return String(v);
  return v < 10 ? v.toFixed(1) : String(Math.round(v));
}
