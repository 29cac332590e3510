package sfn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/store"
)

// Nested executions: arn:aws:states:::states:startExecution[.sync[:2] |
// .waitForTaskToken] starts an execution of another state machine.
//
//   - RequestResponse: the task's result is StartExecution's response
//     ({ExecutionArn, StartDate} and the SDK's HTTP metadata).
//   - .waitForTaskToken: the same response is the submission; the task waits
//     for a callback with its token (which the child usually gets in its
//     input and sends back with SendTaskSuccess).
//   - .sync and .sync:2: the same response is the submission (TaskSubmitted);
//     the task then waits for the child to end and its result is
//     DescribeExecution's shape, with Input and Output as JSON text (.sync) or
//     as JSON values (.sync:2). A child that does not succeed fails the task
//     with States.TaskFailed, the cause being that same shape as JSON text.
//
// A child started without a Name gets one derived from the parent execution
// and the task's effect, and records which task started it, so that a task
// invoked again after a crash finds the child it started instead of
// starting another. The wait for a child's end is woken by the child's last
// step on this node, and polls the store for children other nodes run.

// parentRef names the task that started an execution.
type parentRef struct {
	ExecutionArn string `json:"executionArn"`
	EffectID     string `json:"effectId"`
}

// invoke answers a Task state: nested executions and the aws-sdk:sfn
// callback actions here, anything else with the service's Invoker.
func (s *Service) invoke(ctx context.Context, task *Task) (asl.Result, error) {
	if task.Kind == "service" && task.ResourceType == "states" {
		if api, _, _ := strings.Cut(task.ResourceName, "."); api == "startExecution" {
			return s.startNested(ctx, task)
		}
	}
	if sdkSfnServed(task) { // sdksfn.go
		return s.sdkSfn(ctx, task)
	}
	return s.invoker.Invoke(ctx, task)
}

// ended wakes the tasks waiting for an execution's end.
func (s *Service) ended(executionArn string) { s.endWaiters.wake(executionArn) }

// startNested runs a states:startExecution task.
func (s *Service) startNested(ctx context.Context, task *Task) (asl.Result, error) {
	params, _ := task.Parameters.(map[string]any)
	smArn, _ := params["StateMachineArn"].(string)
	name, _ := params["Name"].(string)
	traceHeader, _ := params["TraceHeader"].(string)
	input := "{}"
	switch v := params["Input"].(type) {
	case nil:
	case string:
		input = v
	default:
		b, err := marshalJSON(v)
		if err != nil {
			return asl.Result{Error: string(asl.ErrRuntime), Cause: err.Error()}, nil
		}
		input = string(b)
	}
	if smArn == "" {
		return sfnAPIFailure("ValidationException",
			"1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"), nil
	}
	if name == "" {
		name = uuid.NewSHA1(uuid.NameSpaceURL, []byte(task.ExecutionArn+"#"+task.ID)).String()
	} else if !ValidName(name) {
		return sfnAPIFailure("InvalidName", "Invalid Name: '"+name+"'"), nil
	}
	if !json.Valid([]byte(input)) {
		return sfnAPIFailure("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input is not valid JSON'"), nil
	}
	me := &parentRef{ExecutionArn: task.ExecutionArn, EffectID: task.ID}
	sync := task.Pattern == asl.PatternRunJob
	sync2 := sync && strings.HasSuffix(task.ResourceName, ":2")

	target, err := s.resolveStart(ctx, smArn)
	if err != nil {
		return sfnServiceFailure(err)
	}
	if sync && target.row.Type == store.StateMachineTypeExpress {
		return s.startNestedExpressSync(ctx, task, StartExecutionInput{StateMachineArn: smArn, Name: name, Input: input, TraceHeader: traceHeader}, sync2)
	}

	childArn, startDate, err := s.StartExecution(ctx, StartExecutionInput{StateMachineArn: smArn, Name: name, Input: input,
		TraceHeader: traceHeader, parent: me})
	if errors.Is(err, ErrExecutionAlreadyExists) {
		// Started before a crash by this very task: carry on with it.
		childArn, startDate, err = s.adoptChild(ctx, err, me)
	}
	if err != nil {
		return sfnServiceFailure(err)
	}
	started := asl.Result{OutputJSON: startExecutionResponse(childArn, startDate)}
	if !sync {
		started.Submitted = task.Pattern == asl.PatternWaitForTaskToken
		return started, nil
	}
	if !task.Submitted && task.Submit != nil {
		task.Submit(started)
	}
	row, err := s.waitEnded(ctx, childArn)
	if err != nil {
		return asl.Result{}, err
	}
	return childResult(row, sync2), nil
}

