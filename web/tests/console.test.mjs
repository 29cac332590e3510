// Browser tests of the web console against a real gureum server (started
// by scripts/console-test.sh): Debian's chromium driven by playwright-core.
// Each flow acts through the UI, then checks through the public API that
// the UI did it. Screenshots of the main pages go to $CONSOLE_OUT.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { base, lambda, pasteInto, sfn, sha256b64, shot, unzip, waitFor, zip } from "./helpers.mjs";

const repo = process.env.REPO_ROOT ?? join(import.meta.dirname, "../..");
const teamPicker = readFileSync(join(repo, "examples/team-picker/index.js"), "utf8");
const soccerDef = readFileSync(join(repo, "examples/soccer-training/definition.json"), "utf8");
const training = readFileSync(join(repo, "examples/soccer-training/functions/training.js"), "utf8");
const soccerFns = readFileSync(join(repo, "examples/soccer-training/functions.txt"), "utf8").trim().split("\n").map((l) => l.split(/\s+(.*)/).slice(0, 2));
const MACHINE = "축구-유소년-자동-훈련-시스템";

let browser;
const errors = [];

// playwright's launch() gives chromium a fresh temporary --user-data-dir of
// its own (and refuses one passed in args); it is removed on close.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--font-render-hinting=none"],
  });
}

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "ko-KR", colorScheme: "light", ...opts });
  ctx.setDefaultTimeout(60000); // two shared cores: pages can be slow, never wrong
  const page = await ctx.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return page;
}

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the console is served under /console/ with an SPA fallback and caching headers", async () => {
  const index = await fetch(base() + "/console/functions/anything");
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type"), /^text\/html/);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  const html = await index.text();
  const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, "index.html loads a hashed script");
  const js = await fetch(base() + asset, { headers: { "accept-encoding": "gzip" } });
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type"), /^text\/javascript/);
  assert.match(js.headers.get("cache-control"), /immutable/);
  assert.equal((await fetch(base() + "/console/assets/missing.js")).status, 404);
  const redirect = await fetch(base() + "/console", { redirect: "manual" });
  assert.equal(redirect.status, 301);
  const rt = await (await fetch(base() + "/_gureum/runtimes")).json();
  assert.ok(rt.runtimes.some((r) => r.id === "nodejs20.x" && r.available), "nodejs20.x runs on this host");
});

