// The console's only way to the server: the public AWS APIs on the same
// origin (Lambda REST-JSON, Step Functions JSON 1.0, CloudWatch Logs JSON
// 1.1) plus the operational endpoints /_gureum/health, /_gureum/runtimes
// and /metrics. Every AWS request is signed with SigV4.
import { sign, uriEncode, type Credentials } from "./sigv4";
import { utf8 } from "./sha256";

/** ApiError is an AWS error answer: its code (__type) and message. */
export class ApiError extends Error {
  constructor(
    public code: string,
    message: string,
    public status: number,
  ) {
    super(message);
  }
  get authProblem(): boolean {
    return (
      this.status === 403 &&
      ["MissingAuthenticationTokenException", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException", "AccessDeniedException"].includes(this.code)
    );
  }
}

const KEY = "gureum.credentials";

/** The credentials requests are signed with; "test" keys by default (any are accepted on loopback). */
export function loadCredentials(): Credentials & { saved: boolean } {
  for (const store of [sessionStorage, localStorage]) {
    const raw = store.getItem(KEY);
    if (raw) {
      try {
        const c = JSON.parse(raw);
        if (c.accessKeyId && c.secretAccessKey) return { region: "us-east-1", ...c, saved: true };
      } catch {
        /* ignore a corrupt entry */
      }
    }
  }
  return { accessKeyId: "test", secretAccessKey: "test", region: "us-east-1", saved: false };
}

export function saveCredentials(c: Credentials, remember: boolean) {
  clearCredentials();
  (remember ? localStorage : sessionStorage).setItem(KEY, JSON.stringify(c));
  creds = loadCredentials();
}

export function clearCredentials() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  creds = loadCredentials();
}

let creds = loadCredentials();
export const credentials = () => creds;

/** authListeners run when the server refuses the credentials. */
export const authListeners: Array<(e: ApiError) => void> = [];

/** account is the account ID the server assigns these credentials (a 12-digit key names it, as on LocalStack). */
export function account(): string {
  return /^\d{12}$/.test(creds.accessKeyId) ? creds.accessKeyId : "000000000000";
}

interface Call {
  method: string;
  path: string; // already encoded
  query?: Record<string, string | string[] | undefined>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  service: string;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

async function send(call: Call): Promise<RawResponse> {
  const qs: string[] = [];
  for (const [k, v] of Object.entries(call.query ?? {})) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) qs.push(`${uriEncode(k)}=${uriEncode(one)}`);
  }
  const query = qs.join("&");
  const body = typeof call.body === "string" ? utf8(call.body) : (call.body ?? new Uint8Array());
  const headers = { ...(call.headers ?? {}) };
  const auth = await sign(
    { method: call.method, host: location.host, path: call.path, query, headers, body, service: call.service },
    creds,
  );
  let res: Response;
  try {
    res = await fetch(call.path + (query ? "?" + query : ""), {
      method: call.method,
      headers: { ...headers, ...auth },
      body: call.method === "GET" || call.method === "DELETE" ? undefined : (body as BodyInit),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError("NetworkError", `The server did not answer (${(e as Error).message}). Is gureum running?`, 0);
  }
  const buf = new Uint8Array(await res.arrayBuffer());
  if (res.status >= 400) {
    let code = res.headers.get("X-Amzn-ErrorType")?.split(":")[0] ?? "";
    let message = "";
    try {
      const j = JSON.parse(new TextDecoder().decode(buf));
      code = String(j.__type ?? code).split("#").pop()!.split(":")[0];
      message = j.message ?? j.Message ?? "";
    } catch {
      message = new TextDecoder().decode(buf).slice(0, 300);
    }
    const err = new ApiError(code || `HTTP${res.status}`, message || res.statusText, res.status);
    if (err.authProblem) for (const l of authListeners) l(err);
    throw err;
  }
  return { status: res.status, headers: res.headers, body: buf };
}

function json<T>(r: RawResponse): T {
  if (r.body.length === 0) return {} as T;
  return JSON.parse(new TextDecoder().decode(r.body)) as T;
}

const enc = (s: string) => uriEncode(s);

// ---------------------------------------------------------------- Lambda

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  Environment?: { Variables: Record<string, string> };
  RevisionId: string;
  State: string;
  StateReason?: string;
  LastUpdateStatus?: string;
  EphemeralStorage: { Size: number };
  Architectures: string[];
  PackageType: string;
}

