package lambda

import "fmt"

// ErrorKind classifies the service's errors; awsapi/lambdaapi maps each kind
// to Lambda's wire error of the same name.
type ErrorKind int

// Error kinds, named after the Lambda errors they become.
const (
	KindResourceNotFound ErrorKind = iota + 1
	KindResourceConflict
	KindInvalidParameterValue
	KindValidation
	KindPreconditionFailed
	KindTooManyRequests
	KindRequestTooLarge
	KindPolicyLengthExceeded
	KindServiceUnavailable
	KindAccessDenied
)

// Error is a service error a client may see: a kind and Lambda's message.
type Error struct {
	Kind    ErrorKind
	Message string
	// Reason is Lambda's Reason field (TooManyRequestsException).
	Reason string
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrFunctionNotFound) and friends work for every
// error of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Message == ""
}

func errorf(k ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// validationError words a single-field constraint failure as Lambda does.
func validationError(field string, value any, constraint string) *Error {
	return errorf(KindValidation, "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// Kinds as sentinels for errors.Is.
var (
	ErrNotFound = &Error{Kind: KindResourceNotFound}
)
