//go:build linux

package sandbox

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firstWrite records when the sandboxed program's first output arrives.
type firstWrite struct {
	once sync.Once
	ch   chan struct{}
}

func (w *firstWrite) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.ch) })
	return len(p), nil
}

// startToFirstOutput starts /bin/echo in a sandbox n times (or while loop
// says so) with start (Start or a Pool's) and returns the times from the
// start to its output, sorted.
func startToFirstOutput(tb testing.TB, start func(context.Context, Spec) (*Env, error), network bool, n int, loop func() bool) []time.Duration {
	return startToFirstOutputPaced(tb, start, network, n, loop, 0)
}

// startToFirstOutputPaced pauses (untimed) before each start, e.g. to let a
// pool refill.
func startToFirstOutputPaced(tb testing.TB, start func(context.Context, Spec) (*Env, error), network bool, n int, loop func() bool, pause time.Duration) []time.Duration {
	s, _ := setup(tb, "")
	s.Path, s.Args, s.Network = "/bin/echo", []string{"x"}, network
	var d []time.Duration
	for i := 0; loop == nil && i < n || loop != nil && loop(); i++ {
		w := &firstWrite{ch: make(chan struct{})}
		s.Stdout = w
		s.ID = fmt.Sprintf("bench-%d-%d", counter.Add(1), i)
		time.Sleep(pause)
		t0 := time.Now()
		e, err := start(context.Background(), s)
		require.NoError(tb, err)
		<-w.ch
		d = append(d, time.Since(t0))
		require.NoError(tb, e.Close())
	}
	slices.Sort(d)
	return d
}

// execToFirstOutput is the baseline: /bin/echo started without a sandbox.
func execToFirstOutput(tb testing.TB, loop func() bool) []time.Duration {
	var d []time.Duration
	for loop() {
		w := &firstWrite{ch: make(chan struct{})}
		cmd := exec.Command("/bin/echo", "x")
		cmd.Stdout = w
		t0 := time.Now()
		require.NoError(tb, cmd.Start())
		<-w.ch
		d = append(d, time.Since(t0))
		require.NoError(tb, cmd.Wait())
	}
	slices.Sort(d)
	return d
}

// BenchmarkStartToFirstOutput measures the sandbox's own cold-start
// overhead: from Start to the first output of /bin/echo.
func BenchmarkStartToFirstOutput(b *testing.B) {
	requireSandbox(b)
	b.Run("baseline/no-sandbox", func(b *testing.B) {
		d := execToFirstOutput(b, b.Loop)
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
	})
	pool, err := NewPool(4)
	require.NoError(b, err)
	defer pool.Close()
	for _, network := range []bool{true, false} {
		b.Run(fmt.Sprintf("network=%v", network), func(b *testing.B) {
			d := startToFirstOutput(b, Start, network, 0, b.Loop)
			b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
		})
		b.Run(fmt.Sprintf("pool/network=%v", network), func(b *testing.B) {
			// Pause to let the pool refill: this measures a warm pool.
			d := startToFirstOutputPaced(b, pool.Start, network, 0, b.Loop, 20*time.Millisecond)
			b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
		})
	}
}

// TestStartOverhead logs the median start overhead and catches gross
// regressions (the target is a few milliseconds).
func TestStartOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("measures start times (2 s)")
	}
	requireSandbox(t)
	pool, err := NewPool(2)
	require.NoError(t, err)
	defer func() { require.NoError(t, pool.Close()) }()
	n := 0
	d := execToFirstOutput(t, func() bool { n++; return n <= 21 })
	t.Logf("baseline, no sandbox: to first output: median %v, min %v", d[len(d)/2], d[0])
	for _, network := range []bool{true, false} {
		d := startToFirstOutput(t, Start, network, 21, nil)
		t.Logf("Start, network=%v: to first output: median %v, min %v, max %v", network, d[len(d)/2], d[0], d[len(d)-1])
		assert.Less(t, d[len(d)/2], 250*time.Millisecond)
		d = startToFirstOutputPaced(t, pool.Start, network, 21, nil, 20*time.Millisecond)
		t.Logf("Pool.Start, network=%v: to first output: median %v, min %v, max %v", network, d[len(d)/2], d[0], d[len(d)-1])
	}
}
