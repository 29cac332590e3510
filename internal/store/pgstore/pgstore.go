// Package pgstore implements store.Store on PostgreSQL through pgx v5
// (pgxpool). It is the store for several gureum nodes sharing one database:
// every node opens it with the same DSN and schema.
//
// # Schema and migrations
//
// Options.Schema names the PostgreSQL schema gureum's tables live in; it is
// created if missing and becomes the only entry of every pooled connection's
// search_path. Empty means the DSN's own search_path (normally public). Tests
// give each test its own schema so they run in parallel on one database.
//
// migrations/NNNN_*.sql are embedded. Open first reads the applied version
// (one query; enough when the schema is up to date), otherwise it migrates
// inside one transaction that first takes a transaction-scoped advisory lock
// derived from the schema name: when several nodes start at once, one migrates and the
// others wait, then find nothing left to do. Applied versions are rows of
// gureum_schema_migrations. DDL is transactional in PostgreSQL, so a failed
// migration leaves nothing half-applied. A database whose schema version is
// newer than the binary's is refused.
//
// # Concurrency
//
// Statements run at READ COMMITTED. A versioned update is a single UPDATE ...
// WHERE version = $expected: of two racing updates the second waits for the
// first's row lock, re-checks the predicate against the committed row, matches
// nothing and reports store.ErrConflict.
//
// # Sharing the database
//
// Pool returns the *pgxpool.Pool so that River's riverpgxv5 driver
// (riverpgxv5.New(s.Pool())) shares connections with the store and jobs can be
// inserted in the same transaction as the rows they belong to. Give River's
// client the same schema.
package pgstore

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/internal/gate"
	"github.com/gureum-dev/gureum/internal/store/internal/migration"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options tune Open. The zero value is valid.
type Options struct {
	// Now is the clock for CreatedAt and UpdatedAt. Default time.Now.
	Now func() time.Time

	// Schema is the PostgreSQL schema for gureum's tables, created when
	// missing. Empty keeps the DSN's search_path.
	Schema string

	// MaxConns caps the pool. Zero keeps pgxpool's default (or the DSN's
	// pool_max_conns). Connections are opened on demand.
	MaxConns int32
}

// Store is a store.Store on PostgreSQL. Create it with Open.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time

	gate      gate.Gate
	closeOnce sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string, as pgx accepts) and applies pending migrations.
func Open(ctx context.Context, dsn string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	config, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	if opts.MaxConns > 0 {
		config.MaxConns = opts.MaxConns
	}
	if opts.Schema != "" {
		config.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{opts.Schema}.Sanitize()
	}

	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	if err := migrate(ctx, pool, opts.Schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}

	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{pool: pool, now: now}, nil
}

// migrationLockKey is the advisory lock serializing migrations of one schema.
func migrationLockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("gureum_schema_migrations\x00" + schema))
	return int64(h.Sum64())
}

func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	migrations, err := migration.Load(migrationFS, "migrations")
	if err != nil {
		return err
	}
	latest := migrations[len(migrations)-1].Version

	// Fast path, without the lock: an up-to-date schema needs one query. Any
	// error (typically: no such table yet) falls through to the locked path.
	var current int
	err = pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM gureum_schema_migrations").Scan(&current)
	if err == nil && current == latest {
		return nil
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockKey(schema)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if schema != "" {
		// Checked first so that a role without CREATE on the database can use
		// a schema an administrator made for it.
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if !exists {
			if _, err := tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
				return fmt.Errorf("migrate: create schema: %w", err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `
		CREATE TABLE IF NOT EXISTS gureum_schema_migrations (
			version    bigint      PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM gureum_schema_migrations").Scan(&current); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if current > latest {
		return fmt.Errorf("schema version %d is newer than this binary's %d", current, latest)
	}
	for _, m := range migrations[current:] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO gureum_schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Driver returns store.DriverPostgres.
func (s *Store) Driver() string { return store.DriverPostgres }

// Pool returns the connection pool, for River's riverpgxv5 driver and for
// transactions that must span the store's tables and River's. The pool
// belongs to the Store: do not close it, and stop its other users (River
// clients) before calling Close.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.gate.Enter(); err != nil {
		return err
	}
	defer s.gate.Exit()
	return interpretError(s.pool.Ping(ctx))
}

// Close waits for operations in flight, then closes every connection. Later
// calls return nil.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.gate.Close()
		s.pool.Close() // blocks until all connections are back and closed
	})
	return nil
}

// interpretError is the one place PostgreSQL errors become store sentinels.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" { // unique_violation
		return fmt.Errorf("%w: %w", store.ErrAlreadyExists, err)
	}
	return err
}

// timeToDB truncates to timestamptz's microsecond precision (PostgreSQL would
// round), so that both drivers store the same instant.
func timeToDB(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
