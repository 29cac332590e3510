package bootstrap

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

// TestNodeHandlers runs one environment per module style and checks the
// answer of a few invocations.
func TestNodeHandlers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string
	}{
		{
			name:    "commonjs async",
			files:   map[string]string{"index.js": `exports.handler = async (event) => ({hello: event.name});`},
			handler: "index.handler", event: `{"name":"world"}`, want: `{"hello":"world"}`,
		},
		{
			name:    "commonjs sync callback",
			files:   map[string]string{"index.js": `exports.handler = (event, context, callback) => callback(null, {n: event.n + 1});`},
			handler: "index.handler", event: `{"n":41}`, want: `{"n":42}`,
		},
		{
			name:    "promise without async",
			files:   map[string]string{"index.js": `exports.handler = (event) => Promise.resolve([1, "two"]);`},
			handler: "index.handler", event: `{}`, want: `[1,"two"]`,
		},
		{
			name:    "context.succeed",
			files:   map[string]string{"index.js": `exports.handler = (event, context) => { context.succeed("done"); };`},
			handler: "index.handler", event: `{}`, want: `"done"`,
		},
		{
			name:    "sync handler without callback answers null",
			files:   map[string]string{"index.js": `exports.handler = (event) => { setTimeout(() => {}, 20); };`},
			handler: "index.handler", event: `{}`, want: `null`,
		},
		{
			name:    "async returning undefined",
			files:   map[string]string{"index.js": `exports.handler = async () => {};`},
			handler: "index.handler", event: `{}`, want: `null`,
		},
		{
			name:    "es module .mjs",
			files:   map[string]string{"app.mjs": `export const handler = async (event) => ({esm: true, got: event});`},
			handler: "app.handler", event: `{"a":1}`, want: `{"esm":true,"got":{"a":1}}`,
		},
		{
			name: "es module .js with type module",
			files: map[string]string{
				"package.json": `{"type": "module"}`,
				"index.js":     `import { sep } from "node:path"; export async function handler() { return sep; }`,
			},
			handler: "index.handler", event: `{}`, want: `"/"`,
		},
		{
			name:    "commonjs .cjs",
			files:   map[string]string{"legacy.cjs": `module.exports.main = async () => "cjs";`},
			handler: "legacy.main", event: `{}`, want: `"cjs"`,
		},
		{
			name: "nested directory",
			files: map[string]string{
				"src/app.js":     `const lib = require("./lib"); exports.handler = async () => lib.value;`,
				"src/lib.js":     `exports.value = "nested";`,
				"src/unused.mjs": `export const x = 1;`,
			},
			handler: "src/app.handler", event: `{}`, want: `"nested"`,
		},
		{
			name:    "nested property",
			files:   map[string]string{"index.js": `exports.api = { v1: { get: async () => "deep" } };`},
			handler: "index.api.v1.get", event: `{}`, want: `"deep"`,
		},
		{
			name: "node_modules dependency",
			files: map[string]string{
				"index.js":                      `const dep = require("dep"); exports.handler = async () => dep();`,
				"node_modules/dep/package.json": `{"name": "dep", "main": "main.js"}`,
				"node_modules/dep/main.js":      `module.exports = () => "from dep";`,
			},
			handler: "index.handler", event: `{}`, want: `"from dep"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "nodejs20.x", tc.files, envOptions{handler: tc.handler})
			require.NoError(t, e.waitInit(), e.logs.String())
			for range 2 {
				res := e.mustInvoke(tc.event)
				require.Empty(t, res.FunctionError, "%s\nlogs:\n%s", res.Payload, e.logs.String())
				require.Equal(t, tc.want, string(res.Payload))
			}
		})
	}
}

func TestNodeWarmState(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{
		"index.js": `let n = 0; const started = Date.now();
exports.handler = async () => ({n: ++n, pid: process.pid, started});`,
	}, envOptions{handler: "index.handler"})
	first := jsonOf(t, e.mustInvoke(`{}`).Payload)
	second := jsonOf(t, e.mustInvoke(`{}`).Payload)
	require.EqualValues(t, 1, first["n"])
	require.EqualValues(t, 2, second["n"])
	require.Equal(t, first["pid"], second["pid"])
	require.Equal(t, first["started"], second["started"])
}

func TestNodeContext(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs22.x", map[string]string{
		"index.js": `exports.handler = async (event, context) => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
  clientContext: context.clientContext === undefined ? "undefined" : context.clientContext,
  trace: process.env._X_AMZN_TRACE_ID,
  env: process.env.AWS_EXECUTION_ENV,
  tz: process.env.TZ,
  region: process.env.AWS_REGION,
  taskRoot: process.env.LAMBDA_TASK_ROOT,
  cwd: process.cwd(),
  custom: process.env.MY_VAR,
});`,
	}, envOptions{handler: "index.handler", memory: 256, environ: map[string]string{"MY_VAR": "mine", "AWS_REGION": "ignored"}})
	res := e.mustInvoke(`{}`)
	m := jsonOf(t, res.Payload)
	require.Equal(t, e.lastID, m["awsRequestId"])
	require.Equal(t, "fn", m["functionName"])
	require.Equal(t, "$LATEST", m["functionVersion"])
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:fn", m["invokedFunctionArn"])
	require.Equal(t, "256", m["memoryLimitInMB"], "a string, as on Lambda")
	require.Equal(t, "/aws/lambda/fn", m["logGroupName"])
	require.Equal(t, "2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef", m["logStreamName"])
	require.InDelta(t, 20000, m["remaining"], 2000)
	require.Equal(t, true, m["waits"])
	require.Equal(t, "undefined", m["clientContext"])
	require.Equal(t, "Root=1-65f0e1a2-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0", m["trace"])
	require.Equal(t, "AWS_Lambda_nodejs22.x", m["env"])
	require.Equal(t, ":UTC", m["tz"])
	require.Equal(t, "us-east-1", m["region"], "reserved variables cannot be overridden")
	require.Equal(t, e.task, m["taskRoot"])
	require.Equal(t, e.task, m["cwd"])
	require.Equal(t, "mine", m["custom"])
}

var nodeTraceLine = regexp.MustCompile(`^    at `)

func TestNodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		code     string
		wantType runtimeapi.ErrorType
		wantMsg  string
		prefix   string // the payload's exact beginning
		trace    bool   // a stack trace follows
	}{
		{
			name: "async throw", code: `exports.handler = async () => { throw new Error("boom"); };`,
			wantType: "Error", wantMsg: "boom", trace: true,
			prefix: `{"errorType":"Error","errorMessage":"boom","trace":["Error: boom","    at `,
		},
		{
			name: "sync throw", code: `exports.handler = (e, c, cb) => { throw new TypeError("bad"); };`,
			wantType: "TypeError", wantMsg: "bad", trace: true,
			prefix: `{"errorType":"TypeError","errorMessage":"bad","trace":["TypeError: bad","    at `,
		},
		{
			name: "callback error", code: `exports.handler = (e, c, cb) => cb(new RangeError("cb"));`,
			wantType: "RangeError", wantMsg: "cb", trace: true,
			prefix: `{"errorType":"RangeError","errorMessage":"cb","trace":["RangeError: cb","    at `,
		},
		{
			name: "custom error class", code: `class MyError extends Error { constructor(m) { super(m); this.name = "MyError"; } }
exports.handler = async () => { throw new MyError("mine"); };`,
			wantType: "MyError", wantMsg: "mine", trace: true,
			prefix: `{"errorType":"MyError","errorMessage":"mine","trace":["MyError: mine","    at `,
		},
		{
			name: "throw a string", code: `exports.handler = async () => { throw "just text"; };`,
			wantType: "string", wantMsg: "just text",
			prefix: `{"errorType":"string","errorMessage":"just text","trace":[]}`,
		},
		{
			name: "reject undefined", code: `exports.handler = () => Promise.reject();`,
			wantType: "string", wantMsg: "handled",
			prefix: `{"errorType":"string","errorMessage":"handled","trace":[]}`,
		},
		{
			name: "unserializable result", code: `exports.handler = async () => { const a = {}; a.a = a; return a; };`,
			wantType: "Error", wantMsg: "Unable to stringify response body", trace: true,
			prefix: `{"errorType":"Error","errorMessage":"Unable to stringify response body","trace":["Error: Unable to stringify response body","    at `,
		},
		{
			name: "promise never settled", code: `exports.handler = async () => new Promise(() => {});`,
			wantType: "Runtime.NodeJsExit",
			wantMsg:  "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes",
			trace:    true,
			prefix:   `{"errorType":"Runtime.NodeJsExit","errorMessage":"The Lambda runtime client detected`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "nodejs20.x", map[string]string{"index.js": tc.code}, envOptions{handler: "index.handler"})
			for range 2 { // the environment stays warm after a handled error
				res := e.mustInvoke(`{}`)
				require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
				require.Equal(t, tc.wantType, res.ErrorType)
				require.True(t, strings.HasPrefix(string(res.Payload), tc.prefix), "payload %s", res.Payload)
				var p struct {
					ErrorType    string   `json:"errorType"`
					ErrorMessage string   `json:"errorMessage"`
					Trace        []string `json:"trace"`
				}
				require.NoError(t, json.Unmarshal(res.Payload, &p))
				require.Equal(t, tc.wantMsg, p.ErrorMessage)
				if tc.trace {
					require.Greater(t, len(p.Trace), 1)
					require.Regexp(t, nodeTraceLine, p.Trace[1])
				}
			}
			logs := e.waitLogs(e.lastID + "\tERROR\tInvoke Error \t{")
			require.Regexp(t, `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t`+e.lastID+`\tERROR\tInvoke Error \t\{"errorType":"`, logs)
		})
	}
}

func TestNodeInitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		files    map[string]string
		handler  string
		wantType runtimeapi.ErrorType
		wantMsg  string // with RTDIR for the runtime directory
	}{
		{
			name: "handler not exported", files: map[string]string{"index.js": `exports.other = async () => 1;`},
			handler: "index.handler", wantType: "Runtime.HandlerNotFound", wantMsg: "index.handler is undefined or not exported",
		},
		{
			name: "handler not a function", files: map[string]string{"index.js": `exports.handler = 42;`},
			handler: "index.handler", wantType: "Runtime.HandlerNotFound", wantMsg: "index.handler is not a function",
		},
		{
			name: "module missing", files: map[string]string{"index.js": `exports.handler = async () => 1;`},
			handler: "missing.handler", wantType: "Runtime.ImportModuleError",
			wantMsg: "Error: Cannot find module 'missing'\nRequire stack:\n- RTDIR/index.mjs",
		},
		{
			name: "dependency missing", files: map[string]string{"index.js": `require("left-pad"); exports.handler = async () => 1;`},
			handler: "index.handler", wantType: "Runtime.ImportModuleError",
			wantMsg: "Error: Cannot find module 'left-pad'\nRequire stack:\n- TASK/index.js\n- RTDIR/index.mjs",
		},
		{
			name: "syntax error", files: map[string]string{"index.js": `exports.handler = async () => {;`},
			handler: "index.handler", wantType: "Runtime.UserCodeSyntaxError", wantMsg: "SyntaxError: Unexpected end of input",
		},
		{
			name: "bad handler string", files: map[string]string{"index.js": ``},
			handler: "index", wantType: "Runtime.MalformedHandlerName", wantMsg: "Bad handler",
		},
		{
			name: "relative path", files: map[string]string{"index.js": ``},
			handler: "../index.handler", wantType: "Runtime.MalformedHandlerName",
			wantMsg: "'../index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
		},
		{
			name: "throw at import", files: map[string]string{"index.js": `throw new Error("init failed");`},
			handler: "index.handler", wantType: "Error", wantMsg: "init failed",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "nodejs20.x", tc.files, envOptions{handler: tc.handler})
			err := e.waitInit()
			var ie *runtimeapi.InitError
			require.ErrorAs(t, err, &ie, "logs:\n%s", e.logs.String())
			require.Equal(t, tc.wantType, ie.Type)
			want := strings.ReplaceAll(tc.wantMsg, "RTDIR", filepath.Join(filepath.Dir(e.task), "runtime"))
			want = strings.ReplaceAll(want, "TASK", e.task)
			require.Equal(t, want, ie.Message)
			var p struct {
				ErrorType string   `json:"errorType"`
				Trace     []string `json:"trace"`
			}
			require.NoError(t, json.Unmarshal(ie.Payload, &p))
			require.Equal(t, string(tc.wantType), p.ErrorType)
			require.True(t, strings.HasPrefix(string(ie.Payload), `{"errorType":"`+string(tc.wantType)+`","errorMessage":`), string(ie.Payload))
			require.NotEmpty(t, p.Trace)
			require.Contains(t, e.waitLogs("Uncaught Exception"), "\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\""+string(tc.wantType))
			<-e.exited
			require.Equal(t, 129, e.cmd.ProcessState.ExitCode())
		})
	}
}

