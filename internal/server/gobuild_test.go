package server_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"
)

// goHandler is a provided.al2023 function as Go source, using
// github.com/aws/aws-lambda-go unmodified.
func goHandler(greeting string) string {
	return `package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type Event struct {
	Name string ` + "`json:\"name\"`" + `
}

func handle(ctx context.Context, e Event) (map[string]string, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	return map[string]string{"msg": "` + greeting + ` " + e.Name, "fn": lambdacontext.FunctionName, "req": lc.AwsRequestID}, nil
}

func main() { lambda.Start(handle) }
`
}

const goMod = "module example.com/hello\n\ngo 1.22\n\nrequire github.com/aws/aws-lambda-go v1.55.1\n"

// needGoBuilds skips tests of Go builds on deploy where they cannot run.
func needGoBuilds(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go toolchain in PATH: gureum cannot build Go source here")
	}
	if strings.Contains(os.Getenv("GOFLAGS"), "-mod=vendor") {
		t.Skip("GOFLAGS=-mod=vendor: github.com/aws/aws-lambda-go cannot be fetched for the function's build")
	}
}

// awsCLI runs the aws CLI against url, or returns false when it is not
// installed.
func awsCLI(t *testing.T, url string, args ...string) (string, error, bool) {
	t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		return "", nil, false
	}
	cmd := exec.Command(bin, append([]string{"--endpoint-url", url, "--region", "us-east-1"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	return string(out), err, true
}

func TestGoSourceBuiltOnDeploy(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	needGoBuilds(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	get := func(name string) *lambdatypes.FunctionConfiguration {
		t.Helper()
		out, err := lc.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(name)})
		require.NoError(t, err)
		return out.Configuration
	}
	invoke := func(name, payload string) string {
		t.Helper()
		out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(payload)})
		require.NoError(t, err)
		require.Nil(t, out.FunctionError, string(out.Payload))
		return string(out.Payload)
	}
	waitActive := func(name string) error {
		t.Helper()
		return awslambda.NewFunctionActiveV2Waiter(lc, func(o *awslambda.FunctionActiveV2WaiterOptions) {
			o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
		}).Wait(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(name)}, 5*time.Minute)
	}
	waitUpdated := func(name string) error {
		t.Helper()
		return awslambda.NewFunctionUpdatedV2Waiter(lc, func(o *awslambda.FunctionUpdatedV2WaiterOptions) {
			o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
		}).Wait(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String(name)}, 5*time.Minute)
	}

	// Go source (go.mod without go.sum: the build records the sums) is
	// Pending until built, then Active.
	created, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("hello-go"), Runtime: lambdatypes.RuntimeProvidedal2023,
		Role: aws.String(role), Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"go.mod": goMod, "main.go": goHandler("hello")})}})
	require.NoError(t, err)
	require.Equal(t, lambdatypes.StatePending, created.State)
	require.Equal(t, lambdatypes.StateReasonCodeCreating, created.StateReasonCode)
	if out, err, ok := awsCLI(t, url, "lambda", "wait", "function-active-v2", "--function-name", "hello-go"); ok {
		require.NoError(t, err, out)
	} else {
		require.NoError(t, waitActive("hello-go"))
	}
	cfg := get("hello-go")
	require.Equal(t, lambdatypes.StateActive, cfg.State)
	require.Equal(t, lambdatypes.LastUpdateStatusSuccessful, cfg.LastUpdateStatus)
	require.Empty(t, aws.ToString(cfg.StateReason))
	res := invoke("hello-go", `{"name": "gureum"}`)
	require.Contains(t, res, `"msg":"hello gureum"`)
	require.Contains(t, res, `"fn":"hello-go"`)

	// New source: the update is InProgress while it builds; then it runs.
	up, err := lc.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("hello-go"),
		ZipFile: zipOf(t, map[string]string{"go.mod": goMod, "main.go": goHandler("안녕")})})
	require.NoError(t, err)
	require.Equal(t, lambdatypes.LastUpdateStatusInProgress, up.LastUpdateStatus)
	require.NoError(t, waitUpdated("hello-go"))
	require.Contains(t, invoke("hello-go", `{"name": "gureum"}`), `"msg":"안녕 gureum"`)

	// Source that does not compile: the update fails with the compiler's
	// message and the previous code keeps running.
	_, err = lc.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("hello-go"),
		ZipFile: zipOf(t, map[string]string{"go.mod": goMod, "main.go": strings.Replace(goHandler("x"), "lambda.Start(handle)", "lambda.Start(handel)", 1)})})
	require.NoError(t, err)
	require.Error(t, waitUpdated("hello-go"), "the waiter stops at Failed")
	cfg = get("hello-go")
	require.Equal(t, lambdatypes.StateActive, cfg.State)
	require.Equal(t, lambdatypes.LastUpdateStatusFailed, cfg.LastUpdateStatus)
	require.Equal(t, lambdatypes.LastUpdateStatusReasonCodeInvalidZipFileException, cfg.LastUpdateStatusReasonCode)
	require.Contains(t, aws.ToString(cfg.LastUpdateStatusReason), "The Go source in the deployment package failed to build: ")
	require.Contains(t, aws.ToString(cfg.LastUpdateStatusReason), "undefined: handel")
	require.Contains(t, invoke("hello-go", `{"name": "again"}`), `"msg":"안녕 again"`, "the previous code remains")

	// A new function that does not compile is Failed; Invoke says so; new
	// code brings it back.
	_, err = lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("broken-go"), Runtime: lambdatypes.RuntimeProvidedal2,
		Role: aws.String(role), Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"main.go": "package main\n\nfunc main() { nope() }\n"})}})
	require.NoError(t, err)
	if out, err, ok := awsCLI(t, url, "lambda", "wait", "function-active-v2", "--function-name", "broken-go"); ok {
		require.Error(t, err, out)
		require.Contains(t, out, "Failed")
	} else {
		require.Error(t, waitActive("broken-go"))
	}
	cfg = get("broken-go")
	require.Equal(t, lambdatypes.StateFailed, cfg.State)
	require.Equal(t, lambdatypes.StateReasonCodeInvalidZipFileException, cfg.StateReasonCode)
	require.Contains(t, aws.ToString(cfg.StateReason), "undefined: nope")
	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("broken-go")})
	requireAPIError(t, err, "ResourceConflictException", "The operation cannot be performed at this time. The function is currently in the following state: Failed")

	// A main package without go.mod (standard library only) builds too.
	_, err = lc.UpdateFunctionCode(ctx, &awslambda.UpdateFunctionCodeInput{FunctionName: aws.String("broken-go"),
		ZipFile: zipOf(t, map[string]string{"main.go": echoRuntime})})
	require.NoError(t, err)
	require.NoError(t, waitActive("broken-go"))
	require.Contains(t, invoke("broken-go", `{"n": 7}`), `"event":{"n":7}`)
}
