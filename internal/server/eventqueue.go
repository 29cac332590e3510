package server

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gureum-dev/gureum/internal/lambda"
	"github.com/gureum-dev/gureum/internal/lambda/eventqueue"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

// openEventQueue puts the queue of asynchronous invocations in the store's
// database: River on the SQLite writer connection, or on the PostgreSQL pool.
func openEventQueue(ctx context.Context, st store.Store, svc *lambda.Service, reg prometheus.Registerer, log *slog.Logger) (*eventqueue.Queue, error) {
	opts := eventqueue.Options{Registerer: reg, Logger: log}
	switch st := st.(type) {
	case *sqlitestore.Store:
		opts.TakeOver = true // one process per data directory
		return eventqueue.NewSQLite(ctx, st.DB(), svc, opts)
	case *pgstore.Store:
		return eventqueue.NewPostgres(ctx, st.Pool(), svc, opts)
	}
	return nil, fmt.Errorf("no event queue for the %s store", st.Driver())
}
