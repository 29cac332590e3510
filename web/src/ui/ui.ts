// Shared pieces of the console's pages: toasts, dialogs, tabs, badges,
// key/value editors, cards.
import { h, icon, replace } from "../lib/dom";
import { ApiError } from "../lib/api";

// ------------------------------------------------------------ toasts

const toasts = () => document.getElementById("toasts")!;

export function toast(message: string, kind: "ok" | "error" | "info" = "ok", title?: string) {
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    icon(kind === "error" ? "alert" : kind === "ok" ? "check" : "cloud"),
    h("div", null, title ? h("strong", null, title) : null, h("div", { class: "toast-msg" }, message)),
    h("button", { class: "icon-btn", "aria-label": "Dismiss", onclick: () => el.remove() }, icon("x", 14)));
  toasts().append(el);
  while (toasts().childElementCount > 3) toasts().firstElementChild!.remove();
  setTimeout(() => el.remove(), kind === "error" ? 9000 : 4000);
}

/** errorText renders an API error the way AWS's console does: code, then message. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message ? `${e.code}: ${e.message}` : e.code;
  return (e as Error)?.message ?? String(e);
}

export function toastError(e: unknown, title = "Request failed") {
  toast(errorText(e), "error", title);
}

/** busy disables a button while an action runs and reports its failure. */
export async function busy<T>(btn: HTMLButtonElement | null, fn: () => Promise<T>, errTitle?: string): Promise<T | undefined> {
  if (btn) {
    btn.disabled = true;
    btn.classList.add("busy");
  }
  try {
    return await fn();
  } catch (e) {
    toastError(e, errTitle);
    return undefined;
  } finally {
    if (btn) {
      btn.disabled = false;
      btn.classList.remove("busy");
    }
  }
}

// ------------------------------------------------------------ dialogs

