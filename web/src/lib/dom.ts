// A tiny DOM builder: the console has no framework.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown> & { class?: string; style?: string };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      else if (k === "value" && "value" in el) (el as unknown as HTMLInputElement).value = String(v);
      else if (k === "checked" && el instanceof HTMLInputElement) el.checked = Boolean(v);
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function replace(el: Element, ...children: Child[]) {
  el.replaceChildren();
  append(el, children);
}

const SVG = "http://www.w3.org/2000/svg";

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Record<string, unknown>, ...children: (Node | string | null | undefined)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** icon returns a small inline SVG icon by name. */
export function icon(name: keyof typeof ICONS, size = 16): SVGSVGElement {
  const svg = s("svg", { width: size, height: size, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", "stroke-width": 2, "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", class: "icon" });
  for (const d of ICONS[name].split("|")) svg.append(s("path", { d }));
  return svg;
}

const ICONS = {
  fn: "M4 17l6-6-6-6|M12 19h8",
  flow: "M6 3v6|M18 15v6|M6 9a3 3 0 1 0 0 .01|M6 12v3a3 3 0 0 0 3 3h6|M18 15a3 3 0 1 0 0-.01",
  plus: "M12 5v14|M5 12h14",
  play: "M6 4l14 8-14 8z",
  save: "M5 3h11l3 3v15H5z|M8 3v5h8|M8 21v-7h8v7",
  trash: "M4 7h16|M10 11v6|M14 11v6|M6 7l1 13h10l1-13|M9 7V4h6v3",
  refresh: "M21 12a9 9 0 1 1-3-6.7L21 8|M21 3v5h-5",
  stop: "M6 6h12v12H6z",
  redo: "M3 12a9 9 0 1 0 3-6.7L3 8|M3 3v5h5",
  copy: "M9 9h11v11H9z|M5 15H4V4h11v1",
  key: "M15 7a4 4 0 1 0 .01 0|M12.2 10.8L3 20|M6 17l3 3|M8 15l2 2",
  file: "M6 2h9l5 5v15H6z|M14 2v6h6",
  x: "M6 6l12 12|M18 6L6 18",
  check: "M5 12l5 5 9-11",
  alert: "M12 3l10 18H2z|M12 10v4|M12 17v.01",
  edit: "M4 20h4L19 9l-4-4L4 16z",
  cloud: "M7 18a5 5 0 0 1-.5-10A7 7 0 0 1 20 10a4 4 0 0 1-1 8z",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 1 0 0-14|M20 20l-4-4",
  chevron: "M9 6l6 6-6 6",
} as const;
