package lambdaapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gureum-dev/gureum/internal/awsapi"
)

// Payload limits of Invoke.
const (
	MaxSyncPayload  = 6 * 1024 * 1024 // RequestResponse and DryRun: 6 MB
	MaxAsyncPayload = 256 * 1024      // Event: 256 KB
)

// errInvokeUnavailable is returned for a function that exists while the
// invoke path is not built yet (functions cannot be created before it is).
var errInvokeUnavailable = errors.New("invoke is not available in this build")

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
	if _, err := a.svc.GetFunction(r.Context(), scope(r), ref); err != nil {
		return serviceError(err)
	}
	return awsapi.NewError(awsapi.LambdaService, "%v", errInvokeUnavailable)
}
