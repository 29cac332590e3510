package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/internal/migration"
	"github.com/gureum-dev/gureum/internal/store/storetest"
)

// testDSN returns the PostgreSQL test database, or skips the test.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("GUREUM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GUREUM_TEST_POSTGRES is not set; skipping PostgreSQL tests " +
			"(e.g. GUREUM_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable')")
	}
	return dsn
}

// testSchema returns a fresh schema name, dropped (with everything in it) when
// the test ends.
func testSchema(t testing.TB) string {
	t.Helper()
	dsn := testDSN(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "gureum_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background() // t.Context is canceled before cleanups run
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// open opens a store on schema and closes it when the test ends (before the
// schema is dropped: cleanups run last-registered first).
func open(t testing.TB, schema string) *Store {
	t.Helper()
	s, err := Open(t.Context(), testDSN(t), &Options{Schema: schema, MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestExercise(t *testing.T) {
	t.Parallel()
	testDSN(t)
	storetest.Exercise(t, func(t *testing.T) store.Store {
		return open(t, testSchema(t))
	})
}

func latestVersion(t *testing.T) int {
	t.Helper()
	migrations, err := migration.Load(migrationFS, "migrations")
	require.NoError(t, err)
	return migrations[len(migrations)-1].Version
}

func appliedVersions(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.Pool().Query(t.Context(), "SELECT version FROM gureum_schema_migrations ORDER BY version")
	require.NoError(t, err)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	return versions
}

func TestOpen(t *testing.T) {
	t.Parallel()
	testDSN(t)

	t.Run("RacingOpens", func(t *testing.T) {
		t.Parallel()
		schema := testSchema(t)
		dsn := testDSN(t)

		const nodes = 8
		stores := make([]*Store, nodes)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range stores {
			wg.Go(func() {
				<-start
				s, err := Open(t.Context(), dsn, &Options{Schema: schema, MaxConns: 2})
				if err != nil {
					t.Errorf("open %d: %v", i, err)
					return
				}
				stores[i] = s
			})
		}
		close(start)
		wg.Wait()
		for _, s := range stores {
			if s != nil {
				t.Cleanup(func() { require.NoError(t, s.Close()) })
			}
		}
		require.False(t, t.Failed())

		want := make([]int, latestVersion(t))
		for i := range want {
			want[i] = i + 1
		}
		require.Equal(t, want, appliedVersions(t, stores[0]), "each migration applied exactly once")

		// All of them see one database.
		ctx := t.Context()
		_, err := stores[0].FunctionCreate(ctx, &store.FunctionCreateParams{
			Account: "000000000000", Region: "us-east-1", Name: "shared",
			ARN: "arn:aws:lambda:us-east-1:000000000000:function:shared", Spec: []byte(`{}`),
		})
		require.NoError(t, err)
		for _, s := range stores {
			_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: "000000000000", Region: "us-east-1", Name: "shared"})
			require.NoError(t, err)
		}
	})

	t.Run("ReopenKeepsDataAndSkipsMigrations", func(t *testing.T) {
		t.Parallel()
		schema := testSchema(t)
		ctx := t.Context()

		s, err := Open(ctx, testDSN(t), &Options{Schema: schema})
		require.NoError(t, err)
		_, err = s.StateMachineCreate(ctx, &store.StateMachineCreateParams{
			ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:kept", Account: "000000000000",
			Region: "us-east-1", Name: "kept", Type: store.StateMachineTypeStandard, Spec: []byte(`{}`),
		})
		require.NoError(t, err)
		require.NoError(t, s.Close())

		s = open(t, schema)
		require.Len(t, appliedVersions(t, s), latestVersion(t))
		_, err = s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:kept"})
		require.NoError(t, err)
	})

	t.Run("SchemasAreIsolated", func(t *testing.T) {
		t.Parallel()
		ctx := t.Context()
		a, b := open(t, testSchema(t)), open(t, testSchema(t))
		_, err := a.FunctionCreate(ctx, &store.FunctionCreateParams{
			Account: "000000000000", Region: "us-east-1", Name: "only-in-a",
			ARN: "arn:aws:lambda:us-east-1:000000000000:function:only-in-a", Spec: []byte(`{}`),
		})
		require.NoError(t, err)
		_, err = b.FunctionGet(ctx, &store.FunctionGetParams{Account: "000000000000", Region: "us-east-1", Name: "only-in-a"})
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("NewerSchemaRefused", func(t *testing.T) {
		t.Parallel()
		schema := testSchema(t)
		s := open(t, schema)
		_, err := s.Pool().Exec(t.Context(), "INSERT INTO gureum_schema_migrations (version, name) VALUES (9999, 'future.sql')")
		require.NoError(t, err)

		_, err = Open(t.Context(), testDSN(t), &Options{Schema: schema})
		require.ErrorContains(t, err, "newer")
	})

	t.Run("BadDSN", func(t *testing.T) {
		t.Parallel()
		testDSN(t)
		_, err := Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1", nil)
		require.Error(t, err)
		_, err = Open(t.Context(), "::not a dsn::", nil)
		require.Error(t, err)
	})
}

// BenchmarkOpenMigrated measures Open + Close on an up-to-date schema: the
// advisory-locked migration check every node runs at start.
func BenchmarkOpenMigrated(b *testing.B) {
	schema := testSchema(b)
	dsn := testDSN(b)
	s, err := Open(b.Context(), dsn, &Options{Schema: schema})
	require.NoError(b, err)
	require.NoError(b, s.Close())

	for b.Loop() {
		s, err := Open(b.Context(), dsn, &Options{Schema: schema})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