func TestNodeCallbackWaitsForEmptyEventLoop(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = event.wait;
  setTimeout(() => console.log("timer fired"), 1500);
  callback(null, "answered");
};`}, envOptions{handler: "index.handler"})
	require.NoError(t, e.waitInit())

	start := time.Now()
	res := e.mustInvoke(`{"wait": true}`)
	require.Equal(t, `"answered"`, string(res.Payload))
	require.GreaterOrEqual(t, time.Since(start), 1500*time.Millisecond, "the answer waits for the timer")
	e.waitLogs("timer fired") // printed before the answer; the pipe may lag

	start = time.Now()
	res = e.mustInvoke(`{"wait": false}`)
	require.Equal(t, `"answered"`, string(res.Payload))
	require.Less(t, time.Since(start), 1200*time.Millisecond, "the answer does not wait")
}

func TestNodeLogs(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
console.log("at init");
exports.handler = async (event) => {
  console.log("hello %s", "world");
  console.info({a: 1});
  console.warn("careful");
  console.error("two\nlines");
  console.debug("dbg");
  process.stdout.write("raw stdout\n");
  process.stderr.write("raw stderr\n");
  return 1;
};`}, envOptions{handler: "index.handler"})
	e.mustInvoke(`{}`)
	logs := e.waitLogs("raw stderr")
	id := e.lastID
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	for _, re := range []string{
		`(?m)^` + ts + `\tundefined\tINFO\tat init$`,
		`(?m)^` + ts + `\t` + id + `\tINFO\thello world$`,
		`(?m)^` + ts + `\t` + id + `\tINFO\t\{ a: 1 \}$`,
		`(?m)^` + ts + `\t` + id + `\tWARN\tcareful$`,
		`(?m)^` + ts + `\t` + id + `\tERROR\ttwo\rlines$`,
		`(?m)^` + ts + `\t` + id + `\tDEBUG\tdbg$`,
		`(?m)^raw stdout$`,
		`(?m)^raw stderr$`,
	} {
		require.Regexp(t, re, logs)
	}
}

