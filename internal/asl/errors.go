package asl

import (
	"strings"
)

// ErrorName is an Amazon States Language error name, as it appears in
// ErrorEquals, in Fail states and in history events.
type ErrorName string

// The predefined error names of the States Language ("States.*").
const (
	ErrAll                             ErrorName = "States.ALL"
	ErrHeartbeatTimeout                ErrorName = "States.HeartbeatTimeout"
	ErrTimeout                         ErrorName = "States.Timeout"
	ErrTaskFailed                      ErrorName = "States.TaskFailed"
	ErrPermissions                     ErrorName = "States.Permissions"
	ErrResultPathMatchFailure          ErrorName = "States.ResultPathMatchFailure"
	ErrParameterPathFailure            ErrorName = "States.ParameterPathFailure"
	ErrQueryEvaluationError            ErrorName = "States.QueryEvaluationError"
	ErrBranchFailed                    ErrorName = "States.BranchFailed"
	ErrNoChoiceMatched                 ErrorName = "States.NoChoiceMatched"
	ErrIntrinsicFailure                ErrorName = "States.IntrinsicFailure"
	ErrExceedToleratedFailureThreshold ErrorName = "States.ExceedToleratedFailureThreshold"
	ErrItemReaderFailed                ErrorName = "States.ItemReaderFailed"
	ErrResultWriterFailed              ErrorName = "States.ResultWriterFailed"
	ErrRuntime                         ErrorName = "States.Runtime"
	ErrDataLimitExceeded               ErrorName = "States.DataLimitExceeded"
)

// predefinedErrors lists every predefined name; ErrorEquals may name only
// these among the "States." names.
var predefinedErrors = map[ErrorName]bool{
	ErrAll: true, ErrHeartbeatTimeout: true, ErrTimeout: true, ErrTaskFailed: true,
	ErrPermissions: true, ErrResultPathMatchFailure: true, ErrParameterPathFailure: true,
	ErrQueryEvaluationError: true, ErrBranchFailed: true, ErrNoChoiceMatched: true,
	ErrIntrinsicFailure: true, ErrExceedToleratedFailureThreshold: true,
	ErrItemReaderFailed: true, ErrResultWriterFailed: true, ErrRuntime: true,
	ErrDataLimitExceeded: true,
}

// matchesError reports whether a Retrier's or Catcher's ErrorEquals entry
// pattern matches the raised error name err, following AWS: States.ALL matches
// every error except States.Runtime (which nothing catches: it always fails
// the execution), States.TaskFailed matches any error except the timeouts,
// States.Timeout also matches States.HeartbeatTimeout.
func matchesError(pattern, err ErrorName) bool {
	if err == ErrRuntime {
		return false
	}
	if pattern == err {
		return true
	}
	switch pattern {
	case ErrAll:
		return true
	case ErrTaskFailed:
		return err != ErrTimeout && err != ErrHeartbeatTimeout
	case ErrTimeout:
		return err == ErrHeartbeatTimeout
	}
	return false
}

// DiagnosticCode is the code of one definition diagnostic, as AWS's
// ValidateStateMachineDefinition reports it.
type DiagnosticCode string

// Diagnostic codes.
const (
	CodeInvalidJSON             DiagnosticCode = "INVALID_JSON_DESCRIPTION"
	CodeMissingDescription      DiagnosticCode = "MISSING_DESCRIPTION"
	CodeSchemaValidationFailed  DiagnosticCode = "SCHEMA_VALIDATION_FAILED"
	CodeInvalidResource         DiagnosticCode = "INVALID_RESOURCE"
	CodeMissingEndState         DiagnosticCode = "MISSING_END_STATE"
	CodeDuplicateStateName      DiagnosticCode = "DUPLICATE_STATE_NAME"
	CodeInvalidStateName        DiagnosticCode = "INVALID_STATE_NAME"
	CodeDuplicateLabelName      DiagnosticCode = "DUPLICATE_LABEL_NAME"
	CodeInvalidLabelName        DiagnosticCode = "INVALID_LABEL_NAME"
	CodeMissingTransitionTarget DiagnosticCode = "MISSING_TRANSITION_TARGET"
	CodeTooDeeplyNested         DiagnosticCode = "TOO_DEEPLY_NESTED"
	CodeInvalidJSONataExpr      DiagnosticCode = "INVALID_JSONATA_EXPRESSION"
	CodeUnsupportedJSONataExpr  DiagnosticCode = "UNSUPPORTED_JSONATA_EXPRESSION"
)

// Diagnostic is one problem found in a definition. Location is a JSON pointer
// into the definition ("/States/Foo/Next"), empty when the problem has no
// single place (MISSING_END_STATE).
type Diagnostic struct {
	Severity string         `json:"severity"`
	Code     DiagnosticCode `json:"code"`
	Message  string         `json:"message"`
	Location string         `json:"location,omitempty"`
}

// String renders the diagnostic the way AWS's InvalidDefinition message lists
// it: "CODE: message at /location".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(string(d.Code))
	b.WriteString(": ")
	b.WriteString(d.Message)
	if d.Location != "" {
		b.WriteString(" at ")
		b.WriteString(d.Location)
	}
	return b.String()
}

// DefinitionError is returned by Compile for a definition AWS would refuse.
// Its Error text is AWS's InvalidDefinition message.
type DefinitionError struct {
	Diagnostics []Diagnostic
}

// Error renders AWS's message: "Invalid State Machine Definition: '...'".
func (e *DefinitionError) Error() string {
	var b strings.Builder
	b.WriteString("Invalid State Machine Definition: '")
	for i, d := range e.Diagnostics {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.String())
	}
	b.WriteString("'")
	return b.String()
}

// failure is an error raised while running a state: an ASL error name and its
// cause. It travels through Retry and Catch.
type failure struct {
	Error ErrorName
	Cause string
	// terminal failures skip Retry and Catch and fail the execution
	// (States.Runtime and errors raised outside the state's catch scope).
	terminal bool
	// prefixed causes already name the state they happened in.
	prefixed bool
	// heartbeat marks a States.Timeout raised by a missed heartbeat, which
	// States.HeartbeatTimeout also matches.
	heartbeat bool
}
