package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunLoad checks the load generator of bench invoke against a server
// that fails every third request: every request counted, failures counted
// as errors with the first one kept, percentiles ordered.
func TestRunLoad(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		floorHandler(w, r)
	}))
	defer srv.Close()
	check := func(resp *http.Response, body []byte) error {
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, floorBody) {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
		}
		return nil
	}
	target := newLoadTarget(srv.URL, check, 3)
	defer target.close()
	st := runLoad(context.Background(), target, 3, 30)
	require.Equal(t, 3, st.Clients)
	require.Equal(t, 90, st.Requests)
	require.EqualValues(t, 90, n.Load())
	require.Equal(t, 30, st.Errors)
	require.True(t, strings.HasPrefix(st.FirstErr, "HTTP 500: boom"), st.FirstErr)
	require.Positive(t, st.P50)
	require.LessOrEqual(t, st.P50, st.P90)
	require.LessOrEqual(t, st.P90, st.P99)
	require.Positive(t, st.PerSecond)

	// Alternating slices add up to the same counts.
	n.Store(0)
	both := interleave(context.Background(), []*loadTarget{target, target}, 2, 25, 4)
	require.EqualValues(t, 100, n.Load())
	for _, st := range both {
		require.Equal(t, 50, st.Requests)
		require.Len(t, st.lat, 50)
		require.Equal(t, 2, st.Clients)
	}
	require.Equal(t, 33, both[0].Errors+both[1].Errors)
}

func TestPrintInvokeBench(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	printInvokeBench(&b, &invokeBenchResult{
		Floor1:   loadStats{Clients: 1, P50: 100_000, P90: 150_000, P99: 200_000, PerSecond: 9000},
		FloorN:   loadStats{Clients: 8, PerSecond: 25000},
		Proxy1:   loadStats{Clients: 1, Requests: 10, P50: 300_000, P90: 400_000, P99: 600_000, PerSecond: 3000},
		ProxyN:   loadStats{Clients: 8, PerSecond: 6000},
		Gureum1:  loadStats{Clients: 1, P50: 240_000, P90: 300_000, P99: 500_000, PerSecond: 4000},
		GureumN:  loadStats{Clients: 8, PerSecond: 7000},
		P50Ratio: 2.4, ScaleRatio: 1.75, ColdMs: []float64{90, 95, 99}, ColdMedianMs: 95, NodeMedianMs: 80, ColdOverNode: 15,
		NodeVersion: "node v20", ServerProcess: "child processes"}, 1000)
	out := b.String()
	require.Contains(t, out, "| gureum Invoke, warm | 240 µs | 300 µs | 500 µs | 4000/s | 7000/s | 0 |")
	require.Contains(t, out, "| reference: Go reverse proxy (net/http/httputil) → floor | 300 µs | 400 µs | 600 µs | 3000/s | 6000/s | 0 |")
	require.Contains(t, out, "warm p50: 2.40× the floor (target ≤ 2.5×: ok); a bare reverse proxy: 3.00× the floor")
	require.Contains(t, out, "throughput 1.75× one client's (target 0 errors, ≥ 1.6×: ok)")
	require.Contains(t, out, "cold start - node -e 0 (median of 3 pairs): +15.0 ms (target ≤ +20 ms: ok)")
}
