package logs_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/logs"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "gureum.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func batch(stream string, msgs ...string) store.LogEventBatch {
	b := store.LogEventBatch{Account: "000000000000", Region: "us-east-1", Group: "/aws/lambda/w", Stream: stream}
	for i, m := range msgs {
		b.Events = append(b.Events, store.InputLogEvent{Timestamp: int64(1000 + i), Message: m})
	}
	return b
}

func stored(t *testing.T, st store.Store) []string {
	t.Helper()
	res, err := st.LogEventList(context.Background(), &store.LogEventListParams{Account: "000000000000", Region: "us-east-1", Group: "/aws/lambda/w"})
	if err != nil {
		return nil
	}
	var out []string
	for _, ev := range res.Events {
		out = append(out, ev.Stream+":"+ev.Message)
	}
	return out
}

func TestWriterFlushAndClose(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	w := logs.NewWriter(st, logs.WriterOptions{Interval: time.Hour})
	w.Append(batch("s1", "a"))
	w.Append(batch("s2", "b"))
	w.Append(batch("s1", "c"))
	w.Append(store.LogEventBatch{Group: "/aws/lambda/w", Stream: "empty"}) // nothing to write
	require.Empty(t, stored(t, st), "nothing is written before a flush")
	require.NoError(t, w.Flush(t.Context()))
	require.Equal(t, []string{"s1:a", "s1:c", "s2:b"}, stored(t, st), "one batch per stream")

	w.Append(batch("s2", "d"))
	require.NoError(t, w.Close(t.Context()))
	require.Equal(t, []string{"s1:a", "s1:c", "s2:b", "s2:d"}, stored(t, st), "Close writes what is pending")
	w.Append(batch("s2", "after close")) // dropped, not a panic
	require.NoError(t, w.Close(t.Context()))
	require.Len(t, stored(t, st), 4)
}

func TestWriterWritesInTheBackground(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	w := logs.NewWriter(st, logs.WriterOptions{Interval: 5 * time.Millisecond})
	t.Cleanup(func() { _ = w.Close(context.Background()) })
	w.Append(batch("s", "hello"))
	deadline := time.Now().Add(30 * time.Second)
	for len(stored(t, st)) == 0 {
		require.True(t, time.Now().Before(deadline), "the writer never wrote")
		time.Sleep(5 * time.Millisecond)
	}
	require.Equal(t, []string{"s:hello"}, stored(t, st))
}

func TestWriterCapsPendingEvents(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	w := logs.NewWriter(st, logs.WriterOptions{Interval: time.Hour, MaxPending: 5, FlushAt: 1000})
	t.Cleanup(func() { _ = w.Close(context.Background()) })
	var msgs []string
	for i := range 8 {
		msgs = append(msgs, fmt.Sprint(i))
	}
	w.Append(batch("s", msgs[:3]...))
	w.Append(batch("s", msgs[3:]...))
	require.NoError(t, w.Flush(t.Context()))
	require.ElementsMatch(t, []string{"s:0", "s:1", "s:2", "s:3", "s:4"}, stored(t, st), "events past MaxPending are dropped")
	w.Append(batch("s", "x"))
	require.NoError(t, w.Flush(t.Context()))
	require.Len(t, stored(t, st), 6, "room again after a write")
}
