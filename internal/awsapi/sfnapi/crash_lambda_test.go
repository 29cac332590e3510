package sfnapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/lambda/bootstrap"
	"github.com/gureum-dev/gureum/internal/sandbox"
)

// The function of TestKillNineTwiceWithLambda (Python: the cheapest cold
// start of the runtimes here). It reports every run to the recorder
// (RECORD_URL) before doing anything else, so a run counts even when a crash
// cuts it short, with the time its environment started (which tells which
// server started it: a server delivers invocations only once the
// environment's init is done); it fails the first attempt (RetryCount 0) of
// the executions marked flaky; it advances the loop counter.
const crashFunction = `
import json, os, time, urllib.request

ENV_START_MS = time.time() * 1000

class Flaky(Exception):
    pass

def handler(e, context):
    run = {"execution": e["execution"], "i": e["i"], "attempt": e["attempt"], "envStartMs": ENV_START_MS}
    req = urllib.request.Request(os.environ["RECORD_URL"], data=json.dumps(run).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=20) as resp:
        resp.read()
    if e["flaky"] and e["attempt"] == 0:
        raise Flaky("first attempt of %s round %d" % (e["execution"], e["i"]))
    return {"i": e["i"] + 1, "limit": e["limit"], "flaky": e["flaky"]}
`

