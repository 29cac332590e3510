// One state machine: its executions (status filter, start with input) and
// its definition (graph + JSON).
import { h, icon, replace } from "../lib/dom";
import { sfn, type ExecutionListItem, type StateMachine } from "../lib/api";
import { href, navigate, type PageContext } from "../lib/router";
import { ago, date, duration } from "../lib/format";
import { createEditor } from "../editor";
import { renderDefinition } from "../graph/render";
import { badge, btn, busy, card, confirmDialog, copyButton, dialog, empty, errorBox, field, loading, pageHeader, pre, tabs, toast } from "../ui/ui";
import { machineArn } from "./machines";
import { prettyDefinition } from "./machine-edit";

const FILTERS = [
  ["", "All"], ["RUNNING", "Running"], ["SUCCEEDED", "Succeeded"], ["FAILED", "Failed"], ["TIMED_OUT", "Timed out"], ["ABORTED", "Aborted"], ["PENDING_REDRIVE", "Pending redrive"],
] as const;

export async function machinePage(ctx: PageContext): Promise<Node> {
  const m = await sfn.describeStateMachine(machineArn(ctx.params.name));
  let tab = ctx.query.get("tab") === "definition" ? "definition" : "executions";
  const body = h("div", { class: "tab-body", role: "tabpanel" });
  const tabSlot = h("div");
  let leave: (() => void)[] = [];
  ctx.onLeave(() => leave.forEach((f) => f()));
  const draw = () => {
    leave.forEach((f) => f());
    leave = [];
    replace(tabSlot, tabs([{ id: "executions", label: "Executions" }, { id: "definition", label: "Definition" }], tab, (id) => {
      tab = id;
      ctx.setQuery({ tab: id === "executions" ? undefined : id, status: undefined });
      draw();
    }));
    body.setAttribute("aria-labelledby", `tab-${tab}`);
    replace(body, tab === "executions" ? executionsTab(m, ctx, (f) => leave.push(f)) : definitionTab(m));
  };
  draw();
  const startBtn = btn("Start execution", { kind: "primary", icon: "play", id: "start-execution", onclick: () => startDialog(m) });
  return h("div", { class: "page page-wide" },
    pageHeader(m.name, {
      crumbs: [["State machines", href("/states")]],
      actions: [
        btn("Delete", { kind: "ghost", icon: "trash", onclick: async () => {
          if (!(await confirmDialog(`Delete ${m.name}?`, "The state machine is deleted; running executions are stopped.", "Delete state machine"))) return;
          await busy(null, async () => {
            await sfn.deleteStateMachine(m.stateMachineArn);
            toast(`Deleted ${m.name}`);
            navigate("/states");
          });
        } }),
        h("a", { class: "btn", href: href(`/states/${encodeURIComponent(m.name)}/edit`), id: "edit-machine" }, icon("edit"), "Edit"),
        startBtn,
      ],
      sub: h("div", { class: "meta-row" }, badge(m.type), badge(m.status), h("span", null, `created ${date(m.creationDate)}`),
        h("span", { class: "arn" }, h("code", null, m.stateMachineArn), copyButton(m.stateMachineArn, "Copy ARN"))),
    }),
    tabSlot, body);
}

const inputKey = (arn: string) => `gureum.input.${arn}`;

export function startDialog(m: StateMachine, input?: string) {
  const name = h("input", { class: "input", placeholder: "generated when empty", spellcheck: "false", name: "executionName", maxlength: 80 });
  const editor = createEditor({
    doc: input ?? localStorage.getItem(inputKey(m.stateMachineArn)) ?? '{\n  "Comment": "Insert your JSON here"\n}\n', file: "input.json", label: "Execution input (JSON)", minHeight: "200px", wrap: true,
    keys: [{ key: "Mod-Enter", run: () => (start(), true) }],
  });
  let closeFn = () => {};
  const startBtn = h("button", { class: "btn btn-primary", id: "start-submit", onclick: () => start() }, icon("play"), "Start");
  const start = async () => {
    const text = editor.text();
    try {
      JSON.parse(text);
    } catch (e) {
      toast(`The input is not valid JSON: ${(e as Error).message}`, "error");
      return;
    }
    await busy(startBtn, async () => {
      const r = await sfn.startExecution(m.stateMachineArn, text, name.value.trim());
      localStorage.setItem(inputKey(m.stateMachineArn), text);
      closeFn();
      const execName = r.executionArn.slice(r.executionArn.lastIndexOf(":") + 1);
      navigate(`/states/${encodeURIComponent(m.name)}/executions/${encodeURIComponent(execName)}`);
    }, "Could not start the execution");
  };
  closeFn = dialog(`Start execution of ${m.name}`, h("div", { class: "form" }, field("Name", name), h("div", { class: "field" }, h("label", null, "Input"), h("div", { class: "editor-frame" }, editor.dom)), h("p", { class: "hint" }, "Ctrl+Enter starts.")),
    (close) => [h("button", { class: "btn", onclick: close }, "Cancel"), startBtn], { wide: true });
  editor.focus();
}

