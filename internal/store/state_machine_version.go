package store

import (
	"context"
	"time"
)

// StateMachineVersionStore persists published versions of state machines.
type StateMachineVersionStore interface {
	// StateMachineVersionCreate inserts a version with CreatedAt == now. It
	// returns ErrAlreadyExists when the ARN or the state machine's Number is
	// taken, and ErrNotFound when the state machine does not exist.
	StateMachineVersionCreate(ctx context.Context, params *StateMachineVersionCreateParams) (*StateMachineVersionRow, error)

	// StateMachineVersionGet returns a version by ARN, or ErrNotFound.
	StateMachineVersionGet(ctx context.Context, params *StateMachineVersionGetParams) (*StateMachineVersionRow, error)

	// StateMachineVersionDelete removes a version and returns the row as it
	// was, or ErrNotFound.
	StateMachineVersionDelete(ctx context.Context, params *StateMachineVersionDeleteParams) (*StateMachineVersionRow, error)

	// StateMachineVersionList returns one page of a state machine's versions,
	// highest Number first. See StateMachineVersionListParams.
	StateMachineVersionList(ctx context.Context, params *StateMachineVersionListParams) (*StateMachineVersionListResult, error)
}

// StateMachineAliasStore persists state machine aliases.
type StateMachineAliasStore interface {
	// StateMachineAliasCreate inserts an alias with Version 1 and CreatedAt
	// == UpdatedAt == now. It returns ErrAlreadyExists when the ARN is taken
	// and ErrNotFound when the state machine does not exist.
	StateMachineAliasCreate(ctx context.Context, params *StateMachineAliasCreateParams) (*StateMachineAliasRow, error)

	// StateMachineAliasGet returns an alias by ARN, or ErrNotFound.
	StateMachineAliasGet(ctx context.Context, params *StateMachineAliasGetParams) (*StateMachineAliasRow, error)

	// StateMachineAliasUpdate replaces an alias's Spec if its Version still
	// equals ExpectedVersion, increments Version, sets UpdatedAt and returns
	// the new row; ErrNotFound or ErrConflict otherwise.
	StateMachineAliasUpdate(ctx context.Context, params *StateMachineAliasUpdateParams) (*StateMachineAliasRow, error)

	// StateMachineAliasDelete removes an alias and returns the row as it was,
	// or ErrNotFound.
	StateMachineAliasDelete(ctx context.Context, params *StateMachineAliasDeleteParams) (*StateMachineAliasRow, error)

	// StateMachineAliasList returns one page of a state machine's aliases,
	// newest first (CreatedAt descending, then ARN descending).
	StateMachineAliasList(ctx context.Context, params *StateMachineAliasListParams) (*StateMachineAliasListResult, error)
}

// MapRunStore reads map runs. They are written by HistoryAppend, with the
// step of their execution that changed them (HistoryStep.MapRuns).
type MapRunStore interface {
	// MapRunGet returns a map run by ARN, or ErrNotFound.
	MapRunGet(ctx context.Context, params *MapRunGetParams) (*MapRunRow, error)

	// MapRunList returns one page of an execution's map runs, newest first
	// (StartDate descending, then ARN descending).
	MapRunList(ctx context.Context, params *MapRunListParams) (*MapRunListResult, error)
}

// StateMachineVersionRow is a published, immutable version of a state
// machine. Spec is the Step Functions service's JSON document (definition,
// roleArn, description, revision...), returned byte for byte.
type StateMachineVersionRow struct {
	ARN             string
	StateMachineARN string
	Number          int64
	Spec            []byte
	CreatedAt       time.Time
}

// StateMachineVersionCreateParams are the parameters of
// Store.StateMachineVersionCreate.
type StateMachineVersionCreateParams struct {
	ARN             string
	StateMachineARN string
	Number          int64
	Spec            []byte // must be valid JSON
}

// StateMachineVersionGetParams address one version.
type StateMachineVersionGetParams struct {
	ARN string
}

// StateMachineVersionDeleteParams address the version to delete.
type StateMachineVersionDeleteParams struct {
	ARN string
}