// adoptChild returns the execution a StartExecution collided with when this
// task started it (before a crash); otherwise the collision stands.
func (s *Service) adoptChild(ctx context.Context, collision error, me *parentRef) (string, time.Time, error) {
	var se *Error
	if !errors.As(collision, &se) {
		return "", time.Time{}, collision
	}
	row, err := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: se.Detail})
	if err != nil {
		return "", time.Time{}, collision
	}
	var spec executionSpec
	if json.Unmarshal(row.Spec, &spec) != nil || spec.Parent == nil || *spec.Parent != *me {
		return "", time.Time{}, collision
	}
	return row.ARN, row.StartDate, nil
}

// waitEnded waits until an execution has ended and returns it.
func (s *Service) waitEnded(ctx context.Context, executionArn string) (*store.ExecutionRow, error) {
	poll := min(max(4*s.opts.PollInterval, 100*time.Millisecond), 2*time.Second)
	for {
		wake := s.endWaiters.watch(executionArn)
		row, err := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionArn})
		if err != nil {
			return nil, fmt.Errorf("wait for execution %s: %w", executionArn, err)
		}
		if row.Status != store.ExecutionRunning {
			return row, nil
		}
		t := time.NewTimer(poll)
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		t.Stop()
	}
}

// startNestedExpressSync runs an Express child to its end (Express
// executions have no DescribeExecution: the child runs as
// StartSyncExecution).
func (s *Service) startNestedExpressSync(ctx context.Context, task *Task, in StartExecutionInput, sync2 bool) (asl.Result, error) {
	res, err := s.StartSyncExecution(ctx, in)
	if err != nil {
		return sfnServiceFailure(err)
	}
	if !task.Submitted && task.Submit != nil {
		task.Submit(asl.Result{OutputJSON: startExecutionResponse(res.ExecutionArn, res.StartDate)})
	}
	return childResult(&store.ExecutionRow{ARN: res.ExecutionArn, StateMachineARN: res.StateMachineArn, Name: res.Name,
		Status: store.ExecutionStatus(res.Status), Input: res.Input, Output: res.Output, Error: res.Error,
		Cause: res.Cause, StartDate: res.StartDate, StopDate: res.StopDate, Type: store.StateMachineTypeExpress}, sync2), nil
}

