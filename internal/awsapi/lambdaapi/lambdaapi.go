// Package lambdaapi serves the Lambda REST-JSON API: one file per operation
// (or per small family of operations), each turning the wire request into a
// call on the lambda service and the result (or error) back into Lambda's
// wire shapes. Errors are mapped in one place, serviceError.
package lambdaapi

import (
	"errors"
	"net/http"
	"strconv"

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
	const fn = "/2015-03-31/functions/{name}"
	list := op("ListFunctions", a.listFunctions)
	mux.HandleREST("GET /2015-03-31/functions", list)     // the Go SDK's path
	mux.HandleREST("GET /2015-03-31/functions/{$}", list) // botocore's path
	mux.HandleREST("POST /2015-03-31/functions", op("CreateFunction", a.createFunction))
	mux.HandleREST("POST /2015-03-31/functions/{$}", op("CreateFunction", a.createFunction))
	mux.HandleREST("GET "+fn, op("GetFunction", a.getFunction))
	mux.HandleREST("DELETE "+fn, op("DeleteFunction", a.deleteFunction))
	mux.HandleREST("GET "+fn+"/configuration", op("GetFunctionConfiguration", a.getFunctionConfiguration))
	mux.HandleREST("PUT "+fn+"/configuration", op("UpdateFunctionConfiguration", a.updateFunctionConfiguration))
	mux.HandleREST("PUT "+fn+"/code", op("UpdateFunctionCode", a.updateFunctionCode))
	mux.HandleREST("POST "+fn+"/versions", op("PublishVersion", a.publishVersion))
	mux.HandleREST("GET "+fn+"/versions", op("ListVersionsByFunction", a.listVersionsByFunction))
	mux.HandleREST("POST "+fn+"/aliases", op("CreateAlias", a.createAlias))
	mux.HandleREST("GET "+fn+"/aliases", op("ListAliases", a.listAliases))
	mux.HandleREST("GET "+fn+"/aliases/{alias}", op("GetAlias", a.getAlias))
	mux.HandleREST("PUT "+fn+"/aliases/{alias}", op("UpdateAlias", a.updateAlias))
	mux.HandleREST("DELETE "+fn+"/aliases/{alias}", op("DeleteAlias", a.deleteAlias))
	mux.HandleREST("POST "+fn+"/policy", op("AddPermission", a.addPermission))
	mux.HandleREST("GET "+fn+"/policy", op("GetPolicy", a.getPolicy))
	mux.HandleREST("DELETE "+fn+"/policy/{sid}", op("RemovePermission", a.removePermission))
	mux.HandleREST("PUT /2017-10-31/functions/{name}/concurrency", op("PutFunctionConcurrency", a.putFunctionConcurrency))
	mux.HandleREST("DELETE /2017-10-31/functions/{name}/concurrency", op("DeleteFunctionConcurrency", a.deleteFunctionConcurrency))
	mux.HandleREST("GET /2019-09-30/functions/{name}/concurrency", op("GetFunctionConcurrency", a.getFunctionConcurrency))
	mux.HandleREST("GET /2016-08-19/account-settings", op("GetAccountSettings", a.getAccountSettings))
	mux.HandleREST("GET /2016-08-19/account-settings/{$}", op("GetAccountSettings", a.getAccountSettings))
	mux.HandleREST("POST /2017-03-31/tags/{arn}", op("TagResource", a.tagResource))
	mux.HandleREST("DELETE /2017-03-31/tags/{arn}", op("UntagResource", a.untagResource))
	mux.HandleREST("GET /2017-03-31/tags/{arn}", op("ListTags", a.listTags))
	invoke := op("Invoke", a.invoke)
	invoke.MaxBody = MaxSyncPayload
	invoke.TooLarge = func(limit int64) *awsapi.Error {
		return awsapi.NewError(awsapi.LambdaRequestTooLarge, "Request must be smaller than %d bytes for the InvokeFunction operation", limit)
	}
	mux.HandleREST("POST "+fn+"/invocations", invoke)
	registerLayers(mux, a, op)
	a.registerEventConfig(mux, op)
}

// validation builds Lambda's ValidationException for one field.
func validation(field, value, constraint string) *awsapi.Error {
	return awsapi.NewError(awsapi.LambdaValidation,
		"1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

// functionRef parses the {name} path parameter, with the Qualifier query
// parameter when present.
func functionRef(r *awsapi.Request) (lambda.FunctionRef, error) {
	name := r.PathValue("name")
	ref, err := lambda.ParseFunctionRef(name)
	if err != nil {
		return ref, validation("functionName", name, "Member must satisfy regular expression pattern: "+lambda.FunctionNamePattern)
	}
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		if ref.Qualifier != "" && ref.Qualifier != q {
			return ref, awsapi.NewError(awsapi.LambdaInvalidParameterValue, "The derived qualifier from the function name does not match the specified qualifier.")
		}
		ref.Qualifier = q
	}
	return ref, nil
}

func scope(r *awsapi.Request) lambda.Scope { return lambda.Scope{Account: r.Account, Region: r.Region} }

// maxItems reads the MaxItems query parameter (1–10000).
func maxItems(r *awsapi.Request, def int) (int, error) {
	s := r.URL.Query().Get("MaxItems")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, validation("maxItems", s, "Member must be an integer")
	case n < 1:
		return 0, validation("maxItems", s, "Member must have value greater than or equal to 1")
	case n > 10000:
		return 0, validation("maxItems", s, "Member must have value less than or equal to 10000")
	}
	return n, nil
}

var kinds = map[lambda.ErrorKind]*awsapi.Kind{
	lambda.KindResourceNotFound:      awsapi.LambdaResourceNotFound,
	lambda.KindResourceConflict:      awsapi.LambdaResourceConflict,
	lambda.KindInvalidParameterValue: awsapi.LambdaInvalidParameterValue,
	lambda.KindValidation:            awsapi.LambdaValidation,
	lambda.KindPreconditionFailed:    awsapi.LambdaPreconditionFailed,
	lambda.KindTooManyRequests:       awsapi.LambdaTooManyRequests,
	lambda.KindRequestTooLarge:       awsapi.LambdaRequestTooLarge,
	lambda.KindPolicyLengthExceeded:  awsapi.LambdaPolicyLengthExceeded,
	lambda.KindServiceUnavailable:    awsapi.LambdaService,
	lambda.KindAccessDenied:          awsapi.LambdaAccessDenied,
}

// serviceError maps the service's errors to Lambda's wire errors; anything
// else is internal and becomes a 500 ServiceException.
func serviceError(err error) error {
	var le *lambda.Error
	if errors.As(err, &le) {
		if k, ok := kinds[le.Kind]; ok {
			e := awsapi.NewError(k, "%s", le.Message)
			if le.Reason != "" {
				e = e.With("Reason", le.Reason)
			}
			return e
		}
	}
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	return awsapi.WriteJSON(w, status, awsapi.ContentTypeJSON, v)
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// AsAPIError returns the Lambda wire error a service error becomes, or nil
// for an internal error. Step Functions uses it to report a failed Lambda
// call the way AWS's task integrations do.
func AsAPIError(err error) *awsapi.Error {
	var ae *awsapi.Error
	if errors.As(serviceError(err), &ae) {
		return ae
	}
	return nil
}
