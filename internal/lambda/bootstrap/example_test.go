package bootstrap_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/lambda/runtimeapi"
)

// Example shows how the Lambda service starts an execution environment for
// a function and invokes it. Here the environment is a plain host process;
// a sandbox runs the same command and environment, with RuntimeDir,
// TaskRoot and Interpreter set to the paths it binds (/var/runtime,
// /var/task, /var/lang/...), and passes the environment's uid as
// AllowedUID.
func Example() {
	rt, err := bootstrap.For("python3.12")
	if err != nil { // ErrUnknownRuntime, or ErrUnavailable with the reason
		fmt.Println(err)
		return
	}
	_ = rt.Note // how it differs from AWS, e.g. that it runs on the host's Python 3.11

	// Once per runtime (and gureum version): the runtime client's files.
	data, _ := os.MkdirTemp("", "gureum")
	defer os.RemoveAll(data)
	runtimeDir := filepath.Join(data, "runtimes", rt.ID)
	if err := rt.Materialize(runtimeDir); err != nil {
		fmt.Println(err)
		return
	}
	// The function's code, unpacked once per version.
	task := filepath.Join(data, "code", "fn-1")
	os.MkdirAll(task, 0o755)
	os.WriteFile(filepath.Join(task, "app.py"), []byte("def handler(event, context):\n    return {'hi': event['name']}\n"), 0o644)

	// Per environment: a Runtime API server, then the process.
	api, err := runtimeapi.New(runtimeapi.Options{AllowedUID: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer api.Close()
	start := &bootstrap.Start{
		RuntimeDir:   runtimeDir,
		TaskRoot:     task,
		RuntimeAPI:   api.Addr(),
		FunctionName: "fn",
		Handler:      "app.handler",
		MemoryMB:     128,
		Region:       "us-east-1",
		Environment:  map[string]string{"STAGE": "dev"},                              // the function's variables
		Service:      map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:4566"}, // credentials, endpoint
	}
	argv := rt.Command(start)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = rt.Environ(start)
	cmd.Dir = task
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // kill the whole group
	if err := cmd.Start(); err != nil {
		// Lambda reports this as Runtime.InvalidEntrypoint.
		fmt.Println(err)
		return
	}
	go func() { api.Fail(cmd.Wait()) }() // a dead process fails pending calls at once
	defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)

	// Cold start: the init phase, with Lambda's 10 s init timeout.
	initCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := api.WaitInit(initCtx); err != nil {
		var fe runtimeapi.FunctionError // *InitError, *ExitError, *TimeoutError
		if errors.As(err, &fe) {
			fmt.Printf("init failed: %s %s\n", fe.ErrorType(), fe.Result().Payload)
		}
		return
	}

	// One invocation, with the function's timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	res, err := api.Invoke(ctx, runtimeapi.Invocation{
		RequestID:   "6bc28136-a5d6-4b0a-b9a2-2a5b4c2d7e41",
		Payload:     []byte(`{"name":"gureum"}`),
		FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn",
	})
	var fe runtimeapi.FunctionError
	switch {
	case errors.As(err, &fe): // timeout, exit, init error: kill the environment
		res = fe.Result()
	case err != nil: // ErrBusy, ErrBroken, ErrClosed: the pool's mistake
		fmt.Println(err)
		return
	}
	// 200, X-Amz-Function-Error: res.FunctionError, body res.Payload.
	fmt.Printf("%q %s\n", res.FunctionError, res.Payload)

	// Before freezing an idle environment, wait until it polls again.
	api.WaitIdle(context.Background())
	// Output: "" {"hi": "gureum"}
}
