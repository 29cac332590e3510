package sqlitestore

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/internal/migration"
	"github.com/gureum-dev/gureum/internal/store/storetest"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestExercise(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "gureum.db"))
	})
}

func userVersion(t *testing.T, s *Store) int {
	t.Helper()
	var v int
	require.NoError(t, s.DB().QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&v))
	return v
}

func latestVersion(t *testing.T) int {
	t.Helper()
	migrations, err := migration.Load(migrationFS, "migrations")
	require.NoError(t, err)
	return migrations[len(migrations)-1].Version
}

func TestOpen(t *testing.T) {
	t.Parallel()

	t.Run("ReopenKeepsDataAndSkipsMigrations", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		path := filepath.Join(t.TempDir(), "nested", "dir", "gureum.db")

		s, err := Open(ctx, path, nil)
		require.NoError(t, err)
		require.Equal(t, latestVersion(t), userVersion(t, s))
		_, err = s.FunctionCreate(ctx, &store.FunctionCreateParams{
			Account: "000000000000", Region: "us-east-1", Name: "kept",
			ARN: "arn:aws:lambda:us-east-1:000000000000:function:kept", Spec: []byte(`{}`),
		})
		require.NoError(t, err)
		require.NoError(t, s.Close())

		s = open(t, path)
		require.Equal(t, latestVersion(t), userVersion(t, s))
		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: "000000000000", Region: "us-east-1", Name: "kept"})
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
		require.NoError(t, s.Close())

		// Opening an up-to-date database takes no write lock: it succeeds
		// while another connection holds one (a migration would have to wait
		// for it and time out).
		other, err := sql.Open("sqlite", dsn(path, url.Values{"_txlock": {"immediate"}}))
		require.NoError(t, err)
		defer other.Close()
		tx, err := other.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer tx.Rollback() //nolint:errcheck
		_, err = tx.ExecContext(ctx, "UPDATE lambda_function SET version = version")
		require.NoError(t, err)

		s, err = Open(ctx, path, &Options{BusyTimeout: 50 * time.Millisecond})
		require.NoError(t, err)
		require.NoError(t, s.Close())
	})

	// Close checkpoints: the main file alone holds every committed write, even
	// though the (empty) -wal and -shm files are kept for the next Open.
	t.Run("CloseCheckpoints", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		dir := t.TempDir()
		path := filepath.Join(dir, "gureum.db")
		s, err := Open(ctx, path, nil)
		require.NoError(t, err)
		for i := range 50 {
			name := fmt.Sprintf("f%02d", i)
			_, err := s.FunctionCreate(ctx, &store.FunctionCreateParams{
				Account: "000000000000", Region: "us-east-1", Name: name, ARN: "arn:" + name, Spec: []byte(`{}`),
			})
			require.NoError(t, err)
		}
		require.NoError(t, s.Close())

		wal, err := os.Stat(path + "-wal")
		require.NoError(t, err, "the WAL file persists")
		require.Zero(t, wal.Size(), "and is empty after the final checkpoint")

		copyDir := t.TempDir()
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(copyDir, "gureum.db"), data, 0o600))
		s = open(t, filepath.Join(copyDir, "gureum.db"))
		page, err := s.FunctionList(ctx, &store.FunctionListParams{Account: "000000000000", Region: "us-east-1", Limit: 100})
		require.NoError(t, err)
		require.Len(t, page.Functions, 50)
	})

	t.Run("Pragmas", func(t *testing.T) {
		t.Parallel()
		s := open(t, filepath.Join(t.TempDir(), "gureum.db"))
		ctx := t.Context()

		var journal string
		require.NoError(t, s.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		require.Equal(t, "wal", journal)
		var syncMode, fk, busy, queryOnly int
		require.NoError(t, s.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&syncMode))
		require.Equal(t, 1, syncMode, "NORMAL")
		require.NoError(t, s.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.Equal(t, 1, fk)
		require.NoError(t, s.write.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		require.Equal(t, 5000, busy)
		require.NoError(t, s.write.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly))
		require.Equal(t, 0, queryOnly)

		require.NoError(t, s.read.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		require.Equal(t, "wal", journal)
		require.NoError(t, s.read.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly))
		require.Equal(t, 1, queryOnly)
		_, err := s.read.ExecContext(ctx, "CREATE TABLE nope (x INTEGER)")
		require.Error(t, err, "readers cannot write")

		require.Equal(t, 1, s.write.Stats().MaxOpenConnections, "one writer connection")
		require.Equal(t, DefaultMaxReadConns, s.read.Stats().MaxOpenConnections)
	})

	t.Run("FullSync", func(t *testing.T) {
		t.Parallel()
		s, err := Open(t.Context(), filepath.Join(t.TempDir(), "gureum.db"), &Options{FullSync: true, MaxReadConns: 2})
		require.NoError(t, err)
		defer s.Close()
		var syncMode int
		require.NoError(t, s.write.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&syncMode))
		require.Equal(t, 2, syncMode, "FULL")
		require.Equal(t, 2, s.read.Stats().MaxOpenConnections)
	})

	t.Run("NewerSchemaRefused", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "gureum.db")
		s, err := Open(t.Context(), path, nil)
		require.NoError(t, err)
		_, err = s.DB().ExecContext(t.Context(), "PRAGMA user_version = 9999")
		require.NoError(t, err)
		require.NoError(t, s.Close())

		_, err = Open(t.Context(), path, nil)
		require.ErrorContains(t, err, "newer")
	})

	t.Run("ConcurrentOpens", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "gureum.db")
		var wg sync.WaitGroup
		stores := make([]*Store, 8)
		for i := range stores {
			wg.Go(func() {
				s, err := Open(t.Context(), path, nil)
				if assertNoError(t, err) {
					stores[i] = s
				}
			})
		}
		wg.Wait()
		for _, s := range stores {
			if s != nil {
				require.Equal(t, latestVersion(t), userVersion(t, s))
				require.NoError(t, s.Close())
			}
		}
	})

	t.Run("BadPaths", func(t *testing.T) {
		t.Parallel()
		for _, path := range []string{"", ":memory:", "file:x.db"} {
			_, err := Open(t.Context(), path, nil)
			require.Error(t, err, "path %q", path)
		}
		notDir := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(notDir, nil, 0o600))
		_, err := Open(t.Context(), filepath.Join(notDir, "gureum.db"), nil)
		require.Error(t, err)
	})

	t.Run("SpecialCharactersInPath", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "a dir?#%")
		s := open(t, filepath.Join(dir, "gu reum.db"))
		require.NoError(t, s.Ping(t.Context()))

		// SQLite opened exactly the file we named (no URI mangling), and it
		// and its companions are private.
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			info, err := e.Info()
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), e.Name())
		}
		require.Equal(t, []string{"gu reum.db", "gu reum.db-shm", "gu reum.db-wal"}, names)
		dirInfo, err := os.Stat(dir)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm())
	})
}

func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}

// BenchmarkOpenMigrated measures Open + Close of an existing, fully migrated
// database: the cost gureum pays at every start.
func BenchmarkOpenMigrated(b *testing.B) {
	ctx := b.Context()
	path := filepath.Join(b.TempDir(), "gureum.db")
	s, err := Open(ctx, path, nil)
	require.NoError(b, err)
	require.NoError(b, s.Close())

	for b.Loop() {
		s, err := Open(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenMigratedFirstQuery adds the first read (which opens a reader
// connection) to Open: roughly what the first API request after start costs.
func BenchmarkOpenMigratedFirstQuery(b *testing.B) {
	ctx := b.Context()
	path := filepath.Join(b.TempDir(), "gureum.db")
	s, err := Open(ctx, path, nil)
	require.NoError(b, err)
	require.NoError(b, s.Close())

	for b.Loop() {
		s, err := Open(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.FunctionList(ctx, &store.FunctionListParams{Account: "000000000000", Region: "us-east-1"}); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
