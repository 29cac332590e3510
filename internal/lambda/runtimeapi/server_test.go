package runtimeapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	invalidRequestID = `{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`
	tooLarge413      = `{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}`
)

func transition(from, to string) string {
	return `{"errorMessage":"State transition from ` + from + ` to ` + to +
		` failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}`
}

func TestInvokeRoundTrip(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	deadline := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	out := invokeAsync(context.Background(), s, Invocation{
		RequestID:       "req-1",
		Payload:         []byte(`{"hello":"world"}`),
		Deadline:        deadline,
		FunctionArn:     "arn:aws:lambda:us-east-1:000000000000:function:f",
		TraceID:         "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
		ClientContext:   `{"custom":{"a":"b"}}`,
		CognitoIdentity: `{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}`,
	})

	r := c.next()
	require.Equal(t, 200, r.status)
	require.Equal(t, `{"hello":"world"}`, r.body)
	for k, v := range map[string]string{
		"Lambda-Runtime-Aws-Request-Id":       "req-1",
		"Lambda-Runtime-Deadline-Ms":          strconv.FormatInt(deadline.UnixMilli(), 10),
		"Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:f",
		"Lambda-Runtime-Trace-Id":             "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
		"Lambda-Runtime-Client-Context":       `{"custom":{"a":"b"}}`,
		"Lambda-Runtime-Cognito-Identity":     `{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}`,
		"Content-Type":                        "application/json",
	} {
		require.Equal(t, v, r.header.Get(k), k)
	}

	a := c.respond("req-1", []byte(`"ok"`))
	require.Equal(t, 202, a.status)
	require.Equal(t, `{"status":"OK"}`, a.body)

	o := wait(t, out)
	require.NoError(t, o.err)
	require.Equal(t, `"ok"`, string(o.res.Payload))
	require.Empty(t, o.res.FunctionError)
	require.Empty(t, o.res.ErrorType)
	require.NoError(t, s.WaitInit(context.Background()), "the first /next ended init")
}

func TestInvokeDefaults(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 7*time.Second)
	defer cancel()
	d, _ := ctx.Deadline()
	out := invokeAsync(ctx, s, Invocation{RequestID: "r"})
	r := c.next()
	require.Equal(t, "{}", r.body, "an invocation without payload is the empty object")
	require.Equal(t, strconv.FormatInt(d.UnixMilli(), 10), r.header.Get("Lambda-Runtime-Deadline-Ms"), "deadline from ctx")
	for _, h := range []string{"Lambda-Runtime-Trace-Id", "Lambda-Runtime-Client-Context", "Lambda-Runtime-Cognito-Identity", "Lambda-Runtime-Invoked-Function-Arn"} {
		_, present := r.header[h]
		require.False(t, present, "%s is left out when empty", h)
	}
	c.respond("r", nil)
	o := wait(t, out)
	require.NoError(t, o.err)
	require.Empty(t, o.res.Payload)
}