test("functions: create team-picker in the editor, deploy, test, change an env var", async () => {
  const page = await newPage();
  await page.goto(base() + "/console/");
  await page.waitForURL(/\/console\/functions$/);
  await page.getByRole("link", { name: "Create function" }).first().click();
  await page.getByLabel("Function name").fill("team-picker");
  await page.getByLabel("Runtime").selectOption("nodejs20.x");
  assert.equal(await page.getByLabel("Handler").inputValue(), "index.handler");
  await shot(page, "01-function-create");
  await page.locator("#create-submit").click();
  await page.waitForURL(/\/console\/functions\/team-picker\?tab=code/);
  await page.locator(".code-tab .cm-content").waitFor();
  assert.match(await page.locator(".file-tab.active").innerText(), /index\.js/);

  // The example's code, pasted into the editor, then deployed with Ctrl+S.
  await pasteInto(page, ".code-tab", teamPicker);
  await page.getByText("Changes not deployed").waitFor();
  await page.keyboard.press("Control+S");
  await page.getByText("Deployed", { exact: true }).first().waitFor();
  await page.locator(".toast-ok").filter({ hasText: "CodeSha256" }).waitFor();
  const fn = await lambda("GET", "/2015-03-31/functions/team-picker");
  const pkg = Buffer.from(await (await fetch(fn.Code.Location)).arrayBuffer());
  assert.equal(fn.Configuration.CodeSha256, sha256b64(pkg));
  assert.deepEqual(Object.keys(unzip(pkg)), ["index.js"]);
  assert.equal(unzip(pkg)["index.js"], teamPicker, "the deployed package holds the pasted code");
  await shot(page, "02-function-code");

  // Test: 4 teams of 3, the REPORT and the log tail.
  await page.getByRole("tab", { name: "Test" }).click();
  await page.locator("#run-test").click();
  await page.locator("#test-result .result-head.ok").waitFor();
  const first = JSON.parse(await page.locator("#test-result pre.response").innerText());
  assert.equal(first.teams.length, 4);
  for (const t of first.teams) assert.equal(t.length, 3);
  assert.equal(first.leftOut.length, 1);
  assert.equal(first.squad, "Survey Corps");
  const log = await page.locator("#test-result pre.log").innerText();
  assert.match(log, /picked 4 teams of 3/);
  assert.match(log, /REPORT RequestId: \S+\s+Duration: [\d.]+ ms/);
  assert.match(await page.locator("#test-result .props").innerText(), /Max memory used\s+\d+ MB/);
  await page.locator("#save-event").click();
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("gureum.events.team-picker")).length), 1);
  await shot(page, "03-function-test");

  // Configuration: SQUAD_NAME, saved through UpdateFunctionConfiguration.
  await page.getByRole("tab", { name: "Configuration" }).click();
  await page.locator('[data-section="env"]').click();
  await page.getByRole("button", { name: "Add environment variable" }).click();
  await page.getByLabel("Environment variable key").last().fill("SQUAD_NAME");
  await page.getByLabel("Environment variable value").last().fill("조사병단");
  await shot(page, "04-function-env");
  await page.locator("#save-env").click();
  await page.locator(".toast-ok").filter({ hasText: "Environment variables saved" }).waitFor();
  const cfg = await lambda("GET", "/2015-03-31/functions/team-picker/configuration");
  assert.deepEqual(cfg.Environment.Variables, { SQUAD_NAME: "조사병단" });

  // The next result carries it (Ctrl+Enter runs the saved event).
  await page.getByRole("tab", { name: "Test" }).click();
  await page.locator(".split .cm-content").click();
  await page.keyboard.press("Control+Enter");
  await page.locator("#test-result .result-head.ok").waitFor();
  const second = JSON.parse(await page.locator("#test-result pre.response").innerText());
  assert.equal(second.squad, "조사병단");
  assert.equal(second.teams.length, 4);
  await shot(page, "05-function-test-env");

  // General settings and the Monitor tab (metrics from /metrics).
  await page.getByRole("tab", { name: "Configuration" }).click();
  await page.locator('[data-section="general"]').click();
  await page.locator('input[name="memory"]').fill("256");
  await page.locator('input[name="timeout"]').fill("10");
  await page.locator("#save-general").click();
  await page.locator(".toast-ok").filter({ hasText: "Configuration saved" }).waitFor();
  const cfg2 = await lambda("GET", "/2015-03-31/functions/team-picker/configuration");
  assert.equal(cfg2.MemorySize, 256);
  assert.equal(cfg2.Timeout, 10);
  await shot(page, "06-function-config");

  await page.getByRole("tab", { name: "Monitor" }).click();
  await page.locator(".totals .props").waitFor();
  assert.match(await page.locator(".totals").innerText(), /Invocations since the server started\s+2/);
  const metrics = await (await fetch(base() + "/metrics")).text();
  assert.match(metrics, /gureum_lambda_invocations_total\{function_arn="arn:aws:lambda:us-east-1:000000000000:function:team-picker"\} 2/);
  await page.locator(".code-block.log, .empty").first().waitFor();
  await shot(page, "07-function-monitor");

  await page.goto(base() + "/console/functions");
  await page.locator("#functions-table").getByRole("link", { name: "team-picker" }).waitFor();
  await shot(page, "08-functions-list");
  await page.context().close();
});

