// One execution: the graph coloured by what each state did, the selected
// state's input, output, error and retries, the event history, and Stop /
// Redrive.
import { h, icon, replace } from "../lib/dom";
import { ApiError, sfn, type Execution, type HistoryEvent, type StateMachine } from "../lib/api";
import { href, type PageContext } from "../lib/router";
import { date, duration, prettyJSON } from "../lib/format";
import { renderDefinition } from "../graph/render";
import { details, executionStates, noChoiceMatched, retriesOf, type ExecutionStates, type StateStatus, type Visit } from "../graph/status";
import { badge, btn, busy, card, confirmDialog, copyButton, dl, errorText, pageHeader, pre, toast } from "../ui/ui";
import { machineArn } from "./machines";
import { startDialog } from "./machine";

export async function executionPage(ctx: PageContext): Promise<Node> {
  const mArn = machineArn(ctx.params.name);
  const arn = mArn.replace(":stateMachine:", ":execution:") + ":" + ctx.params.exec;
  let exec: Execution = await sfn.describeExecution(arn);
  let def: StateMachine = await sfn.describeStateMachineForExecution(arn);
  let events: HistoryEvent[] = await sfn.history(arn);
  let states: ExecutionStates = executionStates(events, exec);
  let selected: string | undefined = ctx.query.get("state") ?? states.culprit?.name ?? states.visits[states.visits.length - 1]?.name;
  let visitIndex = 0;

  const header = h("div");
  const summary = h("div");
  const graphBox = h("div", { class: "graph-box", id: "execution-graph" });
  const side = h("div", { class: "state-panel", id: "state-panel", "aria-live": "polite" });
  const io = h("div", { class: "grid-2" });
  const historyBox = h("div", { class: "table-wrap" });

  const drawHeader = () => {
    const stop = btn("Stop", { icon: "stop", id: "stop-execution", onclick: async () => {
      if (!(await confirmDialog("Stop this execution?", "The execution is aborted; states in progress are not finished.", "Stop execution"))) return;
      await busy(stop, async () => {
        await sfn.stopExecution(arn, "Console.Stopped", "Stopped from the gureum console");
        toast("Execution stopped");
        await reload();
      }, "Could not stop the execution");
    } });
    const redrive = btn("Redrive", { icon: "redo", id: "redrive-execution", title: "Restart from the failed state (RedriveExecution)", onclick: async () => {
      await busy(redrive, async () => {
        try {
          await sfn.redriveExecution(arn);
          toast("Redrive started: the execution continues from where it failed");
          await reload();
        } catch (e) {
          if (e instanceof ApiError && e.code === "UnknownOperationException") toast("This server does not support RedriveExecution yet.", "error", "Redrive unavailable");
          else toast(errorText(e), "error", "Could not redrive");
        }
      });
    } });
    replace(header, pageHeader(exec.name, {
      crumbs: [["State machines", href("/states")], [def.name, href(`/states/${encodeURIComponent(ctx.params.name)}`)]],
      actions: [
        exec.status === "RUNNING" ? stop : null,
        ["FAILED", "TIMED_OUT", "ABORTED"].includes(exec.status) ? redrive : null,
        btn("New execution", { kind: exec.status === "RUNNING" ? "ghost" : undefined, icon: "play", onclick: () => startDialog({ ...def, stateMachineArn: exec.stateMachineArn, name: ctx.params.name }, prettyJSON(exec.input) + "\n") }),
      ].filter((x): x is HTMLButtonElement => !!x),
      sub: h("div", { class: "meta-row" }, h("span", { id: "execution-status" }, badge(exec.status)),
        h("span", { class: "arn" }, h("code", null, exec.executionArn), copyButton(exec.executionArn, "Copy ARN"))),
    }));
    const end = exec.stopDate ?? Date.now() / 1000;
    replace(summary, h("div", { class: "card summary" }, dl([
      ["Started", date(exec.startDate)],
      ["Ended", exec.stopDate ? date(exec.stopDate) : "—"],
      ["Duration", duration((end - exec.startDate) * 1000)],
      ["States entered", String(states.visits.length)],
      ["Events", String(events.length)],
      ["Redrives", exec.redriveCount ? `${exec.redriveCount} (last ${date(exec.redriveDate)})` : undefined],
    ]), exec.error || exec.cause ? h("div", { class: `error-box${exec.status === "ABORTED" ? " warn" : ""}`, role: "alert" }, icon("alert"), h("div", { class: "grow" }, h("strong", null, exec.error ?? "Error"), causeView(exec.cause))) : null));
  };

  const drawGraph = () => {
    const status = new Map<string, StateStatus>();
    for (const [n, s] of states.byState) status.set(n, s.status);
    const r = renderDefinition(def.definition, { status, traversed: states.traversed, selected, onSelect: (n) => select(n) });
    replace(graphBox, r ? r.svg : h("p", { class: "muted" }, "The definition does not parse."));
  };

  const select = (n: string) => {
    selected = n;
    visitIndex = 0;
    ctx.setQuery({ state: n });
    drawGraph();
    drawSide();
    (graphBox.querySelector(`[data-state="${CSS.escape(n)}"]`) as HTMLElement | null)?.focus();
  };

  const drawSide = () => {
    if (!selected) {
      replace(side, h("p", { class: "muted" }, "Select a state in the graph to see its input, output, error and retries."));
      return;
    }
    const st = states.byState.get(selected);
    if (!st) {
      replace(side, h("h2", { class: "card-title" }, selected), h("p", { class: "muted" }, "This state was not entered in this execution."));
      return;
    }
    const v: Visit = st.visits[Math.min(visitIndex, st.visits.length - 1)];
    const retries = retriesOf(v);
    const picker = st.visits.length > 1 ? h("select", { class: "input input-sm", "aria-label": "Visit", onchange: (e: Event) => { visitIndex = Number((e.target as HTMLSelectElement).value); drawSide(); } },
      ...st.visits.map((_, i) => h("option", { value: i, selected: i === visitIndex }, `Visit ${i + 1} of ${st.visits.length}`))) : null;
    replace(side,
      h("div", { class: "card-title-row" }, h("h2", { class: "card-title", id: "selected-state" }, v.name), statusBadge(v.status)),
      h("div", { class: "muted small" }, `${v.type} state · entered ${date(v.entered.timestamp)}${v.exited ? ` · ${duration((v.exited.timestamp - v.entered.timestamp) * 1000)}` : ""}`),
      picker,
      v.error || v.cause ? h("div", { class: "error-box", role: "alert" }, icon("alert"), h("div", { class: "grow" }, h("strong", { class: "state-error" }, v.error ?? "Error"), causeView(v.cause))) : null,
      noChoiceMatched(v) ? h("div", { class: "note", id: "no-choice-matched" }, h("strong", null, "States.NoChoiceMatched"),
        " — no Choice rule matched the input and the state has no Default. The States Language names this error States.NoChoiceMatched; AWS's service (and gureum, following it) reports it as ",
        h("code", null, v.error ?? "States.Runtime"), ".") : null,
      h("h3", null, "Input"), pre(prettyJSON(v.input) || "—", "state-input"),
      h("h3", null, "Output"), pre(v.output !== undefined ? prettyJSON(v.output) : v.status === "running" ? "(running)" : "—", "state-output"),
      h("h3", null, `Retries (${retries.length})`),
      retries.length ? h("ol", { class: "retries" }, ...retries.map((r) => h("li", null, h("strong", null, r.error ?? "error"), " ", h("span", { class: "muted" }, date(r.timestamp)), r.cause ? causeView(r.cause) : null))) : h("p", { class: "muted" }, "No retries."),
      h("h3", null, "Events"),
      h("ul", { class: "mini-events" }, ...v.events.map((e) => h("li", null, h("code", null, `#${e.id}`), " ", e.type))));
  };

  const drawIO = () => replace(io,
    card("Execution input", pre(prettyJSON(exec.input) || "—", "exec-input")),
    card("Execution output", pre(exec.output !== undefined ? prettyJSON(exec.output) : exec.status === "RUNNING" ? "(running)" : "—", "exec-output")));

  const drawHistory = () => {
    const start = events[0]?.timestamp ?? exec.startDate;
    const ownerName = new Map<number, string>();
    for (const v of states.visits) for (const e of v.events) ownerName.set(e.id, v.name);
    const rows: Node[] = [];
    for (const e of events) {
      const d = details(e);
      const err = (d.error as string) ?? "";
      const row = h("tr", { class: err ? "row-bad" : "" },
        h("td", { class: "num" }, String(e.id)),
        h("td", null, h("button", { class: "link", "aria-expanded": "false", onclick: (ev: MouseEvent) => {
          const b = ev.currentTarget as HTMLElement;
          const open = b.getAttribute("aria-expanded") === "true";
          b.setAttribute("aria-expanded", String(!open));
          detailRow.hidden = open;
        } }, icon("chevron", 12), e.type)),
        h("td", null, ownerName.get(e.id) ? h("button", { class: "link", onclick: () => select(ownerName.get(e.id)!) }, ownerName.get(e.id)!) : ""),
        h("td", null, err || (d.resourceType ? `${d.resourceType}:${d.resource}` : "")),
        h("td", { class: "num" }, `${Math.round((e.timestamp - start) * 1000)} ms`),
        h("td", null, date(e.timestamp)));
      const detailRow = h("tr", { class: "detail-row", hidden: true }, h("td", { colspan: 6 }, pre(JSON.stringify(e, (k, val) => (typeof val === "string" && /^[[{]/.test(val) && k !== "type" ? tryParse(val) : val), 2))));
      rows.push(row, detailRow);
    }
    replace(historyBox, h("table", { class: "table history", id: "history-table" },
      h("thead", null, h("tr", null, ...["ID", "Type", "Step", "Resource / error", "Elapsed", "Timestamp"].map((c, i) => h("th", { scope: "col", class: i === 0 || i === 4 ? "num" : undefined }, c)))),
      h("tbody", null, ...rows)));
  };

  const reload = async () => {
    [exec, events] = await Promise.all([sfn.describeExecution(arn), sfn.history(arn)]);
    if (exec.redriveCount) def = await sfn.describeStateMachineForExecution(arn);
    states = executionStates(events, exec);
    if (!selected || (!states.byState.has(selected) && states.visits.length)) selected = states.culprit?.name ?? states.visits[states.visits.length - 1]?.name;
    drawAll();
  };
  const drawAll = () => {
    drawHeader();
    drawGraph();
    drawSide();
    drawIO();
    drawHistory();
  };
  let timer = 0;
  const poll = async () => {
    if (exec.status === "RUNNING") {
      try {
        await reload();
      } catch {
        /* keep polling */
      }
    }
    timer = window.setTimeout(poll, exec.status === "RUNNING" ? 1000 : 5000);
  };
  timer = window.setTimeout(poll, 1000);
  ctx.onLeave(() => clearTimeout(timer));
  drawAll();
  return h("div", { class: "page page-wide" }, header, summary,
    h("div", { class: "exec-grid" },
      h("section", { class: "card" }, h("div", { class: "card-title-row" }, h("h2", { class: "card-title" }, "Graph"), legend()), graphBox),
      h("section", { class: "card" }, side)),
    io,
    card("Event history", historyBox));
}

/** causeView shows a cause; a Lambda error's JSON cause shows its message, with the rest folded. */
function causeView(cause: string | undefined): Node {
  const j = cause ? tryParse(cause) : undefined;
  if (j && typeof j === "object" && "errorMessage" in (j as Record<string, unknown>)) {
    const e = j as { errorType?: string; errorMessage?: string };
    return h("div", { class: "cause" }, h("div", null, e.errorMessage ?? ""), h("details", { class: "small" }, h("summary", null, "Details"), pre(JSON.stringify(j, null, 2))));
  }
  return h("div", { class: "cause" }, cause ?? "");
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function statusBadge(s: StateStatus) {
  return h("span", { class: `badge badge-${s === "succeeded" ? "ok" : s === "failed" ? "bad" : s === "caught" || s === "aborted" ? "warn" : s === "running" ? "run" : "neutral"}`, "data-status": s }, s);
}

function legend() {
  return h("div", { class: "legend" }, ...(["succeeded", "failed", "caught", "running", "aborted"] as const).map((s) => h("span", { class: `legend-item st-${s}` }, h("i"), s)));
}