// crashLambdaDefinition loops $.limit rounds of a one-second Wait and a
// Lambda task that increments $.i. The task retries its deliberate failure
// once and, with jitter, the throttling of the function's reserved
// concurrency (what AWS advises for Lambda tasks).
func crashLambdaDefinition(t testing.TB, fn string) string {
	return definition(t, map[string]any{
		"StartAt": "Init", "States": map[string]any{
			"Init":  map[string]any{"Type": "Pass", "Parameters": map[string]any{"i": 0, "limit.$": "$.limit", "flaky.$": "$.flaky"}, "Next": "Check"},
			"Check": map[string]any{"Type": "Choice", "Choices": []any{map[string]any{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Wait"}}, "Default": "Done"},
			"Wait":  map[string]any{"Type": "Wait", "Seconds": 1, "Next": "Work"},
			"Work": map[string]any{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
				"Parameters": map[string]any{"FunctionName": fn, "Payload": map[string]any{
					"execution.$": "$$.Execution.Name", "attempt.$": "$$.State.RetryCount",
					"i.$": "$.i", "limit.$": "$.limit", "flaky.$": "$.flaky"}},
				"OutputPath": "$.Payload",
				"Retry": []any{
					map[string]any{"ErrorEquals": []string{"Flaky"}, "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1},
					map[string]any{"ErrorEquals": []string{"Lambda.TooManyRequestsException"}, "IntervalSeconds": 1, "MaxAttempts": 100,
						"BackoffRate": 2, "MaxDelaySeconds": 3, "JitterStrategy": "FULL"},
				},
				"Next": "Check"},
			"Done": map[string]any{"Type": "Succeed"}}})
}

// runRecord is one run of the function, as the recorder saw it.
type runRecord struct {
	Execution  string  `json:"execution"`
	I          int     `json:"i"`
	Attempt    int     `json:"attempt"`
	EnvStartMs float64 `json:"envStartMs"` // when the environment's process started (Unix ms)
	at         time.Time
}

// recorder collects the function's runs (the sandbox gives functions no
// writable host path, so they report over loopback HTTP) and appends each to
// a file for the record.
type recorder struct {
	mu   sync.Mutex
	runs []runRecord
	file *os.File
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var run runRecord
	if err := json.NewDecoder(r.Body).Decode(&run); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.mu.Lock()
	run.at = time.Now()
	rec.runs = append(rec.runs, run)
	fmt.Fprintf(rec.file, "%s %s %d %d %.3f\n", run.at.Format(time.RFC3339Nano), run.Execution, run.I, run.Attempt, run.EnvStartMs)
	rec.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.runs)
}

func zipFiles(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func (p *gureumProcess) lambdaClient() *awslambda.Client {
	return awslambda.NewFromConfig(aws.Config{
		HTTPClient:       &http.Client{Transport: eagerBody{http.DefaultTransport}},
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(p.url),
		RetryMaxAttempts: 1,
	})
}

// TestKillNineTwiceWithLambda is the Workflows acceptance crash test: 500
// concurrent Standard executions of a machine with a Pass, a Choice loop, a
// real one-second Wait and a Lambda task (a real Python function in the
// sandbox) with Retry. The server is killed with SIGKILL twice, each time
// while Lambda tasks are running, and restarted on the same data directory.
// Every execution must end SUCCEEDED with the history of an uninterrupted
// run (contiguous ids, each state entered as often as the loop requires),
// and the function must have run once per round (twice for a deliberate
// first-attempt failure), more only for a run a crash cut short.
func TestKillNineTwiceWithLambda(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gureum binary")
	}
	if _, err := sandbox.Check(); err != nil {
		t.Skipf("sandboxes cannot run here: %v", err)
	}
	if _, err := bootstrap.For("python3.12"); err != nil {
		t.Skipf("python3.12 functions cannot run here: %v", err)
	}
	t.Parallel()
	const (
		n        = 500
		rounds   = 2
		reserved = 8 // environments of the function: bounded on a small CI machine
		fn       = "crash-counter"
	)
	bin := gureumBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	f, err := os.Create(filepath.Join(dir, "runs.log"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	rec := &recorder{file: f}
	recSrv := httptest.NewServer(rec)
	t.Cleanup(recSrv.Close)

	ctx := context.Background()
	p := startBinary(t, bin, data)
	lc := p.lambdaClient()
	_, err = lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String(fn), Runtime: lambdatypes.RuntimePython312,
		Role: aws.String("arn:aws:iam::000000000000:role/fn"), Handler: aws.String("handler.handler"), Timeout: aws.Int32(30),
		Code:        &lambdatypes.FunctionCode{ZipFile: zipFiles(t, map[string]string{"handler.py": crashFunction})},
		Environment: &lambdatypes.Environment{Variables: map[string]string{"RECORD_URL": recSrv.URL}}})
	require.NoError(t, err)
	_, err = lc.PutFunctionConcurrency(ctx, &awslambda.PutFunctionConcurrencyInput{FunctionName: aws.String(fn),
		ReservedConcurrentExecutions: aws.Int32(reserved)})
	require.NoError(t, err)

	c := p.client()
	sm, err := c.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String("crash-lambda"),
		Definition: aws.String(crashLambdaDefinition(t, fn)), RoleArn: aws.String(roleArn)})
	require.NoError(t, err)

	flaky := func(i int) bool { return i%4 == 0 }
	names := make([]string, n)
	isFlaky := map[string]bool{}
	for i := range n {
		names[i] = fmt.Sprintf("run-%03d", i)
		isFlaky[names[i]] = flaky(i)
	}
	arns := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	began := time.Now()
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Name: aws.String(names[i]),
				Input: aws.String(fmt.Sprintf(`{"limit": %d, "flaky": %t}`, rounds, flaky(i)))})
			if err != nil {
				t.Errorf("start %s: %v", names[i], err)
				return
			}
			arns[i] = *out.ExecutionArn
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	t.Logf("started %d executions in %s", n, time.Since(began).Round(time.Millisecond))

	// Kill while the function runs: once it has run for a fifth of the
	// executions since the (re)start.
	var kills []time.Time
	killWhenRunning := func(p *gureumProcess) {
		t.Helper()
		from := rec.count()
		deadline := time.Now().Add(30 * time.Second)
		for rec.count()-from < n/5 {
			require.True(t, time.Now().Before(deadline), "the function does not run (%d runs)", rec.count())
			time.Sleep(2 * time.Millisecond)
		}
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		_ = p.cmd.Wait()
		// Every environment of the dead server started before this
		// instant; every later one after it.
		kills = append(kills, time.Now())
	}
	countRunning := func(c *awssfn.Client) int {
		t.Helper()
		running := 0
		var token *string
		for {
			out, err := c.ListExecutions(ctx, &awssfn.ListExecutionsInput{StateMachineArn: sm.StateMachineArn,
				StatusFilter: sfntypes.ExecutionStatusRunning, MaxResults: 1000, NextToken: token})
			require.NoError(t, err)
			running += len(out.Executions)
			if out.NextToken == nil {
				return running
			}
			token = out.NextToken
		}
	}

	for k := range 2 {
		killWhenRunning(p)
		p = startBinary(t, bin, data)
		c = p.client()
		running := countRunning(c)
		t.Logf("kill %d at %s: %d executions running, %d function runs so far", k+1, kills[k].Sub(began).Round(time.Millisecond), running, rec.count())
		require.Positive(t, running, "kill %d should leave executions mid-run", k+1)
	}

	deadline := time.Now().Add(90 * time.Second)
	for countRunning(c) > 0 {
		require.True(t, time.Now().Before(deadline), "executions still running after 90 s")
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("all ended %s after the start; %d function runs", time.Since(began).Round(time.Millisecond), rec.count())

	e := &env{url: p.url, client: c}
	flakyFailures, throttles := 0, 0
	for i, a := range arns {
		desc, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(a)})
		require.NoError(t, err)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status, "%s: %v %v", a, aws.ToString(desc.Error), aws.ToString(desc.Cause))
		require.JSONEq(t, fmt.Sprintf(`{"i": %d, "limit": %d, "flaky": %t}`, rounds, rounds, flaky(i)), *desc.Output)
		events := e.history(t, a, 1000, false)
		requireContiguous(t, events)
		entered := map[string]int{}
		succeeded := 0
		for _, ev := range events {
			switch {
			case ev.StateEnteredEventDetails != nil:
				entered[*ev.StateEnteredEventDetails.Name]++
			case ev.Type == sfntypes.HistoryEventTypeTaskSucceeded:
				succeeded++
			case ev.TaskFailedEventDetails != nil && aws.ToString(ev.TaskFailedEventDetails.Error) == "Flaky":
				flakyFailures++
			case ev.TaskFailedEventDetails != nil && aws.ToString(ev.TaskFailedEventDetails.Error) == "Lambda.TooManyRequestsException":
				throttles++
			}
		}
		require.Equal(t, map[string]int{"Init": 1, "Check": rounds + 1, "Wait": rounds, "Work": rounds, "Done": 1}, entered, a)
		require.Equal(t, rounds, succeeded, "%s: one successful task per round", a)
		require.Equal(t, "ExecutionSucceeded", string(events[len(events)-1].Type))
	}
	require.Positive(t, flakyFailures, "the deliberate failures were retried")
	t.Logf("histories: %d deliberate failures retried, %d throttled invocations retried", flakyFailures, throttles)

	// The function ran once per round (a flaky execution's first attempt
	// fails and runs again); a run that a crash cut short ran again after
	// the restart, with the same attempt number.
	rec.mu.Lock()
	byRound := map[string][]runRecord{}
	for _, r := range rec.runs {
		k := fmt.Sprintf("%s/%d", r.Execution, r.I)
		byRound[k] = append(byRound[k], r)
	}
	rec.mu.Unlock()
	// server is the number of the server process (0, 1, 2) whose
	// environment ran r: the function's record may reach the recorder after
	// its server died, but its environment started before.
	server := func(r runRecord) int {
		envStart := time.UnixMicro(int64(r.EnvStartMs * 1000))
		return len(slices.DeleteFunc(slices.Clone(kills), func(k time.Time) bool { return !k.Before(envStart) }))
	}
	arnOf := map[string]string{}
	for i, a := range arns {
		arnOf[names[i]] = a
	}
	rerunAfterCrash := 0
	for _, name := range names {
		for i := range rounds {
			k := fmt.Sprintf("%s/%d", name, i)
			runs := byRound[k]
			require.NotEmpty(t, runs, "%s: the task never ran", k)
			last := runs[len(runs)-1]
			require.False(t, isFlaky[name] && last.Attempt == 0, "%s: the last run was a failing first attempt", k)
			for j := 0; j < len(runs)-1; j++ {
				r, next := runs[j], runs[j+1]
				require.LessOrEqual(t, r.Attempt, next.Attempt, "%s: attempts go forward", k)
				switch {
				case isFlaky[name] && r.Attempt == 0 && next.Attempt > 0: // the deliberate failure, retried
				case server(r) < server(next): // cut short by the crash
					rerunAfterCrash++
				default:
					require.Failf(t, "a task ran twice without a crash", "%s: runs %+v\nkills %v\nhistory:\n%s", k, runs, kills,
						historySummary(e.history(t, arnOf[name], 1000, false)))
				}
			}
		}
	}
	t.Logf("%d task runs interrupted by a crash ran again after the restart", rerunAfterCrash)

	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, p.cmd.Wait())
}

// historySummary renders a history one event a line, for failure messages.
func historySummary(events []sfntypes.HistoryEvent) string {
	var b bytes.Buffer
	for _, ev := range events {
		fmt.Fprintf(&b, "%3d %3d %s %s", ev.Id, ev.PreviousEventId, ev.Timestamp.Format("15:04:05.000"), ev.Type)
		switch {
		case ev.StateEnteredEventDetails != nil:
			fmt.Fprintf(&b, " %s", aws.ToString(ev.StateEnteredEventDetails.Name))
		case ev.TaskFailedEventDetails != nil:
			fmt.Fprintf(&b, " %s: %.200s", aws.ToString(ev.TaskFailedEventDetails.Error), aws.ToString(ev.TaskFailedEventDetails.Cause))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