export interface AliasConfiguration {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId: string;
}

export interface InvokeResult {
  status: number;
  payload: string;
  functionError: string | null;
  log: string;
  executedVersion: string | null;
}

const LAMBDA = "lambda";
const FN = "/2015-03-31/functions";

async function lambdaJSON<T>(method: string, path: string, body?: unknown, query?: Call["query"]): Promise<T> {
  return json<T>(
    await send({
      method,
      path,
      query,
      service: LAMBDA,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

export const lambda = {
  async listFunctions(): Promise<FunctionConfiguration[]> {
    const all: FunctionConfiguration[] = [];
    let marker: string | undefined;
    do {
      const r = await lambdaJSON<{ Functions: FunctionConfiguration[]; NextMarker?: string }>("GET", FN + "/", undefined, { Marker: marker, MaxItems: "50" });
      all.push(...(r.Functions ?? []));
      marker = r.NextMarker || undefined;
    } while (marker);
    return all;
  },
  getFunction: (name: string, qualifier?: string) =>
    lambdaJSON<{ Configuration: FunctionConfiguration; Code: { Location?: string; RepositoryType?: string }; Tags?: Record<string, string>; Concurrency?: { ReservedConcurrentExecutions?: number } }>(
      "GET", `${FN}/${enc(name)}`, undefined, { Qualifier: qualifier }),
  createFunction: (input: Record<string, unknown>) => lambdaJSON<FunctionConfiguration>("POST", FN, input),
  deleteFunction: (name: string) => lambdaJSON<void>("DELETE", `${FN}/${enc(name)}`),
  updateCode: (name: string, zipBase64: string) => lambdaJSON<FunctionConfiguration>("PUT", `${FN}/${enc(name)}/code`, { ZipFile: zipBase64 }),
  updateConfiguration: (name: string, input: Record<string, unknown>) => lambdaJSON<FunctionConfiguration>("PUT", `${FN}/${enc(name)}/configuration`, input),
  getConfiguration: (name: string) => lambdaJSON<FunctionConfiguration>("GET", `${FN}/${enc(name)}/configuration`),
  async invoke(name: string, payload: string, qualifier?: string): Promise<InvokeResult> {
    const r = await send({
      method: "POST",
      path: `${FN}/${enc(name)}/invocations`,
      query: { Qualifier: qualifier || undefined },
      service: LAMBDA,
      headers: { "x-amz-invocation-type": "RequestResponse", "x-amz-log-type": "Tail", "content-type": "application/json" },
      body: payload,
    });
    const logB64 = r.headers.get("X-Amz-Log-Result") ?? "";
    const bin = atob(logB64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return {
      status: r.status,
      payload: new TextDecoder().decode(r.body),
      functionError: r.headers.get("X-Amz-Function-Error"),
      log: new TextDecoder().decode(bytes),
      executedVersion: r.headers.get("X-Amz-Executed-Version"),
    };
  },
  listVersions: (name: string) => lambdaJSON<{ Versions: FunctionConfiguration[] }>("GET", `${FN}/${enc(name)}/versions`, undefined, { MaxItems: "50" }),
  publishVersion: (name: string, description: string) => lambdaJSON<FunctionConfiguration>("POST", `${FN}/${enc(name)}/versions`, { Description: description }),
  listAliases: (name: string) => lambdaJSON<{ Aliases: AliasConfiguration[] }>("GET", `${FN}/${enc(name)}/aliases`, undefined, { MaxItems: "50" }),
  createAlias: (name: string, input: Record<string, unknown>) => lambdaJSON<AliasConfiguration>("POST", `${FN}/${enc(name)}/aliases`, input),
  updateAlias: (name: string, alias: string, input: Record<string, unknown>) => lambdaJSON<AliasConfiguration>("PUT", `${FN}/${enc(name)}/aliases/${enc(alias)}`, input),
  deleteAlias: (name: string, alias: string) => lambdaJSON<void>("DELETE", `${FN}/${enc(name)}/aliases/${enc(alias)}`),
  async getPolicy(name: string): Promise<{ Policy: string; RevisionId: string } | null> {
    try {
      return await lambdaJSON("GET", `${FN}/${enc(name)}/policy`);
    } catch (e) {
      // No policy: "The resource you requested does not exist." (a missing function says "Function not found")
      if (e instanceof ApiError && e.code === "ResourceNotFoundException" && !/^Function not found/.test(e.message)) return null;
      throw e;
    }
  },
  addPermission: (name: string, input: Record<string, unknown>) => lambdaJSON<{ Statement: string }>("POST", `${FN}/${enc(name)}/policy`, input),
  removePermission: (name: string, sid: string) => lambdaJSON<void>("DELETE", `${FN}/${enc(name)}/policy/${enc(sid)}`),
  getConcurrency: (name: string) => lambdaJSON<{ ReservedConcurrentExecutions?: number }>("GET", `/2019-09-30/functions/${enc(name)}/concurrency`),
  putConcurrency: (name: string, n: number) => lambdaJSON<{ ReservedConcurrentExecutions: number }>("PUT", `/2017-10-31/functions/${enc(name)}/concurrency`, { ReservedConcurrentExecutions: n }),
  deleteConcurrency: (name: string) => lambdaJSON<void>("DELETE", `/2017-10-31/functions/${enc(name)}/concurrency`),
  listTags: (arn: string) => lambdaJSON<{ Tags: Record<string, string> }>("GET", `/2017-03-31/tags/${enc(arn)}`),
  tag: (arn: string, tags: Record<string, string>) => lambdaJSON<void>("POST", `/2017-03-31/tags/${enc(arn)}`, { Tags: tags }),
  untag: (arn: string, keys: string[]) => lambdaJSON<void>("DELETE", `/2017-03-31/tags/${enc(arn)}`, undefined, { tagKeys: keys }),
  getAccountSettings: () =>
    lambdaJSON<{ AccountLimit: Record<string, number>; AccountUsage: { TotalCodeSize: number; FunctionCount: number } }>("GET", "/2016-08-19/account-settings/"),
  /** fetchCode downloads a function's deployment package (GetFunction's Code.Location). */
  async fetchCode(location: string): Promise<Uint8Array> {
    // Code.Location names the server by the address it listens on; fetch it
    // from this origin so that a console opened as localhost works too.
    const u = new URL(location, location.startsWith("/") ? window.location.origin : undefined);
    const res = await fetch(u.pathname.startsWith("/_gureum/") ? u.pathname : u.href, { cache: "no-store" });
    if (!res.ok) throw new ApiError("CodeDownloadFailed", `Could not download the code (${res.status})`, res.status);
    return new Uint8Array(await res.arrayBuffer());
  },
};

// ---------------------------------------------------------------- Step Functions

async function target<T>(service: string, prefix: string, ct: string, op: string, input: unknown): Promise<T> {
  return json<T>(
    await send({
      method: "POST",
      path: "/",
      service,
      headers: { "content-type": ct, "x-amz-target": `${prefix}.${op}` },
      body: JSON.stringify(input ?? {}),
    }),
  );
}

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: string;
  creationDate: number;
}

export interface StateMachine extends StateMachineListItem {
  definition: string;
  roleArn: string;
  status: string;
  description?: string;
  loggingConfiguration?: unknown;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  redriveCount?: number;
}

export interface Execution extends ExecutionListItem {
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveStatus?: string;
  redriveStatusReason?: string;
  redriveDate?: number;
}

export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  code: string;
  message: string;
  location?: string;
}

const sfnCall = <T>(op: string, input: unknown) => target<T>("states", "AWSStepFunctions", "application/x-amz-json-1.0", op, input);

export const sfn = {
  async listStateMachines(): Promise<StateMachineListItem[]> {
    const all: StateMachineListItem[] = [];
    let nextToken: string | undefined;
    do {
      const r = await sfnCall<{ stateMachines: StateMachineListItem[]; nextToken?: string }>("ListStateMachines", { maxResults: 100, nextToken });
      all.push(...r.stateMachines);
      nextToken = r.nextToken;
    } while (nextToken);
    return all;
  },
  describeStateMachine: (arn: string) => sfnCall<StateMachine>("DescribeStateMachine", { stateMachineArn: arn }),
  createStateMachine: (input: Record<string, unknown>) => sfnCall<{ stateMachineArn: string }>("CreateStateMachine", input),
  updateStateMachine: (input: Record<string, unknown>) => sfnCall<{ updateDate: number }>("UpdateStateMachine", input),
  deleteStateMachine: (arn: string) => sfnCall<void>("DeleteStateMachine", { stateMachineArn: arn }),
  validate: (definition: string, type: string) =>
    sfnCall<{ result: string; diagnostics: Diagnostic[]; truncated: boolean }>("ValidateStateMachineDefinition", { definition, type, maxResults: 100 }),
  startExecution: (arn: string, input: string, name?: string) =>
    sfnCall<{ executionArn: string; startDate: number }>("StartExecution", { stateMachineArn: arn, input, name: name || undefined }),
  async listExecutions(arn: string, status?: string, nextToken?: string) {
    return sfnCall<{ executions: ExecutionListItem[]; nextToken?: string }>("ListExecutions", {
      stateMachineArn: arn, statusFilter: status || undefined, maxResults: 50, nextToken,
    });
  },
  describeExecution: (arn: string) => sfnCall<Execution>("DescribeExecution", { executionArn: arn }),
  describeStateMachineForExecution: (arn: string) => sfnCall<StateMachine>("DescribeStateMachineForExecution", { executionArn: arn }),
  async history(arn: string): Promise<HistoryEvent[]> {
    const all: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const r = await sfnCall<{ events: HistoryEvent[]; nextToken?: string }>("GetExecutionHistory", { executionArn: arn, maxResults: 1000, nextToken });
      all.push(...r.events);
      nextToken = r.nextToken;
    } while (nextToken);
    return all;
  },
  stopExecution: (arn: string, error?: string, cause?: string) => sfnCall<{ stopDate: number }>("StopExecution", { executionArn: arn, error, cause }),
  redriveExecution: (arn: string) => sfnCall<{ redriveDate: number }>("RedriveExecution", { executionArn: arn }),
  listTags: (arn: string) => sfnCall<{ tags: { key: string; value: string }[] }>("ListTagsForResource", { resourceArn: arn }),
};

// ---------------------------------------------------------------- CloudWatch Logs

export interface LogEvent {
  timestamp: number;
  message: string;
  logStreamName?: string;
}

export const logs = {
  filterLogEvents: (group: string, startTime: number, limit = 200) =>
    target<{ events: LogEvent[] }>("logs", "Logs_20140328", "application/x-amz-json-1.1", "FilterLogEvents", {
      logGroupName: group, startTime, limit,
    }),
};

// ---------------------------------------------------------------- operational endpoints

export interface Health {
  version: string;
  status: string;
  auth: string;
  store: { driver: string; status: string };
  testing?: { sfnMockConfig?: string; waitScale: number };
}

export interface RuntimeInfo {
  id: string;
  family: string;
  available: boolean;
  version?: string;
  sdk?: string;
  note?: string;
  reason?: string;
}

export async function health(): Promise<Health> {
  const r = await fetch("/_gureum/health", { cache: "no-store" });
  return r.json();
}

export async function runtimes(): Promise<RuntimeInfo[]> {
  const r = await fetch("/_gureum/runtimes", { cache: "no-store" });
  if (!r.ok) throw new ApiError("RuntimesUnavailable", `GET /_gureum/runtimes answered ${r.status}`, r.status);
  return (await r.json()).runtimes;
}

export async function metricsText(): Promise<string> {
  const r = await fetch("/metrics", { cache: "no-store" });
  if (!r.ok) throw new ApiError("MetricsUnavailable", `GET /metrics answered ${r.status}`, r.status);
  return r.text();
}
