package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/config"
)

// asyncProbeSource is a function that reports every invocation to the test's
// sink (an HTTP server on loopback: sandboxes share the host's network) and
// then fails when FAIL=1.
const asyncProbeSource = `
import json, os, urllib.request
def handler(event, context):
    msg = {"fn": context.function_name, "requestId": context.aws_request_id, "event": event}
    req = urllib.request.Request(os.environ["SINK"], data=json.dumps(msg).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()
    if os.environ.get("FAIL") == "1":
        raise Exception("boom")
    return {"ok": event.get("id") if isinstance(event, dict) else None}
`

// sinkMsg is what a probe reports.
type sinkMsg struct {
	Fn        string          `json:"fn"`
	RequestID string          `json:"requestId"`
	Event     json.RawMessage `json:"event"`
}

// sink receives the probes' reports.
type sink struct {
	url string
	ch  chan sinkMsg
}

func newSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{ch: make(chan sinkMsg, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m sinkMsg
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.ch <- m
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// next waits for the next report (generously: a cold start on a loaded
// machine takes seconds).
func (s *sink) next(t *testing.T) sinkMsg {
	t.Helper()
	select {
	case m := <-s.ch:
		return m
	case <-time.After(90 * time.Second):
		t.Fatal("no invocation reported within 90 s")
		return sinkMsg{}
	}
}

func createProbe(t *testing.T, lc *awslambda.Client, name, sinkURL string, fail bool) {
	t.Helper()
	env := map[string]string{"SINK": sinkURL}
	if fail {
		env["FAIL"] = "1"
	}
	createFn(t, lc, name, lambdatypes.RuntimePython312, "probe.handler", map[string]string{"probe.py": asyncProbeSource},
		func(in *awslambda.CreateFunctionInput) {
			in.Environment = &lambdatypes.Environment{Variables: env}
		})
}

func invokeEvent(t *testing.T, lc *awslambda.Client, name, payload string) string {
	t.Helper()
	out, err := lc.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String(name),
		InvocationType: lambdatypes.InvocationTypeEvent, Payload: []byte(payload)})
	require.NoError(t, err)
	require.Equal(t, int32(202), out.StatusCode)
	require.Empty(t, out.Payload)
	id, ok := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	require.True(t, ok)
	return id
}

// record is the invocation record destinations receive.
type record struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext *struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"`
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload"`
}

func decodeRecord(t *testing.T, m sinkMsg) record {
	t.Helper()
	var r record
	require.NoError(t, json.Unmarshal(m.Event, &r), string(m.Event))
	require.Equal(t, "1.0", r.Version)
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, r.Timestamp)
	return r
}

func TestAsyncInvokeRunsWithTheRequestID(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	sk := newSink(t)
	url := start(t, nil)
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createProbe(t, lc, "probe", sk.url, false)

	id := invokeEvent(t, lc, "probe", `{"id": 1, "name": "리바이"}`)
	m := sk.next(t)
	require.Equal(t, "probe", m.Fn)
	require.JSONEq(t, `{"id": 1, "name": "리바이"}`, string(m.Event))
	require.Equal(t, id, m.RequestID, "the function sees the Invoke request's id")
}

func TestAsyncRetriesThenOnFailureDestination(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	sk := newSink(t)
	url := start(t, func(c *config.Config) { c.WaitScale = 0.001 }) // retries after 60 ms and 120 ms
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	testRetriesThenOnFailure(t, lc, sk)
}

