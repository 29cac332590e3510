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
// # Step Functions executions
//
// An execution is event-sourced: its history rows are the record of truth,
// and its row carries what the executor needs to resume it (the serialized
// interpreter state after the last committed step, the next wake time, the
// lease). The operations:
//
//	ExecutionCreate / ExecutionGet / ExecutionList  // newest first, status filter
//	HistoryAppend(ctx, *HistoryAppendParams)         // many executions' steps, one transaction
//	HistoryList(ctx, *HistoryListParams)             // paginated by event id, either order
//	ExecutionClaimDue(ctx, *ExecutionClaimDueParams) // lease due executions (timers, dead owners)
//	ExecutionLeaseRenew / ExecutionLeaseRelease      // by owner
//
// HistoryAppend takes a batch of executions' steps (each: its events and the
// execution's new columns, fenced by Version, or a Create step that inserts
// the execution with its first step) and commits the whole batch in one
// transaction; a step that is refused (ErrConflict, ErrNotFound,
// ErrAlreadyExists) writes nothing and does not stop the others. The Step
// Functions executor batches steps from many executions for a few hundred
// microseconds (group commit); on SQLite the single writer connection then
// pays one WAL write for hundreds of steps, on PostgreSQL the fenced updates
// go as one pipelined batch and the events as one INSERT ... unnest. The
// Version fence that FunctionUpdate uses is the one that stops two nodes
// advancing one execution; ExecutionClaimDue increments it too, so that a
// node whose lease was taken over finds its next step refused. On
// PostgreSQL claims use SELECT ... FOR UPDATE SKIP LOCKED, and rows are locked
// in ARN order by HistoryAppend and the lease updates so that they cannot
// deadlock. Timers are not a table of their own: a Wait state or a retry
// backoff is the execution's WakeAt. History is stored one row per step (the
// step's event documents concatenated plus an index to cut them apart,
// internal/histchunk), as Temporal stores its history in batches: a step's
// events are written together and read in order, so a row per event would
// only multiply the writes.
//
// A multi-statement transaction API (River's Executor.Begin pattern: a Tx
// that satisfies the same interface) will be added when the first caller
// needs one; the other operations are each a single statement and atomic on
// their own.
//
// Lambda async invocations go through River (riverqueue), whose riversqlite
// and riverpgxv5 drivers share the store's database: sqlitestore.Store.DB
// returns the *sql.DB of its single writer connection, and pgstore.Store.Pool
// returns the *pgxpool.Pool. River's tables are created by River's own
// migrator (rivermigrate) and never collide with ours (river_* versus our
// unprefixed names and gureum_schema_migrations). Sharing one database lets an
// API call insert a job in the same transaction as the row it belongs to.
package store
