package bootstrap

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

var pythonRuntimes = []string{"python3.11", "python3.12", "python3.13"}

// TestPythonHandlers runs each handler on every Python runtime.
func TestPythonHandlers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string // per runtime when it contains RT
	}{
		{
			name:    "dict",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    return {'hello': event['name'], 'n': [1, 2.5, None, True]}\n"},
			handler: "handler.handler", event: `{"name":"world"}`, want: `{"hello": "world", "n": [1, 2.5, null, true]}`,
		},
		{
			name:    "string",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    return 'plain'\n"},
			handler: "handler.handler", event: `{}`, want: `"plain"`,
		},
		{
			name:    "none",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    pass\n"},
			handler: "handler.handler", event: `{}`, want: `null`,
		},
		{
			name:    "bytes are returned as they are",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    return b'\\x00raw'\n"},
			handler: "handler.handler", event: `{}`, want: "\x00raw",
		},
		{
			name:    "event that is not an object",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    return [event, type(event).__name__]\n"},
			handler: "handler.handler", event: `"text"`, want: `["text", "str"]`,
		},
		{
			name: "package module",
			files: map[string]string{
				"pkg/__init__.py":     "",
				"pkg/sub/__init__.py": "",
				"pkg/sub/mod.py":      "from pkg.sub import helper\ndef fn(event, context):\n    return helper.VALUE\n",
				"pkg/sub/helper.py":   "VALUE = 'deep'\n",
			},
			handler: "pkg.sub.mod.fn", event: `{}`, want: `"deep"`,
		},
		{
			name:    "path handler",
			files:   map[string]string{"src/app.py": "def handler(event, context):\n    return 'src'\n"},
			handler: "src/app.handler", event: `{}`, want: `"src"`,
		},
		{
			name:    "decimal digits kept",
			files:   map[string]string{"handler.py": "from decimal import Decimal\ndef handler(event, context):\n    return {'d': Decimal('1.10'), 'i': Decimal('3'), 'l': [Decimal('-0.5')]}\n"},
			handler: "handler.handler", event: `{}`, want: `{"d": 1.10, "i": 3, "l": [-0.5]}`,
		},
		{
			name:    "unicode",
			files:   map[string]string{"handler.py": "def handler(event, context):\n    return 'h\\u00e9'\n"},
			handler: "handler.handler", event: `{}`, want: "RT",
		},
	} {
		for _, id := range pythonRuntimes {
			t.Run(tc.name+"/"+id, func(t *testing.T) {
				t.Parallel()
				e := startEnv(t, id, tc.files, envOptions{handler: tc.handler})
				require.NoError(t, e.waitInit(), e.logs.String())
				want := tc.want
				if want == "RT" { // Lambda's encoder keeps non-ASCII from python3.12 on
					want = map[string]string{"python3.11": `"h\u00e9"`, "python3.12": `"hé"`, "python3.13": `"hé"`}[id]
				}
				for range 2 {
					res := e.mustInvoke(tc.event)
					require.Empty(t, res.FunctionError, "%s\nlogs:\n%s", res.Payload, e.logs.String())
					require.Equal(t, want, string(res.Payload))
				}
			})
		}
	}
}

func TestPythonBytesContentType(t *testing.T) {
	t.Parallel()
	// error_handling__test_states_errors.py__*large_utf8_response*: the
	// function returns 257 KiB of bytes; Lambda passes them on as the
	// payload (Step Functions then fails with States.DataLimitExceeded).
	e := startEnv(t, "python3.12", map[string]string{"handler.py": `def handler(event, context):
    # Returns > 256 KB of data as a UTF-8 encoded string.
    size_in_bytes = 257 * 1024
    ascii_string = "a" * size_in_bytes
    utf8_encoded_string = ascii_string.encode("utf-8")
    return utf8_encoded_string
`}, envOptions{handler: "handler.handler"})
	res := e.mustInvoke(`null`)
	require.Empty(t, res.FunctionError)
	require.Equal(t, "application/unknown", res.ContentType)
	require.Equal(t, strings.Repeat("a", 257*1024), string(res.Payload))
}

