package store

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ExecutionStatus is a Step Functions execution's status, spelled as the API
// spells it.
type ExecutionStatus string

// Execution statuses. RUNNING is the only one that is not final.
const (
	ExecutionRunning   ExecutionStatus = "RUNNING"
	ExecutionSucceeded ExecutionStatus = "SUCCEEDED"
	ExecutionFailed    ExecutionStatus = "FAILED"
	ExecutionTimedOut  ExecutionStatus = "TIMED_OUT"
	ExecutionAborted   ExecutionStatus = "ABORTED"
)

// Valid reports whether s is one of the statuses above.
func (s ExecutionStatus) Valid() bool {
	switch s {
	case ExecutionRunning, ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut, ExecutionAborted:
		return true
	}
	return false
}

// ExecutionRow is a Step Functions execution as stored.
//
// Spec is the Step Functions service's immutable document about the
// execution (the definition it runs, roleArn, trace header, ...); State is
// the service's opaque serialized interpreter state after the last committed
// step (nil before the first step and once the execution has ended). The
// store looks inside neither.
//
// WakeAt and the lease drive the durable executor: a RUNNING execution whose
// WakeAt has come and whose lease is free or expired is "due" and may be
// claimed by any node (ExecutionClaimDue). A zero WakeAt means nothing is
// timed (the execution waits for a callback, or has ended).
type ExecutionRow struct {
	ARN             string
	StateMachineARN string
	Account         string
	Region          string
	Name            string
	Type            StateMachineType
	Status          ExecutionStatus
	Input           string // JSON text
	Output          string // JSON text of a SUCCEEDED execution, else empty
	Error           string
	Cause           string
	Spec            []byte // JSON document
	State           []byte // opaque; nil when none
	StartDate       time.Time
	StopDate        time.Time // zero while RUNNING
	WakeAt          time.Time // zero: nothing timed
	LeaseOwner      string    // empty: no lease
	LeaseExpires    time.Time // zero when LeaseOwner is empty
	Version         int64     // 1 on create, +1 per committed step and per claim

	// VersionARN and AliasARN name the state machine version and alias the
	// execution was started through (empty: the state machine itself).
	VersionARN string
	AliasARN   string

	// RedriveCount, RedriveDate and RedriveTokens are set by redrive steps
	// (HistoryStep.Redrive). RedriveTokens is the service's opaque record
	// of recent client tokens.
	RedriveCount  int
	RedriveDate   time.Time // zero: never redriven
	RedriveTokens string
}

// ExecutionCreateParams are the parameters of Store.ExecutionCreate. The
// execution starts RUNNING with Version 1 and no State.
type ExecutionCreateParams struct {
	ARN             string
	StateMachineARN string
	Account         string
	Region          string
	Name            string
	Type            StateMachineType // STANDARD or EXPRESS
	Input           string           // JSON text
	Spec            []byte           // must be valid JSON
	StartDate       time.Time
	WakeAt          time.Time
	LeaseOwner      string
	LeaseExpires    time.Time
	VersionARN      string // the version started, if any
	AliasARN        string // the alias started through, if any
}

// ExecutionGetParams address one execution.
type ExecutionGetParams struct {
	ARN string
}

