// What happened to each state of an execution, read from its history:
// every visit of a state (a StateEntered … StateExited span, with the task
// events in between), its input, output, error and retries, and one status
// per state for colouring the graph.
import type { Execution, HistoryEvent } from "../lib/api";

export type StateStatus = "succeeded" | "failed" | "caught" | "running" | "aborted" | "cancelled";

export interface Attempt {
  error?: string;
  cause?: string;
  timestamp: number;
  eventId: number;
}

export interface Visit {
  name: string;
  type: string; // ASL type from the event name: Task, Choice, …
  entered: HistoryEvent;
  exited?: HistoryEvent;
  events: HistoryEvent[];
  input?: string;
  output?: string;
  failures: Attempt[]; // every failure while in the state, retried or not
  succeededAfter: boolean; // the last outcome was a success (after retries)
  status: StateStatus;
  error?: string;
  cause?: string;
}

export interface ExecutionStates {
  visits: Visit[];
  byState: Map<string, { status: StateStatus; visits: Visit[] }>;
  /** edges the execution followed, as "from→to" with "__start__" and "__end__". */
  traversed: Set<string>;
  culprit?: Visit; // the state the execution failed in
}

const FAILURE = /(Task|LambdaFunction|Activity)(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$|^(ParallelState|MapState)Failed$/;
const SUCCESS = /^(TaskSucceeded|LambdaFunctionSucceeded|ActivitySucceeded|ParallelStateSucceeded|MapStateSucceeded)$/;
const RESCHEDULED = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled|ParallelStateStarted|MapStateStarted)$/;

/** details finds the *EventDetails object of an event. */
export function details(e: HistoryEvent): Record<string, unknown> {
  for (const [k, v] of Object.entries(e)) if (k.endsWith("EventDetails") && v && typeof v === "object") return v as Record<string, unknown>;
  return {};
}

const RANK: Record<StateStatus, number> = { failed: 6, running: 5, caught: 4, aborted: 3, succeeded: 2, cancelled: 1 };