func TestInvocationError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		body        string
		header      map[string]string
		wantPayload string
		wantType    ErrorType
		wantCT      string
	}{
		{
			name:        "python",
			body:        `{"errorMessage":"boom","errorType":"CustomException","requestId":"r","stackTrace":["  File \"/var/task/handler.py\", line 9, in handler\n"]}`,
			header:      map[string]string{"Lambda-Runtime-Function-Error-Type": "Unhandled", "Content-Type": "application/json"},
			wantPayload: `{"errorMessage":"boom","errorType":"CustomException","requestId":"r","stackTrace":["  File \"/var/task/handler.py\", line 9, in handler\n"]}`,
			wantType:    "CustomException",
			wantCT:      "application/json",
		},
		{
			name:        "node",
			body:        `{"errorType":"Error","errorMessage":"boom","trace":["Error: boom","    at x"]}`,
			header:      map[string]string{"Lambda-Runtime-Function-Error-Type": "Error"},
			wantPayload: `{"errorType":"Error","errorMessage":"boom","trace":["Error: boom","    at x"]}`,
			wantType:    "Error",
		},
		{
			name:        "not json: type from the header",
			body:        `oops`,
			header:      map[string]string{"Lambda-Runtime-Function-Error-Type": "Runtime.Crash"},
			wantPayload: `oops`,
			wantType:    "Runtime.Crash",
		},
		{
			name:        "no type anywhere",
			body:        `{"errorMessage":"x"}`,
			wantPayload: `{"errorMessage":"x"}`,
			wantType:    "Unhandled",
		},
		{
			name:        "error cause is not passed on",
			body:        `{"errorMessage":"m","errorType":"T","stackTrace":["a"],"errorCause":{"paths":[],"working_directory":"/","exceptions":[]}}`,
			header:      map[string]string{"Content-Type": "application/vnd.aws.lambda.error.cause+json"},
			wantPayload: `{"errorMessage":"m","errorType":"T","stackTrace":["a"]}`,
			wantType:    "T",
			wantCT:      "application/json",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			c := newClient(t, s)
			out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
			c.next()
			a := c.fail("r", []byte(tc.body), tc.header)
			require.Equal(t, 202, a.status)
			o := wait(t, out)
			require.NoError(t, o.err)
			require.Equal(t, tc.wantPayload, string(o.res.Payload))
			require.Equal(t, FunctionUnhandled, o.res.FunctionError)
			require.Equal(t, tc.wantType, o.res.ErrorType)
			if tc.wantCT != "" {
				require.Equal(t, tc.wantCT, o.res.ContentType)
			}
		})
	}
}

// TestIllegalCalls checks that the state object refuses what the Runtime API
// does not allow, with the emulator's status codes and bodies.
func TestIllegalCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		steps func(t *testing.T, s *Server, c *client) reply // returns the refused call's reply
		code  int
		body  string
	}{
		{
			name:  "response before any invocation",
			steps: func(t *testing.T, s *Server, c *client) reply { return c.respond("r", []byte(`1`)) },
			code:  400, body: invalidRequestID,
		},
		{
			name:  "error before any invocation",
			steps: func(t *testing.T, s *Server, c *client) reply { return c.fail("r", []byte(`{}`), nil) },
			code:  400, body: invalidRequestID,
		},
		{
			name: "response for another request id",
			steps: func(t *testing.T, s *Server, c *client) reply {
				invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
				c.next()
				return c.respond("other", []byte(`1`))
			},
			code: 400, body: invalidRequestID,
		},
		{
			name: "two responses",
			steps: func(t *testing.T, s *Server, c *client) reply {
				out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
				c.next()
				require.Equal(t, 202, c.respond("r", []byte(`1`)).status)
				wait(t, out)
				return c.respond("r", []byte(`2`))
			},
			code: 403, body: transition("ResponseSent", "InvocationResponse"),
		},
		{
			name: "error after response",
			steps: func(t *testing.T, s *Server, c *client) reply {
				out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
				c.next()
				c.respond("r", []byte(`1`))
				wait(t, out)
				return c.fail("r", []byte(`{}`), nil)
			},
			code: 403, body: transition("ResponseSent", "InvocationErrorResponse"),
		},
		{
			name: "next while holding an invocation",
			steps: func(t *testing.T, s *Server, c *client) reply {
				invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
				c.next()
				return c.next()
			},
			code: 403, body: transition("Invoked", "Ready"),
		},
		{
			name: "init error after init",
			steps: func(t *testing.T, s *Server, c *client) reply {
				invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
				c.next()
				return c.initError([]byte(`{}`), "Runtime.X")
			},
			code: 403, body: transition("Invoked", "InitError"),
		},
		{
			name: "next after init error",
			steps: func(t *testing.T, s *Server, c *client) reply {
				require.Equal(t, 202, c.initError([]byte(`{"errorMessage":"m","errorType":"Runtime.HandlerNotFound"}`), "Runtime.HandlerNotFound").status)
				return c.next()
			},
			code: 403, body: transition("InitError", "Ready"),
		},
		{
			name: "two init errors",
			steps: func(t *testing.T, s *Server, c *client) reply {
				c.initError([]byte(`{}`), "Runtime.A")
				return c.initError([]byte(`{}`), "Runtime.B")
			},
			code: 403, body: transition("InitError", "InitError"),
		},
		{
			name:  "unknown path",
			steps: func(t *testing.T, s *Server, c *client) reply { return c.do("GET", "/nope", nil, nil) },
			code:  404, body: "404 page not found\n",
		},
		{
			name:  "wrong method",
			steps: func(t *testing.T, s *Server, c *client) reply { return c.do("POST", "/invocation/next", nil, nil) },
			code:  405, body: "Method Not Allowed\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			c := newClient(t, s)
			r := tc.steps(t, s, c)
			require.Equal(t, tc.code, r.status)
			require.Equal(t, tc.body, r.body)
		})
	}
}

