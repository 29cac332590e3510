package lambdaapi_test

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
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/lambda/eventqueue"
	"github.com/gureum-dev/gureum/internal/sandbox"
	"github.com/gureum-dev/gureum/internal/testbin"
)

// gureumProcess is the real binary serving on a loopback port.
type gureumProcess struct {
	cmd *exec.Cmd
	url string
}

func startBinary(t *testing.T, bin, dataDir string) *gureumProcess {
	t.Helper()
	p := testbin.Start(t, bin, dataDir)
	return &gureumProcess{cmd: p.Cmd, url: p.URL}
}

func (p *gureumProcess) client() *awslambda.Client {
	return awslambda.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(p.url),
		RetryMaxAttempts: 1,
	})
}

// idSink counts the ids functions report to it.
type idSink struct {
	mu     sync.Mutex
	counts map[int]int
	total  int
}

func (s *idSink) snapshot() (distinct, total int, counts map[int]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[int]int, len(s.counts))
	for k, v := range s.counts {
		c[k] = v
	}
	return len(s.counts), s.total, c
}

const appendSource = `
import json, os, time, urllib.request
def handler(event, context):
    req = urllib.request.Request(os.environ["SINK"], data=json.dumps(event).encode(), method="POST")
    urllib.request.urlopen(req, timeout=10).read()
    time.sleep(0.5)  # long enough for the kill to find invocations running
    return event["id"]
`

// TestAsyncKillNineAndRestart is the durability acceptance test: 200 Event
// invocations are accepted (202) by the real binary, which is killed with
// SIGKILL while it works through them and restarted on the same data
// directory. Every accepted invocation must then run at least once, and an
// invocation may run twice only if it was running when the server died (so
// at most as many duplicates as there are workers).
func TestAsyncKillNineAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gureum binary")
	}
	if _, err := sandbox.Check(); err != nil {
		t.Skipf("sandboxes cannot run here: %v", err)
	}
	t.Parallel()
	dir := t.TempDir()
	bin := testbin.Path(t)
	data := filepath.Join(dir, "data")

	sink := &idSink{counts: map[int]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ ID int }
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sink.mu.Lock()
		sink.counts[ev.ID]++
		sink.total++
		sink.mu.Unlock()
	}))
	t.Cleanup(srv.Close)

	p := startBinary(t, bin, data)
	lc := p.client()
	ctx := context.Background()
	_, err := lc.CreateFunction(ctx, &awslambda.CreateFunctionInput{FunctionName: aws.String("appender"),
		Runtime: lambdatypes.RuntimePython312, Role: aws.String("arn:aws:iam::000000000000:role/lambda"),
		Handler: aws.String("appender.handler"), Code: &lambdatypes.FunctionCode{ZipFile: zipOf(t, "appender.py", appendSource)},
		Environment: &lambdatypes.Environment{Variables: map[string]string{"SINK": srv.URL}}})
	require.NoError(t, err)

	const n = 200
	var wg sync.WaitGroup
	ids := make(chan int, n)
	for i := range n {
		ids <- i
	}
	close(ids)
	for range 8 {
		wg.Go(func() {
			for i := range ids {
				out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String("appender"),
					InvocationType: lambdatypes.InvocationTypeEvent, Payload: fmt.Appendf(nil, `{"id": %d}`, i)})
				if err != nil || out.StatusCode != 202 {
					t.Errorf("invoke %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	require.False(t, t.Failed())

	require.Eventually(t, func() bool { d, _, _ := sink.snapshot(); return d >= 20 }, 3*time.Minute, 10*time.Millisecond)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	_ = p.cmd.Wait()
	ranBefore, _, _ := sink.snapshot()
	require.Less(t, ranBefore, n, "the kill should leave accepted events unprocessed")

	p = startBinary(t, bin, data)
	require.Eventually(t, func() bool { d, _, _ := sink.snapshot(); return d == n }, 5*time.Minute, 50*time.Millisecond,
		"every accepted invocation runs after the restart")
	// Let runs that were already due finish, then check the duplicates.
	require.Eventually(t, func() bool { return queued(t, p.url) == 0 }, time.Minute, 50*time.Millisecond)
	distinct, total, counts := sink.snapshot()
	require.Equal(t, n, distinct)
	for id, c := range counts {
		require.True(t, id >= 0 && id < n, "unexpected id %d", id)
		require.LessOrEqual(t, c, 2, "event %d ran %d times", id, c)
	}
	require.LessOrEqual(t, total-n, eventqueue.DefaultWorkers, "only invocations running at the kill run twice")
	t.Logf("%d events ran before the kill; %d ran twice", ranBefore, total-n)

	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, p.cmd.Wait())
}

// queued reads the queue gauge from /metrics (-1 when unreadable).
func queued(t *testing.T, url string) float64 {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^gureum_lambda_async_events_queued (\S+)$`).FindSubmatch(b)
	if m == nil {
		return -1
	}
	var v float64
	_, _ = fmt.Sscan(string(m[1]), &v)
	return v
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = w.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
