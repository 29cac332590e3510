// Package store is gureum's storage seam: the interface the Lambda and Step
// Functions services persist through, the row and params types it speaks, and
// the sentinel errors every implementation returns. It imports no database
// driver. Two implementations exist, each in its own package with its own SQL
// and embedded migrations:
//
//   - sqlitestore: modernc.org/sqlite (pure Go), one file in the data
//     directory; the default for a single node.
//   - pgstore: PostgreSQL through pgx v5; for several nodes sharing one
//     database.
//
// Only the composition root (internal/server) imports a concrete driver.
// storetest.Exercise is the one conformance suite both must pass; a behaviour
// that is not in that suite is not part of the contract.
//
// # Shape
//
// The interface is not a generic ORM: it has one method per operation a
// service needs, named noun first so related operations sort together
// (FunctionCreate, FunctionGet, ..., StateMachineCreate, ...), each taking a
// context and a *Params struct and returning rows as pointers. Rows carry
// service-owned documents (a function's configuration, a state machine's
// definition and tags) as opaque JSON in Spec; the store indexes only the
// columns it must query on (account, region, name, ARN) so that new service
// attributes need no migration.
//
// # Errors
//
// Implementations translate driver errors in exactly one place each, into:
//
//   - ErrNotFound: the addressed row does not exist.
//   - ErrAlreadyExists: a create collided with a unique key (a function name
//     or state machine name in the same account and region, or an ARN). The
//     services map it to ResourceConflictException / StateMachineAlreadyExists.
//   - ErrConflict: an optimistic-concurrency check failed: the row exists but
//     its Version is no longer the one the caller read. The services map it to
//     PreconditionFailedException (Lambda's RevisionId check) or retry.
//   - ErrClosed: the store was closed.
//
// They are returned wrapped; test with errors.Is. ErrAlreadyExists and
// ErrConflict are deliberately distinct: one means "pick another name", the
// other "re-read and try again".
//
// # Versions and time
//
// Every mutable row has a Version: 1 on create, incremented by each update.
// An update names the Version it read (ExpectedVersion) and fails with
// ErrConflict when another writer got there first, so two nodes can never
// silently overwrite each other. Timestamps come from the clock given to the
// driver's Open (never from the database server, so tests can fake time),
// are stored in UTC with microsecond precision, and are returned in UTC.
//
// # What comes next (designed for, not built yet)
//
// Step Functions executions. An execution is event-sourced: its history rows
// are the record of truth. Expected additions, in the same style:
//
//	ExecutionCreate / ExecutionGet / ExecutionList
//	HistoryAppend(ctx, *HistoryAppendParams)   // events of one step + the execution's
//	                                           // next-action row, fenced by Version
//	HistoryList(ctx, *HistoryListParams)       // paginated by event id
//	ExecutionLease(ctx, *ExecutionLeaseParams) // claim due executions: lease owner + expiry
//	TimerCreate / TimerDue                     // Wait states, retry backoff
//
// HistoryAppend takes a batch of executions' steps, and implementations commit
// the whole batch in one transaction (group commit): on SQLite a single
// writer goroutine drains a channel of pending appends and commits them
// together (one fsync for many steps), on PostgreSQL the executor batches the
// same way and claims work with SELECT ... FOR UPDATE SKIP LOCKED. The
// Version fence used by FunctionUpdate is the same one that will stop two nodes
// advancing one execution. A multi-statement transaction API (River's
// Executor.Begin pattern: a Tx that satisfies the same interface) will be
// added when the first caller needs one; the current operations are each a
// single statement and atomic on their own.
//
// Lambda async invocations go through River (riverqueue), whose riversqlite
// and riverpgxv5 drivers share the store's database: sqlitestore.Store.DB
// returns the *sql.DB of its single writer connection, and pgstore.Store.Pool
// returns the *pgxpool.Pool. River's tables are created by River's own
// migrator (rivermigrate) and never collide with ours (river_* versus our
// unprefixed names and gureum_schema_migrations). Sharing one database lets an
// API call insert a job in the same transaction as the row it belongs to.
package store