func TestInitError(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	initDone := make(chan error, 1)
	go func() { initDone <- s.WaitInit(context.Background()) }()
	body := `{"errorMessage":"Handler 'nope' missing on module 'handler'","errorType":"Runtime.HandlerNotFound","requestId":"","stackTrace":[]}`
	require.Equal(t, 202, c.initError([]byte(body), "Runtime.HandlerNotFound").status)

	err := wait(t, initDone)
	var ie *InitError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, ErrorType("Runtime.HandlerNotFound"), ie.Type)
	require.Equal(t, "Handler 'nope' missing on module 'handler'", ie.Message)
	require.Equal(t, body, string(ie.Result().Payload))
	require.Equal(t, FunctionUnhandled, ie.Result().FunctionError)

	_, err = s.Invoke(context.Background(), Invocation{RequestID: "r"})
	require.ErrorAs(t, err, &ie, "an environment whose init failed cannot invoke")
	s.Fail(nil) // the process exits after reporting: that changes nothing
	require.ErrorAs(t, s.WaitInit(context.Background()), &ie)
}

func TestInitErrorDuringInvoke(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
	time.Sleep(10 * time.Millisecond)
	c.initError([]byte(`not json`), "Runtime.ImportModuleError")
	o := wait(t, out)
	var ie *InitError
	require.ErrorAs(t, o.err, &ie)
	require.Equal(t, ErrorType("Runtime.ImportModuleError"), ie.Type)
	require.Equal(t, `{"errorType":"Runtime.ImportModuleError","errorMessage":""}`, string(ie.Result().Payload),
		"a body that is not JSON is replaced")
}

func TestOversizeResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		path    string
		size    int
		chunked bool
		tooBig  bool
	}{
		{"response at the limit", "response", MaxPayloadSize, false, false},
		{"response one byte over", "response", MaxPayloadSize + 1, false, true},
		{"response over, chunked", "response", MaxPayloadSize + 1, true, true},
		{"response at the limit, chunked", "response", MaxPayloadSize, true, false},
		{"error over", "error", 7 << 20, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			c := newClient(t, s)
			for i := range 2 { // the environment stays usable
				id := fmt.Sprint("r", i)
				out := invokeAsync(context.Background(), s, Invocation{RequestID: id})
				c.next()
				payload := bytes.Repeat([]byte("a"), tc.size)
				var body = bytes.NewReader(payload)
				req, err := http.NewRequest("POST", c.base+"/invocation/"+id+"/"+tc.path, body)
				require.NoError(t, err)
				if tc.chunked {
					req.ContentLength = -1
					req.Body = readerOnly{body}
				}
				resp, err := c.http.Do(req)
				require.NoError(t, err)
				b := new(bytes.Buffer)
				b.ReadFrom(resp.Body)
				resp.Body.Close()
				o := wait(t, out)
				require.NoError(t, o.err)
				if !tc.tooBig {
					require.Equal(t, 202, resp.StatusCode)
					require.Equal(t, tc.size, len(o.res.Payload))
					continue
				}
				require.Equal(t, 413, resp.StatusCode)
				require.Equal(t, tooLarge413, b.String())
				require.Equal(t, `{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`,
					string(o.res.Payload))
				require.Equal(t, FunctionUnhandled, o.res.FunctionError)
				require.Equal(t, ErrorTypeResponseSizeTooLarge, o.res.ErrorType)
			}
		})
	}
}

type readerOnly struct{ r *bytes.Reader }

