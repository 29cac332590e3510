// One function: Code (multi-file editor, Deploy), Test (saved events,
// result, REPORT, log tail), Configuration and Monitor.
import { h, icon, replace } from "../lib/dom";
import { ApiError, lambda, logs, runtimes, type AliasConfiguration, type FunctionConfiguration, type InvokeResult } from "../lib/api";
import { href, navigate, type PageContext } from "../lib/router";
import { bytes, date, duration, prettyJSON } from "../lib/format";
import { unzip, zip, type ZipEntry } from "../lib/zip";
import { loadSamples, quantile, sample, type Sample } from "../lib/metrics";
import { createEditor, type Editor } from "../editor";
import { badge, btn, busy, card, confirmDialog, copyButton, dialog, dl, empty, errorBox, errorText, field, kvEditor, loading, pageHeader, pre, tabs, toast } from "../ui/ui";
import { chart, type Point } from "../ui/chart";
import { base64 } from "./functions";

type Fn = Awaited<ReturnType<typeof lambda.getFunction>>;

const TABS = [
  { id: "code", label: "Code" },
  { id: "test", label: "Test" },
  { id: "config", label: "Configuration" },
  { id: "monitor", label: "Monitor" },
];

export async function functionPage(ctx: PageContext): Promise<Node> {
  const name = ctx.params.name;
  let fn: Fn = await lambda.getFunction(name);
  let tab = TABS.some((t) => t.id === ctx.query.get("tab")) ? ctx.query.get("tab")! : "code";
  const body = h("div", { class: "tab-body", role: "tabpanel" });
  const headerSlot = h("div");
  const tabSlot = h("div");
  let leaveTab: (() => void)[] = [];
  ctx.onLeave(() => leaveTab.forEach((f) => f()));
  // /metrics holds running totals: sample it while any tab of the function is
  // open, so that the Monitor tab has rates to draw.
  const listeners = new Set<(list: Sample[]) => void>();
  const takeSample = () => sample(fn.Configuration.FunctionArn).then((list) => listeners.forEach((l) => l(list)));
  takeSample().catch(() => {});
  const sampler = setInterval(() => takeSample().catch(() => {}), 5000);
  ctx.onLeave(() => clearInterval(sampler));

  const refresh = async () => {
    fn = await lambda.getFunction(name);
    drawHeader();
    return fn;
  };
  const drawHeader = () => {
    const c = fn.Configuration;
    replace(headerSlot, pageHeader(c.FunctionName, {
      crumbs: [["Functions", href("/functions")]],
      actions: [btn("Delete", { icon: "trash", kind: "ghost", onclick: async () => {
        if (!(await confirmDialog(`Delete ${c.FunctionName}?`, "The function, its versions, aliases and code are deleted. This cannot be undone.", "Delete function"))) return;
        await busy(null, async () => {
          await lambda.deleteFunction(c.FunctionName);
          toast(`Deleted ${c.FunctionName}`);
          navigate("/functions");
        });
      } })],
      sub: h("div", { class: "meta-row" },
        badge(c.State), h("code", null, c.Runtime ?? c.PackageType), h("span", null, `${c.MemorySize} MB · ${c.Timeout} s`),
        h("span", { class: "arn" }, h("code", null, c.FunctionArn), copyButton(c.FunctionArn, "Copy ARN"))),
    }));
  };
  const select = (id: string) => {
    tab = id;
    ctx.setQuery({ tab: id, section: undefined });
    drawTabs();
  };
  const drawTabs = () => {
    leaveTab.forEach((f) => f());
    leaveTab = [];
    replace(tabSlot, tabs(TABS, tab, select));
    body.setAttribute("aria-labelledby", `tab-${tab}`);
    const onLeave = (f: () => void) => leaveTab.push(f);
    replace(body, loading());
    const draw = tab === "code" ? codeTab : tab === "test" ? testTab : tab === "config" ? configTab : monitorTab;
    Promise.resolve(draw(fn, { refresh, onLeave, ctx, takeSample, onSample: (l) => { listeners.add(l); onLeave(() => listeners.delete(l)); } }))
      .then((node) => replace(body, node))
      .catch((e) => replace(body, errorBox(e)));
  };
  drawHeader();
  drawTabs();
  return h("div", { class: "page page-wide" }, headerSlot, tabSlot, body);
}

interface TabCtx {
  refresh: () => Promise<Fn>;
  onLeave: (f: () => void) => void;
  ctx: PageContext;
  takeSample: () => Promise<void>;
  onSample: (l: (list: Sample[]) => void) => void;
}

// ------------------------------------------------------------------ Code

interface OpenFile {
  name: string;
  text?: string; // undefined for binary files
  data: Uint8Array;
  mode?: number;
  state?: ReturnType<Editor["state"]>;
}

