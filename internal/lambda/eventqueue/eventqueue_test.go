package eventqueue_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/lambda"
	"github.com/gureum-dev/gureum/internal/lambda/eventqueue"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

// queued reads the gureum_lambda_async_events_queued gauge.
func queued(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() == "gureum_lambda_async_events_queued" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatal("no queued gauge")
	return 0
}

func event(fn string, i int) *lambda.AsyncEvent {
	return &lambda.AsyncEvent{Account: "000000000000", Region: "us-east-1", Function: fn,
		FunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:" + fn, Payload: fmt.Appendf(nil, `{"i": %d}`, i),
		RequestID: fmt.Sprintf("req-%s-%d", fn, i), Accepted: time.Now()}
}

// exercise enqueues events of two functions, drops one function's, and
// reopens the database: the other's are still there (and River's
// migrations, already applied, run again harmlessly).
func exercise(t *testing.T, open func(reg prometheus.Registerer) (*eventqueue.Queue, func())) {
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	q, closeDB := open(reg)
	for i := range 3 {
		require.NoError(t, q.Enqueue(ctx, event("doomed", i)))
	}
	for i := range 2 {
		require.NoError(t, q.Enqueue(ctx, event("kept", i)))
	}
	require.Equal(t, 5.0, queued(t, reg))
	require.NoError(t, q.DropFunction(ctx, "arn:aws:lambda:us-east-1:000000000000:function:doomed"))
	require.Equal(t, 2.0, queued(t, reg))
	require.NoError(t, q.DropFunction(ctx, "arn:aws:lambda:us-east-1:000000000000:function:doomed"))
	closeDB()

	reg = prometheus.NewRegistry()
	_, closeDB = open(reg)
	defer closeDB()
	require.Equal(t, 2.0, queued(t, reg), "accepted events survive a reopen")
}

func TestQueueSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gureum.db")
	exercise(t, func(reg prometheus.Registerer) (*eventqueue.Queue, func()) {
		st, err := sqlitestore.Open(context.Background(), path, nil)
		require.NoError(t, err)
		q, err := eventqueue.NewSQLite(context.Background(), st.DB(), nil, eventqueue.Options{Logger: quiet, Registerer: reg})
		require.NoError(t, err)
		return q, func() { require.NoError(t, st.Close()) }
	})
}

func TestQueuePostgres(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("GUREUM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GUREUM_TEST_POSTGRES is not set")
	}
	schema := fmt.Sprintf("gureum_eventqueue_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		st, err := pgstore.Open(context.Background(), dsn, nil)
		if err == nil {
			_, _ = st.Pool().Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
			_ = st.Close()
		}
	})
	exercise(t, func(reg prometheus.Registerer) (*eventqueue.Queue, func()) {
		st, err := pgstore.Open(context.Background(), dsn, &pgstore.Options{Schema: schema})
		require.NoError(t, err)
		q, err := eventqueue.NewPostgres(context.Background(), st.Pool(), nil, eventqueue.Options{Logger: quiet, Registerer: reg})
		require.NoError(t, err)
		return q, func() { require.NoError(t, st.Close()) }
	})
}