func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r readerOnly) Close() error               { return nil }

func TestTimeout(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	start := time.Now()
	out := invokeAsync(context.Background(), s, Invocation{RequestID: "slow", Deadline: start.Add(200 * time.Millisecond), Timeout: 200 * time.Millisecond})
	c.next() // ... and never answers
	o := wait(t, out)
	require.Less(t, time.Since(start), 2*time.Second)
	var te *TimeoutError
	require.ErrorAs(t, o.err, &te)
	require.ErrorIs(t, o.err, context.DeadlineExceeded)
	require.Equal(t, "slow", te.RequestID)
	require.Equal(t, `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: slow Error: Task timed out after 0.20 seconds"}`,
		string(te.Result().Payload))

	// A late answer is refused; the environment is done.
	require.Equal(t, transition("Failed", "InvocationResponse"), c.respond("slow", []byte(`1`)).body)
	_, err := s.Invoke(context.Background(), Invocation{RequestID: "next"})
	require.ErrorIs(t, err, ErrBroken)
}

func TestCancelBeforeDelivery(t *testing.T) {
	t.Parallel()
	s := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := invokeAsync(ctx, s, Invocation{RequestID: "r"})
	time.Sleep(10 * time.Millisecond)
	cancel() // no runtime ever asked
	o := wait(t, out)
	var te *TimeoutError
	require.ErrorAs(t, o.err, &te)
	require.ErrorIs(t, o.err, context.Canceled)
	r := newClient(t, s).next()
	require.Equal(t, 403, r.status, "the given-up invocation is not delivered later")
}

func TestWaitInit(t *testing.T) {
	t.Parallel()
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := s.WaitInit(ctx)
		var te *TimeoutError
		require.ErrorAs(t, err, &te)
		require.Empty(t, te.RequestID)
		require.Equal(t, "Error: Task timed out after 0.05 seconds", te.Error())
		_, err = s.Invoke(context.Background(), Invocation{RequestID: "r"})
		require.ErrorIs(t, err, ErrBroken)
	})
	t.Run("exit during init", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		done := make(chan error, 1)
		go func() { done <- s.WaitInit(context.Background()) }()
		time.Sleep(10 * time.Millisecond)
		s.Fail(exitStatus(t, 2))
		err := wait(t, done)
		var ee *ExitError
		require.ErrorAs(t, err, &ee)
		require.Equal(t, "Error: Runtime exited with error: exit status 2", ee.Error())
		_, err = s.Invoke(context.Background(), Invocation{RequestID: "r"})
		require.ErrorAs(t, err, &ee)
		require.Equal(t, `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: r Error: Runtime exited with error: exit status 2"}`,
			string(ee.Result().Payload))
	})
	t.Run("init done", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		done := make(chan error, 1)
		go func() { done <- s.WaitInit(context.Background()) }()
		go newClient(t, s).http.Get("http://" + s.Addr() + apiPrefix + "/invocation/next")
		require.NoError(t, wait(t, done))
	})
}

// exitStatus returns the *exec.ExitError of a process that exited with code.
func exitStatus(t *testing.T, code int) error {
	err := exec.Command("sh", "-c", fmt.Sprintf("exit %d", code)).Run()
	require.Error(t, err)
	return err
}

func TestFailMidInvoke(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"exit status", nil, "RequestId: r Error: Runtime exited without providing a reason"},
		{"killed", errors.New("signal: killed"), "RequestId: r Error: Runtime exited with error: signal: killed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := setup(t)
			c := newClient(t, s)
			out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
			c.next()
			start := time.Now()
			s.Fail(tc.err)
			o := wait(t, out)
			require.Less(t, time.Since(start), time.Second, "Invoke returns promptly")
			var ee *ExitError
			require.ErrorAs(t, o.err, &ee)
			require.Equal(t, tc.want, ee.Error())
			require.Equal(t, ErrorTypeRuntimeExit, ee.ErrorType())
		})
	}
}

