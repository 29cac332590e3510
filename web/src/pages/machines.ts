// State machines: the list.
import { h, icon } from "../lib/dom";
import { account, credentials, sfn } from "../lib/api";
import { href, type PageContext } from "../lib/router";
import { ago, date } from "../lib/format";
import { badge, card, empty, pageHeader } from "../ui/ui";

export const machineArn = (name: string) => `arn:aws:states:${credentials().region}:${account()}:stateMachine:${name}`;

export async function machinesPage(ctx: PageContext): Promise<Node> {
  const list = await sfn.listStateMachines();
  list.sort((a, b) => a.name.localeCompare(b.name));
  const search = h("input", { class: "input search", type: "search", placeholder: "Filter by name  ( / )", "aria-label": "Filter state machines", value: ctx.query.get("q") ?? "" });
  const tbody = h("tbody");
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    tbody.replaceChildren(...list.filter((m) => !q || m.name.toLowerCase().includes(q)).map((m) =>
      h("tr", null,
        h("td", null, h("a", { class: "strong", href: href(`/states/${encodeURIComponent(m.name)}`) }, m.name)),
        h("td", null, badge(m.type)),
        h("td", { title: date(m.creationDate) }, ago(m.creationDate)),
        h("td", { class: "num" }, h("a", { class: "btn btn-ghost btn-sm", href: href(`/states/${encodeURIComponent(m.name)}/edit`) }, icon("edit", 14), "Edit")))));
    ctx.setQuery({ q: search.value || undefined });
  };
  search.addEventListener("input", draw);
  draw();
  return h("div", { class: "page" },
    pageHeader("State machines", {
      actions: [h("a", { class: "btn btn-primary", href: href("/states/new"), id: "create-machine" }, icon("plus"), "Create state machine")],
      sub: "Step Functions workflows: durable Standard and fast Express executions.",
    }),
    list.length === 0
      ? empty("No state machines yet", "Write a definition in Amazon States Language and watch its graph as you type.", h("a", { class: "btn btn-primary", href: href("/states/new") }, icon("plus"), "Create state machine"))
      : card(null,
          h("div", { class: "toolbar" }, h("div", { class: "search-wrap" }, icon("search", 14), search)),
          h("div", { class: "table-wrap" }, h("table", { class: "table", id: "machines-table" },
            h("thead", null, h("tr", null, ...["Name", "Type", "Created", ""].map((c) => h("th", { scope: "col" }, c)))), tbody))));
}