func TestPythonWarmState(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.11", map[string]string{"handler.py": `import os
count = 0
def handler(event, context):
    global count
    count += 1
    return {"n": count, "pid": os.getpid()}
`}, envOptions{handler: "handler.handler"})
	first := jsonOf(t, e.mustInvoke(`{}`).Payload)
	second := jsonOf(t, e.mustInvoke(`{}`).Payload)
	require.EqualValues(t, 1, first["n"])
	require.EqualValues(t, 2, second["n"])
	require.Equal(t, first["pid"], second["pid"])
}

func TestPythonContext(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": `import os, sys
def handler(event, context):
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": context.client_context,
        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        "env": os.environ.get("AWS_EXECUTION_ENV"),
        "cwd": os.getcwd(),
        "path0": sys.path[0],
        "custom": os.environ.get("MY_VAR"),
    }
`}, envOptions{handler: "handler.handler", memory: 512, environ: map[string]string{"MY_VAR": "mine"}})
	res := e.mustInvoke(`{}`)
	m := jsonOf(t, res.Payload)
	require.Equal(t, e.lastID, m["aws_request_id"])
	require.Equal(t, "fn", m["function_name"])
	require.Equal(t, "$LATEST", m["function_version"])
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:fn", m["invoked_function_arn"])
	require.Equal(t, "512", m["memory_limit_in_mb"], "a string, as in awslambdaric")
	require.Equal(t, "/aws/lambda/fn", m["log_group_name"])
	require.Equal(t, "2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef", m["log_stream_name"])
	require.InDelta(t, 20000, m["remaining"], 2000)
	require.Nil(t, m["client_context"])
	require.Equal(t, []any{nil, nil}, m["identity"])
	require.Equal(t, "Root=1-65f0e1a2-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0", m["trace"])
	require.Equal(t, "AWS_Lambda_python3.12", m["env"])
	require.Equal(t, e.task, m["cwd"])
	require.Equal(t, e.task, m["path0"], "the task comes first on sys.path")
	require.Equal(t, "mine", m["custom"])
}

// TestPythonErrors checks error payloads byte for byte, in the shape AWS
// records them (see /work/shared/conformance: grep stackTrace).
func TestPythonErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		code string
		want string // TASK: the task directory, ID: the request id
		typ  runtimeapi.ErrorType
		log  string // the beginning of the [ERROR] record
	}{
		{
			name: "custom exception (conformance)",
			code: "class CustomException(Exception):\n    message: str\n\n    def __init__(self):\n        self.message = \"CustomException message\"\n\n\ndef handler(event, context):\n    raise CustomException()\n",
			want: `{"errorMessage": "", "errorType": "CustomException", "requestId": "ID", "stackTrace": ["  File \"TASK/handler.py\", line 9, in handler\n    raise CustomException()\n"]}`,
			typ:  "CustomException",
			log:  "[ERROR] CustomException\rTraceback (most recent call last):\r\u00a0\u00a0File \"TASK/handler.py\", line 9, in handler\r\u00a0\u00a0\u00a0\u00a0raise CustomException()\n",
		},
		{
			name: "exception (conformance)",
			code: "def handler(event, context):\n    raise Exception(\"Some exception was raised.\")\n",
			want: `{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "ID", "stackTrace": ["  File \"TASK/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"]}`,
			typ:  "Exception",
			log:  "[ERROR] Exception: Some exception was raised.\rTraceback (most recent call last):\r",
		},
		{
			name: "nested frames, no carets",
			code: "def inner(d):\n    return d['missing']\n\ndef handler(event, context):\n    return inner({})\n",
			want: `{"errorMessage": "'missing'", "errorType": "KeyError", "requestId": "ID", "stackTrace": ["  File \"TASK/handler.py\", line 5, in handler\n    return inner({})\n", "  File \"TASK/handler.py\", line 2, in inner\n    return d['missing']\n"]}`,
			typ:  "KeyError",
		},
		{
			name: "marshal error",
			code: "def handler(event, context):\n    return {'x': object}\n",
			want: `{"errorMessage": "Unable to marshal response: Object of type type is not JSON serializable", "errorType": "Runtime.MarshalError", "requestId": "ID", "stackTrace": []}`,
			typ:  "Runtime.MarshalError",
			log:  "[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type type is not JSON serializable\rTraceback (most recent call last):\n",
		},
		{
			name: "non-ascii message",
			code: "def handler(event, context):\n    raise ValueError('caf\\u00e9 \"quoted\"')\n",
			want: `{"errorMessage": "café \"quoted\"", "errorType": "ValueError", "requestId": "ID", "stackTrace": ["  File \"TASK/handler.py\", line 2, in handler\n    raise ValueError('caf\\u00e9 \"quoted\"')\n"]}`,
			typ:  "ValueError",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "python3.12", map[string]string{"handler.py": tc.code}, envOptions{handler: "handler.handler"})
			for range 2 { // the environment stays warm
				res := e.mustInvoke(`{}`)
				want := strings.NewReplacer("TASK", e.task, "ID", e.lastID).Replace(tc.want)
				require.Equal(t, want, string(res.Payload))
				require.Equal(t, runtimeapi.FunctionUnhandled, res.FunctionError)
				require.Equal(t, tc.typ, res.ErrorType)
			}
			if tc.log != "" {
				e.waitLogs(strings.ReplaceAll(tc.log, "TASK", e.task))
			}
		})
	}
}

func TestPythonInitErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		files   map[string]string
		handler string
		want    string
	}{
		{
			name: "module missing", files: map[string]string{"handler.py": "def handler(e, c): pass\n"}, handler: "nope.handler",
			want: `{"errorMessage": "Unable to import module 'nope': No module named 'nope'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`,
		},
		{
			name: "dependency missing", files: map[string]string{"handler.py": "import requests_not_here\n"}, handler: "handler.handler",
			want: `{"errorMessage": "Unable to import module 'handler': No module named 'requests_not_here'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`,
		},
		{
			name: "handler missing", files: map[string]string{"handler.py": "def other(e, c): pass\n"}, handler: "handler.handler",
			want: `{"errorMessage": "Handler 'handler' missing on module 'handler'", "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}`,
		},
		{
			name: "bad handler", files: map[string]string{"handler.py": ""}, handler: "handler",
			want: `{"errorMessage": "Bad handler 'handler': not enough values to unpack (expected 2, got 1)", "errorType": "Runtime.MalformedHandlerName", "requestId": "", "stackTrace": []}`,
		},
		{
			name: "built-in module", files: map[string]string{}, handler: "sys.handler",
			want: `{"errorMessage": "Cannot use built-in module sys as a handler module", "errorType": "Runtime.BuiltInModuleConflict", "requestId": "", "stackTrace": []}`,
		},
		{
			name: "syntax error", files: map[string]string{"handler.py": "def handler(e, c)\n    pass\n"}, handler: "handler.handler",
			want: `{"errorMessage": "Syntax error in module 'handler': expected ':' (handler.py, line 1)", "errorType": "Runtime.UserCodeSyntaxError", "requestId": "", "stackTrace": ["  File \"TASK/handler.py\" Line 1\n    def handler(e, c)\n"]}`,
		},
		{
			name: "exception at import", files: map[string]string{"handler.py": "x = 1\nraise RuntimeError('init failed')\n"}, handler: "handler.handler",
			want: `{"errorMessage": "init failed", "errorType": "RuntimeError", "requestId": "", "stackTrace": ["  File \"TASK/handler.py\", line 2, in <module>\n    raise RuntimeError('init failed')\n"]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, "python3.12", tc.files, envOptions{handler: tc.handler})
			err := e.waitInit()
			var ie *runtimeapi.InitError
			require.ErrorAs(t, err, &ie, e.logs.String())
			want := strings.ReplaceAll(tc.want, "TASK", e.task)
			if tc.name == "exception at import" {
				// The frames of importlib come first: keep only the user's.
				var p struct{ StackTrace []string }
				require.NoError(t, json.Unmarshal(ie.Payload, &p))
				require.Contains(t, string(ie.Payload), `"errorMessage": "init failed", "errorType": "RuntimeError", "requestId": "", "stackTrace": [`)
				require.Equal(t, "  File \""+e.task+"/handler.py\", line 2, in <module>\n    raise RuntimeError('init failed')\n", p.StackTrace[len(p.StackTrace)-1])
				return
			}
			require.Equal(t, want, string(ie.Payload))
			var p struct{ ErrorType, ErrorMessage string }
			require.NoError(t, json.Unmarshal(ie.Payload, &p))
			require.Equal(t, runtimeapi.ErrorType(p.ErrorType), ie.Type)
			require.Equal(t, p.ErrorMessage, ie.Message)
			e.waitLogs("[ERROR] " + p.ErrorType + ": " + p.ErrorMessage + "\rTraceback (most recent call last):")
			<-e.exited
			require.Equal(t, 1, e.cmd.ProcessState.ExitCode())
		})
	}
}

func TestPythonLogs(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.13", map[string]string{"handler.py": `import logging, sys
logging.warning("at import")
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("printed at import")
def handler(event, context):
    print("hello", "world")
    logger.info("info %s", "formatted")
    logging.getLogger("child").error("two\nlines")
    logger.debug("hidden")
    context.log("via context\n")
    sys.stderr.write("to stderr\n")
    return 1
`}, envOptions{handler: "handler.handler"})
	e.mustInvoke(`{}`)
	logs := e.waitLogs("to stderr")
	id := e.lastID
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
	for _, re := range []string{
		`(?m)^\[WARNING\]\t` + ts + `\t\tat import$`,
		`(?m)^printed at import$`,
		`(?m)^hello world$`,
		`(?m)^\[INFO\]\t` + ts + `\t` + id + `\tinfo formatted$`,
		`(?m)^\[ERROR\]\t` + ts + `\t` + id + `\ttwo\nlines$`,
		`(?m)^via context$`,
		`(?m)^to stderr$`,
	} {
		require.Regexp(t, re, logs)
	}
	require.NotContains(t, logs, "hidden")
}

func TestPythonNoLoggingImport(t *testing.T) {
	t.Parallel()
	// A function that never imports logging does not pay for it; one that
	// imports it later still gets Lambda's handler.
	e := startEnv(t, "python3.11", map[string]string{"handler.py": `import sys
def handler(event, context):
    before = "logging" in sys.modules
    import logging
    logging.warning("late")
    return {"before": before, "handlers": [type(h).__name__ for h in logging.getLogger().handlers]}
`}, envOptions{handler: "handler.handler"})
	res := e.mustInvoke(`{}`)
	require.Equal(t, `{"before": false, "handlers": ["LambdaLoggerHandler"]}`, string(res.Payload))
	e.waitLogs("\t" + e.lastID + "\tlate\n")
}

func TestPythonBoto3(t *testing.T) {
	t.Parallel()
	r := runtimeOrSkip(t, "python3.11")
	if r.SDK != "boto3" {
		t.Skip("this host's Python 3.11 has no boto3")
	}
	e := startEnv(t, "python3.11", map[string]string{"handler.py": `import boto3
def handler(event, context):
    return boto3.__name__
`}, envOptions{handler: "handler.handler"})
	res := e.mustInvoke(`{}`)
	require.Equal(t, `"boto3"`, string(res.Payload), e.logs.String())
}

func TestPythonExit(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": "import sys\ndef handler(event, context):\n    sys.exit(event['code'])\n"},
		envOptions{handler: "handler.handler"})
	require.NoError(t, e.waitInit())
	_, err := e.invoke(`{"code": 2}`, 20*time.Second)
	var ee *runtimeapi.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, "RequestId: "+e.lastID+" Error: Runtime exited with error: exit status 2", ee.Error())
}

func TestPythonTimeout(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": "import time\ndef handler(event, context):\n    time.sleep(60)\n"},
		envOptions{handler: "handler.handler"})
	require.NoError(t, e.waitInit())
	start := time.Now()
	_, err := e.invoke(`{}`, 300*time.Millisecond)
	var te *runtimeapi.TimeoutError
	require.ErrorAs(t, err, &te)
	require.Less(t, time.Since(start), 2*time.Second)
}

func TestPythonLargeResponse(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": "def handler(event, context):\n    return 'x' * event['size']\n"},
		envOptions{handler: "handler.handler"})
	res := e.mustInvoke(`{"size": 7000000}`)
	require.Equal(t, runtimeapi.ErrorTypeResponseSizeTooLarge, res.ErrorType)
	res = e.mustInvoke(`{"size": 6000000}`)
	require.Empty(t, res.FunctionError, "the environment goes on")
	require.Len(t, res.Payload, 6000002)
}

func TestPythonUnmarshalError(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": "def handler(event, context):\n    return event\n"},
		envOptions{handler: "handler.handler"})
	res := e.mustInvoke(`{not json`)
	require.Equal(t, runtimeapi.ErrorType("Runtime.UnmarshalError"), res.ErrorType)
	require.Equal(t, `{"errorMessage": "Unable to unmarshal input: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", "errorType": "Runtime.UnmarshalError", "requestId": "`+e.lastID+`", "stackTrace": []}`,
		string(res.Payload))
}

func TestPythonSysPath(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.11", map[string]string{"handler.py": "import sys\ndef handler(event, context):\n    return sys.path\n"},
		envOptions{handler: "handler.handler"})
	var path []string
	require.NoError(t, json.Unmarshal(e.mustInvoke(`{}`).Payload, &path))
	rt := filepath.Join(filepath.Dir(e.task), "runtime")
	require.Equal(t, []string{e.task, "/opt/python/lib/python3.11/site-packages", "/opt/python"}, path[:3])
	require.Contains(t, path, rt)
	if e.rt.SDKPath != "" {
		require.Less(t, indexOf(path, e.rt.SDKPath), indexOf(path, rt), "site-packages before the runtime, as on Lambda")
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestPythonJSONMatchesStdlib checks, on every Python, that the runtime's
// _json-based encoder and decoder give exactly what the json package gives.
func TestPythonJSONMatchesStdlib(t *testing.T) {
	t.Parallel()
	const check = `
import json, sys, math
sys.argv = ["x"]
import bootstrap as b
values = [
    {"a": [1, 2.5, -0.0, 1e300, None, True, False, "s\u00e9\u2028\x00\n\"\\"], "b": {"nested": {}}, "": []},
    "plain", "caf\u00e9", 12345678901234567890, 3.141592653589793, [], {}, [[[]]], {"k": float("inf")}, float("nan"),
    {1: "int key", 2.5: "float key", None: "none key", True: "bool key"}, ("tu", "ple"),
]
for ensure_ascii in (True, False):
    b._ENSURE_ASCII = ensure_ascii
    for seps in ((", ", ": "), (",", ":")):
        enc = b._Encoder(seps)
        for v in values:
            want = json.dumps(v, ensure_ascii=ensure_ascii, separators=seps)
            got = enc.encode(v)
            assert got == want, (got, want)
for text in ['{"a": [1, 2.5, null, true, "\\u00e9"]}', '  [1, 2]  ', '"s"', '1e5', '-0', 'NaN', '{"deep": {"x": [{}]}}',
             '\ufeff{}', '{"a": 1} x', '{"a":', '', '[1,]', '{"a" 1}']:
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        try:
            want = ("ok", json.loads(data))
        except Exception as e:
            want = ("err", type(e).__name__, str(e))
        try:
            got = ("ok", b.json_loads(data))
        except Exception as e:
            got = ("err", type(e).__name__, str(e))
        assert repr(got) == repr(want), (text, got, want)
cyc = []
cyc.append(cyc)
try:
    b._Encoder((",", ":")).encode(cyc)
except ValueError as e:
    assert str(e) == "Circular reference detected", e
print("ok")
`
	for _, id := range pythonRuntimes {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			r := runtimeOrSkip(t, id)
			dir := t.TempDir()
			require.NoError(t, r.Materialize(dir))
			cmd := exec.Command(r.Interpreter, "-S", "-c", check)
			cmd.Env = []string{"PYTHONPATH=" + dir, "LAMBDA_TASK_ROOT=" + dir}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			require.Equal(t, "ok\n", string(out))
		})
	}
}

func TestPythonJSONLogs(t *testing.T) {
	t.Parallel()
	e := startEnv(t, "python3.12", map[string]string{"handler.py": `import logging
logger = logging.getLogger("app")
def handler(event, context):
    logger.debug("hidden")
    logger.warning("caf\u00e9 %d", 1, extra={"order": 7})
    raise ValueError("bad")
`}, envOptions{handler: "handler.handler", environ: map[string]string{"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "WARN"}})
	res := e.mustInvoke(`{}`)
	require.Equal(t, runtimeapi.ErrorType("ValueError"), res.ErrorType)
	logs := e.waitLogs(`"level":"ERROR"`)
	require.NotContains(t, logs, "hidden")
	require.Regexp(t, `\{"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", "level": "WARNING", "message": "café 1", "logger": "app", "requestId": "`+e.lastID+`", "order": 7\}\n`, logs)
	require.Regexp(t, `\{"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d","level":"ERROR","errorMessage":"bad","errorType":"ValueError","requestId":"`+e.lastID+`","stackTrace":\[`, logs)
}