function executionsTab(m: StateMachine, ctx: PageContext, onLeave: (f: () => void) => void): Node {
  let status = ctx.query.get("status") ?? "";
  let items: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  const tbody = h("tbody");
  const more = btn("Load more", { kind: "ghost", onclick: () => load(true) });
  const wrap = h("div", { class: "table-wrap" });
  const filter = h("div", { class: "segmented", role: "group", "aria-label": "Status filter", id: "status-filter" });
  const drawFilter = () => replace(filter, ...FILTERS.map(([v, label]) => h("button", { class: v === status ? "active" : "", "aria-pressed": String(v === status), "data-status": v || "ALL", onclick: () => {
    status = v;
    ctx.setQuery({ status: v || undefined });
    drawFilter();
    load(false);
  } }, label)));
  const drawRows = () => {
    if (items.length === 0) {
      replace(wrap, empty(status ? "No executions with this status" : "No executions yet", "Start one with an input to see it run through the graph.", status ? undefined : btn("Start execution", { kind: "primary", icon: "play", onclick: () => startDialog(m) })));
      return;
    }
    replace(tbody, ...items.map((e) => {
      const end = e.stopDate ?? (e.status === "RUNNING" ? Date.now() / 1000 : undefined);
      return h("tr", null,
        h("td", null, h("a", { class: "strong", href: href(`/states/${encodeURIComponent(m.name)}/executions/${encodeURIComponent(e.name)}`) }, e.name)),
        h("td", null, badge(e.status)),
        h("td", { title: date(e.startDate) }, ago(e.startDate)),
        h("td", null, e.stopDate ? date(e.stopDate) : "—"),
        h("td", { class: "num" }, end ? duration((end - e.startDate) * 1000) : "—"),
        h("td", { class: "num" }, e.redriveCount ? String(e.redriveCount) : ""));
    }));
    replace(wrap, h("table", { class: "table", id: "executions-table" }, h("thead", null, h("tr", null, ...["Name", "Status", "Started", "Ended", "Duration", "Redrives"].map((c, i) => h("th", { scope: "col", class: i >= 4 ? "num" : undefined }, c)))), tbody));
    more.hidden = !nextToken;
  };
  let seq = 0;
  const load = async (append: boolean) => {
    const mine = ++seq;
    if (!append) replace(wrap, loading());
    try {
      const r = await sfn.listExecutions(m.stateMachineArn, status, append ? nextToken : undefined);
      if (mine !== seq) return;
      items = append ? [...items, ...r.executions] : r.executions;
      nextToken = r.nextToken;
      drawRows();
    } catch (e) {
      replace(wrap, errorBox(e));
    }
  };
  const timer = setInterval(() => {
    if (items.some((e) => e.status === "RUNNING") && !nextToken) load(false);
  }, 2000);
  onLeave(() => clearInterval(timer));
  drawFilter();
  load(false);
  return card(null, h("div", { class: "toolbar" }, filter, h("div", { class: "spacer" }), btn("Refresh", { kind: "ghost", icon: "refresh", onclick: () => load(false) })), wrap, h("div", { class: "center" }, more));
}

function definitionTab(m: StateMachine): Node {
  const r = renderDefinition(m.definition);
  return h("div", { class: "designer" },
    card("Graph", h("div", { class: "graph-box", id: "definition-graph" }, r ? r.svg : h("p", { class: "muted" }, "The definition does not parse."))),
    card("Definition", pre(prettyDefinition(m.definition), "definition")));
}
