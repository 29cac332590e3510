package awsapi

import (
	"fmt"
)

// Kind is one entry of the AWS error catalogue (errors.json): the wire name,
// HTTP status, fault side and default message.
type Kind struct {
	Code    string
	Status  int
	Fault   string // "User" or "Service": Lambda's "Type" field
	Message string
}

// Error is an error the client sees, in AWS's shape. Services never build
// these: they return sentinel or typed errors, and the operation handlers in
// this package's subpackages map them here.
type Error struct {
	Kind    *Kind
	Message string
	// Fields are extra members of the error body (Lambda's Reason,
	// retryAfterSeconds, ...).
	Fields map[string]any
	// Cause is the internal error, logged but never shown to the client.
	Cause error
}

// NewError builds an Error of kind k. With no format the kind's default
// message is used.
func NewError(k *Kind, format string, args ...any) *Error {
	msg := k.Message
	if format != "" {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Kind: k, Message: msg}
}

func (e *Error) Error() string { return e.Kind.Code + ": " + e.Message }

// Unwrap exposes the internal cause to errors.Is / errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// With returns a copy of e with an extra body field.
func (e *Error) With(key string, v any) *Error {
	c := *e
	c.Fields = make(map[string]any, len(e.Fields)+1)
	for k, v := range e.Fields {
		c.Fields[k] = v
	}
	c.Fields[key] = v
	return &c
}

// Validation builds Step Functions' ValidationException message for a
// single constraint violation, worded as AWS words it:
// "1 validation error detected: Value 'x' at 'name' failed to satisfy
// constraint: Member must have length less than or equal to 80". Sensitive
// values (execution input/output) are left out, as AWS does.
func Validation(field string, value *string, constraint string) *Error {
	v := ""
	if value != nil {
		v = fmt.Sprintf(" '%s'", *value)
	}
	return NewError(SFNValidation, "1 validation error detected: Value%s at '%s' failed to satisfy constraint: %s", v, field, constraint)
}