test("functions: a second file, versions, aliases, permissions, tags, concurrency", async () => {
  const page = await newPage();
  const fn = "/2015-03-31/functions/team-picker";
  await page.goto(base() + "/console/functions/team-picker?tab=code");
  await page.locator(".code-tab .cm-content").waitFor();
  await page.locator("#new-file").click();
  await page.locator("dialog[open] input").fill("lib/names.js");
  await page.locator("dialog[open]").getByRole("button", { name: "Create" }).click();
  await page.locator(".file-tab.active", { hasText: "lib/names.js" }).waitFor();
  await pasteInto(page, ".code-tab", 'module.exports = ["Eren", "Mikasa", "Armin"];\n');
  await page.locator("#deploy").click();
  await page.locator(".toast-ok").filter({ hasText: "2 files" }).waitFor();
  const pkg = unzip(Buffer.from(await (await fetch((await lambda("GET", fn)).Code.Location)).arrayBuffer()));
  assert.deepEqual(Object.keys(pkg).sort(), ["index.js", "lib/names.js"]);
  assert.equal(pkg["index.js"], teamPicker, "the first file is deployed unchanged");

  await page.getByRole("tab", { name: "Configuration" }).click();
  await page.locator('[data-section="versions"]').click();
  await page.getByLabel("Version description").fill("first squad");
  await page.getByRole("button", { name: "Publish new version" }).click();
  await page.locator(".toast-ok").filter({ hasText: "Published version 1" }).waitFor();
  const versions = await lambda("GET", fn + "/versions");
  assert.deepEqual(versions.Versions.map((v) => v.Version), ["$LATEST", "1"]);
  assert.equal(versions.Versions[1].Description, "first squad");
  await shot(page, "21-function-versions");

  await page.locator('[data-section="aliases"]').click();
  await page.getByRole("button", { name: "Create alias" }).click();
  const dlg = page.locator("dialog[open]");
  await dlg.getByLabel("Name", { exact: true }).fill("live");
  await dlg.getByLabel("Version", { exact: true }).selectOption("1");
  await dlg.getByLabel("Name", { exact: true }).waitFor();
  await dlg.getByRole("button", { name: "Create" }).click();
  await page.locator(".toast-ok").filter({ hasText: "Created live" }).waitFor();
  const alias = await lambda("GET", fn + "/aliases/live");
  assert.equal(alias.FunctionVersion, "1");
  await page.locator(".card", { hasText: "Aliases" }).getByRole("cell", { name: "live" }).waitFor();
  await shot(page, "22-function-aliases");

  await page.locator('[data-section="permissions"]').click();
  await page.getByLabel("Statement ID").fill("allow-sfn");
  await page.getByLabel("Principal").fill("states.amazonaws.com");
  await page.getByRole("button", { name: "Add permission" }).click();
  await page.locator(".toast-ok").filter({ hasText: "Added allow-sfn" }).waitFor();
  const policy = JSON.parse((await lambda("GET", fn + "/policy")).Policy);
  assert.equal(policy.Statement[0].Sid, "allow-sfn");
  assert.deepEqual(policy.Statement[0].Principal, { Service: "states.amazonaws.com" });
  await page.getByRole("cell", { name: "allow-sfn" }).waitFor();
  await shot(page, "23-function-permissions");

  await page.locator('[data-section="tags"]').click();
  await page.getByRole("button", { name: "Add tag" }).click();
  await page.getByLabel("Tag key").last().fill("team");
  await page.getByLabel("Tag value").last().fill("조사병단");
  await page.locator("#save-tags").click();
  await page.locator(".toast-ok").filter({ hasText: "Tags saved" }).waitFor();
  const fnArn = "arn:aws:lambda:us-east-1:000000000000:function:team-picker";
  assert.deepEqual((await lambda("GET", `/2017-03-31/tags/${encodeURIComponent(fnArn)}`)).Tags, { team: "조사병단" });

  await page.locator('[data-section="concurrency"]').click();
  await page.locator("#conc-reserved").check();
  await page.locator("#reserved-n").fill("5");
  await page.locator("#save-concurrency").click();
  await page.locator(".toast-ok").filter({ hasText: "Concurrency saved" }).waitFor();
  assert.equal((await lambda("GET", "/2019-09-30/functions/team-picker/concurrency")).ReservedConcurrentExecutions, 5);
  await shot(page, "24-function-concurrency");
  await page.context().close();
});

