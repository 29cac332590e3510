package sfnapi_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/testbin"
)

// TestMain removes the binary the crash tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// gureumBinary returns the gureum binary the crash tests run.
func gureumBinary(t *testing.T) string { return testbin.Path(t) }

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

func (p *gureumProcess) client() *awssfn.Client {
	return awssfn.NewFromConfig(aws.Config{
		HTTPClient:       &http.Client{Transport: eagerBody{http.DefaultTransport}},
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(p.url),
		RetryMaxAttempts: 1,
	}, noHostPrefix)
}

// TestKillNineAndRestart runs the real binary, kills it with SIGKILL while
// executions wait and loop, restarts it on the same data directory and
// checks that every execution ends SUCCEEDED with exactly the history an
// uninterrupted run has: contiguous ids, no transition applied twice.
func TestKillNineAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gureum binary")
	}
	t.Parallel()
	bin := gureumBinary(t)
	data := filepath.Join(t.TempDir(), "data")

	p := startBinary(t, bin, data)
	c := p.client()
	ctx := context.Background()
	sm, err := c.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String("loop"),
		Definition: aws.String(loopDefinition(t)), RoleArn: aws.String(roleArn)})
	require.NoError(t, err)

	const n, limit = 60, 3
	arns := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out, err := c.StartExecution(ctx, &awssfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(`{"limit": 3}`)})
			if err != nil {
				t.Errorf("start: %v", err)
				return
			}
			arns[i] = *out.ExecutionArn
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	time.Sleep(1500 * time.Millisecond) // mid-loop: one or two Waits done

	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	_ = p.cmd.Wait()

	p = startBinary(t, bin, data)
	c = p.client()
	e := &env{url: p.url, client: c}
	running := 0
	for _, a := range arns {
		out, err := c.DescribeExecution(ctx, &awssfn.DescribeExecutionInput{ExecutionArn: aws.String(a)})
		require.NoError(t, err)
		if out.Status == sfntypes.ExecutionStatusRunning {
			running++
		}
	}
	require.Positive(t, running, "the kill should leave executions mid-run")
	for _, a := range arns {
		desc := e.waitDone(t, a)
		require.Equal(t, sfntypes.ExecutionStatusSucceeded, desc.Status)
		require.JSONEq(t, `{"i": 3, "limit": 3}`, *desc.Output)
		events := e.history(t, a, 1000, false)
		requireContiguous(t, events)
		require.Len(t, events, loopEventCount(limit))
		seen := map[string]int{}
		for _, ev := range events {
			if ev.StateEnteredEventDetails != nil {
				seen[*ev.StateEnteredEventDetails.Name]++
			}
		}
		require.Equal(t, map[string]int{"Init": 1, "Check": limit + 1, "Wait": limit, "Inc": limit, "Done": 1}, seen)
	}
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, p.cmd.Wait())
}
