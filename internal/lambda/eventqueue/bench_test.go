package eventqueue_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/lambda"
	"github.com/gureum-dev/gureum/internal/lambda/eventqueue"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// BenchmarkEnqueue measures durable Event acceptance: each Enqueue commits
// one River job (what Invoke does before answering 202).
func BenchmarkEnqueue(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "gureum.db"), nil)
		require.NoError(b, err)
		b.Cleanup(func() { _ = st.Close() })
		q, err := eventqueue.NewSQLite(context.Background(), st.DB(), nil, eventqueue.Options{Logger: quiet})
		require.NoError(b, err)
		benchEnqueue(b, q)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := os.Getenv("GUREUM_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("GUREUM_TEST_POSTGRES is not set")
		}
		schema := "gureum_eventqueue_bench"
		st, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema})
		require.NoError(b, err)
		b.Cleanup(func() {
			_, _ = st.Pool().Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_ = st.Close()
		})
		q, err := eventqueue.NewPostgres(context.Background(), st.Pool(), nil, eventqueue.Options{Logger: quiet})
		require.NoError(b, err)
		benchEnqueue(b, q)
	})
}

func benchEnqueue(b *testing.B, q *eventqueue.Queue) {
	payload := []byte(`{"id": 1, "name": "levi", "squad": "survey corps"}`)
	var n atomic.Int64
	start := time.Now()
	b.SetParallelism(8) // concurrent Invoke requests
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := &lambda.AsyncEvent{Account: "000000000000", Region: "us-east-1", Function: "f",
				FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:f", Payload: payload,
				RequestID: "r", Accepted: time.Now()}
			if err := q.Enqueue(context.Background(), ev); err != nil {
				b.Error(err)
				return
			}
			n.Add(1)
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "events/s")
}