// childResult is a .sync task's result for an ended child: DescribeExecution
// in the SDK's shape (capitalized members, dates in epoch milliseconds).
func childResult(row *store.ExecutionRow, sync2 bool) asl.Result {
	out := map[string]any{
		"ExecutionArn":    row.ARN,
		"Name":            row.Name,
		"StateMachineArn": row.StateMachineARN,
		"Status":          string(row.Status),
		"StartDate":       row.StartDate.UnixMilli(),
		"StopDate":        row.StopDate.UnixMilli(),
		"Input":           jsonMember(row.Input, sync2),
		"InputDetails":    map[string]any{"Included": true},
	}
	if row.Type != store.StateMachineTypeExpress {
		out["RedriveCount"] = 0
		if row.Status == store.ExecutionSucceeded {
			out["RedriveStatus"] = "NOT_REDRIVABLE"
			out["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
		} else {
			out["RedriveStatus"] = "REDRIVABLE"
		}
	}
	if row.Status == store.ExecutionSucceeded {
		out["Output"] = jsonMember(row.Output, sync2)
		out["OutputDetails"] = map[string]any{"Included": true}
	}
	if row.Error != "" {
		out["Error"] = row.Error
	}
	if row.Cause != "" {
		out["Cause"] = row.Cause
	}
	b, err := marshalJSON(out)
	if err != nil {
		return asl.Result{Error: string(asl.ErrRuntime), Cause: err.Error()}
	}
	if row.Status != store.ExecutionSucceeded {
		return asl.Result{Error: string(asl.ErrTaskFailed), Cause: string(b)}
	}
	return asl.Result{OutputJSON: string(b)}
}

// jsonMember is an execution's input or output as .sync (JSON text) or
// .sync:2 (the JSON value) report it.
func jsonMember(text string, asJSON bool) any {
	if asJSON && json.Valid([]byte(text)) {
		return json.RawMessage(text)
	}
	return text
}

// startExecutionResponse is StartExecution's response as the integration
// reports it: the SDK's capitalized members and HTTP metadata.
func startExecutionResponse(executionArn string, startDate time.Time) string {
	body, _ := json.Marshal(map[string]any{
		"executionArn": executionArn,
		"startDate":    json.Number(strconv.FormatFloat(float64(startDate.UnixMilli())/1000, 'f', -1, 64)),
	})
	requestID := uuid.NewString()
	headers := map[string]string{
		"x-amzn-RequestId": requestID,
		"connection":       "keep-alive",
		"Content-Length":   strconv.Itoa(len(body)),
		"Date":             time.Now().UTC().Format(time.RFC1123[:len(time.RFC1123)-3] + "GMT"),
		"Content-Type":     "application/x-amz-json-1.0",
	}
	all := make(map[string][]string, len(headers))
	keys := make([]string, 0, len(headers))
	for k, v := range headers {
		all[k] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b, _ := marshalJSON(map[string]any{
		"ExecutionArn": executionArn,
		"StartDate":    startDate.UnixMilli(),
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": all,
			"HttpHeaders":    headers,
			"HttpStatusCode": 200,
		},
		"SdkResponseMetadata": map[string]any{"RequestId": requestID},
	})
	return string(b)
}

// sfnServiceFailure turns a StartExecution error into the task's failure,
// as the integration reports Step Functions API errors; other errors are
// returned (they fail the state with States.Runtime).
func sfnServiceFailure(err error) (asl.Result, error) {
	var se *Error
	if !errors.As(err, &se) {
		return asl.Result{}, err
	}
	d := se.Detail
	switch se.Kind {
	case ErrStateMachineNotFound:
		return sfnAPIFailure("StateMachineDoesNotExist", "State Machine Does Not Exist: '"+d+"'"), nil
	case ErrExecutionAlreadyExists:
		return sfnAPIFailure("ExecutionAlreadyExists", "Execution Already Exists: '"+d+"'"), nil
	case ErrInvalidArn:
		return sfnAPIFailure("InvalidArn", "Invalid Arn: '"+d+"'"), nil
	case ErrInvalidResourceType:
		return sfnAPIFailure("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: "+d+"'"), nil
	case ErrInvalidName:
		return sfnAPIFailure("InvalidName", "Invalid Name: '"+d+"'"), nil
	case ErrInvalidMockTestCase:
		return sfnAPIFailure("InvalidName", d), nil
	case ErrInvalidExecutionInput:
		return sfnAPIFailure("InvalidExecutionInput", "Invalid State Machine Execution Input: '"+d+"'"), nil
	case ErrStateMachineTypeNotSupp:
		return sfnAPIFailure("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine"), nil
	}
	return asl.Result{}, err
}

// sfnAPIFailure is a Step Functions API error as a task failure: the error
// named after the SDK's exception class, the cause in the SDK's words.
func sfnAPIFailure(code, message string) asl.Result {
	class := code
	if !strings.HasSuffix(class, "Exception") {
		class += "Exception"
	}
	return asl.Result{Error: "StepFunctions." + class, Cause: fmt.Sprintf(
		"%s (Service: AWSStepFunctions; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)",
		message, code, uuid.NewString())}
}

// marshalJSON writes compact JSON without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
