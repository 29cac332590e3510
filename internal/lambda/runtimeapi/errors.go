package runtimeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrorType is a Lambda error type, named as it appears on the wire.
type ErrorType string

// Error types the service reports to invokers (the errorType of the payload
// returned with X-Amz-Function-Error: Unhandled).
const (
	// ErrorTypeRuntimeExit: the runtime process exited (or was killed)
	// before answering.
	ErrorTypeRuntimeExit ErrorType = "Runtime.ExitError"
	// ErrorTypeSandboxTimedout: the invocation ran past its deadline.
	ErrorTypeSandboxTimedout ErrorType = "Sandbox.Timedout"
	// ErrorTypeResponseSizeTooLarge: the runtime's response exceeded
	// MaxPayloadSize.
	ErrorTypeResponseSizeTooLarge ErrorType = "Function.ResponseSizeTooLarge"
	// ErrorTypeUnknown: an init error posted without a type.
	ErrorTypeUnknown ErrorType = "Runtime.Unknown"
)

// Error types of the Runtime API's own responses to the runtime client.
const (
	ErrorTypeInvalidStateTransition ErrorType = "InvalidStateTransition"
	ErrorTypeInvalidRequestID       ErrorType = "InvalidRequestID"
	ErrorTypeRequestEntityTooLarge  ErrorType = "RequestEntityTooLarge"
	ErrorTypeInternalServerError    ErrorType = "InternalServerError"
)

// FunctionUnhandled is the value of Result.FunctionError (and of the Invoke
// API's X-Amz-Function-Error header) for errors reported by the runtime or by
// the environment.
const FunctionUnhandled = "Unhandled"

// MaxPayloadSize is the largest response a runtime may post for one
// invocation: 6 MiB plus 100 bytes, as on AWS.
const MaxPayloadSize = 6*1024*1024 + 100

// Errors returned by the Server's methods.
var (
	// ErrBusy: Invoke was called while another invocation was in flight.
	// An environment serves one request at a time.
	ErrBusy = errors.New("runtimeapi: environment is busy with another invocation")
	// ErrClosed: the server was closed.
	ErrClosed = errors.New("runtimeapi: server closed")
	// ErrBroken: an earlier invocation timed out or the runtime failed; the
	// environment must be discarded.
	ErrBroken = errors.New("runtimeapi: environment is no longer usable")
)

// FunctionError is an error that Lambda reports to the invoker as a function
// error (HTTP 200 with X-Amz-Function-Error: Unhandled) rather than as a
// service error. Result returns what the invoker receives.
type FunctionError interface {
	error
	ErrorType() ErrorType
	Result() *Result
}

var (
	_ FunctionError = (*InitError)(nil)
	_ FunctionError = (*ExitError)(nil)
	_ FunctionError = (*TimeoutError)(nil)
)

// InitError is a runtime's report, through POST /runtime/init/error, that its
// init phase failed (handler not found, module import error, ...).
type InitError struct {
	Type    ErrorType // the body's errorType, else Lambda-Runtime-Function-Error-Type, else Runtime.Unknown
	Message string    // the body's errorMessage, when the body is JSON
	Payload []byte    // the body as posted
}

func (e *InitError) Error() string {
	if e.Message == "" {
		return string(e.Type)
	}
	return string(e.Type) + ": " + e.Message
}

// ErrorType returns e.Type.
func (e *InitError) ErrorType() ErrorType { return e.Type }

// Result returns the posted error as the invoker sees it.
func (e *InitError) Result() *Result {
	p := e.Payload
	if !json.Valid(p) {
		p = errorPayload(e.Type, e.Message)
	}
	return &Result{Payload: p, FunctionError: FunctionUnhandled, ErrorType: e.Type, ContentType: "application/json"}
}

// ExitError reports that the runtime process exited before it answered: the
// caller told the server through Fail.
type ExitError struct {
	RequestID string // the invocation that was in flight, "" during init
	Err       error  // the process's exit status (e.g. *exec.ExitError), nil for a clean exit
}

func (e *ExitError) Error() string {
	msg := "Runtime exited without providing a reason"
	if e.Err != nil {
		msg = "Runtime exited with error: " + e.Err.Error()
	}
	if e.RequestID == "" {
		return "Error: " + msg
	}
	return "RequestId: " + e.RequestID + " Error: " + msg
}

// Unwrap returns the exit status.
func (e *ExitError) Unwrap() error { return e.Err }

// ErrorType returns Runtime.ExitError.
func (e *ExitError) ErrorType() ErrorType { return ErrorTypeRuntimeExit }

// Result returns {"errorType":"Runtime.ExitError","errorMessage":"RequestId: ... Error: Runtime exited with error: exit status 1"}.
func (e *ExitError) Result() *Result {
	return &Result{Payload: errorPayload(ErrorTypeRuntimeExit, e.Error()), FunctionError: FunctionUnhandled,
		ErrorType: ErrorTypeRuntimeExit, ContentType: "application/json"}
}

// TimeoutError reports that the context of Invoke or WaitInit ended before
// the runtime answered. The environment is left running something and must
// be killed.
type TimeoutError struct {
	RequestID string        // "" for the init phase
	Timeout   time.Duration // from the start of the call to its deadline (0 when unknown)
	Err       error         // ctx.Err(): context.DeadlineExceeded or context.Canceled
}

func (e *TimeoutError) Error() string {
	msg := "Task timed out"
	if e.Timeout > 0 {
		msg += fmt.Sprintf(" after %.2f seconds", e.Timeout.Seconds())
	}
	if e.RequestID == "" {
		return "Error: " + msg
	}
	return "RequestId: " + e.RequestID + " Error: " + msg
}

// Unwrap returns the context's error.
func (e *TimeoutError) Unwrap() error { return e.Err }

// ErrorType returns Sandbox.Timedout.
func (e *TimeoutError) ErrorType() ErrorType { return ErrorTypeSandboxTimedout }

// Result returns {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ... Error: Task timed out after 3.00 seconds"}.
func (e *TimeoutError) Result() *Result {
	return &Result{Payload: errorPayload(ErrorTypeSandboxTimedout, e.Error()), FunctionError: FunctionUnhandled,
		ErrorType: ErrorTypeSandboxTimedout, ContentType: "application/json"}
}

// errorPayload renders {"errorType":..,"errorMessage":..} in Lambda's key
// order for service-generated function errors.
func errorPayload(t ErrorType, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    ErrorType `json:"errorType"`
		ErrorMessage string    `json:"errorMessage"`
	}{t, msg})
	return b
}
