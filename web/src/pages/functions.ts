// Functions: the list, and creating one (name + a runtime this host runs).
import { h, icon } from "../lib/dom";
import { account, credentials, lambda, runtimes, type RuntimeInfo } from "../lib/api";
import { href, navigate, type PageContext } from "../lib/router";
import { ago, bytes } from "../lib/format";
import { badge, btn, busy, card, empty, field, pageHeader } from "../ui/ui";
import { zip } from "../lib/zip";
import { starterFor } from "../templates";

export async function functionsPage(ctx: PageContext): Promise<Node> {
  const fns = await lambda.listFunctions();
  fns.sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
  const search = h("input", { class: "input search", type: "search", placeholder: "Filter by name or runtime  ( / )", "aria-label": "Filter functions", value: ctx.query.get("q") ?? "" });
  const tbody = h("tbody");
  const count = h("span", { class: "count" });
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = fns.filter((f) => !q || f.FunctionName.toLowerCase().includes(q) || (f.Runtime ?? "").includes(q) || f.Description.toLowerCase().includes(q));
    count.textContent = `${shown.length} of ${fns.length}`;
    tbody.replaceChildren(...shown.map((f) =>
      h("tr", null,
        h("td", null, h("a", { href: href(`/functions/${encodeURIComponent(f.FunctionName)}`), class: "strong" }, f.FunctionName), f.Description ? h("div", { class: "muted small" }, f.Description) : null),
        h("td", null, h("code", null, f.Runtime ?? "—")),
        h("td", null, badge(f.State)),
        h("td", { class: "num" }, `${f.MemorySize} MB`),
        h("td", { class: "num" }, `${f.Timeout} s`),
        h("td", { class: "num" }, bytes(f.CodeSize)),
        h("td", { title: f.LastModified }, ago(f.LastModified)))));
    ctx.setQuery({ q: search.value || undefined });
  };
  search.addEventListener("input", draw);
  draw();
  return h("div", { class: "page" },
    pageHeader("Functions", {
      actions: [h("a", { class: "btn btn-primary", href: href("/functions/new"), id: "create-function" }, icon("plus"), "Create function")],
      sub: "Lambda functions on this server, run in sandboxes on this host.",
    }),
    fns.length === 0
      ? empty("No functions yet", "Create one from a starter, edit it in the browser, deploy and test it.", h("a", { class: "btn btn-primary", href: href("/functions/new") }, icon("plus"), "Create function"))
      : card(null,
          h("div", { class: "toolbar" }, h("div", { class: "search-wrap" }, icon("search", 14), search), count),
          h("div", { class: "table-wrap" }, h("table", { class: "table", id: "functions-table" },
            h("thead", null, h("tr", null, ...["Name", "Runtime", "State", "Memory", "Timeout", "Code size", "Last modified"].map((c, i) => h("th", { scope: "col", class: i >= 3 && i <= 5 ? "num" : undefined }, c)))),
            tbody))));
}

export async function createFunctionPage(): Promise<Node> {
  let list: RuntimeInfo[] = [];
  let runtimeError = "";
  try {
    list = await runtimes();
  } catch (e) {
    runtimeError = (e as Error).message;
  }
  const name = h("input", { class: "input", name: "name", required: true, pattern: "[a-zA-Z0-9\\-_]{1,64}", maxlength: 64, autocomplete: "off", spellcheck: "false", placeholder: "my-function", autofocus: true });
  const available = list.filter((r) => r.available);
  const runtime = h("select", { class: "input", name: "runtime" },
    h("optgroup", { label: "Runs on this host" }, ...available.map((r) => h("option", { value: r.id }, `${r.id}${r.version ? `  (${r.version})` : ""}`))),
    list.some((r) => !r.available) ? h("optgroup", { label: "Not available on this host" }, ...list.filter((r) => !r.available).map((r) => h("option", { value: r.id, disabled: true }, `${r.id} — ${r.reason ?? "missing"}`))) : null);
  const note = h("div", { class: "hint" });
  const handler = h("input", { class: "input", name: "handler", spellcheck: "false" });
  const role = h("input", { class: "input", name: "role", spellcheck: "false", value: `arn:aws:iam::${account()}:role/lambda` });
  const memory = h("input", { class: "input", type: "number", name: "memory", min: 128, max: 10240, step: 1, value: 128 });
  const timeout = h("input", { class: "input", type: "number", name: "timeout", min: 1, max: 900, value: 3 });
  const description = h("input", { class: "input", name: "description", maxlength: 256 });
  const onRuntime = () => {
    const r = list.find((x) => x.id === runtime.value);
    handler.value = starterFor(r?.family ?? "nodejs").handler;
    note.textContent = r?.note ?? (r ? `Family: ${r.family}${r.sdk ? `, AWS SDK available (${r.sdk})` : ""}` : "");
  };
  runtime.addEventListener("change", onRuntime);
  if (available.some((r) => r.id === "nodejs20.x")) runtime.value = "nodejs20.x";
  onRuntime();
  const submit = btn("Create function", { kind: "primary", type: "submit", id: "create-submit" });
  const form = h("form", { class: "form narrow", onsubmit: async (e: Event) => {
    e.preventDefault();
    const r = list.find((x) => x.id === runtime.value);
    const starter = starterFor(r?.family ?? "nodejs");
    await busy(submit, async () => {
      const pkg = await zip(Object.entries(starter.files).map(([n, text]) => ({ name: n, data: new TextEncoder().encode(text), mode: n === "bootstrap" ? 0o755 : 0o644 })));
      await lambda.createFunction({
        FunctionName: name.value.trim(), Runtime: runtime.value, Handler: handler.value.trim(), Role: role.value.trim(),
        MemorySize: Number(memory.value), Timeout: Number(timeout.value), Description: description.value,
        Code: { ZipFile: base64(pkg) },
      });
      navigate(`/functions/${encodeURIComponent(name.value.trim())}?tab=code`);
    }, "Could not create the function");
  } },
    card("Basic information",
      field("Function name", name, "Letters, numbers, hyphens and underscores; up to 64 characters."),
      field("Runtime", runtime, runtimeError ? `Could not list runtimes: ${runtimeError}` : note),
      field("Handler", handler, "file.function — set from the runtime's starter code."),
      field("Description", description)),
    h("details", { class: "card details" },
      h("summary", null, "Advanced settings"),
      h("div", { class: "grid-3" }, field("Memory (MB)", memory), field("Timeout (seconds)", timeout), field("Execution role", role))),
    h("div", { class: "form-actions" }, h("a", { class: "btn", href: href("/functions") }, "Cancel"), submit));
  return h("div", { class: "page" },
    pageHeader("Create function", { crumbs: [["Functions", href("/functions")]], sub: `Starts from a hello-world for the runtime; edit and deploy it on the next page. Region ${credentials().region}.` }),
    form);
}

export function base64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}