func testRetriesThenOnFailure(t *testing.T, lc *awslambda.Client, sk *sink) {
	ctx := context.Background()
	createProbe(t, lc, "flaky", sk.url, true)
	createProbe(t, lc, "failures", sk.url, false)
	dest := "arn:aws:lambda:us-east-1:000000000000:function:failures"
	_, err := lc.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("flaky"),
		DestinationConfig: &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String(dest)}}})
	require.NoError(t, err)

	id := invokeEvent(t, lc, "flaky", `{"id": 7}`)
	for range 3 { // the first attempt and the default two retries, same request id
		m := sk.next(t)
		require.Equal(t, "flaky", m.Fn)
		require.Equal(t, id, m.RequestID)
		require.JSONEq(t, `{"id": 7}`, string(m.Event))
	}
	m := sk.next(t)
	require.Equal(t, "failures", m.Fn)
	r := decodeRecord(t, m)
	require.Equal(t, id, r.RequestContext.RequestID)
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:flaky:$LATEST", r.RequestContext.FunctionArn)
	require.Equal(t, "RetriesExhausted", r.RequestContext.Condition)
	require.Equal(t, 3, r.RequestContext.ApproximateInvokeCount)
	require.JSONEq(t, `{"id": 7}`, string(r.RequestPayload))
	require.NotNil(t, r.ResponseContext)
	require.Equal(t, 200, r.ResponseContext.StatusCode)
	require.Equal(t, "$LATEST", r.ResponseContext.ExecutedVersion)
	require.Equal(t, "Unhandled", r.ResponseContext.FunctionError)
	var resp struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	require.NoError(t, json.Unmarshal(r.ResponsePayload, &resp))
	require.Equal(t, "boom", resp.ErrorMessage)
	require.Equal(t, "Exception", resp.ErrorType)

	// With MaximumRetryAttempts 0 there is one attempt only.
	_, err = lc.UpdateFunctionEventInvokeConfig(ctx, &awslambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("flaky"),
		MaximumRetryAttempts: aws.Int32(0)})
	require.NoError(t, err)
	id = invokeEvent(t, lc, "flaky", `{"id": 8}`)
	m = sk.next(t)
	require.Equal(t, "flaky", m.Fn)
	m = sk.next(t)
	require.Equal(t, "failures", m.Fn, "no retry")
	r = decodeRecord(t, m)
	require.Equal(t, id, r.RequestContext.RequestID)
	require.Equal(t, 1, r.RequestContext.ApproximateInvokeCount)
}

func TestAsyncOnSuccessDestination(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	sk := newSink(t)
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createProbe(t, lc, "worker", sk.url, false)
	createProbe(t, lc, "successes", sk.url, false)
	_, err := lc.PublishVersion(ctx, &awslambda.PublishVersionInput{FunctionName: aws.String("worker")})
	require.NoError(t, err)
	_, err = lc.CreateAlias(ctx, &awslambda.CreateAliasInput{FunctionName: aws.String("worker"), Name: aws.String("live"), FunctionVersion: aws.String("1")})
	require.NoError(t, err)
	// The alias has its own configuration; $LATEST has none.
	_, err = lc.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("worker"),
		Qualifier:         aws.String("live"),
		DestinationConfig: &lambdatypes.DestinationConfig{OnSuccess: &lambdatypes.OnSuccess{Destination: aws.String("arn:aws:lambda:us-east-1:000000000000:function:successes")}}})
	require.NoError(t, err)

	id, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("worker:live"), InvocationType: lambdatypes.InvocationTypeEvent,
		Payload: []byte(`{"id": 42}`)})
	require.NoError(t, err)
	reqID, _ := awsmiddleware.GetRequestIDMetadata(id.ResultMetadata)
	m := sk.next(t)
	require.Equal(t, "worker", m.Fn)
	m = sk.next(t)
	require.Equal(t, "successes", m.Fn)
	r := decodeRecord(t, m)
	require.Equal(t, reqID, r.RequestContext.RequestID)
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:worker:live", r.RequestContext.FunctionArn)
	require.Equal(t, "Success", r.RequestContext.Condition)
	require.Equal(t, 1, r.RequestContext.ApproximateInvokeCount)
	require.JSONEq(t, `{"id": 42}`, string(r.RequestPayload))
	require.NotNil(t, r.ResponseContext)
	require.Equal(t, 200, r.ResponseContext.StatusCode)
	require.Equal(t, "1", r.ResponseContext.ExecutedVersion)
	require.Empty(t, r.ResponseContext.FunctionError)
	require.JSONEq(t, `{"ok": 42}`, string(r.ResponsePayload))
	var raw struct{ ResponseContext map[string]any }
	require.NoError(t, json.Unmarshal(m.Event, &raw))
	require.NotContains(t, raw.ResponseContext, "functionError", "no functionError member on success")
}

