package store

import (
	"context"
	"errors"
)

// Driver names returned by Store.Driver.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Sentinel errors. Implementations return them wrapped with context; test with
// errors.Is. See the package documentation for when each one applies.
var (
	// ErrNotFound means the addressed row does not exist.
	ErrNotFound = errors.New("store: not found")

	// ErrAlreadyExists means a create collided with an existing row's unique
	// key (name within account and region, or ARN).
	ErrAlreadyExists = errors.New("store: already exists")

	// ErrConflict means an optimistic-concurrency check failed: the row's
	// Version is no longer the caller's ExpectedVersion.
	ErrConflict = errors.New("store: version conflict")

	// ErrClosed means the store has been closed.
	ErrClosed = errors.New("store: closed")
)

// Pagination bounds for the List operations.
const (
	// DefaultListLimit is used when a List params' Limit is zero or negative.
	DefaultListLimit = 50

	// MaxListLimit caps a List params' Limit; larger values are clamped to it.
	MaxListLimit = 1000
)

// ListLimit returns the page size a List operation uses for the requested
// limit: DefaultListLimit when limit <= 0, MaxListLimit when limit exceeds it,
// else limit. Implementations call it so that both drivers agree.
func ListLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultListLimit
	case limit > MaxListLimit:
		return MaxListLimit
	default:
		return limit
	}
}