export function dialog(title: string, body: Node, actions: (close: () => void) => Node[], opts: { wide?: boolean; onClose?: () => void } = {}): () => void {
  const prev = document.activeElement as HTMLElement | null;
  const close = () => {
    dlg.close();
    dlg.remove();
    opts.onClose?.();
    prev?.focus();
  };
  const dlg = h("dialog", { class: `dialog${opts.wide ? " wide" : ""}`, "aria-label": title },
    h("header", null, h("h2", null, title), h("button", { class: "icon-btn", "aria-label": "Close", onclick: () => close() }, icon("x"))),
    h("div", { class: "dialog-body" }, body),
    h("footer", null, ...actions(close)));
  dlg.addEventListener("cancel", (e) => {
    e.preventDefault();
    close();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = dlg.querySelector<HTMLElement>("[autofocus], input, textarea, .cm-content, select");
  first?.focus();
  return close;
}

export function confirmDialog(title: string, message: string, confirmLabel: string, danger = true): Promise<boolean> {
  return new Promise((resolve) => {
    dialog(title, h("p", null, message), (close) => [
      h("button", { class: "btn", onclick: () => { close(); resolve(false); } }, "Cancel"),
      h("button", { class: `btn ${danger ? "btn-danger" : "btn-primary"}`, autofocus: true, onclick: () => { close(); resolve(true); } }, confirmLabel),
    ]);
  });
}

// ------------------------------------------------------------ layout pieces

export function pageHeader(title: string | Node, opts: { crumbs?: [string, string][]; actions?: Node[]; sub?: Node | string } = {}) {
  return h("div", { class: "page-header" },
    opts.crumbs ? h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, ...opts.crumbs.map(([label, href]) => [h("a", { href }, label), h("span", { class: "sep" }, "/")])) : null,
    h("div", { class: "page-title-row" },
      h("h1", null, title),
      h("div", { class: "actions" }, ...(opts.actions ?? []))),
    opts.sub ? h("div", { class: "page-sub" }, opts.sub) : null);
}

export function card(title: string | null, ...body: (Node | null)[]) {
  return h("section", { class: "card" }, title ? h("h2", { class: "card-title" }, title) : null, ...body);
}

export function btn(label: string | Node[], opts: { kind?: "primary" | "danger" | "ghost"; icon?: Parameters<typeof icon>[0]; onclick?: (e: MouseEvent) => void; title?: string; type?: string; id?: string; kbd?: string } = {}) {
  return h("button", { class: `btn${opts.kind ? " btn-" + opts.kind : ""}`, type: opts.type ?? "button", title: opts.title, id: opts.id, onclick: opts.onclick, "aria-keyshortcuts": opts.kbd },
    opts.icon ? icon(opts.icon) : null, ...(Array.isArray(label) ? label : [h("span", null, label)]),
    opts.kbd ? h("kbd", null, opts.kbd.replace("Control", "Ctrl")) : null);
}

export function badge(status: string) {
  const s = status.toUpperCase();
  const kind =
    ["SUCCEEDED", "ACTIVE", "OK", "SUCCESSFUL"].includes(s) ? "ok"
    : ["FAILED", "TIMED_OUT", "ERROR"].includes(s) ? "bad"
    : ["ABORTED", "PENDING_REDRIVE", "CAUGHT", "WARNING"].includes(s) ? "warn"
    : ["RUNNING", "PENDING", "IN_PROGRESS"].includes(s) ? "run"
    : "neutral";
  return h("span", { class: `badge badge-${kind}` }, status.replace(/_/g, " ").toLowerCase());
}

export function empty(title: string, text: string, action?: Node) {
  return h("div", { class: "empty" }, icon("cloud", 40), h("h3", null, title), h("p", null, text), action ?? null);
}

export function loading(text = "Loading…") {
  return h("div", { class: "loading", role: "status" }, h("span", { class: "spinner" }), text);
}

export function errorBox(e: unknown) {
  return h("div", { class: "error-box", role: "alert" }, icon("alert"), h("div", null, errorText(e)));
}

export function field(label: string, control: HTMLElement, hint?: string | Node) {
  const id = control.id || `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hint ? h("div", { class: "hint" }, hint) : null);
}

export function copyButton(text: string, label = "Copy") {
  return h("button", { class: "icon-btn", title: label, "aria-label": label, onclick: async () => {
    try {
      await navigator.clipboard.writeText(text);
      toast("Copied to the clipboard", "info");
    } catch {
      toast(text, "info", "Copy this");
    }
  } }, icon("copy", 14));
}

/** tabs renders a tab strip; the active tab is part of the URL (?tab=). */
export function tabs(items: { id: string; label: string }[], active: string, onSelect: (id: string) => void) {
  const list = h("div", { class: "tabs", role: "tablist" });
  const buttons = items.map((it) => h("button", {
    role: "tab", id: `tab-${it.id}`, "aria-selected": String(it.id === active), tabindex: it.id === active ? "0" : "-1",
    onclick: () => onSelect(it.id),
  }, it.label));
  list.addEventListener("keydown", (e) => {
    const i = buttons.findIndex((b) => b === document.activeElement);
    if (i < 0) return;
    const next = e.key === "ArrowRight" ? (i + 1) % buttons.length : e.key === "ArrowLeft" ? (i - 1 + buttons.length) % buttons.length : -1;
    if (next >= 0) {
      e.preventDefault();
      buttons[next].focus();
      onSelect(items[next].id);
    }
  });
  list.append(...buttons);
  return list;
}

// ------------------------------------------------------------ key/value editor

export interface KVEditor {
  el: HTMLElement;
  value(): Record<string, string>;
  set(v: Record<string, string>): void;
}

export function kvEditor(initial: Record<string, string>, opts: { keyLabel?: string; valueLabel?: string; addLabel?: string; name: string }): KVEditor {
  const rows = h("div", { class: "kv-rows" });
  const el = h("div", { class: "kv" }, rows);
  const add = (k = "", v = "") => {
    const row = h("div", { class: "kv-row" },
      h("input", { class: "input", value: k, placeholder: opts.keyLabel ?? "Key", "aria-label": `${opts.name} key`, "data-kv": "key", spellcheck: "false" }),
      h("input", { class: "input", value: v, placeholder: opts.valueLabel ?? "Value", "aria-label": `${opts.name} value`, "data-kv": "value", spellcheck: "false" }),
      h("button", { class: "icon-btn", type: "button", "aria-label": `Remove ${opts.name}`, onclick: () => row.remove() }, icon("trash", 14)));
    rows.append(row);
    return row;
  };
  el.append(h("button", { class: "btn btn-ghost btn-sm", type: "button", onclick: () => (add().querySelector("input") as HTMLInputElement).focus() }, icon("plus", 14), opts.addLabel ?? "Add"));
  const set = (v: Record<string, string>) => {
    replace(rows);
    for (const [k, val] of Object.entries(v)) add(k, val);
  };
  set(initial);
  return {
    el,
    set,
    value() {
      const out: Record<string, string> = {};
      for (const row of rows.querySelectorAll(".kv-row")) {
        const k = (row.querySelector('[data-kv="key"]') as HTMLInputElement).value.trim();
        const v = (row.querySelector('[data-kv="value"]') as HTMLInputElement).value;
        if (k) out[k] = v;
      }
      return out;
    },
  };
}

export function pre(text: string, cls = "") {
  return h("pre", { class: `code-block ${cls}`, tabindex: "0" }, text);
}

export function dl(items: [string, Node | string | number | null | undefined][]) {
  return h("dl", { class: "props" }, ...items.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", null, k), h("dd", null, v as Node | string)]));
}