func TestAsyncEventAgeExceeded(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	sk := newSink(t)
	url := start(t, func(c *config.Config) { c.WaitScale = 0.001 }) // 60 s of event age pass in 60 ms
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createProbe(t, lc, "throttled", sk.url, false)
	createProbe(t, lc, "expired", sk.url, false)
	// Reserved concurrency 0 throttles every attempt: the event waits in the
	// queue until it is too old.
	_, err := lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("throttled"),
		ReservedConcurrentExecutions: aws.Int32(0)})
	require.NoError(t, err)
	_, err = lc.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("throttled"),
		MaximumEventAgeInSeconds: aws.Int32(60),
		DestinationConfig:        &lambdatypes.DestinationConfig{OnFailure: &lambdatypes.OnFailure{Destination: aws.String("arn:aws:lambda:us-east-1:000000000000:function:expired")}}})
	require.NoError(t, err)

	id := invokeEvent(t, lc, "throttled", `{"id": 3}`)
	m := sk.next(t)
	require.Equal(t, "expired", m.Fn, "the throttled function never ran")
	r := decodeRecord(t, m)
	require.Equal(t, id, r.RequestContext.RequestID)
	require.Equal(t, "EventAgeExceeded", r.RequestContext.Condition)
	require.Equal(t, 0, r.RequestContext.ApproximateInvokeCount)
	require.JSONEq(t, `{"id": 3}`, string(r.RequestPayload))
	require.Nil(t, r.ResponseContext)
	require.Nil(t, r.ResponsePayload)
}

// metric reads one sample from /metrics (false when it cannot).
func metric(url, series string) (float64, bool) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, false
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	return v, err == nil
}

// metricIs reports whether a sample has the value v.
func metricIs(url, series string, v float64) bool {
	got, ok := metric(url, series)
	return ok && got == v
}

func TestAsyncDeleteFunctionDropsItsEvents(t *testing.T) {
	t.Parallel()
	url := start(t, nil)
	ctx := context.Background()
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createFn(t, lc, "doomed", lambdatypes.RuntimePython312, "probe.handler", map[string]string{"probe.py": asyncProbeSource}, nil)
	_, err := lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String("doomed"),
		ReservedConcurrentExecutions: aws.Int32(0)})
	require.NoError(t, err)
	_, err = lc.PutFunctionEventInvokeConfig(ctx, &awslambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("doomed"),
		MaximumRetryAttempts: aws.Int32(1)})
	require.NoError(t, err)
	for i := range 5 {
		invokeEvent(t, lc, "doomed", fmt.Sprintf(`{"id": %d}`, i))
	}
	require.True(t, metricIs(url, "gureum_lambda_async_events_enqueued_total", 5))
	require.True(t, metricIs(url, "gureum_lambda_async_events_queued", 5), "throttled events wait in the queue")

	_, err = lc.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String("doomed")})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return metricIs(url, "gureum_lambda_async_events_queued", 0) &&
			metricIs(url, `gureum_lambda_async_events_done_total{outcome="FunctionDeleted"}`, 5)
	}, 60*time.Second, 50*time.Millisecond, "the function's pending events are gone")

	// A new function of the same name starts without the old configuration.
	createFn(t, lc, "doomed", lambdatypes.RuntimePython312, "probe.handler", map[string]string{"probe.py": asyncProbeSource}, nil)
	_, err = lc.GetFunctionEventInvokeConfig(ctx, &awslambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("doomed")})
	require.Equal(t, "ResourceNotFoundException", apiCode(t, err))
}

func TestAsyncOnPostgres(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	dsn := os.Getenv("GUREUM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GUREUM_TEST_POSTGRES is not set")
	}
	schema := fmt.Sprintf("gureum_async_test_%d", time.Now().UnixNano())
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
	sk := newSink(t)
	url := start(t, func(c *config.Config) {
		c.Store = dsn + sep + "search_path=" + schema
		c.WaitScale = 0.001
	})
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	testRetriesThenOnFailure(t, lc, sk)
}

// TestAsyncAcceptsConcurrentInvokes checks that events accepted together
// each run once when nothing crashes.
func TestAsyncAcceptsConcurrentInvokes(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	sk := newSink(t)
	url := start(t, nil)
	lc := awslambda.NewFromConfig(awsConfig(url, "test", "test"))
	createProbe(t, lc, "many", sk.url, false)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := lc.Invoke(context.Background(), &awslambda.InvokeInput{FunctionName: aws.String("many"),
				InvocationType: lambdatypes.InvocationTypeEvent, Payload: fmt.Appendf(nil, `{"id": %d}`, i)})
			if err != nil {
				t.Errorf("invoke %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	seen := map[int]int{}
	for range n {
		var ev struct{ ID int }
		require.NoError(t, json.Unmarshal(sk.next(t).Event, &ev))
		seen[ev.ID]++
	}
	require.Len(t, seen, n)
	for id, c := range seen {
		require.Equal(t, 1, c, "event %d", id)
	}
}