// TestShellRuntime runs a runtime as a real process — a shell script with
// curl, the emulator's kind of fake — that answers once and then exits.
func TestShellRuntime(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	s := setup(t)
	script := `set -e
api=http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime
hdrs=$(mktemp)
event=$(curl -sS -D "$hdrs" "$api/invocation/next")
id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$hdrs" | cut -d' ' -f2 | tr -d '\r')
curl -sS -X POST -d "{\"echo\":$event}" "$api/invocation/$id/response" >/dev/null
curl -sS "$api/invocation/next" >/dev/null || true
exit 3`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + s.Addr(), "PATH=/usr/bin:/bin"}
	require.NoError(t, cmd.Start())
	go func() { s.Fail(cmd.Wait()) }()

	require.NoError(t, s.WaitInit(context.Background()))
	res, err := s.Invoke(context.Background(), Invocation{RequestID: "one", Payload: []byte(`{"n":1}`)})
	require.NoError(t, err)
	require.Equal(t, `{"echo":{"n":1}}`, string(res.Payload))

	// The script is parked in its second /next; Close ends that request,
	// the script exits 3 and nothing reaches it any more.
	time.Sleep(50 * time.Millisecond)
	s.Close()
	_, err = s.Invoke(context.Background(), Invocation{RequestID: "two"})
	require.Error(t, err)
}

func TestClose(t *testing.T) {
	t.Parallel()
	s := setup(t)
	out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
	time.Sleep(10 * time.Millisecond)
	parked := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + s.Addr() + apiPrefix + "/invocation/next")
		if err != nil {
			parked <- 0
			return
		}
		resp.Body.Close()
		parked <- resp.StatusCode
	}()
	time.Sleep(10 * time.Millisecond)
	require.NoError(t, s.Close())
	o := wait(t, out)
	if o.err != nil { // the parked /next may have taken the invocation first
		require.ErrorIs(t, o.err, ErrClosed)
	}
	wait(t, parked)
	require.NoError(t, s.Close(), "Close is idempotent")
	_, err := s.Invoke(context.Background(), Invocation{RequestID: "x"})
	require.ErrorIs(t, err, ErrClosed)
}

// TestConcurrency drives many invocations through one environment while
// other goroutines try to invoke at the same time: exactly one invocation
// is in flight at any moment, the others get ErrBusy, every answer reaches
// its own caller.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	s := setup(t)
	var inFlight, maxInFlight atomic.Int32
	startRuntime(t, s, func(r reply) (string, []byte) {
		n := inFlight.Add(1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		defer inFlight.Add(-1)
		if strings.Contains(r.body, "fail") {
			return "error", []byte(`{"errorMessage":"` + r.body + `","errorType":"E"}`)
		}
		return "response", []byte(strings.ToUpper(r.body))
	})
	require.NoError(t, s.WaitInit(context.Background()))

	var wg sync.WaitGroup
	var ok, busy atomic.Int32
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				id := fmt.Sprintf("g%d-%d", g, i)
				payload := id
				if i%5 == 0 {
					payload = "fail-" + id
				}
				res, err := s.Invoke(context.Background(), Invocation{RequestID: id, Payload: []byte(payload)})
				if errors.Is(err, ErrBusy) {
					busy.Add(1)
					continue
				}
				if !assertNoError(t, err) {
					return
				}
				ok.Add(1)
				if i%5 == 0 {
					if string(res.Payload) != `{"errorMessage":"`+payload+`","errorType":"E"}` || res.ErrorType != "E" {
						t.Errorf("%s: got %s", id, res.Payload)
					}
				} else if string(res.Payload) != strings.ToUpper(payload) {
					t.Errorf("%s: got %s", id, res.Payload)
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int32(400), ok.Load()+busy.Load())
	require.Positive(t, ok.Load())
	require.Equal(t, int32(1), maxInFlight.Load())
	t.Logf("%d invocations, %d refused as busy", ok.Load(), busy.Load())
}