test("state machines: create the soccer machine, see its graph, run it", async () => {
  for (const [name, trainingName] of soccerFns) {
    await lambda("POST", "/2015-03-31/functions", {
      FunctionName: name, Runtime: "nodejs20.x", Handler: "training.handler", Role: "arn:aws:iam::000000000000:role/lambda",
      Code: { ZipFile: zip({ "training.js": training }).toString("base64") }, Environment: { Variables: { TRAINING: trainingName } },
    });
  }
  const page = await newPage();
  await page.goto(base() + "/console/states");
  await page.getByRole("link", { name: "Create state machine" }).first().click();
  await page.waitForURL(/\/console\/states\/new$/);
  await page.getByLabel("Name").fill(MACHINE);

  // A broken definition first: the diagnostics show inline.
  await pasteInto(page, ".designer-code", soccerDef.replace('"Next": "프리킥 훈련"', '"Next": "프리킥"'));
  await page.locator("#diagnostics li.err").first().waitFor();
  assert.match(await page.locator("#diagnostics").innerText(), /프리킥/);
  await page.locator(".designer-code .cm-lintRange-error").first().waitFor();
  await shot(page, "09-machine-diagnostics");

  await pasteInto(page, ".designer-code", soccerDef);
  await page.locator("#diagnostics li.ok").waitFor();
  const graph = page.locator("#definition-graph svg.graph");
  await waitFor(async () => (await graph.locator("g.state").count()) === 6, { what: "6 states in the graph" });
  assert.equal(await graph.locator("g.terminal-start").count(), 1);
  assert.equal(await graph.locator("g.terminal-end").count(), 1);
  assert.equal(await graph.locator("g.edge-choice").count(), 3, "three Choice branches");
  const names = await graph.locator("g.state").evaluateAll((els) => els.map((e) => e.getAttribute("data-state")).sort());
  assert.deepEqual(names, ["공격 훈련", "볼 경합 훈련", "수비 훈련", "패스 훈련", "프리킥 훈련", "훈련 유형 선택"].sort());
  assert.match(await graph.locator("g.edge-choice").first().innerHTML(), /TraningType/);
  await shot(page, "10-machine-create");

  await page.locator("#save-machine").click();
  await page.waitForURL(/\/console\/states\/[^/]+$/);
  const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:${MACHINE}`;
  const described = await sfn("DescribeStateMachine", { stateMachineArn: arn });
  assert.deepEqual(JSON.parse(described.definition), JSON.parse(soccerDef));
  assert.equal(described.type, "STANDARD");

  // 미드필더: 패스 훈련 → 프리킥 훈련.
  await page.locator("#start-execution").click();
  await page.getByLabel("Name").fill("midfielder-1");
  await pasteInto(page, "dialog", '{"TraningType": "미드필더", "player": "서연"}');
  await page.locator("#start-submit").click();
  await page.waitForURL(/\/executions\/midfielder-1/);
  const eg = page.locator("#execution-graph svg.graph");
  await page.locator("#execution-status .badge-ok").waitFor();
  await waitFor(async () => (await eg.locator('g.st-succeeded[data-state="프리킥 훈련"]').count()) === 1, { what: "프리킥 훈련 succeeded" });
  for (const s of ["훈련 유형 선택", "패스 훈련", "프리킥 훈련"]) assert.equal(await eg.locator(`g.st-succeeded[data-state="${s}"]`).count(), 1, `${s} succeeded`);
  for (const s of ["공격 훈련", "수비 훈련", "볼 경합 훈련"]) assert.equal(await eg.locator(`g[data-state="${s}"][class*="st-"]`).count(), 0, `${s} not entered`);
  assert.equal(await eg.locator('g.edge.walked[data-from="패스 훈련"][data-to="프리킥 훈련"]').count(), 1);
  const mid = await sfn("DescribeExecution", { executionArn: arn.replace(":stateMachine:", ":execution:") + ":midfielder-1" });
  assert.equal(mid.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(mid.output).completed, ["패스 훈련", "프리킥 훈련"]);
  await eg.locator('g[data-state="패스 훈련"]').click();
  await page.locator("#selected-state", { hasText: "패스 훈련" }).waitFor();
  assert.match(await page.locator("#state-panel pre.state-output").innerText(), /"패스 훈련"/);
  assert.ok((await page.locator("#history-table tbody tr:not(.detail-row)").count()) >= 10);
  await shot(page, "11-execution-succeeded");

  // An unknown type: the Choice fails (States.NoChoiceMatched in the spec, States.Runtime on AWS).
  await page.getByRole("button", { name: "New execution" }).click();
  await page.getByLabel("Name").fill("goalkeeper-1");
  await pasteInto(page, "dialog", '{"TraningType": "골키퍼", "player": "민준"}');
  await page.locator("#start-submit").click();
  await page.waitForURL(/\/executions\/goalkeeper-1/);
  await page.locator("#execution-status .badge-bad").waitFor();
  await eg.locator('g.st-failed[data-state="훈련 유형 선택"]').waitFor();
  await page.locator("#no-choice-matched").waitFor();
  assert.match(await page.locator("#no-choice-matched").innerText(), /States\.NoChoiceMatched/);
  assert.match(await page.locator("#state-panel .state-error").innerText(), /States\.Runtime/);
  const gk = await sfn("DescribeExecution", { executionArn: arn.replace(":stateMachine:", ":execution:") + ":goalkeeper-1" });
  assert.equal(gk.status, "FAILED");
  assert.equal(gk.error, "States.Runtime");
  await shot(page, "12-execution-failed");

  // Redrive: the button calls RedriveExecution and reports what the server says.
  await page.locator("#redrive-execution").click();
  await page.locator(".toast", { hasText: /[Rr]edrive/ }).first().waitFor();
  // Through the API: the execution was redriven, and failed at the Choice again.
  const gkArn = arn.replace(":stateMachine:", ":execution:") + ":goalkeeper-1";
  await waitFor(async () => {
    const d = await sfn("DescribeExecution", { executionArn: gkArn });
    return d.redriveCount === 1 && d.status === "FAILED";
  }, { what: "goalkeeper-1 redriven once and failed again" });

  // The executions list, filtered by status.
  await page.getByRole("link", { name: MACHINE }).click();
  await page.locator("#executions-table").waitFor();
  await page.locator('#status-filter [data-status="FAILED"]').click();
  await waitFor(async () => (await page.locator("#executions-table tbody tr").count()) === 1 && /goalkeeper-1/.test(await page.locator("#executions-table").innerText()), { what: "one failed execution" });
  const failed = await sfn("ListExecutions", { stateMachineArn: arn, statusFilter: "FAILED" });
  assert.deepEqual(failed.executions.map((e) => e.name), ["goalkeeper-1"]);
  await shot(page, "13-executions-failed-filter");
  await page.locator('#status-filter [data-status="ALL"]').click();
  await waitFor(async () => (await page.locator("#executions-table tbody tr").count()) === 2, { what: "two executions" });
  await shot(page, "14-machine-executions");
  // Edit: the definition is saved with UpdateStateMachine.
  await page.locator("#edit-machine").click();
  await page.waitForURL(/\/edit$/);
  await page.locator("#diagnostics li.ok").waitFor();
  await pasteInto(page, ".designer-code", soccerDef.replace("축구 유소년 자동 훈련 시스템:", "축구 유소년 자동 훈련 시스템 (v2):"));
  await page.locator("#diagnostics li.ok").waitFor();
  await page.keyboard.press("Control+S");
  await page.waitForURL(/tab=definition/);
  await page.locator("#definition-graph svg.graph").waitFor();
  assert.match(JSON.parse((await sfn("DescribeStateMachine", { stateMachineArn: arn })).definition).Comment, /\(v2\)/);
  await shot(page, "15-machine-definition");
  await page.goto(base() + "/console/states");
  await page.locator("#machines-table").waitFor();
  await shot(page, "15-machines-list");
  await page.context().close();
});

test("execution page: Parallel, Map, retries, a caught error, a running Wait, Stop", async () => {
  await lambda("POST", "/2015-03-31/functions", {
    FunctionName: "flaky", Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda",
    Code: { ZipFile: zip({ "index.js": 'exports.handler = async () => { throw new Error("pitch is flooded"); };' }).toString("base64") },
  });
  const def = {
    Comment: "Everything the graph draws",
    StartAt: "Prepare",
    States: {
      Prepare: { Type: "Pass", Result: { items: [1, 2, 3] }, Next: "Fan out" },
      "Fan out": { Type: "Parallel", ResultPath: null, Next: "Each", Branches: [
        { StartAt: "Left", States: { Left: { Type: "Pass", End: true } } },
        { StartAt: "Right", States: { Right: { Type: "Wait", Seconds: 1, End: true } } },
      ] },
      Each: { Type: "Map", ItemsPath: "$.items", ResultPath: "$.done", Next: "Risky",
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "Work", States: { Work: { Type: "Pass", End: true } } } },
      Risky: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "flaky", "Payload.$": "$" },
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Recover" }], Next: "Done" },
      Recover: { Type: "Pass", Next: "Hold" },
      Hold: { Type: "Wait", Seconds: 600, Next: "Done" },
      Done: { Type: "Succeed" },
    },
  };
  const { stateMachineArn } = await sfn("CreateStateMachine", { name: "graph-tour", definition: JSON.stringify(def), roleArn: "arn:aws:iam::000000000000:role/sfn" });
  const { executionArn } = await sfn("StartExecution", { stateMachineArn, name: "tour-1", input: "{}" });
  const page = await newPage();
  await page.goto(base() + "/console/states/graph-tour/executions/tour-1");
  const eg = page.locator("#execution-graph svg.graph");
  await eg.locator('g.st-running[data-state="Hold"]').waitFor({ timeout: 60000 });
  for (const s of ["Prepare", "Fan out", "Left", "Right", "Each", "Work", "Recover"]) assert.equal(await eg.locator(`g.st-succeeded[data-state="${s}"]`).count(), 1, `${s} succeeded`);
  assert.equal(await eg.locator('g.st-caught[data-state="Risky"]').count(), 1, "Risky's error was caught");
  assert.equal(await eg.locator("g.group").count(), 2, "Parallel and Map are drawn as groups");
  assert.equal(await eg.locator("rect.branch").count(), 3, "two branches and one item processor");
  assert.equal(await eg.locator('g.edge-catch[data-from="Risky"][data-to="Recover"].walked').count(), 1);
  await eg.locator('g[data-state="Risky"]').click();
  await page.locator("#selected-state", { hasText: "Risky" }).waitFor();
  const panel = await page.locator("#state-panel").innerText();
  assert.match(panel, /Retries \(1\)/i);
  assert.match(panel, /pitch is flooded/);
  await shot(page, "19-execution-running");

  await page.locator("#stop-execution").click();
  await page.locator("dialog[open]").getByRole("button", { name: "Stop execution" }).click();
  await page.locator("#execution-status .badge-warn").waitFor();
  await eg.locator('g.st-aborted[data-state="Hold"]').waitFor();
  const d = await sfn("DescribeExecution", { executionArn });
  assert.equal(d.status, "ABORTED");
  await shot(page, "20-execution-stopped");
  await page.context().close();
});

test("dark mode follows the OS setting", async () => {
  const page = await newPage({ colorScheme: "dark" });
  const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:${MACHINE}`;
  void arn;
  await page.goto(base() + `/console/states/${encodeURIComponent(MACHINE)}/executions/midfielder-1`);
  await page.locator("#execution-graph g.st-succeeded").first().waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(15, 19, 28)");
  await shot(page, "16-dark-execution");
  await page.goto(base() + "/console/functions/team-picker?tab=code");
  await page.locator(".code-tab .cm-content").waitFor();
  await shot(page, "17-dark-code");
  await page.context().close();
});

