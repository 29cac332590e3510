package sfnapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/awsapi/sfnapi"
)

// BenchmarkStartSyncExecution measures an Express StartSyncExecution of a
// 5-Pass machine over HTTP (loopback, keep-alive), as a client sees it.
func BenchmarkStartSyncExecution(b *testing.B) {
	e := start(b, "sqlite", nil)
	var r *sfnapi.LatencyResult
	for b.Loop() {
		var err error
		r, err = sfnapi.BenchExpress(b.Context(), e.url, 5000, 5)
		require.NoError(b, err)
	}
	b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.P90.Microseconds()), "p90-µs")
	b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
	b.ReportMetric(r.PerSecond, "executions/s")
}

func TestBenchExpress(t *testing.T) {
	t.Parallel()
	e := start(t, "sqlite", nil)
	r, err := sfnapi.BenchExpress(t.Context(), e.url, 200, 5)
	require.NoError(t, err)
	require.Equal(t, 200, r.Requests)
	require.Positive(t, r.P50)
	require.LessOrEqual(t, r.P50, r.P99)
}