// ExecutionListParams select one page of a state machine's executions,
// newest first (StartDate descending, then ARN descending).
type ExecutionListParams struct {
	StateMachineARN string

	// Status filters by status; empty lists every status.
	Status ExecutionStatus

	// VersionARN and AliasARN, when set, list only the executions started
	// through that version or alias (StateMachineARN is then ignored).
	VersionARN string
	AliasARN   string

	// Redrive filters by whether executions were redriven; empty lists
	// both.
	Redrive ExecutionRedriveFilter

	// After is the cursor from the previous page's Next; empty starts with
	// the newest execution. Cursors are opaque (see ExecutionCursor).
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// ExecutionListResult is one page of executions. Its rows carry no Input,
// Output, Spec, State or RedriveTokens (listing never needs them).
type ExecutionListResult struct {
	Executions []*ExecutionRow

	// Next is the cursor for the following page, or empty when this page is
	// the last one.
	Next string
}

// ExecutionClaimDueParams are the parameters of Store.ExecutionClaimDue.
type ExecutionClaimDueParams struct {
	// Owner names the claiming node; LeaseExpires is when its lease ends
	// unless renewed.
	Owner        string
	LeaseExpires time.Time

	// Now decides what is due: WakeAt <= Now and no lease, or a lease that
	// expired at or before Now.
	Now time.Time

	// Limit caps how many executions one call claims; see ListLimit.
	Limit int
}

// ExecutionLeaseRenewParams are the parameters of Store.ExecutionLeaseRenew.
type ExecutionLeaseRenewParams struct {
	Owner        string
	LeaseExpires time.Time
}

// ExecutionLeaseReleaseParams are the parameters of
// Store.ExecutionLeaseRelease.
type ExecutionLeaseReleaseParams struct {
	// Owner is the node whose leases are released. Empty releases every
	// lease: only for a single node taking its own database over at start
	// (SQLite), never with other nodes running.
	Owner string

	// ARN, when set, limits the release to that execution (if Owner holds
	// its lease).
	ARN string
}

// ExecutionCursor encodes a position in ExecutionList's order. Both drivers
// use it so that their cursors agree.
func ExecutionCursor(startDate time.Time, arn string) string {
	return strconv.FormatInt(startDate.UnixMicro(), 10) + "/" + arn
}

// ErrInvalidCursor is returned for a cursor ExecutionCursor did not make.
var ErrInvalidCursor = errors.New("store: invalid cursor")

// ParseExecutionCursor reverses ExecutionCursor.
func ParseExecutionCursor(cursor string) (time.Time, string, error) {
	us, arn, ok := strings.Cut(cursor, "/")
	n, err := strconv.ParseInt(us, 10, 64)
	if !ok || err != nil || arn == "" {
		return time.Time{}, "", ErrInvalidCursor
	}
	return time.UnixMicro(n).UTC(), arn, nil
}

// HistoryEvent is one history event of an execution: its id (1, 2, ... per
// execution) and its JSON document, which the store returns byte for byte
// and never parses.
type HistoryEvent struct {
	ID   int64
	Body []byte
}

// HistoryStep is one step of one execution: the events it produced and the
// execution's state after it. It applies only if the execution's Version is
// still ExpectedVersion (the fence that stops two nodes advancing one
// execution); it then increments Version.
type HistoryStep struct {
	ExecutionARN    string
	ExpectedVersion int64

	// Create, when set, makes the step the execution's first: instead of
	// updating a row, the step inserts it with Create's identity columns
	// (ARN, state machine, account, region, name, type, input, spec, start
	// date) and the step's own columns below, at Version 1. It fails with
	// ErrAlreadyExists, writing nothing, when the ARN is taken.
	// ExpectedVersion and Create's WakeAt and lease fields are ignored.
	Create *ExecutionCreateParams

	// Events are the step's events, ids strictly increasing and above every
	// id committed before. The drivers store them as one row per step.
	Events []HistoryEvent

	// The execution's new columns; every one replaces the stored value.
	Status       ExecutionStatus
	Output       string
	Error        string
	Cause        string
	StopDate     time.Time
	State        []byte
	WakeAt       time.Time
	LeaseOwner   string
	LeaseExpires time.Time

	// ActivityTasks are the activity tasks the step scheduled; they are
	// inserted when the step applies (a token already queued is kept as
	// it is, claimed or not).
	ActivityTasks []*ActivityTaskRow

	// ActivityTasksDone are the tokens of activity tasks that ended in this
	// step; they are deleted when the step applies. A step with a final
	// Status deletes every task of its execution.
	ActivityTasksDone []string

	// Redrive, when set, makes the step a redrive (see ExecutionRedrive).
	Redrive *ExecutionRedrive

	// MapRuns are inserted, or replace the rows with their ARNs.
	MapRuns []*MapRunRow
}

// HistoryAppendParams are the parameters of Store.HistoryAppend: the steps
// of many executions, committed in one transaction (group commit). At most
// one step per execution.
type HistoryAppendParams struct {
	Steps []*HistoryStep
}

// HistoryListParams select one page of an execution's history.
type HistoryListParams struct {
	ExecutionARN string

	// After is the cursor: the last event id of the previous page (the
	// result's Next). Zero starts at the first event, or at the last one when
	// Reverse is set.
	After int64

	// Reverse lists newest first.
	Reverse bool

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// HistoryListResult is one page of history events.
type HistoryListResult struct {
	Events []HistoryEvent

	// Next is the cursor for the following page, or zero when this page is
	// the last one.
	Next int64
}