test("sign-in: a server that requires SigV4 gets signed requests (WebCrypto and the pure fallback)", async (t) => {
  const url = process.env.GUREUM_AUTH_URL;
  if (!url) return t.skip("GUREUM_AUTH_URL not set");
  const [keyId, secret] = (process.env.GUREUM_ACCESS_KEYS ?? "").split(",")[0].split(":");
  const unsigned = await fetch(url + "/2015-03-31/functions/");
  assert.equal(unsigned.status, 403, "the server refuses unsigned requests");
  for (const webCrypto of [true, false]) {
    const page = await newPage();
    // Over plain http on a non-loopback address browsers hide crypto.subtle:
    // the console then signs with its own SHA-256.
    if (!webCrypto) await page.context().addInitScript(() => Object.defineProperty(window.crypto, "subtle", { value: undefined, configurable: true }));
    await page.goto(url + "/console/functions");
    const dlg = page.locator("dialog[open]");
    await dlg.waitFor();
    assert.match(await dlg.innerText(), /verifies SigV4/);
    await dlg.locator('input[name="accessKeyId"]').fill(keyId);
    await dlg.locator('input[name="secretAccessKey"]').fill("not-the-secret");
    await dlg.locator("#sign-in").click();
    await page.locator("#credentials-reason", { hasText: "InvalidSignatureException" }).waitFor();
    if (webCrypto) await shot(page, "18-sign-in");
    await dlg.locator('input[name="secretAccessKey"]').fill(secret);
    await dlg.locator("#sign-in").click();
    await page.getByText("No functions yet").waitFor();
    assert.equal(await page.locator("dialog[open]").count(), 0);
    // A signed POST with a body: the definition editor's validation.
    await page.goto(url + "/console/states/new");
    await page.locator("#diagnostics li").first().waitFor();
    assert.equal(await page.locator("#diagnostics li.ok").count(), 1, await page.locator("#diagnostics").innerText());
    assert.match(await page.locator(".creds-btn").innerText(), new RegExp(keyId));
    await page.context().close();
  }
});

test("no page errors", () => {
  assert.deepEqual(errors, []);
});
