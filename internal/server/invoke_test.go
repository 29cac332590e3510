package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sandbox"
)

func needSandbox(t *testing.T) {
	t.Helper()
	if _, err := sandbox.Check(); err != nil {
		t.Skipf("sandboxes cannot run here: %v", err)
	}
}

func createFn(t *testing.T, lc *awslambda.Client, name string, rt lambdatypes.Runtime, handler string, files map[string]string, mutate func(*awslambda.CreateFunctionInput)) {
	t.Helper()
	in := &awslambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: rt, Role: aws.String(role),
		Handler: aws.String(handler), Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, files)}}
	if mutate != nil {
		mutate(in)
	}
	_, err := lc.CreateFunction(context.Background(), in)
	require.NoError(t, err)
}

func TestInvokeTeamPicker(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "team-picker", "index.js"))
	require.NoError(t, err)
	createFn(t, lc, "team-picker", lambdatypes.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": string(src)},
		func(in *awslambda.CreateFunctionInput) {
			in.Environment = &lambdatypes.Environment{Variables: map[string]string{"SQUAD_NAME": "조사병단"}}
		})
	type result struct {
		Squad   string     `json:"squad"`
		Teams   [][]string `json:"teams"`
		LeftOut []string   `json:"leftOut"`
	}
	invoke := func() (result, *awslambda.InvokeOutput) {
		out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("team-picker"), LogType: lambdatypes.LogTypeTail})
		require.NoError(t, err)
		require.Nil(t, out.FunctionError, string(out.Payload))
		var r result
		require.NoError(t, json.Unmarshal(out.Payload, &r))
		return r, out
	}
	r, out := invoke()
	require.Equal(t, "조사병단", r.Squad)
	require.Len(t, r.Teams, 4)
	seen := map[string]bool{}
	for _, team := range r.Teams {
		require.Len(t, team, 3)
		for _, m := range team {
			seen[m] = true
		}
	}
	require.Len(t, r.LeftOut, 1)
	seen[r.LeftOut[0]] = true
	require.Len(t, seen, 13, "every character once")
	require.Equal(t, "$LATEST", *out.ExecutedVersion)
	logs, err := base64.StdEncoding.DecodeString(*out.LogResult)
	require.NoError(t, err)
	require.Contains(t, string(logs), "START RequestId: ")
	require.Contains(t, string(logs), "INFO\tpicked 4 teams of 3")
	require.Regexp(t, `REPORT RequestId: \S+\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [0-9.]+ ms`, string(logs))

	// A changed environment variable shows in the next result.
	_, err = lc.UpdateFunctionConfiguration(ctx, &awslambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("team-picker"),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"SQUAD_NAME": "주둔병단"}}})
	require.NoError(t, err)
	r, _ = invoke()
	require.Equal(t, "주둔병단", r.Squad)
}

func TestInvokePythonErrorsAndLimits(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createFn(t, lc, "py", lambdatypes.RuntimePython312, "handler.handler", map[string]string{"handler.py": `
import os, time
calls = 0
class CustomException(Exception):
    pass
def handler(event, context):
    global calls
    calls += 1
    if event.get("fail"):
        raise CustomException("boom")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("whoami"):
        return {"uid": os.getuid(), "task": sorted(os.listdir("/var/task")), "pid": os.getpid()}
    return {"calls": calls, "fn": context.function_name, "remaining": context.get_remaining_time_in_millis() > 0}
`}, func(in *awslambda.CreateFunctionInput) { in.Timeout = aws.Int32(1) })

	out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"calls": 1, "fn": "py", "remaining": true}`, string(out.Payload))
	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"calls": 2, "fn": "py", "remaining": true}`, string(out.Payload), "the warm environment is reused")

	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"whoami": true}`)})
	require.NoError(t, err)
	var who struct {
		UID  int      `json:"uid"`
		Task []string `json:"task"`
	}
	require.NoError(t, json.Unmarshal(out.Payload, &who))
	require.NotZero(t, who.UID, "functions run as non-root")
	require.Contains(t, who.Task, "handler.py")

	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"fail": true}`)})
	require.NoError(t, err)
	require.Equal(t, "Unhandled", *out.FunctionError)
	var fe struct {
		ErrorMessage string   `json:"errorMessage"`
		ErrorType    string   `json:"errorType"`
		StackTrace   []string `json:"stackTrace"`
	}
	require.NoError(t, json.Unmarshal(out.Payload, &fe), string(out.Payload))
	require.Equal(t, "CustomException", fe.ErrorType)
	require.Equal(t, "boom", fe.ErrorMessage)
	require.NotEmpty(t, fe.StackTrace)

	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{"sleep": 3}`)})
	require.NoError(t, err)
	require.Equal(t, "Unhandled", *out.FunctionError)
	require.Contains(t, string(out.Payload), "Task timed out after 1.00 seconds")

	// After a timeout the next invocation gets a fresh environment.
	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.JSONEq(t, `{"calls": 1, "fn": "py", "remaining": true}`, string(out.Payload))

	out, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), InvocationType: lambdatypes.InvocationTypeDryRun})
	require.NoError(t, err)
	require.Equal(t, int32(204), out.StatusCode)

	// Reserved concurrency 0 throttles every invocation.
	_, err = lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("py"), ReservedConcurrentExecutions: aws.Int32(0)})
	require.NoError(t, err)
	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("py"), Payload: []byte(`{}`)})
	var tmr *lambdatypes.TooManyRequestsException
	require.ErrorAs(t, err, &tmr)
	require.Equal(t, lambdatypes.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded, tmr.Reason)
}

func TestInvokeConcurrentAndHotReload(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.mjs"), []byte(`export const handler = async (e) => ({v: 1, n: e.n});`), 0o644))
	_, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("live"), Runtime: lambdatypes.RuntimeNodejs22x,
		Role: aws.String(role), Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{S3Bucket: aws.String("hot-reload"), S3Key: aws.String(dir)}})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("live"), Payload: []byte(`{"n": ` + string(rune('0'+i)) + `}`)})
			if err == nil && out.FunctionError != nil {
				err = errors.New(string(out.Payload))
			}
			if err == nil && !strings.Contains(string(out.Payload), `"v":1`) {
				err = errors.New(string(out.Payload))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	time.Sleep(10 * time.Millisecond) // a distinct modification time
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.mjs"), []byte(`export const handler = async (e) => ({v: 2});`), 0o644))
	out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("live")})
	require.NoError(t, err)
	require.JSONEq(t, `{"v": 2}`, string(out.Payload), "saved changes apply on the next invoke")
}
