package lambdaapi

import (
	"net/http"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

// POST /2015-03-31/functions
func (a *API) createFunction(w http.ResponseWriter, r *awsapi.Request) error {
	var in lambda.CreateFunctionInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	if in.FunctionName == "" {
		return validation("functionName", "null", "Member must not be null")
	}
	c, err := a.svc.CreateFunction(r.Context(), scope(r), &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, c)
}

type listFunctionsOutput struct {
	Functions  []*lambda.FunctionConfiguration `json:"Functions"`
	NextMarker *string                         `json:"NextMarker"`
}

// GET /2015-03-31/functions/?Marker=&MaxItems=&FunctionVersion=
func (a *API) listFunctions(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := maxItems(r, 50)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if v := q.Get("FunctionVersion"); v != "" && v != "ALL" {
		return validation("functionVersion", v, "Member must satisfy enum value set: [ALL]")
	}
	fns, next, err := a.svc.ListFunctions(r.Context(), scope(r), q.Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listFunctionsOutput{Functions: fns}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}

type codeLocation struct {
	RepositoryType string `json:"RepositoryType"`
	Location       string `json:"Location"`
}

type getFunctionOutput struct {
	Configuration *lambda.FunctionConfiguration `json:"Configuration"`
	Code          codeLocation                  `json:"Code"`
	Tags          map[string]string             `json:"Tags,omitempty"`
	Concurrency   *concurrency                  `json:"Concurrency,omitempty"`
}

// GET /2015-03-31/functions/{name}?Qualifier=
func (a *API) getFunction(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	d, err := a.svc.GetFunction(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	out := getFunctionOutput{Configuration: d.Configuration, Tags: d.Tags}
	if d.CodeSHA256Hex != "" {
		out.Code = codeLocation{RepositoryType: "S3", Location: "http://" + r.Host + "/_gureum/code/" + d.CodeSHA256Hex + ".zip"}
	} else {
		out.Code = codeLocation{RepositoryType: "S3", Location: "file://" + d.HotReloadDir}
	}
	if d.Reserved != nil {
		out.Concurrency = &concurrency{ReservedConcurrentExecutions: d.Reserved}
	}
	return writeJSON(w, http.StatusOK, out)
}

// GET /2015-03-31/functions/{name}/configuration?Qualifier=
func (a *API) getFunctionConfiguration(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	d, err := a.svc.GetFunction(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, d.Configuration)
}

// PUT /2015-03-31/functions/{name}/configuration
func (a *API) updateFunctionConfiguration(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.UpdateFunctionConfigurationInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	c, err := a.svc.UpdateFunctionConfiguration(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// PUT /2015-03-31/functions/{name}/code
func (a *API) updateFunctionCode(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.UpdateFunctionCodeInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	c, err := a.svc.UpdateFunctionCode(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, c)
}

// DELETE /2015-03-31/functions/{name}?Qualifier=
func (a *API) deleteFunction(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteFunction(r.Context(), scope(r), ref); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}
