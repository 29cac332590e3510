package eventqueue

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// NewSQLite returns a queue on the SQLite database behind db, which must be
// the store's writer pool (sqlitestore.Store.DB: one connection whose
// transactions begin IMMEDIATE). It migrates River's tables.
func NewSQLite(ctx context.Context, db *sql.DB, p Processor, opts Options) (*Queue, error) {
	b := &backend[*sql.Tx]{
		driver: sqliteDriver{riversqlite.New(db)},
		// One BEGIN IMMEDIATE transaction: it holds the write lock.
		migrate: func(ctx context.Context, m *rivermigrate.Migrator[*sql.Tx]) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
				_ = tx.Rollback()
				return err
			}
			return tx.Commit()
		},
		begin:      func(ctx context.Context) (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		commit:     func(_ context.Context, tx *sql.Tx) error { return tx.Commit() },
		rollback:   func(_ context.Context, tx *sql.Tx) error { return tx.Rollback() },
		byFunction: "args ->> '$.fn' = @fn",
		count: func(ctx context.Context) (n int64, err error) {
			err = db.QueryRowContext(ctx, countSQL("?"), Kind).Scan(&n)
			return n, err
		},
	}
	return newQueue[sqliteDriver](ctx, b, p, opts)
}

// sqliteDriver is River's SQLite driver without its listener, which polls a
// notification table every 50 ms: on the store's single connection that
// would compete with every write. River then works in poll-only mode, and
// this process's inserts wake its producer directly.
type sqliteDriver struct {
	*riversqlite.Driver
}

func (sqliteDriver) SupportsListener() bool     { return false }
func (sqliteDriver) SupportsListenNotify() bool { return false }

// countSQL counts the events not finished yet; arg is the placeholder.
func countSQL(arg string) string {
	return "SELECT count(*) FROM river_job WHERE kind = " + arg +
		" AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled')"
}
