// Creating and editing a state machine: the definition editor (diagnostics
// from ValidateStateMachineDefinition, inline) beside a live graph.
import { h, icon, replace } from "../lib/dom";
import { account, sfn, type Diagnostic } from "../lib/api";
import { href, navigate, type PageContext } from "../lib/router";
import { jsonPositions, spanFor } from "../lib/jsonpos";
import { createEditor, type CMDiagnostic } from "../editor";
import { renderDefinition } from "../graph/render";
import { stateCount } from "../graph/model";
import { btn, busy, field, pageHeader, toast } from "../ui/ui";
import { machineArn } from "./machines";

const HELLO = `{
  "Comment": "A Hello World example",
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "Result": "Hello",
      "Next": "World"
    },
    "World": {
      "Type": "Pass",
      "Result": "World",
      "End": true
    }
  }
}
`;

export async function editMachinePage(ctx: PageContext): Promise<Node> {
  const editing = ctx.params.name;
  const existing = editing ? await sfn.describeStateMachine(machineArn(editing)) : null;
  const name = h("input", { class: "input", name: "name", value: existing?.name ?? "", disabled: !!existing, spellcheck: "false", autocomplete: "off", placeholder: "my-workflow", maxlength: 80, autofocus: !existing });
  const type = h("select", { class: "input", name: "type", disabled: !!existing }, h("option", { value: "STANDARD" }, "Standard — durable, up to a year"), h("option", { value: "EXPRESS" }, "Express — fast, up to 5 minutes"));
  type.value = existing?.type ?? "STANDARD";
  const role = h("input", { class: "input", name: "role", value: existing?.roleArn ?? `arn:aws:iam::${account()}:role/stepfunctions`, spellcheck: "false" });
  const diagList = h("ul", { class: "diagnostics", id: "diagnostics", "aria-live": "polite" });
  const graphBox = h("div", { class: "graph-box", id: "definition-graph" });
  const graphInfo = h("span", { class: "muted small" });
  let dirty = false;

  const drawGraph = (text: string) => {
    const r = renderDefinition(text);
    if (!r) {
      graphBox.classList.add("stale");
      return;
    }
    graphBox.classList.remove("stale");
    replace(graphBox, r.svg);
    graphInfo.textContent = `${stateCount(r.graph)} states`;
  };
  let graphTimer = 0;
  const lint = async (): Promise<readonly CMDiagnostic[]> => {
    const text = editor.text();
    const pos = jsonPositions(text);
    const out: CMDiagnostic[] = [];
    let diags: Diagnostic[] = [];
    try {
      diags = (await sfn.validate(text, type.value)).diagnostics;
    } catch (e) {
      diags = [{ severity: "ERROR", code: "VALIDATION_UNAVAILABLE", message: (e as Error).message }];
    }
    if (text !== editor.text()) return []; // stale: the linter runs again
    for (const d of diags) {
      let from = 0, to = Math.min(text.length, 1);
      if (d.code === "INVALID_JSON_DESCRIPTION" && pos.error) {
        from = pos.error.pos;
        to = Math.min(text.length, from + 1);
        if (from >= text.length) from = Math.max(0, text.length - 1);
      } else {
        const sp = spanFor(pos, d.location);
        if (sp) {
          from = sp.keyFrom ?? sp.from;
          to = sp.to;
        }
      }
      out.push({ from, to: Math.max(to, from), severity: d.severity === "ERROR" ? "error" : "warning", message: `${d.code}: ${d.message}`, source: d.location });
    }
    replace(diagList, ...(diags.length === 0
      ? [h("li", { class: "ok" }, icon("check", 14), "Valid definition")]
      : diags.map((d, i) => h("li", { class: d.severity === "ERROR" ? "err" : "warn" },
          h("button", { class: "link", onclick: () => {
            editor.view.dispatch({ selection: { anchor: out[i].from, head: out[i].to }, scrollIntoView: true });
            editor.focus();
          } }, icon("alert", 14), h("strong", null, d.code), " ", d.message, d.location ? h("code", { class: "loc" }, d.location) : null)))));
    return out;
  };
  const editor = createEditor({
    doc: existing ? prettyDefinition(existing.definition) : HELLO, file: "definition.json", label: "State machine definition (JSON)", minHeight: "520px", wrap: true,
    lint,
    onChange: (text) => {
      dirty = true;
      clearTimeout(graphTimer);
      graphTimer = window.setTimeout(() => drawGraph(text), 150);
    },
    keys: [{ key: "Mod-s", run: () => (save(), true) }],
  });
  drawGraph(editor.text());
  const saveBtn = btn(existing ? "Save" : "Create state machine", { kind: "primary", id: "save-machine", kbd: "Control+S", onclick: () => save() });
  const save = async () => {
    if (!existing && !name.value.trim()) {
      toast("Enter a name for the state machine", "error");
      name.focus();
      return;
    }
    await busy(saveBtn, async () => {
      if (existing) {
        await sfn.updateStateMachine({ stateMachineArn: existing.stateMachineArn, definition: editor.text(), roleArn: role.value.trim() });
        toast(`Saved ${existing.name}`);
        dirty = false;
        navigate(`/states/${encodeURIComponent(existing.name)}?tab=definition`);
      } else {
        await sfn.createStateMachine({ name: name.value.trim(), definition: editor.text(), roleArn: role.value.trim(), type: type.value });
        toast(`Created ${name.value.trim()}`);
        dirty = false;
        navigate(`/states/${encodeURIComponent(name.value.trim())}`);
      }
    }, existing ? "Could not save" : "Could not create");
  };
  const beforeUnload = (e: BeforeUnloadEvent) => {
    if (dirty) e.preventDefault();
  };
  window.addEventListener("beforeunload", beforeUnload);
  ctx.onLeave(() => window.removeEventListener("beforeunload", beforeUnload));
  return h("div", { class: "page page-wide" },
    pageHeader(existing ? `Edit ${existing.name}` : "Create state machine", {
      crumbs: existing ? [["State machines", href("/states")], [existing.name, href(`/states/${encodeURIComponent(existing.name)}`)]] : [["State machines", href("/states")]],
      actions: [h("a", { class: "btn", href: existing ? href(`/states/${encodeURIComponent(existing.name)}`) : href("/states") }, "Cancel"), saveBtn],
    }),
    h("div", { class: "card form-row" }, field("Name", name), field("Type", type), field("Execution role", role)),
    h("div", { class: "designer" },
      h("section", { class: "card designer-code" }, h("div", { class: "card-title-row" }, h("h2", { class: "card-title" }, "Definition"), h("span", { class: "muted small" }, "Amazon States Language · checked as you type")), h("div", { class: "editor-frame" }, editor.dom), diagList),
      h("section", { class: "card designer-graph" }, h("div", { class: "card-title-row" }, h("h2", { class: "card-title" }, "Graph"), graphInfo), graphBox)));
}

export function prettyDefinition(def: string): string {
  try {
    return JSON.stringify(JSON.parse(def), null, 2) + "\n";
  } catch {
    return def;
  }
}
