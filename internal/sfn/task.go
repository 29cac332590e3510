package sfn

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/sfntask"
)

// Task is one Task-state effect to run, with the execution it belongs to.
type Task struct {
	*asl.Invoke
	ExecutionArn string
	Account      string
	Region       string

	// Submit reports, for a task that keeps running after its request was
	// accepted (.sync), the request's response: the execution records
	// TaskSubmitted and keeps waiting for Invoke's final result. Nil when
	// the caller records no submission.
	Submit func(asl.Result)
}

// Invoker answers Task states. Invoke returns the task's result (a failure
// is a Result with Error set); an error means the task could not be run at
// all and fails the state with States.Runtime. Invoke must return promptly
// once ctx is canceled; its result is then ignored. The executor calls it
// only after the step that scheduled the task is committed, and calls it
// again after a crash for a task whose result was not committed
// (at-least-once).
type Invoker interface {
	Invoke(ctx context.Context, task *Task) (asl.Result, error)
}

// Lambda runs Lambda functions for TaskInvoker. The server satisfies it with
// the Lambda service: reply is the function's answer, apiErr a failure of the
// Lambda API itself (ResourceNotFoundException, TooManyRequestsException...);
// err is anything else (the call could not be made).
type Lambda interface {
	InvokeFunction(ctx context.Context, req *LambdaRequest) (reply *sfntask.LambdaReply, apiErr *sfntask.LambdaAPIError, err error)
}

// LambdaRequest is one Lambda call made for a Task state.
type LambdaRequest struct {
	Account string
	Region  string
	Call    sfntask.LambdaCall
}

// TaskInvoker is the default Invoker: Lambda tasks (the legacy function ARN
// form and arn:aws:states:::lambda:invoke) go to Lambda, every other
// resource fails with States.Runtime as unsupported.
type TaskInvoker struct {
	// Lambda runs functions; nil means no function exists, and Lambda tasks
	// fail with Lambda.ResourceNotFoundException as on AWS.
	Lambda Lambda
}

var _ Invoker = (*TaskInvoker)(nil)

// Invoke implements Invoker.
func (t *TaskInvoker) Invoke(ctx context.Context, task *Task) (asl.Result, error) {
	if !sfntask.IsLambda(task.Invoke) {
		return sfntask.Unsupported(task.Invoke), nil
	}
	call, fail := sfntask.LambdaCallFor(task.Invoke)
	if fail != nil {
		return *fail, nil
	}
	if t.Lambda == nil {
		return sfntask.LambdaResult(task.Invoke, nil, &sfntask.LambdaAPIError{
			StatusCode: 404, Code: "ResourceNotFoundException",
			Message:   "Function not found: " + functionArn(call.FunctionName, call.Qualifier, task.Region, task.Account),
			RequestID: uuid.NewString()}), nil
	}
	reply, apiErr, err := t.Lambda.InvokeFunction(ctx, &LambdaRequest{Account: task.Account, Region: task.Region, Call: call})
	if err != nil {
		return asl.Result{}, fmt.Errorf("state %q: invoke %s: %w", task.StateName, call.FunctionName, err)
	}
	return sfntask.LambdaResult(task.Invoke, reply, apiErr), nil
}

// functionArn spells a FunctionName (name, name:qualifier, partial or full
// ARN) as the qualified function ARN AWS names in a task's "Function not
// found" cause (":$LATEST" when unqualified).
func functionArn(name, qualifier, region, account string) string {
	if strings.HasPrefix(name, "arn:") {
		switch {
		case strings.Count(name, ":") > 6:
			return name
		case qualifier != "":
			return name + ":" + qualifier
		}
		return name + ":$LATEST"
	}
	if acct, rest, ok := strings.Cut(name, ":function:"); ok {
		account, name = acct, rest
	}
	if n, q, ok := strings.Cut(name, ":"); ok {
		name, qualifier = n, q
	}
	if qualifier == "" {
		qualifier = "$LATEST"
	}
	return arn.Lambda(region, account, name, qualifier)
}

// mockResult answers a mocked Task state from a test case: the n-th
// (zero-based) invocation of the state gets the n-th mocked response.
func mockResult(tc *sfnmock.TestCase, state string, n int) asl.Result {
	r, _, err := tc.Response(state, n)
	if err != nil {
		return asl.Result{Error: string(asl.ErrRuntime), Cause: err.Error()}
	}
	if r.Throws() {
		return asl.Result{Error: r.Error, Cause: r.Cause}
	}
	return asl.Result{OutputJSON: string(r.Return)}
}