// Store is what gureum's services persist through. Implementations are safe
// for concurrent use by many goroutines.
type Store interface {
	// Driver names the implementation: DriverSQLite or DriverPostgres.
	Driver() string

	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	// Close waits for operations in flight (writes included) to finish, then
	// releases the database. Operations started after Close return ErrClosed.
	// Close is idempotent: later calls return the first call's result.
	Close() error

	// Lambda layers: see LayerStore.
	LayerStore

	// FunctionCreate inserts a function with Version 1 and CreatedAt ==
	// UpdatedAt == now. It returns ErrAlreadyExists when a function with the
	// same name exists in the same account and region, or the ARN is taken.
	FunctionCreate(ctx context.Context, params *FunctionCreateParams) (*FunctionRow, error)

	// FunctionDelete removes a function and returns the row as it was. It
	// returns ErrNotFound when there is no such function.
	FunctionDelete(ctx context.Context, params *FunctionDeleteParams) (*FunctionRow, error)

	// FunctionGet returns a function by account, region and name, or
	// ErrNotFound.
	FunctionGet(ctx context.Context, params *FunctionGetParams) (*FunctionRow, error)

	// FunctionList returns one page of an account and region's functions in
	// ascending byte order of name. See FunctionListParams for paging.
	FunctionList(ctx context.Context, params *FunctionListParams) (*FunctionListResult, error)

	// FunctionUpdate replaces a function's Spec, CodeSHA256 and RevisionID if
	// its Version still equals ExpectedVersion, increments Version, sets
	// UpdatedAt, and returns the new row. It returns ErrNotFound when there is
	// no such function and ErrConflict when the Version differs.
	FunctionUpdate(ctx context.Context, params *FunctionUpdateParams) (*FunctionRow, error)

	// StateMachineCreate inserts a state machine with Version 1. It returns
	// ErrAlreadyExists when the ARN is taken or a state machine with the same
	// name exists in the same account and region.
	StateMachineCreate(ctx context.Context, params *StateMachineCreateParams) (*StateMachineRow, error)

	// StateMachineDelete removes a state machine by ARN and returns the row as
	// it was, or ErrNotFound.
	StateMachineDelete(ctx context.Context, params *StateMachineDeleteParams) (*StateMachineRow, error)

	// StateMachineGet returns a state machine by ARN, or ErrNotFound.
	StateMachineGet(ctx context.Context, params *StateMachineGetParams) (*StateMachineRow, error)

	// StateMachineList returns one page of an account and region's state
	// machines in ascending byte order of name. See StateMachineListParams.
	StateMachineList(ctx context.Context, params *StateMachineListParams) (*StateMachineListResult, error)

	// StateMachineUpdate replaces a state machine's Spec if its Version still
	// equals ExpectedVersion, increments Version, sets UpdatedAt and returns
	// the new row. It returns ErrNotFound or ErrConflict like FunctionUpdate.
	// Type, name and ARN never change.
	StateMachineUpdate(ctx context.Context, params *StateMachineUpdateParams) (*StateMachineRow, error)

	// ExecutionClaimDue leases up to Limit due executions to Owner and
	// returns them: RUNNING rows whose WakeAt is at or before Now and whose
	// lease is free or expired at Now, earliest WakeAt first. Each claim sets
	// the lease and increments Version, fencing off the previous owner's
	// steps. Concurrent callers never claim the same row (PostgreSQL: SELECT
	// ... FOR UPDATE SKIP LOCKED; SQLite: the single writer).
	ExecutionClaimDue(ctx context.Context, params *ExecutionClaimDueParams) ([]*ExecutionRow, error)

	// ExecutionCreate inserts a RUNNING execution with Version 1 and no
	// State. It returns ErrAlreadyExists when the ARN is taken.
	ExecutionCreate(ctx context.Context, params *ExecutionCreateParams) (*ExecutionRow, error)

	// ExecutionGet returns an execution by ARN, or ErrNotFound.
	ExecutionGet(ctx context.Context, params *ExecutionGetParams) (*ExecutionRow, error)

	// ExecutionLeaseRelease clears the leases an owner holds (every lease
	// when Owner is empty) without changing Version, and returns how many
	// it cleared. Released executions become claimable at their WakeAt.
	ExecutionLeaseRelease(ctx context.Context, params *ExecutionLeaseReleaseParams) (int64, error)

	// ExecutionLeaseRenew moves the expiry of every lease Owner still holds
	// to LeaseExpires, without changing Version, and returns how many it
	// renewed.
	ExecutionLeaseRenew(ctx context.Context, params *ExecutionLeaseRenewParams) (int64, error)

	// ExecutionList returns one page of a state machine's executions, newest
	// first. See ExecutionListParams.
	ExecutionList(ctx context.Context, params *ExecutionListParams) (*ExecutionListResult, error)

	// HistoryAppend commits many executions' steps in one transaction. The
	// returned slice has one entry per step: nil when the step was applied
	// (its events inserted, its execution's columns replaced and Version
	// incremented, or the execution inserted for a Create step), ErrConflict
	// when the execution's Version was not the step's ExpectedVersion,
	// ErrNotFound when there is no such execution and ErrAlreadyExists when a
	// Create step's ARN is taken;
	// a step that fails writes nothing and does not stop the others. A
	// non-nil error means the transaction as a whole failed and none of it
	// should be assumed committed.
	HistoryAppend(ctx context.Context, params *HistoryAppendParams) ([]error, error)

	// HistoryList returns one page of an execution's history events in id
	// order (descending when Reverse). An unknown execution has no events.
	HistoryList(ctx context.Context, params *HistoryListParams) (*HistoryListResult, error)

	// ActivityCreate inserts an activity with Version 1 and CreatedAt now.
	// It returns ErrAlreadyExists when the ARN is taken or an activity with
	// the same name exists in the same account and region.
	ActivityCreate(ctx context.Context, params *ActivityCreateParams) (*ActivityRow, error)

	// ActivityDelete removes an activity by ARN and returns the row as it
	// was, or ErrNotFound. Its tasks stay (their executions keep waiting).
	ActivityDelete(ctx context.Context, params *ActivityDeleteParams) (*ActivityRow, error)

	// ActivityGet returns an activity by ARN, or ErrNotFound.
	ActivityGet(ctx context.Context, params *ActivityGetParams) (*ActivityRow, error)

	// ActivityList returns one page of an account and region's activities in
	// ascending byte order of name.
	ActivityList(ctx context.Context, params *ActivityListParams) (*ActivityListResult, error)

	// ActivityUpdate replaces an activity's Spec if its Version still equals
	// ExpectedVersion, increments Version and returns the new row; else
	// ErrNotFound or ErrConflict.
	ActivityUpdate(ctx context.Context, params *ActivityUpdateParams) (*ActivityRow, error)

	// ActivityTaskClaim hands the oldest unclaimed task of an activity to a
	// worker (sets StartedAt and WorkerName) and returns it, or ErrNotFound
	// when none waits. Concurrent callers never claim the same task.
	ActivityTaskClaim(ctx context.Context, params *ActivityTaskClaimParams) (*ActivityTaskRow, error)

	// ActivityTaskDelete removes an activity task by token; deleting one that
	// does not exist is not an error.
	ActivityTaskDelete(ctx context.Context, params *ActivityTaskDeleteParams) error
	// LogGroupCreate inserts an empty log group, or returns ErrAlreadyExists.
	LogGroupCreate(ctx context.Context, params *LogGroupCreateParams) (*LogGroupRow, error)

	// LogGroupDelete removes a log group with its streams and events, or
	// returns ErrLogGroupNotFound.
	LogGroupDelete(ctx context.Context, params *LogGroupDeleteParams) error

	// LogGroupGet returns a log group, or ErrLogGroupNotFound.
	LogGroupGet(ctx context.Context, params *LogGroupGetParams) (*LogGroupRow, error)

	// LogGroupList returns one page of an account and region's log groups in
	// byte order of name.
	LogGroupList(ctx context.Context, params *LogGroupListParams) (*LogGroupListResult, error)

	// LogStreamCreate inserts an empty log stream. It returns
	// ErrLogGroupNotFound or ErrAlreadyExists.
	LogStreamCreate(ctx context.Context, params *LogStreamCreateParams) (*LogStreamRow, error)

	// LogStreamDelete removes a log stream with its events. It returns
	// ErrLogGroupNotFound or ErrLogStreamNotFound.
	LogStreamDelete(ctx context.Context, params *LogStreamDeleteParams) error

	// LogStreamList returns one page of a group's log streams, or
	// ErrLogGroupNotFound.
	LogStreamList(ctx context.Context, params *LogStreamListParams) (*LogStreamListResult, error)

	// LogEventsPut stores batches of events in one transaction, setting
	// their IngestionTime and Seq, updating the streams' event times and
	// trimming each group to MaxGroupEvents.
	LogEventsPut(ctx context.Context, params *LogEventsPutParams) error

	// LogEventList returns one page of a group's events in (Timestamp, Seq)
	// order, or ErrLogGroupNotFound (ErrLogStreamNotFound with
	// RequireStreams).
	LogEventList(ctx context.Context, params *LogEventListParams) (*LogEventListResult, error)

	StateMachineVersionStore
	StateMachineAliasStore
	MapRunStore
}
