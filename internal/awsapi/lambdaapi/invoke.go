package lambdaapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

// Payload limits of Invoke.
const (
	MaxSyncPayload  = 6 * 1024 * 1024 // RequestResponse and DryRun: 6 MB
	MaxAsyncPayload = 256 * 1024      // Event: 256 KB
)

// POST /2015-03-31/functions/{name}/invocations?Qualifier=
// Headers: X-Amz-Invocation-Type, X-Amz-Log-Type, X-Amz-Client-Context.
func (a *API) invoke(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	invType := r.Header.Get("X-Amz-Invocation-Type")
	switch invType {
	case "", "RequestResponse", "DryRun":
	case "Event":
		if len(r.Body) > MaxAsyncPayload {
			return awsapi.NewError(awsapi.LambdaRequestTooLarge, "Request must be smaller than %d bytes for the InvokeFunction operation", MaxAsyncPayload)
		}
	default:
		return validation("invocationType", invType, "Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	if lt := r.Header.Get("X-Amz-Log-Type"); lt != "" && lt != "None" && lt != "Tail" {
		return validation("logType", lt, "Member must satisfy enum value set: [None, Tail]")
	}
	if len(r.Body) > 0 && !json.Valid(r.Body) {
		return awsapi.NewError(awsapi.LambdaInvalidRequestContent, "Could not parse request body into json: Could not parse payload into json: Unexpected character: was expecting a JSON value")
	}
	out, err := a.svc.Invoke(r.Context(), scope(r), &lambda.InvokeInput{Ref: ref, Payload: r.Body, InvocationType: invType,
		LogType: r.Header.Get("X-Amz-Log-Type"), ClientContext: r.Header.Get("X-Amz-Client-Context"), RequestID: r.ID})
	if err != nil {
		return serviceError(err)
	}
	h := w.Header()
	h.Set("X-Amz-Executed-Version", out.ExecutedVersion)
	if out.FunctionError != "" {
		h.Set("X-Amz-Function-Error", out.FunctionError)
	}
	if out.LogResult != "" {
		h.Set("X-Amz-Log-Result", out.LogResult)
	}
	if out.StatusCode != http.StatusOK {
		w.WriteHeader(out.StatusCode)
		return nil
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(out.Payload)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out.Payload)
	return err
}