export function executionStates(events: HistoryEvent[], exec: Pick<Execution, "status">): ExecutionStates {
  const byId = new Map(events.map((e) => [e.id, e]));
  const owner = new Map<number, Visit>();
  const visits: Visit[] = [];
  const open: Visit[] = [];
  const traversed = new Set<string>();

  const ownerOf = (e: HistoryEvent): Visit | undefined => {
    let cur: HistoryEvent | undefined = e;
    for (let n = 0; cur && n < 10000; n++) {
      const v = owner.get(cur.id);
      if (v) return v;
      cur = byId.get(cur.previousEventId);
    }
    return undefined;
  };
  // lastExitedBefore finds the state whose exit led to e (for the traversed edges).
  const cameFrom = (e: HistoryEvent): string | undefined => {
    const prev = byId.get(e.previousEventId);
    if (!prev) return undefined;
    if (prev.type.endsWith("StateExited")) return String(details(prev).name);
    return undefined;
  };

  for (const e of events) {
    if (e.type.endsWith("StateEntered")) {
      const d = details(e);
      const v: Visit = { name: String(d.name), type: e.type.replace(/StateEntered$/, ""), entered: e, events: [e], input: d.input as string | undefined, failures: [], succeededAfter: false, status: "running" };
      visits.push(v);
      open.push(v);
      owner.set(e.id, v);
      const from = cameFrom(e);
      if (from) traversed.add(`${from}→${v.name}`);
      else if (e.previousEventId === 0 || byId.get(e.previousEventId)?.type === "ExecutionStarted") traversed.add(`__start__→${v.name}`);
      continue;
    }
    let v: Visit | undefined;
    if (e.type.endsWith("StateExited")) {
      const name = String(details(e).name);
      for (let i = open.length - 1; i >= 0; i--) {
        if (open[i].name === name) {
          v = open[i];
          open.splice(i, 1);
          break;
        }
      }
      if (v) {
        v.exited = e;
        v.output = details(e).output as string | undefined;
      }
    } else if (/^(ParallelState|MapState|MapIteration)/.test(e.type)) {
      const kind = e.type.startsWith("Parallel") ? "Parallel" : "Map";
      for (let i = open.length - 1; i >= 0 && !v; i--) if (open[i].type === kind) v = open[i];
    } else if (!e.type.startsWith("Execution")) {
      v = ownerOf(e);
    }
    if (!v) continue;
    owner.set(e.id, v);
    v.events.push(e);
    if (FAILURE.test(e.type)) {
      const d = details(e);
      v.failures.push({ error: d.error as string | undefined, cause: d.cause as string | undefined, timestamp: e.timestamp, eventId: e.id });
      v.succeededAfter = false;
    } else if (SUCCESS.test(e.type)) {
      v.succeededAfter = true;
    }
  }

  // The execution's end: which state it failed in, and the edge to End.
  const last = events[events.length - 1];
  let culprit: Visit | undefined;
  if (last && /^Execution(Failed|TimedOut|Aborted)$/.test(last.type)) {
    const prev = byId.get(last.previousEventId);
    culprit = prev ? (prev.type.endsWith("StateExited") ? undefined : ownerOf(prev)) : undefined;
    if (!culprit && open.length) culprit = open[open.length - 1];
    if (culprit && last.type !== "ExecutionAborted") {
      const d = details(last);
      culprit.error = d.error as string | undefined;
      culprit.cause = d.cause as string | undefined;
    }
  }
  if (last?.type === "ExecutionSucceeded") {
    const from = cameFrom(last);
    if (from) traversed.add(`${from}→__end__`);
  }
  if (last?.type === "ExecutionFailed") {
    const prev = byId.get(last.previousEventId);
    if (prev?.type === "FailStateEntered") traversed.add(`${details(prev).name}→__end__`);
  }

  for (const v of visits) {
    const lastFailure = v.failures[v.failures.length - 1];
    const failedOut = v.failures.length > 0 && !v.succeededAfter;
    if (v === culprit) {
      v.status = exec.status === "ABORTED" ? "aborted" : "failed";
      if (!v.error && lastFailure) {
        v.error = lastFailure.error;
        v.cause = lastFailure.cause;
      }
    } else if (v.exited) {
      v.status = failedOut ? "caught" : "succeeded";
      if (failedOut && lastFailure) {
        v.error = lastFailure.error;
        v.cause = lastFailure.cause;
      }
    } else if (v.type === "Fail" && exec.status === "FAILED") {
      v.status = "failed";
    } else if (exec.status === "RUNNING") {
      v.status = "running";
    } else if (exec.status === "ABORTED") {
      v.status = "aborted";
    } else if (failedOut) {
      // failed but neither exited nor the culprit: caught by a Catch that moved on
      v.status = events.some((e) => e.previousEventId === v.failures[v.failures.length - 1]?.eventId && e.type.endsWith("StateEntered")) ? "caught" : "failed";
      v.error = lastFailure?.error;
      v.cause = lastFailure?.cause;
    } else {
      v.status = "cancelled";
    }
  }
  // A caught failure moves on to the Catch's Next without an exit event.
  for (const v of visits) {
    for (const f of v.failures) {
      const next = events.find((e) => e.previousEventId === f.eventId && e.type.endsWith("StateEntered"));
      if (next) traversed.add(`${v.name}→${details(next).name}`);
    }
  }

  const byState = new Map<string, { status: StateStatus; visits: Visit[] }>();
  for (const v of visits) {
    const cur = byState.get(v.name);
    if (!cur) byState.set(v.name, { status: v.status, visits: [v] });
    else {
      cur.visits.push(v);
      if (RANK[v.status] > RANK[cur.status]) cur.status = v.status;
    }
  }
  return { visits, byState, traversed, culprit };
}

/** retriesOf counts the failures that were followed by another attempt. */
export function retriesOf(v: Visit): Attempt[] {
  return v.failures.filter((f) => v.events.some((e) => e.id > f.eventId && RESCHEDULED.test(e.type)));
}

/** noChoiceMatched tells a Choice that failed because no rule matched and it has no Default. */
export function noChoiceMatched(v: Visit): boolean {
  return v.type === "Choice" && v.status === "failed" && (v.error === "States.NoChoiceMatched" || /does not point to a next state|no choice rule matched/i.test(v.cause ?? ""));
}