func assertNoError(t *testing.T, err error) bool {
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	require.Equal(t, "RequestId: r Error: Task timed out after 3.00 seconds",
		(&TimeoutError{RequestID: "r", Timeout: 3 * time.Second}).Error())
	require.Equal(t, "RequestId: r Error: Task timed out", (&TimeoutError{RequestID: "r"}).Error())
	require.Equal(t, "Runtime.HandlerNotFound: m", (&InitError{Type: "Runtime.HandlerNotFound", Message: "m"}).Error())
	require.Equal(t, "Runtime.Unknown", (&InitError{Type: "Runtime.Unknown"}).Error())
}

// TestWire checks the HTTP details runtime clients rely on, over raw TCP.
func TestWire(t *testing.T) {
	t.Parallel()
	t.Run("expect 100-continue", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
		rc := dialRaw(t, s.Addr())
		defer rc.c.Close()
		_, _, err := rc.roundTrip([]byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"))
		require.NoError(t, err)
		_, err = rc.c.Write([]byte("POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"))
		require.NoError(t, err)
		line, err := rc.tp.ReadLine()
		require.NoError(t, err)
		require.Equal(t, "HTTP/1.1 100 Continue", line)
		_, err = rc.tp.ReadLine()
		require.NoError(t, err)
		_, err = rc.c.Write([]byte("hello"))
		require.NoError(t, err)
		line, err = rc.tp.ReadLine()
		require.NoError(t, err)
		require.Equal(t, "HTTP/1.1 202 Accepted", line)
		o := wait(t, out)
		require.NoError(t, o.err)
		require.Equal(t, "hello", string(o.res.Payload))
	})
	t.Run("chunked body and connection close", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
		rc := dialRaw(t, s.Addr())
		defer rc.c.Close()
		_, _, err := rc.roundTrip([]byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"))
		require.NoError(t, err)
		h, body, err := rc.roundTrip([]byte("POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"))
		require.NoError(t, err)
		require.Equal(t, "close", h.Get("Connection"))
		require.Equal(t, `{"status":"OK"}`, string(body))
		_, err = rc.br.ReadByte()
		require.ErrorIs(t, err, io.EOF, "the server closed the connection")
		require.Equal(t, "abcde", string(wait(t, out).res.Payload))
	})
	t.Run("malformed request", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		rc := dialRaw(t, s.Addr())
		defer rc.c.Close()
		_, err := rc.c.Write([]byte("NOT HTTP\r\n\r\n"))
		require.NoError(t, err)
		line, err := rc.tp.ReadLine()
		require.NoError(t, err)
		require.Equal(t, "HTTP/1.1 400 Bad Request", line)
	})
	t.Run("a new next supersedes a waiting one", func(t *testing.T) {
		t.Parallel()
		s := setup(t)
		first := dialRaw(t, s.Addr())
		defer first.c.Close()
		_, err := first.c.Write([]byte("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"))
		require.NoError(t, err)
		require.NoError(t, s.WaitIdle(context.Background()))
		second := newClient(t, s)
		got := make(chan reply, 1)
		go func() { got <- second.next() }()
		// The first connection is hung up on...
		_, err = first.br.ReadByte()
		require.ErrorIs(t, err, io.EOF)
		// ... and the invocation goes to the second.
		out := invokeAsync(context.Background(), s, Invocation{RequestID: "r", Payload: []byte(`1`)})
		r := wait(t, got)
		require.Equal(t, "r", r.header.Get("Lambda-Runtime-Aws-Request-Id"))
		second.respond("r", []byte(`2`))
		require.Equal(t, "2", string(wait(t, out).res.Payload))
	})
}

func TestWaitIdle(t *testing.T) {
	t.Parallel()
	s := setup(t)
	c := newClient(t, s)
	idle := func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		return s.WaitIdle(ctx) == nil
	}
	require.False(t, idle(), "still initializing")
	out := invokeAsync(context.Background(), s, Invocation{RequestID: "r"})
	c.next()
	require.False(t, idle(), "running an invocation")
	c.respond("r", []byte(`1`))
	wait(t, out)
	require.False(t, idle(), "answered but not back in /next")
	go c.http.Get(c.base + "/invocation/next") // parks until the server closes
	require.NoError(t, s.WaitIdle(context.Background()))
	s.Fail(nil)
	var ee *ExitError
	require.ErrorAs(t, s.WaitIdle(context.Background()), &ee)
}
