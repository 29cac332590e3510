// A small time-series chart in SVG (bars, or one line per series), sized by CSS.
import { s } from "../lib/dom";

export interface Point {
  t: number; // ms
  v: number;
}

export interface Series {
  name: string;
  points: Point[];
  color?: string;
}

export function chart(series: Series[], opts: { windowMs: number; kind: "bar" | "line"; unit?: string; label: string }): SVGSVGElement {
  const W = 420, H = 140, L = 36, B = 18, T = 8, R = 8;
  const now = Date.now();
  const t0 = now - opts.windowMs;
  const shown = series.map((sr) => ({ ...sr, points: sr.points.filter((p) => p.t >= t0 && isFinite(p.v)) }));
  const max = Math.max(1, ...shown.flatMap((sr) => sr.points.map((p) => p.v)));
  const nice = niceMax(max);
  const x = (t: number) => L + ((t - t0) / opts.windowMs) * (W - L - R);
  const y = (v: number) => T + (1 - v / nice) * (H - T - B);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": opts.label });
  for (const f of [0, 0.5, 1]) {
    svg.append(s("line", { class: "grid", x1: L, x2: W - R, y1: y(nice * f), y2: y(nice * f) }));
    svg.append(s("text", { class: "axis", x: L - 5, y: y(nice * f) + 3, "text-anchor": "end" }, fmt(nice * f)));
  }
  const mins = Math.round(opts.windowMs / 60000);
  svg.append(s("text", { class: "axis", x: L, y: H - 4 }, `−${mins} min`), s("text", { class: "axis", x: W - R, y: H - 4, "text-anchor": "end" }, "now"));
  const tip = (p: Point, name: string) => s("title", {}, `${name}: ${fmt(p.v)}${opts.unit ?? ""} at ${new Date(p.t).toLocaleTimeString()}`);
  if (opts.kind === "bar") {
    const bw = Math.max(3, ((W - L - R) / (opts.windowMs / 5000)) * 0.75);
    for (const sr of shown) {
      for (const p of sr.points) {
        if (p.v <= 0) continue;
        svg.append(s("rect", { class: "bar", x: x(p.t) - bw, y: y(p.v), width: bw, height: Math.max(1, y(0) - y(p.v)), rx: 1, style: sr.color ? `fill:${sr.color}` : undefined }, tip(p, sr.name)));
      }
    }
  } else {
    for (const sr of shown) {
      if (!sr.points.length) continue;
      const d = sr.points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
      svg.append(s("path", { class: "line", d, style: sr.color ? `stroke:${sr.color}` : undefined }));
      for (const p of sr.points) svg.append(s("circle", { class: "dot", cx: x(p.t), cy: y(p.v), r: 2.5, style: sr.color ? `fill:${sr.color}` : undefined }, tip(p, sr.name)));
    }
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
  return v < 100 ? String(Math.round(v * 10) / 10) : String(Math.round(v));
}
