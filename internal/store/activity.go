package store

import "time"

// ActivityRow is a Step Functions activity as stored. Spec is owned by the
// Step Functions service (tags, encryption configuration): the store requires
// it to be a JSON document and otherwise never looks inside.
type ActivityRow struct {
	ARN       string
	Account   string
	Region    string
	Name      string
	Spec      []byte // JSON document
	Version   int64  // 1 on create, +1 per update
	CreatedAt time.Time
}

// ActivityCreateParams are the parameters of Store.ActivityCreate.
type ActivityCreateParams struct {
	ARN     string
	Account string
	Region  string
	Name    string
	Spec    []byte // must be valid JSON
}

// ActivityGetParams address one activity.
type ActivityGetParams struct {
	ARN string
}

// ActivityDeleteParams address the activity to delete.
type ActivityDeleteParams struct {
	ARN string
}

// ActivityUpdateParams are the parameters of Store.ActivityUpdate.
type ActivityUpdateParams struct {
	ARN string

	// ExpectedVersion is the Version the caller read; otherwise ErrConflict.
	ExpectedVersion int64

	Spec []byte // must be valid JSON; replaces the stored Spec
}

// ActivityListParams select one page of an account and region's activities,
// in ascending byte order of name.
type ActivityListParams struct {
	Account string
	Region  string

	// After is the cursor: only names strictly greater than After are
	// returned. Empty starts at the beginning.
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// ActivityListResult is one page of activities.
type ActivityListResult struct {
	Activities []*ActivityRow

	// Next is the cursor for the following page, or empty at the end.
	Next string
}

// ActivityTaskRow is an activity task: an execution's Task state waiting for
// a worker of ActivityARN. The step that schedules it inserts it
// (HistoryStep.ActivityTasks); GetActivityTask claims it (StartedAt set);
// the step in which the task ends deletes it (HistoryStep.ActivityTasksDone,
// or the execution's end).
type ActivityTaskRow struct {
	Token        string // the task token; unique
	ActivityARN  string
	ExecutionARN string
	EffectID     string // the interpreter's effect id within the execution
	Input        string // JSON text handed to the worker
	ScheduledAt  time.Time
	StartedAt    time.Time // zero until a worker claimed the task
	WorkerName   string
}

// ActivityTaskClaimParams are the parameters of Store.ActivityTaskClaim.
type ActivityTaskClaimParams struct {
	ActivityARN string
	WorkerName  string
	Now         time.Time // becomes StartedAt
}

// ActivityTaskDeleteParams address the activity task to delete.
type ActivityTaskDeleteParams struct {
	Token string
}
