package store

import "time"

// StateMachineType is a state machine's workflow type. It never changes after
// creation.
type StateMachineType string

// State machine types, spelled as the Step Functions API spells them.
const (
	StateMachineTypeStandard StateMachineType = "STANDARD"
	StateMachineTypeExpress  StateMachineType = "EXPRESS"
)

// StateMachineRow is a Step Functions state machine as stored. Spec is owned
// by the Step Functions service (definition, roleArn, logging and tracing
// configuration, tags, ...): the store requires it to be a JSON document and
// otherwise never looks inside.
type StateMachineRow struct {
	ARN       string
	Account   string
	Region    string
	Name      string
	Type      StateMachineType
	Spec      []byte // JSON document
	Version   int64  // 1 on create, +1 per update
	CreatedAt time.Time
	UpdatedAt time.Time
}

// StateMachineCreateParams are the parameters of Store.StateMachineCreate.
type StateMachineCreateParams struct {
	ARN     string
	Account string
	Region  string
	Name    string
	Type    StateMachineType // STANDARD or EXPRESS; anything else is an error
	Spec    []byte           // must be valid JSON
}

// StateMachineGetParams address one state machine.
type StateMachineGetParams struct {
	ARN string
}

// StateMachineDeleteParams address the state machine to delete.
type StateMachineDeleteParams struct {
	ARN string
}

// StateMachineUpdateParams are the parameters of Store.StateMachineUpdate.
type StateMachineUpdateParams struct {
	ARN string

	// ExpectedVersion is the Version the caller read. The update applies only
	// if the row still has it; otherwise ErrConflict.
	ExpectedVersion int64

	Spec []byte // must be valid JSON; replaces the stored Spec
}

// StateMachineListParams select one page of state machines.
type StateMachineListParams struct {
	Account string
	Region  string

	// After is the cursor: only names strictly greater than After (byte
	// order) are returned. Empty starts at the beginning; pass the previous
	// result's Next to continue.
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// StateMachineListResult is one page of state machines.
type StateMachineListResult struct {
	StateMachines []*StateMachineRow

	// Next is the cursor for the following page, or empty when this page is
	// the last one.
	Next string
}
