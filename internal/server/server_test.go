package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
	"github.com/gureum-dev/gureum/internal/server"
)

// start runs a real server on a loopback port with a fresh SQLite data dir
// (or PostgreSQL when store is set) and returns its base URL.
func start(t *testing.T, mutate func(*config.Config)) string {
	t.Helper()
	cfg := config.Default(func(string) string { return "" })
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
	})
	return "http://" + srv.Addr()
}

func awsConfig(url, key, secret string) aws.Config {
	return aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(key, secret, ""),
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
	}
}

func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want an AWS API error, got %v", err)
	return ae.ErrorCode()
}

func TestEmptyListsWithSDK(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	cfg := awsConfig(url, "test", "test")

	fns, err := awslambda.NewFromConfig(cfg).ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	require.NoError(t, err)
	require.Empty(t, fns.Functions)
	require.Nil(t, fns.NextMarker)

	sms, err := awssfn.NewFromConfig(cfg).ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
	require.NoError(t, err)
	require.Empty(t, sms.StateMachines)
}

func TestServiceErrorsWithSDK(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	cfg := awsConfig(url, "test", "test")
	lc, sc := awslambda.NewFromConfig(cfg), awssfn.NewFromConfig(cfg)

	_, err := lc.GetFunction(ctx, &awslambda.GetFunctionInput{FunctionName: aws.String("nope")})
	var nf *lambdatypes.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	require.Contains(t, *nf.Message, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")

	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("nope"), Payload: []byte(`{}`)})
	require.ErrorAs(t, err, &nf)

	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("nope"), Payload: make([]byte, 6*1024*1024+1)})
	var tooLarge *lambdatypes.RequestTooLargeException
	require.ErrorAs(t, err, &tooLarge)
	require.Contains(t, *tooLarge.Message, "Request must be smaller than 6291456 bytes for the InvokeFunction operation")

	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("nope"), InvocationType: lambdatypes.InvocationTypeEvent,
		Payload: []byte(`"` + strings.Repeat("x", 256*1024) + `"`)})
	require.ErrorAs(t, err, &tooLarge)

	_, err = lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("bad name!"), Payload: []byte(`{}`)})
	require.Equal(t, "ValidationException", apiCode(t, err))

	_, err = lc.ListFunctions(ctx, &awslambda.ListFunctionsInput{Marker: aws.String("garbage")})
	require.Equal(t, "InvalidParameterValueException", apiCode(t, err))

	smArn := "arn:aws:states:us-east-1:000000000000:stateMachine:없는-기계"
	_, err = sc.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
	var dne *sfntypes.StateMachineDoesNotExist
	require.ErrorAs(t, err, &dne)
	require.Equal(t, "State Machine Does Not Exist: '"+smArn+"'", *dne.Message)

	_, err = sc.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: aws.String("not-an-arn")})
	var invalidArn *sfntypes.InvalidArn
	require.ErrorAs(t, err, &invalidArn)

	_, err = sc.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn),
		Input: aws.String(`"` + strings.Repeat("x", 256*1024) + `"`)})
	require.Equal(t, "ValidationException", apiCode(t, err))
	require.Contains(t, err.Error(), "Member must have length less than or equal to 262144")

	_, err = sc.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"a":`)})
	var badInput *sfntypes.InvalidExecutionInput
	require.ErrorAs(t, err, &badInput)

	_, err = sc.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String("has space")})
	var badName *sfntypes.InvalidName
	require.ErrorAs(t, err, &badName)

	_, err = sc.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{"TraningType":"공격수"}`)})
	require.ErrorAs(t, err, &dne)

	_, err = sc.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{MaxResults: 1001})
	require.Equal(t, "ValidationException", apiCode(t, err))
	_, err = sc.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{NextToken: aws.String("garbage")})
	var badToken *sfntypes.InvalidToken
	require.ErrorAs(t, err, &badToken)
}

func TestAuth(t *testing.T) {
	t.Parallel()
	url := start(t, func(c *config.Config) {
		c.Auth = true
		c.AccessKeys = map[string]string{"AKIDGUREUM": "right-secret"}
	})
	ctx := context.Background()

	_, err := awssfn.NewFromConfig(awsConfig(url, "AKIDGUREUM", "right-secret")).ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
	require.NoError(t, err)
	_, err = awslambda.NewFromConfig(awsConfig(url, "AKIDGUREUM", "right-secret")).ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	require.NoError(t, err)

	for _, tc := range []struct{ key, secret, code string }{
		{"AKIDGUREUM", "wrong-secret", "InvalidSignatureException"},
		{"AKIDOTHER", "right-secret", "UnrecognizedClientException"},
	} {
		_, err = awssfn.NewFromConfig(awsConfig(url, tc.key, tc.secret)).ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
		require.Equal(t, tc.code, apiCode(t, err))
		var re interface{ HTTPStatusCode() int }
		require.ErrorAs(t, err, &re)
		require.Equal(t, 403, re.HTTPStatusCode())
		_, err = awslambda.NewFromConfig(awsConfig(url, tc.key, tc.secret)).ListFunctions(ctx, &awslambda.ListFunctionsInput{})
		require.Equal(t, tc.code, apiCode(t, err))
	}

	// Unsigned requests, both protocols.
	req, _ := http.NewRequest("POST", url+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	require.Equal(t, 403, resp.StatusCode)
	require.Equal(t, "MissingAuthenticationTokenException", body["__type"])

	resp, err = http.Get(url + "/2015-03-31/functions/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 403, resp.StatusCode)
	require.Equal(t, "MissingAuthenticationTokenException", resp.Header.Get("X-Amzn-ErrorType"))

	// Health stays reachable without credentials.
	resp, err = http.Get(url + "/_gureum/health")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	_, _ = http.Get(url + "/2015-03-31/functions/")
	resp, err := http.Get(url + "/_gureum/health")
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "ok", h["status"])
	require.Equal(t, "sqlite", h["store"].(map[string]any)["driver"])
	require.Contains(t, h["services"], "lambda")
	require.Contains(t, h["services"], "states")
	require.NotEmpty(t, h["version"])

	resp, err = http.Get(url + "/metrics")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(b), `gureum_api_requests_total{code="200",operation="ListFunctions",service="lambda"} 1`)
	require.Contains(t, string(b), "go_goroutines")
}

func TestPostgresStore(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("GUREUM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GUREUM_TEST_POSTGRES is not set")
	}
	// A schema of its own, so runs sharing the database do not meet.
	schema := fmt.Sprintf("gureum_server_test_%d", time.Now().UnixNano())
	conn, err := pgx.Connect(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		_ = conn.Close(context.Background())
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	url := start(t, func(c *config.Config) { c.Store = dsn + sep + "search_path=" + schema })
	ctx := context.Background()
	cfg := awsConfig(url, "111122223333", "test") // a 12-digit key names the account
	_, err = awslambda.NewFromConfig(cfg).ListFunctions(ctx, &awslambda.ListFunctionsInput{})
	require.NoError(t, err)
	resp, err := http.Get(url + "/_gureum/health")
	require.NoError(t, err)
	var h map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	resp.Body.Close()
	require.Equal(t, "postgres", h["store"].(map[string]any)["driver"])
}