const isText = (b: Uint8Array) => {
  if (b.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

async function codeTab(fn: Fn, t: TabCtx): Promise<Node> {
  const c = fn.Configuration;
  if (!fn.Code.Location) {
    return card("Code", h("p", null, "This function runs code from a directory on the server (hot reload): edit the files there and the next invocation runs them."));
  }
  let entries: ZipEntry[];
  try {
    entries = await unzip(await lambda.fetchCode(fn.Code.Location));
  } catch (e) {
    return errorBox(e);
  }
  const files: OpenFile[] = entries.map((e) => ({ name: e.name, data: e.data, mode: e.mode, text: isText(e.data) ? new TextDecoder().decode(e.data) : undefined }));
  files.sort((a, b) => handlerFileRank(a.name, c) - handlerFileRank(b.name, c) || a.name.localeCompare(b.name));
  let dirty = false;
  let active = files.find((f) => f.text !== undefined) ?? null;
  const status = h("span", { class: "save-state", "aria-live": "polite" }, "Deployed");
  const setDirty = (d: boolean) => {
    dirty = d;
    status.textContent = d ? "Changes not deployed" : "Deployed";
    status.classList.toggle("dirty", d);
  };
  const deployBtn = btn("Deploy", { kind: "primary", icon: "cloud", id: "deploy", kbd: "Control+S", onclick: () => deploy() });
  const editor = createEditor({
    doc: active?.text ?? "", file: active?.name, label: "Code editor", minHeight: "460px",
    onChange: () => setDirty(true),
    keys: [{ key: "Mod-s", run: () => (deploy(), true) }],
  });
  const stash = () => {
    if (active) {
      active.state = editor.view.state;
      active.text = editor.text();
    }
  };
  const fileTabs = h("div", { class: "file-tabs", role: "tablist", "aria-label": "Files" });
  const binaryNote = h("div", { class: "binary-note", hidden: true });
  const open = (f: OpenFile) => {
    stash();
    active = f;
    if (f.text === undefined) {
      editor.dom.hidden = true;
      binaryNote.hidden = false;
      binaryNote.textContent = `${f.name} is a binary file (${bytes(f.data.length)}); it is deployed as it is.`;
    } else {
      editor.dom.hidden = false;
      binaryNote.hidden = true;
      editor.setState(f.state ?? editor.state(f.text, f.name));
      editor.focus();
    }
    drawFileTabs();
  };
  const drawFileTabs = () => {
    replace(fileTabs, ...files.map((f) =>
      h("div", { class: `file-tab${f === active ? " active" : ""}` },
        h("button", { role: "tab", "aria-selected": String(f === active), class: "file-tab-name", onclick: () => open(f), title: f.name }, icon("file", 13), f.name),
        h("button", { class: "icon-btn", "aria-label": `Delete ${f.name}`, title: `Delete ${f.name}`, onclick: async () => {
          if (!(await confirmDialog(`Delete ${f.name}?`, "The file is removed from the package at the next Deploy.", "Delete file"))) return;
          files.splice(files.indexOf(f), 1);
          setDirty(true);
          if (active === f) {
            active = null;
            const next = files.find((x) => x.text !== undefined);
            if (next) open(next);
            else {
              editor.dom.hidden = true;
              drawFileTabs();
            }
          } else drawFileTabs();
        } }, icon("x", 12)))),
      h("button", { class: "btn btn-ghost btn-sm", id: "new-file", onclick: () => newFile() }, icon("plus", 14), "New file"));
  };
  const newFile = () => {
    const input = h("input", { class: "input", placeholder: "lib/util.js", spellcheck: "false", autofocus: true });
    const create = (close: () => void) => {
      const n = input.value.trim().replace(/^\/+/, "");
      if (!n || files.some((f) => f.name === n)) {
        toast(n ? `${n} already exists` : "Enter a file name", "error");
        return;
      }
      const f: OpenFile = { name: n, text: "", data: new Uint8Array() };
      files.push(f);
      setDirty(true);
      close();
      open(f);
    };
    const form = h("form", { onsubmit: (e: Event) => { e.preventDefault(); create(close); } }, field("File name (a path in the package)", input));
    const close = dialog("New file", form, (close) => [h("button", { class: "btn", onclick: close }, "Cancel"), h("button", { class: "btn btn-primary", onclick: () => create(close) }, "Create")]);
  };
  let deploying = false;
  const deploy = async () => {
    if (deploying) return;
    deploying = true;
    stash();
    await busy(deployBtn, async () => {
      const pkg = await zip(files.map((f) => ({ name: f.name, data: f.text !== undefined ? new TextEncoder().encode(f.text) : f.data, mode: f.mode ?? (f.name === "bootstrap" || f.text?.startsWith("#!") ? 0o755 : 0o644) })));
      const out = await lambda.updateCode(c.FunctionName, base64(pkg));
      setDirty(false);
      toast(`${files.length} file${files.length === 1 ? "" : "s"}, ${bytes(pkg.length)} · CodeSha256 ${out.CodeSha256.slice(0, 12)}…`, "ok", "Deployed");
      await t.refresh();
    }, "Deploy failed");
    deploying = false;
  };
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (dirty) e.preventDefault();
  };
  window.addEventListener("beforeunload", beforeUnload);
  t.onLeave(() => window.removeEventListener("beforeunload", beforeUnload));
  drawFileTabs();
  if (!active) editor.dom.hidden = true;
  return h("div", { class: "code-tab" },
    h("div", { class: "toolbar" },
      h("div", { class: "muted" }, "Handler ", h("code", null, c.Handler ?? "—"), " · ", c.Runtime ?? "", " · ", bytes(c.CodeSize)),
      h("div", { class: "spacer" }),
      status,
      h("a", { class: "btn btn-ghost", href: fn.Code.Location, download: `${c.FunctionName}.zip` }, "Download .zip"),
      deployBtn),
    h("div", { class: "editor-frame" }, fileTabs, editor.dom, binaryNote),
    h("p", { class: "hint" }, "Ctrl+S deploys (UpdateFunctionCode with a zip built in this browser). In the editor, Esc then Tab moves focus out."));
}

function handlerFileRank(name: string, c: FunctionConfiguration): number {
  const base = (c.Handler ?? "").split(".")[0];
  if (base && name.replace(/\.[^.]+$/, "") === base) return 0;
  return name.includes("/") ? 2 : 1;
}

// ------------------------------------------------------------------ Test

interface SavedEvent {
  name: string;
  body: string;
}

const eventsKey = (fn: string) => `gureum.events.${fn}`;
const loadEvents = (fn: string): SavedEvent[] => {
  try {
    return JSON.parse(localStorage.getItem(eventsKey(fn)) ?? "[]");
  } catch {
    return [];
  }
};

export function parseReport(log: string) {
  const m = /REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms\s+Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?/.exec(log);
  if (!m) return null;
  return { requestId: m[1], duration: Number(m[2]), billed: Number(m[3]), memory: Number(m[4]), maxMemory: Number(m[5]), init: m[6] ? Number(m[6]) : undefined };
}

const tailsKey = (fn: string) => `gureum.tails.${fn}`;

function testTab(fn: Fn, t: TabCtx): Node {
  const fname = fn.Configuration.FunctionName;
  let saved = loadEvents(fname);
  const picker = h("select", { class: "input", "aria-label": "Saved test events", id: "saved-events" });
  const eventName = h("input", { class: "input", id: "event-name", value: saved[0]?.name ?? "my-event", "aria-label": "Event name", spellcheck: "false", maxlength: 25 });
  const editor = createEditor({
    doc: saved[0]?.body ?? '{\n  "key1": "value1"\n}\n', file: "event.json", label: "Test event JSON", minHeight: "220px", wrap: true,
    keys: [{ key: "Mod-Enter", run: () => (run(), true) }, { key: "Mod-s", run: () => (save(), true) }],
  });
  const drawPicker = () => {
    replace(picker, h("option", { value: "" }, saved.length ? "— saved events —" : "No saved events"), ...saved.map((e) => h("option", { value: e.name }, e.name)));
    picker.value = saved.some((e) => e.name === eventName.value) ? eventName.value : "";
  };
  picker.addEventListener("change", () => {
    const ev = saved.find((e) => e.name === picker.value);
    if (ev) {
      eventName.value = ev.name;
      editor.setText(ev.body);
    }
  });
  const save = () => {
    const body = editor.text();
    try {
      JSON.parse(body);
    } catch (e) {
      toast(`The event is not valid JSON: ${(e as Error).message}`, "error");
      return;
    }
    const n = eventName.value.trim() || "event";
    saved = [{ name: n, body }, ...saved.filter((e) => e.name !== n)].slice(0, 10);
    localStorage.setItem(eventsKey(fname), JSON.stringify(saved));
    drawPicker();
    toast(`Saved test event ${n}`, "info");
  };
  const remove = () => {
    saved = saved.filter((e) => e.name !== eventName.value.trim());
    localStorage.setItem(eventsKey(fname), JSON.stringify(saved));
    drawPicker();
  };
  const result = h("div", { class: "result", id: "test-result", "aria-live": "polite" });
  const qualifier = h("input", { class: "input input-sm", id: "qualifier", placeholder: "$LATEST", "aria-label": "Qualifier (version or alias)", spellcheck: "false" });
  const runBtn = btn("Test", { kind: "primary", icon: "play", id: "run-test", kbd: "Control+Enter", onclick: () => run() });
  const run = async () => {
    const body = editor.text();
    try {
      JSON.parse(body || "{}");
    } catch (e) {
      toast(`The event is not valid JSON: ${(e as Error).message}`, "error");
      return;
    }
    replace(result, loading("Invoking…"));
    const started = performance.now();
    await busy(runBtn, async () => {
      try {
        await t.takeSample().catch(() => {});
        const out = await lambda.invoke(fname, body, qualifier.value.trim() || undefined);
        replace(result, invokeResult(out, performance.now() - started));
        t.takeSample().catch(() => {});
        const tails = JSON.parse(sessionStorage.getItem(tailsKey(fname)) ?? "[]") as { t: number; log: string }[];
        sessionStorage.setItem(tailsKey(fname), JSON.stringify([{ t: Date.now(), log: out.log }, ...tails].slice(0, 20)));
      } catch (e) {
        replace(result, h("div", { class: "result-head bad" }, icon("alert"), h("strong", null, "Invoke failed"), h("span", null, errorText(e))));
      }
    });
  };
  drawPicker();
  return h("div", { class: "split" },
    card("Test event",
      h("div", { class: "toolbar event-bar" }, picker, eventName,
        btn("Save", { icon: "save", onclick: save, id: "save-event" }),
        h("button", { class: "icon-btn", title: "Delete the saved event", "aria-label": "Delete the saved event", onclick: remove }, icon("trash", 15))),
      h("div", { class: "editor-frame" }, editor.dom),
      h("div", { class: "toolbar run-bar" }, h("label", { class: "muted small", for: "qualifier" }, "Qualifier"), qualifier,
        btn("Format", { kind: "ghost", onclick: () => { try { editor.setText(JSON.stringify(JSON.parse(editor.text()), null, 2) + "\n"); } catch (e) { toast((e as Error).message, "error"); } } }),
        h("div", { class: "spacer" }), runBtn),
      h("p", { class: "hint" }, "Saved events stay in this browser (up to 10 per function). Ctrl+Enter runs, Ctrl+S saves.")),
    card("Execution result", result.childElementCount ? result : (result.append(h("p", { class: "muted" }, "Run the event to see the response, the REPORT and the log output.")), result)));
}

function invokeResult(out: InvokeResult, roundTrip: number): Node {
  const rep = parseReport(out.log);
  const ok = !out.functionError;
  return h("div", { class: "result-body" },
    h("div", { class: `result-head ${ok ? "ok" : "bad"}` }, icon(ok ? "check" : "alert"),
      h("strong", null, ok ? "Succeeded" : `Failed (${out.functionError})`),
      h("span", { class: "muted" }, `round trip ${duration(roundTrip)}`)),
    h("h3", null, "Response"),
    pre(prettyJSON(out.payload) || "null", "response"),
    h("h3", null, "Summary"),
    dl([
      ["Request ID", rep?.requestId],
      ["Duration", rep ? `${rep.duration.toFixed(2)} ms` : undefined],
      ["Billed duration", rep ? `${rep.billed} ms` : undefined],
      ["Memory size", rep ? `${rep.memory} MB` : undefined],
      ["Max memory used", rep ? `${rep.maxMemory} MB` : undefined],
      ["Init duration", rep?.init !== undefined ? `${rep.init.toFixed(2)} ms (cold start)` : "warm start"],
      ["Executed version", out.executedVersion],
    ]),
    h("h3", null, "Log output"),
    pre(out.log || "(no log output)", "log"));
}

// ------------------------------------------------------------------ Configuration

const SECTIONS = [
  ["general", "General"],
  ["env", "Environment variables"],
  ["concurrency", "Concurrency"],
  ["permissions", "Permissions"],
  ["tags", "Tags"],
  ["versions", "Versions"],
  ["aliases", "Aliases"],
] as const;

function configTab(fn: Fn, t: TabCtx): Node {
  let section = SECTIONS.some(([id]) => id === t.ctx.query.get("section")) ? t.ctx.query.get("section")! : "general";
  const panel = h("div", { class: "config-panel" });
  const nav = h("nav", { class: "subnav", "aria-label": "Configuration" });
  const draw = () => {
    replace(nav, ...SECTIONS.map(([id, label]) => h("button", { class: `subnav-item${id === section ? " active" : ""}`, "aria-current": id === section ? "true" : undefined, "data-section": id, onclick: () => {
      section = id;
      t.ctx.setQuery({ section: id });
      draw();
    } }, label)));
    replace(panel, loading());
    const c = fn.Configuration;
    const next = async () => {
      fn = await t.refresh();
      draw();
    };
    const drawer: Record<string, () => Promise<Node> | Node> = {
      general: () => generalSection(c, next),
      env: () => envSection(c, next),
      concurrency: () => concurrencySection(c),
      permissions: () => permissionsSection(c),
      tags: () => tagsSection(c),
      versions: () => versionsSection(c),
      aliases: () => aliasesSection(c),
    };
    Promise.resolve(drawer[section]()).then((n) => replace(panel, n)).catch((e) => replace(panel, errorBox(e)));
  };
  draw();
  return h("div", { class: "config" }, nav, panel);
}

async function generalSection(c: FunctionConfiguration, done: () => Promise<void>): Promise<Node> {
  const list = await runtimes().catch(() => []);
  const description = h("input", { class: "input", value: c.Description, maxlength: 256, name: "description" });
  const memory = h("input", { class: "input", type: "number", min: 128, max: 10240, value: c.MemorySize, name: "memory" });
  const timeout = h("input", { class: "input", type: "number", min: 1, max: 900, value: c.Timeout, name: "timeout" });
  const storage = h("input", { class: "input", type: "number", min: 512, max: 10240, value: c.EphemeralStorage?.Size ?? 512, name: "ephemeral" });
  const handler = h("input", { class: "input", value: c.Handler ?? "", spellcheck: "false", name: "handler" });
  const runtime = h("select", { class: "input", name: "runtime" }, ...list.map((r) => h("option", { value: r.id, disabled: !r.available && r.id !== c.Runtime }, r.id + (r.available ? "" : " (not on this host)"))));
  runtime.value = c.Runtime ?? "";
  const save = btn("Save", { kind: "primary", type: "submit", id: "save-general" });
  return card("General configuration",
    h("form", { class: "form", onsubmit: async (e: Event) => {
      e.preventDefault();
      await busy(save, async () => {
        await lambda.updateConfiguration(c.FunctionName, {
          Description: description.value, MemorySize: Number(memory.value), Timeout: Number(timeout.value),
          EphemeralStorage: { Size: Number(storage.value) }, Handler: handler.value.trim(), Runtime: runtime.value || undefined,
        });
        toast("Configuration saved");
        await done();
      }, "Could not save");
    } },
      field("Description", description),
      h("div", { class: "grid-3" },
        field("Memory (MB)", memory, "128 – 10,240; the sandbox's hard memory limit."),
        field("Timeout (seconds)", timeout, "1 – 900"),
        field("Ephemeral storage /tmp (MB)", storage, "512 – 10,240")),
      h("div", { class: "grid-2" }, field("Runtime", runtime), field("Handler", handler)),
      h("div", { class: "form-actions" }, save)),
    dl([["Last modified", date(c.LastModified)], ["Code SHA-256", h("code", null, c.CodeSha256)], ["Revision", h("code", null, c.RevisionId)], ["Role", h("code", null, c.Role)], ["Architectures", c.Architectures?.join(", ")]]));
}

function envSection(c: FunctionConfiguration, done: () => Promise<void>): Node {
  const kv = kvEditor(c.Environment?.Variables ?? {}, { name: "Environment variable", addLabel: "Add environment variable" });
  const save = btn("Save", { kind: "primary", id: "save-env", onclick: () => busy(save, async () => {
    await lambda.updateConfiguration(c.FunctionName, { Environment: { Variables: kv.value() } });
    toast("Environment variables saved");
    await done();
  }, "Could not save") });
  return card("Environment variables",
    h("p", { class: "muted" }, "Set in the function's environment at its next cold start; a saved change starts new environments."),
    kv.el, h("div", { class: "form-actions" }, save));
}

async function concurrencySection(c: FunctionConfiguration): Promise<Node> {
  const [cur, acct] = await Promise.all([lambda.getConcurrency(c.FunctionName), lambda.getAccountSettings()]);
  const reserved = cur.ReservedConcurrentExecutions;
  const useReserved = h("input", { type: "radio", name: "conc", checked: reserved !== undefined, id: "conc-reserved" });
  const useAccount = h("input", { type: "radio", name: "conc", checked: reserved === undefined, id: "conc-account" });
  const n = h("input", { class: "input input-sm", type: "number", min: 0, value: reserved ?? 10, "aria-label": "Reserved concurrency", id: "reserved-n" });
  const save = btn("Save", { kind: "primary", id: "save-concurrency", onclick: () => busy(save, async () => {
    if (useReserved.checked) await lambda.putConcurrency(c.FunctionName, Number(n.value));
    else await lambda.deleteConcurrency(c.FunctionName);
    toast("Concurrency saved");
  }, "Could not save") });
  return card("Concurrency",
    h("label", { class: "check" }, useAccount, "Use unreserved account concurrency"),
    h("label", { class: "check" }, useReserved, "Reserve concurrency ", n, h("span", { class: "muted" }, " (0 stops all invocations)")),
    dl([["Account limit", String(acct.AccountLimit?.ConcurrentExecutions ?? "—")], ["Unreserved account concurrency", String(acct.AccountLimit?.UnreservedConcurrentExecutions ?? "—")], ["Functions in the account", String(acct.AccountUsage?.FunctionCount ?? "—")]]),
    h("div", { class: "form-actions" }, save));
}

async function permissionsSection(c: FunctionConfiguration): Promise<Node> {
  const pol = await lambda.getPolicy(c.FunctionName);
  const statements: Record<string, unknown>[] = pol ? (JSON.parse(pol.Policy).Statement ?? []) : [];
  const wrap = h("div");
  const sid = h("input", { class: "input", placeholder: "allow-s3", spellcheck: "false", name: "sid" });
  const principal = h("input", { class: "input", placeholder: "s3.amazonaws.com or an account ID", spellcheck: "false", name: "principal" });
  const action = h("input", { class: "input", value: "lambda:InvokeFunction", spellcheck: "false", name: "action" });
  const source = h("input", { class: "input", placeholder: "arn:aws:s3:::my-bucket (optional)", spellcheck: "false", name: "sourceArn" });
  const add = btn("Add permission", { kind: "primary", type: "submit" });
  const reload = async () => replace(wrap, await permissionsSection(c));
  wrap.append(
    card("Resource-based policy",
      statements.length === 0 ? h("p", { class: "muted" }, "No statements: only this account's credentials can invoke the function.") :
        h("div", { class: "table-wrap" }, h("table", { class: "table" },
          h("thead", null, h("tr", null, ...["Sid", "Principal", "Action", "Condition", ""].map((x) => h("th", null, x)))),
          h("tbody", null, ...statements.map((st) => h("tr", null,
            h("td", null, h("code", null, String(st.Sid))),
            h("td", null, h("code", null, JSON.stringify(st.Principal))),
            h("td", null, h("code", null, String(st.Action))),
            h("td", null, st.Condition ? h("code", { class: "small" }, JSON.stringify(st.Condition)) : "—"),
            h("td", { class: "num" }, h("button", { class: "btn btn-ghost btn-sm", onclick: async () => {
              if (!(await confirmDialog(`Remove ${st.Sid}?`, "The statement is removed from the function's policy.", "Remove"))) return;
              await busy(null, async () => { await lambda.removePermission(c.FunctionName, String(st.Sid)); await reload(); });
            } }, "Remove"))))))),
      pol ? h("details", null, h("summary", null, "Policy document"), pre(prettyJSON(pol.Policy))) : null),
    card("Add permission",
      h("form", { class: "form", onsubmit: async (e: Event) => {
        e.preventDefault();
        await busy(add, async () => {
          const p = principal.value.trim();
          await lambda.addPermission(c.FunctionName, { StatementId: sid.value.trim(), Principal: p, Action: action.value.trim(), SourceArn: source.value.trim() || undefined });
          toast(`Added ${sid.value.trim()}`);
          await reload();
        }, "Could not add the permission");
      } },
        h("div", { class: "grid-2" }, field("Statement ID", sid), field("Principal", principal), field("Action", action), field("Source ARN", source)),
        h("div", { class: "form-actions" }, add))));
  return wrap;
}

async function tagsSection(c: FunctionConfiguration): Promise<Node> {
  const cur = (await lambda.listTags(c.FunctionArn)).Tags ?? {};
  const kv = kvEditor(cur, { name: "Tag", addLabel: "Add tag" });
  const save = btn("Save", { kind: "primary", id: "save-tags", onclick: () => busy(save, async () => {
    const next = kv.value();
    const removed = Object.keys(cur).filter((k) => !(k in next));
    if (removed.length) await lambda.untag(c.FunctionArn, removed);
    if (Object.keys(next).length) await lambda.tag(c.FunctionArn, next);
    Object.keys(cur).forEach((k) => delete cur[k]);
    Object.assign(cur, next);
    toast("Tags saved");
  }, "Could not save the tags") });
  return card("Tags", kv.el, h("div", { class: "form-actions" }, save));
}

async function versionsSection(c: FunctionConfiguration): Promise<Node> {
  const { Versions } = await lambda.listVersions(c.FunctionName);
  const wrap = h("div");
  const desc = h("input", { class: "input", placeholder: "Description (optional)", "aria-label": "Version description" });
  const publish = btn("Publish new version", { kind: "primary", icon: "plus", onclick: () => busy(publish, async () => {
    const v = await lambda.publishVersion(c.FunctionName, desc.value);
    toast(`Published version ${v.Version}`);
    replace(wrap, await versionsSection(c));
  }, "Could not publish") });
  wrap.append(card("Versions",
    h("div", { class: "toolbar" }, desc, publish),
    h("div", { class: "table-wrap" }, h("table", { class: "table" },
      h("thead", null, h("tr", null, ...["Version", "Description", "Code SHA-256", "Runtime", "Last modified"].map((x) => h("th", null, x)))),
      h("tbody", null, ...Versions.map((v) => h("tr", null,
        h("td", null, h("strong", null, v.Version)), h("td", null, v.Description || "—"), h("td", null, h("code", { class: "small" }, v.CodeSha256.slice(0, 16) + "…")),
        h("td", null, v.Runtime ?? ""), h("td", null, date(v.LastModified)))))))));
  return wrap;
}

async function aliasesSection(c: FunctionConfiguration): Promise<Node> {
  const [{ Aliases }, { Versions }] = await Promise.all([lambda.listAliases(c.FunctionName), lambda.listVersions(c.FunctionName)]);
  const published = Versions.filter((v) => v.Version !== "$LATEST").map((v) => v.Version);
  const wrap = h("div");
  const reload = async () => replace(wrap, await aliasesSection(c));
  const editAlias = (a?: AliasConfiguration) => {
    const name = h("input", { class: "input", value: a?.Name ?? "", disabled: !!a, spellcheck: "false", placeholder: "live" });
    const opts = ["$LATEST", ...published];
    const version = h("select", { class: "input" }, ...opts.map((v) => h("option", { value: v }, v)));
    version.value = a?.FunctionVersion ?? (published[published.length - 1] ?? "$LATEST");
    const weights = a?.RoutingConfig?.AdditionalVersionWeights ?? {};
    const [w2v, w2] = Object.entries(weights)[0] ?? ["", 0];
    const second = h("select", { class: "input" }, h("option", { value: "" }, "none"), ...published.map((v) => h("option", { value: v }, v)));
    second.value = w2v;
    const weight = h("input", { class: "input", type: "number", min: 0, max: 100, value: Math.round(w2 * 100) });
    const desc = h("input", { class: "input", value: a?.Description ?? "" });
    const body = h("form", { class: "form" }, field("Name", name), field("Version", version), field("Description", desc),
      h("div", { class: "grid-2" }, field("Weighted second version", second, "Lambda routes a share of invocations to it."), field("Its weight (%)", weight)));
    dialog(a ? `Edit alias ${a.Name}` : "Create alias", body, (close) => [
      h("button", { class: "btn", onclick: close }, "Cancel"),
      h("button", { class: "btn btn-primary", onclick: async (e: MouseEvent) => {
        await busy(e.currentTarget as HTMLButtonElement, async () => {
          const input = { FunctionVersion: version.value, Description: desc.value, RoutingConfig: { AdditionalVersionWeights: second.value ? { [second.value]: Number(weight.value) / 100 } : {} } };
          if (a) await lambda.updateAlias(c.FunctionName, a.Name, input);
          else await lambda.createAlias(c.FunctionName, { Name: name.value.trim(), ...input });
          close();
          toast(a ? `Updated ${a.Name}` : `Created ${name.value.trim()}`);
          await reload();
        }, "Could not save the alias");
      } }, a ? "Save" : "Create"),
    ]);
  };
  wrap.append(card("Aliases",
    h("div", { class: "toolbar" }, btn("Create alias", { kind: "primary", icon: "plus", onclick: () => editAlias() })),
    Aliases.length === 0 ? h("p", { class: "muted" }, "No aliases. An alias names a version (and can split traffic between two).") :
      h("div", { class: "table-wrap" }, h("table", { class: "table" },
        h("thead", null, h("tr", null, ...["Name", "Version", "Routing", "Description", ""].map((x) => h("th", null, x)))),
        h("tbody", null, ...Aliases.map((a) => h("tr", null,
          h("td", null, h("strong", null, a.Name)), h("td", null, a.FunctionVersion),
          h("td", null, Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {}).map(([v, w]) => `${Math.round((1 - w) * 100)}% → ${a.FunctionVersion}, ${Math.round(w * 100)}% → ${v}`).join("") || "100%"),
          h("td", null, a.Description || "—"),
          h("td", { class: "num" },
            h("button", { class: "btn btn-ghost btn-sm", onclick: () => editAlias(a) }, "Edit"),
            h("button", { class: "btn btn-ghost btn-sm", onclick: async () => {
              if (!(await confirmDialog(`Delete alias ${a.Name}?`, "Invocations of this alias will fail.", "Delete alias"))) return;
              await busy(null, async () => { await lambda.deleteAlias(c.FunctionName, a.Name); await reload(); });
            } }, "Delete")))))))));
  return wrap;
}

