// Package lambdaapi serves the Lambda REST-JSON API: one file per operation,
// each turning the wire request into a call on the lambda service and the
// result (or error) back into Lambda's wire shapes.
package lambdaapi

import (
	"errors"
	"fmt"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

// API holds the Lambda service the operations call.
type API struct {
	svc *lambda.Service
}

// Register adds the Lambda operations to mux.
func Register(mux *awsapi.Mux, svc *lambda.Service) {
	a := &API{svc: svc}
	op := func(name string, h awsapi.HandlerFunc) *awsapi.Operation {
		return &awsapi.Operation{Service: "lambda", Name: name, Protocol: awsapi.RESTJSON, Handler: h}
	}
	list := op("ListFunctions", a.listFunctions)
	mux.HandleREST("GET /2015-03-31/functions", list)     // the Go SDK's path
	mux.HandleREST("GET /2015-03-31/functions/{$}", list) // botocore's path
	mux.HandleREST("GET /2015-03-31/functions/{name}", op("GetFunction", a.getFunction))
	mux.HandleREST("GET /2015-03-31/functions/{name}/configuration", op("GetFunctionConfiguration", a.getFunctionConfiguration))
	invoke := op("Invoke", a.invoke)
	invoke.MaxBody = MaxSyncPayload
	invoke.TooLarge = func(limit int64) *awsapi.Error {
		return awsapi.NewError(awsapi.LambdaRequestTooLarge, "Request must be smaller than %d bytes for the InvokeFunction operation", limit)
	}
	mux.HandleREST("POST /2015-03-31/functions/{name}/invocations", invoke)
}

// validation builds Lambda's ValidationException for one field.
func validation(field, value, constraint string) *awsapi.Error {
	return awsapi.NewError(awsapi.LambdaValidation,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// functionRef parses the {name} path parameter.
func functionRef(r *awsapi.Request) (lambda.FunctionRef, error) {
	name := r.PathValue("name")
	ref, err := lambda.ParseFunctionRef(name)
	if err != nil {
		return ref, validation("functionName", name, "Member must satisfy regular expression pattern: "+lambda.FunctionNamePattern)
	}
	return ref, nil
}

func scope(r *awsapi.Request) lambda.Scope { return lambda.Scope{Account: r.Account, Region: r.Region} }

// serviceError maps the service's errors to Lambda's wire errors; anything
// unknown is returned as is and becomes a 500 ServiceException.
func serviceError(err error) error {
	switch {
	case errors.Is(err, lambda.ErrFunctionNotFound):
		return awsapi.NewError(awsapi.LambdaResourceNotFound, "Function not found: %s", trimSentinel(err, lambda.ErrFunctionNotFound))
	case errors.Is(err, lambda.ErrInvalidMarker):
		return awsapi.NewError(awsapi.LambdaInvalidParameterValue, "Invalid Marker")
	}
	return err
}

// trimSentinel returns the detail that follows "sentinel: " in err's text.
func trimSentinel(err, sentinel error) string {
	s := err.Error()
	prefix := fmt.Sprintf("%s: ", sentinel)
	for i := 0; i+len(prefix) <= len(s); i++ {
		if s[i:i+len(prefix)] == prefix {
			return s[i+len(prefix):]
		}
	}
	return s
}