func TestNodeLogLevelAndJSON(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
exports.handler = async () => { console.debug("hidden"); console.warn("shown", 1); return 1; };`},
		envOptions{handler: "index.handler", environ: map[string]string{"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"}})
	e.mustInvoke(`{}`)
	logs := e.waitLogs(`"message":"shown 1"`)
	require.NotContains(t, logs, "hidden")
	require.Regexp(t, `\{"timestamp":"[^"]+Z","level":"WARN","requestId":"`+e.lastID+`","message":"shown 1"\}`, logs)
}

func TestNodeProcessExit(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `exports.handler = async () => { process.exit(3); };`},
		envOptions{handler: "index.handler"})
	require.NoError(t, e.waitInit())
	_, err := e.invoke(`{}`, 20*time.Second)
	var ee *runtimeapi.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "RequestId: "+e.lastID+" Error: Runtime exited with error: exit status 3", ee.Error())
	require.JSONEq(t, `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: `+e.lastID+` Error: Runtime exited with error: exit status 3"}`,
		string(ee.Result().Payload))
}

func TestNodeUnhandledRejection(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
exports.handler = (event, context, callback) => { Promise.reject(new Error("nobody catches me")); };`},
		envOptions{handler: "index.handler"})
	res := e.mustInvoke(`{}`)
	require.Equal(t, runtimeapi.ErrorType("Runtime.UnhandledPromiseRejection"), res.ErrorType)
	require.True(t, strings.HasPrefix(string(res.Payload),
		`{"errorType":"Runtime.UnhandledPromiseRejection","errorMessage":"Error: nobody catches me","trace":["Runtime.UnhandledPromiseRejection: Error: nobody catches me"`),
		string(res.Payload))
	<-e.exited
	require.Equal(t, 128, e.cmd.ProcessState.ExitCode())
}

func TestNodeTimeout(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
exports.handler = async () => new Promise((resolve) => setTimeout(resolve, 60000));`}, envOptions{handler: "index.handler"})
	require.NoError(t, e.waitInit())
	start := time.Now()
	_, err := e.invoke(`{}`, 300*time.Millisecond)
	var te *runtimeapi.TimeoutError
	require.ErrorAs(t, err, &te)
	require.Less(t, time.Since(start), 2*time.Second)
	require.Equal(t, e.lastID, te.RequestID)
}

