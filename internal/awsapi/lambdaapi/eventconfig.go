package lambdaapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

// The event invoke configuration operations: asynchronous invocation
// settings per function qualifier.

const eventConfigPath = "/2019-09-25/functions/{name}/event-invoke-config"

func (a *API) registerEventConfig(mux *awsapi.Mux, op func(string, awsapi.HandlerFunc) *awsapi.Operation) {
	mux.HandleREST("PUT "+eventConfigPath, op("PutFunctionEventInvokeConfig", a.putFunctionEventInvokeConfig))
	mux.HandleREST("POST "+eventConfigPath, op("UpdateFunctionEventInvokeConfig", a.updateFunctionEventInvokeConfig))
	mux.HandleREST("GET "+eventConfigPath, op("GetFunctionEventInvokeConfig", a.getFunctionEventInvokeConfig))
	mux.HandleREST("DELETE "+eventConfigPath, op("DeleteFunctionEventInvokeConfig", a.deleteFunctionEventInvokeConfig))
	mux.HandleREST("GET "+eventConfigPath+"/list", op("ListFunctionEventInvokeConfigs", a.listFunctionEventInvokeConfigs))
}

// PUT /2019-09-25/functions/{name}/event-invoke-config?Qualifier=
func (a *API) putFunctionEventInvokeConfig(w http.ResponseWriter, r *awsapi.Request) error {
	return a.writeEventInvokeConfig(w, r, a.svc.PutFunctionEventInvokeConfig)
}

// POST /2019-09-25/functions/{name}/event-invoke-config?Qualifier=
func (a *API) updateFunctionEventInvokeConfig(w http.ResponseWriter, r *awsapi.Request) error {
	return a.writeEventInvokeConfig(w, r, a.svc.UpdateFunctionEventInvokeConfig)
}

type eventConfigWriter func(ctx context.Context, sc lambda.Scope, ref lambda.FunctionRef, in *lambda.EventInvokeConfigInput) (*lambda.FunctionEventInvokeConfig, error)

func (a *API) writeEventInvokeConfig(w http.ResponseWriter, r *awsapi.Request, write eventConfigWriter) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.EventInvokeConfigInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	c, err := write(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// GET /2019-09-25/functions/{name}/event-invoke-config?Qualifier=
func (a *API) getFunctionEventInvokeConfig(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	c, err := a.svc.GetFunctionEventInvokeConfig(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// DELETE /2019-09-25/functions/{name}/event-invoke-config?Qualifier=
func (a *API) deleteFunctionEventInvokeConfig(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteFunctionEventInvokeConfig(r.Context(), scope(r), ref); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

type listEventInvokeConfigsOutput struct {
	FunctionEventInvokeConfigs []lambda.FunctionEventInvokeConfig `json:"FunctionEventInvokeConfigs"`
	NextMarker                 *string                            `json:"NextMarker,omitempty"`
}

// GET /2019-09-25/functions/{name}/event-invoke-config/list?Marker=&MaxItems=
func (a *API) listFunctionEventInvokeConfigs(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	n := lambda.MaxEventInvokeConfigListItems
	if s := r.URL.Query().Get("MaxItems"); s != "" {
		v, err := strconv.Atoi(s)
		switch {
		case err != nil:
			return validation("maxItems", s, "Member must be an integer")
		case v < 1:
			return validation("maxItems", s, "Member must have value greater than or equal to 1")
		case v > lambda.MaxEventInvokeConfigListItems:
			return validation("maxItems", s, "Member must have value less than or equal to "+strconv.Itoa(lambda.MaxEventInvokeConfigListItems))
		}
		n = v
	}
	cs, next, err := a.svc.ListFunctionEventInvokeConfigs(r.Context(), scope(r), ref, r.URL.Query().Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listEventInvokeConfigsOutput{FunctionEventInvokeConfigs: cs}
	if out.FunctionEventInvokeConfigs == nil {
		out.FunctionEventInvokeConfigs = []lambda.FunctionEventInvokeConfig{}
	}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}
