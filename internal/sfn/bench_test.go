package sfn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

// BenchmarkStandardSQLite runs 1,000 durable executions of a 20-state Pass
// machine at once on SQLite and reports transitions per second.
func BenchmarkStandardSQLite(b *testing.B) {
	benchStandard(b, func(b *testing.B) store.Store {
		st, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "gureum.db"), nil)
		require.NoError(b, err)
		return st
	})
}

// BenchmarkStandardSQLiteFullSync is the same with synchronous=FULL: an
// fsync per group commit, durable across power loss too.
func BenchmarkStandardSQLiteFullSync(b *testing.B) {
	benchStandard(b, func(b *testing.B) store.Store {
		st, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "gureum.db"), &sqlitestore.Options{FullSync: true})
		require.NoError(b, err)
		return st
	})
}

// BenchmarkStandardPostgres is the same on PostgreSQL (GUREUM_TEST_POSTGRES).
func BenchmarkStandardPostgres(b *testing.B) {
	dsn := os.Getenv("GUREUM_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("GUREUM_TEST_POSTGRES is not set")
	}
	benchStandard(b, func(b *testing.B) store.Store {
		schema := fmt.Sprintf("gureum_bench_%d", time.Now().UnixNano())
		b.Cleanup(func() {
			conn, err := pgx.Connect(context.Background(), dsn)
			if err == nil {
				_, _ = conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
				_ = conn.Close(context.Background())
			}
		})
		st, err := pgstore.Open(b.Context(), dsn, &pgstore.Options{Schema: schema, MaxConns: 16})
		require.NoError(b, err)
		return st
	})
}

func benchStandard(b *testing.B, open func(b *testing.B) store.Store) {
	var total, elapsed float64
	for b.Loop() {
		st := open(b)
		r, err := BenchStandard(context.Background(), st, BenchOptions{Executions: 1000, States: 20})
		require.NoError(b, err)
		require.NoError(b, st.Close())
		total += float64(r.Transitions)
		elapsed += r.Elapsed.Seconds()
		b.ReportMetric(float64(r.Commits), "commits")
	}
	b.ReportMetric(total/elapsed, "transitions/s")
}