func TestNodeLargeResponse(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.js": `
exports.handler = async (event) => "x".repeat(event.size);`}, envOptions{handler: "index.handler"})
	res := e.mustInvoke(`{"size": 7000000}`)
	require.Equal(t, runtimeapi.ErrorTypeResponseSizeTooLarge, res.ErrorType)
	require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
	res = e.mustInvoke(`{"size": 6000000}`)
	require.Empty(t, res.FunctionError, "the environment goes on")
	require.Len(t, res.Payload, 6000002)
	big := strings.Repeat("e", 5<<20)
	res = e.mustInvoke(`{"size": 3, "pad": "` + big + `"}`)
	require.Equal(t, `"xxx"`, string(res.Payload), "a 5 MB event arrives whole")
}

func TestExecWrapper(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"nodejs20.x", "python3.12"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{
				"wrapper.sh": "#!/bin/sh\nexport WRAPPED=\"yes $#\"\nexec \"$@\"\n",
				"index.js":   "exports.handler = async () => process.env.WRAPPED;\n",
				"handler.py": "import os\ndef handler(e, c):\n    return os.environ['WRAPPED']\n",
			}
			handler := map[string]string{"nodejs20.x": "index.handler", "python3.12": "handler.handler"}[id]
			e := startEnv(t, id, files, envOptions{handler: handler, environ: map[string]string{"AWS_LAMBDA_EXEC_WRAPPER": "TASK/wrapper.sh"}})
			res := e.mustInvoke(`{}`)
			want := map[string]string{"nodejs20.x": `"yes 5"`, "python3.12": `"yes 4"`}[id]
			require.Equal(t, want, string(res.Payload), "the wrapper ran with the runtime's command as its arguments")
		})
	}
}

// TestNodeStreamifyResponse: a response-streaming handler is answered as one
// buffered response.
func TestNodeStreamifyResponse(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "nodejs20.x", map[string]string{"index.mjs": `
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType("text/plain");
  responseStream.write("hello ");
  await new Promise((r) => setTimeout(r, 10));
  responseStream.write(context.functionName);
  responseStream.end();
});
export const http = awslambda.streamifyResponse(async (event, responseStream) => {
  const s = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { "x-a": "b" } });
  s.end("body");
});`}, envOptions{handler: "index.handler"})
	res := e.mustInvoke(`{}`)
	require.Empty(t, res.FunctionError, string(res.Payload))
	require.Equal(t, "hello fn", string(res.Payload))
	require.Equal(t, "text/plain", res.ContentType)

	e = startEnv(t, "nodejs20.x", map[string]string{"index.mjs": `
export const http = awslambda.streamifyResponse(async (event, responseStream) => {
  const s = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { "x-a": "b" } });
  s.end("body");
});`}, envOptions{handler: "index.http"})
	res = e.mustInvoke(`{}`)
	require.Equal(t, "application/vnd.awslambda.http-integration-response", res.ContentType)
	require.Equal(t, `{"statusCode":201,"headers":{"x-a":"b"}}`+strings.Repeat("\x00", 8)+"body", string(res.Payload))
}