// StateMachineVersionListParams select one page of a state machine's
// versions.
type StateMachineVersionListParams struct {
	StateMachineARN string

	// Before is the cursor: only versions whose Number is below it are
	// returned. Zero starts with the highest; pass the previous result's
	// Next to continue.
	Before int64

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// StateMachineVersionListResult is one page of versions.
type StateMachineVersionListResult struct {
	Versions []*StateMachineVersionRow

	// Next is the cursor for the following page, or zero at the end.
	Next int64
}

// StateMachineAliasRow is a state machine alias. Spec is the Step Functions
// service's JSON document (description, routing configuration).
type StateMachineAliasRow struct {
	ARN             string
	StateMachineARN string
	Name            string
	Spec            []byte
	Version         int64 // 1 on create, +1 per update
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// StateMachineAliasCreateParams are the parameters of
// Store.StateMachineAliasCreate.
type StateMachineAliasCreateParams struct {
	ARN             string
	StateMachineARN string
	Name            string
	Spec            []byte // must be valid JSON
}

// StateMachineAliasGetParams address one alias.
type StateMachineAliasGetParams struct {
	ARN string
}

// StateMachineAliasUpdateParams are the parameters of
// Store.StateMachineAliasUpdate.
type StateMachineAliasUpdateParams struct {
	ARN             string
	ExpectedVersion int64
	Spec            []byte // must be valid JSON
}

// StateMachineAliasDeleteParams address the alias to delete.
type StateMachineAliasDeleteParams struct {
	ARN string
}

// StateMachineAliasListParams select one page of a state machine's aliases.
type StateMachineAliasListParams struct {
	StateMachineARN string

	// After is the previous page's Next (a TimeCursor); empty starts with
	// the newest alias.
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// StateMachineAliasListResult is one page of aliases.
type StateMachineAliasListResult struct {
	Aliases []*StateMachineAliasRow
	Next    string
}

// MapRunStatus is a map run's status, spelled as the API spells it.
type MapRunStatus string

// Map run statuses. RUNNING is the only one that is not final.
const (
	MapRunRunning   MapRunStatus = "RUNNING"
	MapRunSucceeded MapRunStatus = "SUCCEEDED"
	MapRunFailed    MapRunStatus = "FAILED"
	MapRunAborted   MapRunStatus = "ABORTED"
)

// MapRunRow is the map run of a Distributed Map state. Spec is the Step
// Functions service's JSON document (configuration, item and execution
// counts, redrives).
type MapRunRow struct {
	ARN             string
	ExecutionARN    string
	StateMachineARN string
	Status          MapRunStatus
	StartDate       time.Time
	StopDate        time.Time // zero while RUNNING
	Spec            []byte
}

// MapRunGetParams address one map run.
type MapRunGetParams struct {
	ARN string
}

// MapRunListParams select one page of an execution's map runs.
type MapRunListParams struct {
	ExecutionARN string

	// After is the previous page's Next (a TimeCursor); empty starts with
	// the newest map run.
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// MapRunListResult is one page of map runs.
type MapRunListResult struct {
	MapRuns []*MapRunRow
	Next    string
}

// TimeCursor encodes a position in a (time descending, ARN descending)
// listing; ParseTimeCursor reverses it. It is ExecutionCursor's format.
func TimeCursor(t time.Time, arn string) string { return ExecutionCursor(t, arn) }

// ParseTimeCursor reverses TimeCursor (ErrInvalidCursor for anything else).
func ParseTimeCursor(cursor string) (time.Time, string, error) { return ParseExecutionCursor(cursor) }

// ExecutionRedrive is what a redrive step (HistoryStep.Redrive) records on
// its execution besides the step's own columns.
type ExecutionRedrive struct {
	// Date becomes the execution's RedriveDate; its RedriveCount goes up by
	// one.
	Date time.Time

	// Tokens replaces RedriveTokens (the service's record of recent client
	// tokens).
	Tokens string
}

// ExecutionRedriveFilter selects executions by whether they were redriven.
type ExecutionRedriveFilter string

// Redrive filters, spelled as ListExecutions' redriveFilter.
const (
	ExecutionRedriven    ExecutionRedriveFilter = "REDRIVEN"
	ExecutionNotRedriven ExecutionRedriveFilter = "NOT_REDRIVEN"
)
