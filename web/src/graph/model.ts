// The graph of a state machine definition: one node per state, Start and
// End, edges for Next / Choice rules / Default / Catch / End, and
// Parallel branches and Map processors as nested graphs inside their state.

export type EdgeKind = "next" | "choice" | "default" | "catch" | "end" | "start";

export interface GNode {
  id: string; // the state name (unique in a machine), or a Start/End id
  label: string;
  kind: "start" | "end" | "state";
  type?: string; // ASL state type
  detail?: string; // a short line under the name (resource, wait, …)
  groups?: GGraph[]; // Parallel branches or the Map processor
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label?: string;
  points: { x: number; y: number }[];
  labelPos?: { x: number; y: number; width: number; height: number };
}

export interface GGraph {
  nodes: GNode[];
  edges: GEdge[];
  width: number;
  height: number;
  title?: string; // "Branch 1", "Iterator"
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function short(v: unknown, max = 28): string {
  const s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

const OPS: Record<string, string> = {
  StringEquals: "==", NumericEquals: "==", BooleanEquals: "==", TimestampEquals: "==",
  StringLessThan: "<", NumericLessThan: "<", TimestampLessThan: "<",
  StringGreaterThan: ">", NumericGreaterThan: ">", TimestampGreaterThan: ">",
  StringLessThanEquals: "<=", NumericLessThanEquals: "<=", TimestampLessThanEquals: "<=",
  StringGreaterThanEquals: ">=", NumericGreaterThanEquals: ">=", TimestampGreaterThanEquals: ">=",
  StringMatches: "matches",
};

/** ruleText summarises a Choice rule for its edge label. */
export function ruleText(rule: Json): string {
  if (typeof rule.Condition === "string") return rule.Condition.length > 40 ? rule.Condition.slice(0, 39) + "…" : rule.Condition;
  if (Array.isArray(rule.And)) return rule.And.filter(isObj).map(ruleText).join(" and ");
  if (Array.isArray(rule.Or)) return rule.Or.filter(isObj).map(ruleText).join(" or ");
  if (isObj(rule.Not)) return `not (${ruleText(rule.Not)})`;
  const v = String(rule.Variable ?? "");
  for (const [k, val] of Object.entries(rule)) {
    if (k === "Variable" || k === "Next" || k === "Comment" || k === "Assign" || k === "Output") continue;
    const isPath = k.endsWith("Path") && k !== "IsPresent";
    const base = isPath ? k.slice(0, -4) : k;
    if (OPS[base]) return `${v} ${OPS[base]} ${isPath ? String(val) : short(val)}`;
    if (base.startsWith("Is")) return `${v} ${base.replace(/^Is/, "is ").toLowerCase()}${val === false ? " = false" : ""}`;
  }
  return v || "rule";
}

function detailOf(st: Json): string | undefined {
  switch (st.Type) {
    case "Task": {
      const r = String(st.Resource ?? "");
      const params = (st.Parameters ?? st.Arguments) as Json | undefined;
      if (r.startsWith("arn:aws:states:::lambda:invoke") && isObj(params) && typeof params.FunctionName === "string") {
        return "λ " + params.FunctionName.slice(params.FunctionName.lastIndexOf(":") + 1);
      }
      const m = /^arn:aws:states:::([^:]+)/.exec(r);
      if (m) return m[1];
      if (r.includes(":function:")) return "λ " + r.slice(r.lastIndexOf(":function:") + 10).split(":")[0];
      return r.slice(r.lastIndexOf(":") + 1) || undefined;
    }
    case "Wait":
      if (st.Seconds !== undefined) return `${st.Seconds} s`;
      return st.Timestamp ? String(st.Timestamp) : st.SecondsPath ? String(st.SecondsPath) : undefined;
    case "Fail":
      return typeof st.Error === "string" ? st.Error : undefined;
    case "Map":
      return st.MaxConcurrency ? `max ${st.MaxConcurrency} at once` : undefined;
  }
  return undefined;
}

/** build turns a definition into an (unlaid) graph. Unknown targets are drawn as missing states. */
export function build(def: Json, top = true): GGraph {
  const states = isObj(def.States) ? def.States : {};
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  const id = (n: string) => n;
  const blank = { x: 0, y: 0, width: 0, height: 0 };
  if (top) nodes.push({ id: "__start__", label: "Start", kind: "start", ...blank });
  const names = Object.keys(states);
  const missing = new Set<string>();
  const target = (n: unknown) => {
    const s = String(n);
    if (!(s in states)) missing.add(s);
    return id(s);
  };
  for (const name of names) {
    const st = states[name];
    if (!isObj(st)) continue;
    const node: GNode = { id: id(name), label: name, kind: "state", type: String(st.Type ?? "?"), detail: detailOf(st), ...blank };
    if (st.Type === "Parallel" && Array.isArray(st.Branches)) {
      node.groups = st.Branches.filter(isObj).map((b, i) => ({ ...build(b, false), title: `Branch ${i + 1}` }));
    } else if (st.Type === "Map") {
      const proc = isObj(st.ItemProcessor) ? st.ItemProcessor : isObj(st.Iterator) ? st.Iterator : null;
      if (proc) node.groups = [{ ...build(proc, false), title: "Item processor" }];
    }
    nodes.push(node);
    if (st.Type === "Choice") {
      if (Array.isArray(st.Choices)) {
        for (const rule of st.Choices.filter(isObj)) edges.push({ from: node.id, to: target(rule.Next), kind: "choice", label: ruleText(rule), points: [] });
      }
      if (st.Default !== undefined) edges.push({ from: node.id, to: target(st.Default), kind: "default", label: "Default", points: [] });
    } else if (typeof st.Next === "string") {
      edges.push({ from: node.id, to: target(st.Next), kind: "next", points: [] });
    }
    if (Array.isArray(st.Catch)) {
      for (const c of st.Catch.filter(isObj)) {
        const errs = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(", ") : "";
        edges.push({ from: node.id, to: target(c.Next), kind: "catch", label: `Catch ${errs}`, points: [] });
      }
    }
    if (top && (st.End === true || st.Type === "Succeed" || st.Type === "Fail")) {
      edges.push({ from: node.id, to: "__end__", kind: "end", points: [] });
    }
  }
  for (const m of missing) nodes.push({ id: m, label: m, kind: "state", type: "missing", ...blank });
  if (top) {
    nodes.push({ id: "__end__", label: "End", kind: "end", ...blank });
    if (typeof def.StartAt === "string") edges.unshift({ from: "__start__", to: target(def.StartAt), kind: "start", points: [] });
    // (a StartAt that names no state adds a missing node above)
    for (const m of missing) if (!nodes.some((n) => n.id === m)) nodes.push({ id: m, label: m, kind: "state", type: "missing", ...blank });
  }
  return { nodes, edges, width: 0, height: 0 };
}

/** stateCount counts the states of a graph, nested ones included. */
export function stateCount(g: GGraph): number {
  let n = 0;
  for (const node of g.nodes) {
    if (node.kind !== "state") continue;
    n++;
    for (const sub of node.groups ?? []) n += stateCount(sub);
  }
  return n;
}
