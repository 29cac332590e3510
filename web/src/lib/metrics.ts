// The platform's metrics, as the server's /metrics (Prometheus text format)
// exports them: per-function invocation counters and duration histograms
// (gureum_lambda_*). /metrics holds running totals, so the Monitor tab
// samples it while it is open and keeps the samples for this browser
// session; rates over time are the differences between samples.
import { metricsText } from "./api";

export interface Sample {
  t: number; // ms since the epoch
  invocations: number;
  errors: number;
  throttles: number;
  durationSum: number; // seconds
  durationCount: number;
  buckets: [number, number][]; // [le, cumulative count]
}

/** parseMetrics reads the series of one metric family for a label value. */
export function parseMetrics(text: string, fnArn: string): Omit<Sample, "t"> {
  const out: Omit<Sample, "t"> = { invocations: 0, errors: 0, throttles: 0, durationSum: 0, durationCount: 0, buckets: [] };
  for (const line of text.split("\n")) {
    if (!line.startsWith("gureum_lambda_")) continue;
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    if (labels.function_arn !== fnArn) continue;
    const v = Number(m[3]);
    switch (m[1]) {
      case "gureum_lambda_invocations_total": out.invocations = v; break;
      case "gureum_lambda_errors_total": out.errors = v; break;
      case "gureum_lambda_throttles_total": out.throttles = v; break;
      case "gureum_lambda_duration_seconds_sum": out.durationSum = v; break;
      case "gureum_lambda_duration_seconds_count": out.durationCount = v; break;
      case "gureum_lambda_duration_seconds_bucket": out.buckets.push([labels.le === "+Inf" ? Infinity : Number(labels.le), v]); break;
    }
  }
  return out;
}

/** quantile estimates a quantile from cumulative histogram buckets (as Prometheus' histogram_quantile). */
export function quantile(q: number, buckets: [number, number][]): number {
  if (!buckets.length) return NaN;
  const b = [...buckets].sort((x, y) => x[0] - y[0]);
  const total = b[b.length - 1][1];
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0, prevCount = 0;
  for (const [le, count] of b) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + (le - prevLe) * ((rank - prevCount) / Math.max(count - prevCount, 1e-9));
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

const KEY = (arn: string) => `gureum.metrics.${arn}`;
const KEEP_MS = 60 * 60 * 1000;

export function loadSamples(arn: string): Sample[] {
  try {
    const raw = sessionStorage.getItem(KEY(arn));
    const list: Sample[] = raw ? JSON.parse(raw) : [];
    return list.map((s) => ({ ...s, buckets: s.buckets.map(([le, c]) => [le === null ? Infinity : le, c]) }));
  } catch {
    return [];
  }
}

/** sample reads /metrics once and appends the function's sample to the session's list. */
export async function sample(arn: string): Promise<Sample[]> {
  const now = Date.now();
  const s: Sample = { t: now, ...parseMetrics(await metricsText(), arn) };
  let list = loadSamples(arn).filter((x) => now - x.t < KEEP_MS);
  // A restarted server starts its counters again: drop the older samples.
  if (list.length && list[list.length - 1].invocations > s.invocations) list = [];
  list.push(s);
  sessionStorage.setItem(KEY(arn), JSON.stringify(list));
  return list;
}
