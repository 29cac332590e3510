package eventqueue

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrationLockKey is the advisory lock that serializes River migrations of
// nodes starting together (with the schema's hash as second key: nodes of
// different schemas do not wait for each other).
const migrationLockKey int32 = 0x67526976 // "gRiv"

// NewPostgres returns a queue on the store's pgx pool (pgstore.Store.Pool);
// River's tables go in the pool's search_path schema. It migrates them.
func NewPostgres(ctx context.Context, pool *pgxpool.Pool, p Processor, opts Options) (*Queue, error) {
	b := &backend[pgx.Tx]{
		driver: riverpgxv5.New(pool),
		migrate: func(ctx context.Context, m *rivermigrate.Migrator[pgx.Tx]) error {
			conn, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			defer conn.Release()
			const key = "$1, hashtext(current_schema())"
			if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock("+key+")", migrationLockKey); err != nil {
				return err
			}
			defer func() { _, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock("+key+")", migrationLockKey) }()
			_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
			return err
		},
		begin:      func(ctx context.Context) (pgx.Tx, error) { return pool.Begin(ctx) },
		commit:     func(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) },
		rollback:   func(ctx context.Context, tx pgx.Tx) error { return tx.Rollback(ctx) },
		byFunction: "args->>'fn' = @fn",
		count: func(ctx context.Context) (n int64, err error) {
			err = pool.QueryRow(ctx, countSQL("$1"), Kind).Scan(&n)
			return n, err
		},
	}
	return newQueue[*riverpgxv5.Driver](ctx, b, p, opts)
}
