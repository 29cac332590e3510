package bootstrap

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
	"github.com/stretchr/testify/require"
)

// env is one execution environment started as a plain host process: the
// runtime's command and environment, a runtimeapi.Server, a task directory.
type env struct {
	t       testing.TB
	rt      *Runtime
	srv     *runtimeapi.Server
	cmd     *exec.Cmd
	logs    *syncBuffer
	task    string
	started time.Time
	exited  chan struct{}
	exitErr error
	lastID  string
}

type envOptions struct {
	handler string
	memory  int
	environ map[string]string
}

// runtimeOrSkip returns the runtime, skipping the test when this host
// cannot run it.
func runtimeOrSkip(t testing.TB, id string) *Runtime {
	t.Helper()
	r, err := For(id)
	if err != nil {
		t.Skipf("%s: %v", id, err)
	}
	return r
}

// startEnv writes files (name → content) into a new task directory and
// starts an environment of runtime id on it.
func startEnv(t testing.TB, id string, files map[string]string, o envOptions) *env {
	t.Helper()
	r := runtimeOrSkip(t, id)
	root := t.TempDir()
	task, rtDir := filepath.Join(root, "task"), filepath.Join(root, "runtime")
	require.NoError(t, os.MkdirAll(task, 0o755))
	for name, content := range files {
		p := filepath.Join(task, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		mode := os.FileMode(0o644)
		if name == "bootstrap" || strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		require.NoError(t, os.WriteFile(p, []byte(content), mode))
	}
	require.NoError(t, r.Materialize(rtDir))
	if o.environ != nil { // "TASK" in a value stands for the task directory
		environ := map[string]string{}
		for k, v := range o.environ {
			environ[k] = strings.ReplaceAll(v, "TASK", task)
		}
		o.environ = environ
	}
	return launch(t, r, task, rtDir, o)
}

func launch(t testing.TB, r *Runtime, task, rtDir string, o envOptions) *env {
	t.Helper()
	srv, err := runtimeapi.New(runtimeapi.Options{AllowedUID: -1})
	require.NoError(t, err)
	st := &Start{
		RuntimeDir:      rtDir,
		TaskRoot:        task,
		RuntimeAPI:      srv.Addr(),
		FunctionName:    "fn",
		FunctionVersion: "$LATEST",
		Handler:         o.handler,
		MemoryMB:        o.memory,
		Region:          "us-east-1",
		LogStreamName:   "2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef",
		Environment:     o.environ,
	}
	e := &env{t: t, rt: r, srv: srv, logs: &syncBuffer{}, task: task, exited: make(chan struct{})}
	argv := r.Command(st)
	e.cmd = exec.Command(argv[0], argv[1:]...)
	e.cmd.Env = r.Environ(st)
	e.cmd.Dir = task
	e.cmd.Stdout, e.cmd.Stderr = e.logs, e.logs
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	e.started = time.Now()
	require.NoError(t, e.cmd.Start())
	go func() {
		err := e.cmd.Wait()
		e.exitErr = err
		srv.Fail(err)
		close(e.exited)
	}()
	t.Cleanup(e.stop)
	return e
}

// stop kills the environment's process group and closes its server.
func (e *env) stop() {
	if e.cmd.Process != nil {
		syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
	}
	select {
	case <-e.exited:
	case <-time.After(10 * time.Second):
		e.t.Errorf("environment did not exit")
	}
	e.srv.Close()
}

func (e *env) waitInit() error {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return e.srv.WaitInit(ctx)
}

// invoke sends one event (JSON text) with a deadline of timeout.
func (e *env) invoke(event string, timeout time.Duration) (*runtimeapi.Result, error) {
	e.t.Helper()
	e.lastID = uuid.NewString()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return e.srv.Invoke(ctx, runtimeapi.Invocation{
		RequestID:   e.lastID,
		Payload:     []byte(event),
		FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn",
		TraceID:     "Root=1-65f0e1a2-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0",
	})
}

// mustInvoke invokes and fails the test on a service-level error.
func (e *env) mustInvoke(event string) *runtimeapi.Result {
	e.t.Helper()
	res, err := e.invoke(event, 20*time.Second)
	require.NoError(e.t, err, "logs:\n%s", e.logs.String())
	return res
}

// waitLogs waits until the logs contain s.
func (e *env) waitLogs(s string) string {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if l := e.logs.String(); strings.Contains(l, s) {
			return l
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.Contains(e.t, e.logs.String(), s)
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// jsonOf decodes a payload.
func jsonOf(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "payload %s", b)
	return m
}