// ------------------------------------------------------------------ Monitor

const WINDOWS = [["5m", 5], ["15m", 15], ["60m", 60]] as const;

function monitorTab(fn: Fn, t: TabCtx): Node {
  const c = fn.Configuration;
  let windowMin = 15;
  const cards = h("div", { class: "metrics-grid" });
  const totals = h("div", { class: "totals" });
  const logsBox = h("div");
  const draw = (list: Sample[]) => {
    const inv: Point[] = [], err: Point[] = [], thr: Point[] = [], avg: Point[] = [], p99: Point[] = [];
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1], b = list[i];
      const dn = b.durationCount - a.durationCount;
      inv.push({ t: b.t, v: b.invocations - a.invocations });
      err.push({ t: b.t, v: b.errors - a.errors });
      thr.push({ t: b.t, v: b.throttles - a.throttles });
      if (dn > 0) {
        avg.push({ t: b.t, v: ((b.durationSum - a.durationSum) / dn) * 1000 });
        const delta = b.buckets.map(([le, cnt]) => [le, cnt - (a.buckets.find((x) => x[0] === le)?.[1] ?? 0)] as [number, number]);
        p99.push({ t: b.t, v: quantile(0.99, delta) * 1000 });
      }
    }
    const w = windowMin * 60000;
    const last = list[list.length - 1];
    replace(cards,
      metricCard("Invocations", chart([{ name: "Invocations", points: inv }], { windowMs: w, kind: "bar", label: "Invocations between samples" }), "between samples"),
      metricCard("Errors", chart([{ name: "Errors", points: err, color: "var(--bad)" }], { windowMs: w, kind: "bar", label: "Errors between samples" }), "between samples"),
      metricCard("Duration", chart([{ name: "average", points: avg }, { name: "p99", points: p99, color: "var(--warn)" }], { windowMs: w, kind: "line", unit: " ms", label: "Duration in ms: average and 99th percentile" }), "ms",
        h("div", { class: "legend" }, h("span", { class: "legend-item key-accent" }, h("i"), "average"), h("span", { class: "legend-item key-warn" }, h("i"), "p99 (from the histogram)"))),
      metricCard("Throttles", chart([{ name: "Throttles", points: thr, color: "var(--warn)" }], { windowMs: w, kind: "bar", label: "Throttles between samples" }), "between samples"));
    if (last) {
      const ratio = last.invocations ? ((last.errors / last.invocations) * 100).toFixed(1) : "0";
      replace(totals, dl([
        ["Invocations since the server started", String(last.invocations)],
        ["Errors", `${last.errors} (${ratio}%)`],
        ["Throttles", String(last.throttles)],
        ["Average duration", last.durationCount ? duration((last.durationSum / last.durationCount) * 1000) : "—"],
        ["p50 / p99 duration", last.durationCount ? `${duration(quantile(0.5, last.buckets) * 1000)} / ${duration(quantile(0.99, last.buckets) * 1000)}` : "—"],
      ]));
    }
  };
  draw(loadSamples(c.FunctionArn));
  t.onSample(draw);
  t.takeSample().catch((e) => replace(totals, errorBox(e)));
  const loadLogs = async () => {
    replace(logsBox, loading());
    try {
      const r = await logs.filterLogEvents(`/aws/lambda/${c.FunctionName}`, Date.now() - 3600_000, 200);
      replace(logsBox, r.events.length ? pre(r.events.map((e) => `${new Date(e.timestamp).toISOString()}  ${e.message.trimEnd()}`).join("\n"), "log") : h("p", { class: "muted" }, "No log events in the last hour."));
    } catch (e) {
      const tails = JSON.parse(sessionStorage.getItem(tailsKey(c.FunctionName)) ?? "[]") as { t: number; log: string }[];
      const why = e instanceof ApiError && e.code === "UnknownOperationException" ? "This server has no CloudWatch Logs API yet" : `FilterLogEvents failed (${errorText(e)})`;
      replace(logsBox,
        h("p", { class: "muted" }, `${why}: showing the log tails of invocations made from this browser session.`),
        tails.length ? pre(tails.map((x) => `— ${new Date(x.t).toLocaleTimeString()}\n${x.log.trimEnd()}`).join("\n\n"), "log") : empty("No recent logs", "Run a test event to see its logs here."));
    }
  };
  loadLogs();
  const range = h("div", { class: "segmented", role: "group", "aria-label": "Time range" }, ...WINDOWS.map(([label, m]) => h("button", { class: m === windowMin ? "active" : "", "aria-pressed": String(m === windowMin), onclick: (e: MouseEvent) => {
    windowMin = m;
    range.querySelectorAll("button").forEach((b) => { b.classList.remove("active"); b.setAttribute("aria-pressed", "false"); });
    (e.currentTarget as HTMLElement).classList.add("active");
    (e.currentTarget as HTMLElement).setAttribute("aria-pressed", "true");
    draw(loadSamples(c.FunctionArn));
  } }, label)));
  return h("div", null,
    h("div", { class: "toolbar" }, h("p", { class: "muted" }, "From the server's /metrics (gureum_lambda_*), sampled every 5 s and around each test while this function is open; samples are kept for this browser session."), h("div", { class: "spacer" }), range),
    cards, card("Totals", totals),
    h("section", { class: "card" }, h("div", { class: "card-title-row" }, h("h2", { class: "card-title" }, "Recent logs"), btn("Refresh", { icon: "refresh", kind: "ghost", onclick: loadLogs })), logsBox));
}

function metricCard(title: string, svg: SVGSVGElement, unit: string, extra?: Node) {
  return h("section", { class: "card metric" }, h("div", { class: "metric-head" }, h("h3", null, title, h("span", { class: "muted small" }, ` · ${unit}`)), extra ?? null), svg);
}
