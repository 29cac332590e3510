package lambdaapi

import (
	"net/http"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

type getFunctionOutput struct {
	Configuration *lambda.FunctionConfiguration `json:"Configuration"`
}

// GET /2015-03-31/functions/{name}?Qualifier=
func (a *API) getFunction(w http.ResponseWriter, r *awsapi.Request) error {
	cfg, err := a.lookup(r)
	if err != nil {
		return err
	}
	return awsapi.WriteJSON(w, http.StatusOK, awsapi.ContentTypeJSON, getFunctionOutput{Configuration: cfg})
}

// GET /2015-03-31/functions/{name}/configuration?Qualifier=
func (a *API) getFunctionConfiguration(w http.ResponseWriter, r *awsapi.Request) error {
	cfg, err := a.lookup(r)
	if err != nil {
		return err
	}
	return awsapi.WriteJSON(w, http.StatusOK, awsapi.ContentTypeJSON, cfg)
}

func (a *API) lookup(r *awsapi.Request) (*lambda.FunctionConfiguration, error) {
	ref, err := functionRef(r)
	if err != nil {
		return nil, err
	}
	if q := r.URL.Query().Get("Qualifier"); q != "" {
		ref.Qualifier = q
	}
	cfg, err := a.svc.GetFunction(r.Context(), scope(r), ref)
	if err != nil {
		return nil, serviceError(err)
	}
	return cfg, nil
}
