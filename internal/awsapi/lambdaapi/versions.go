package lambdaapi

import (
	"net/http"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

type publishVersionInput struct {
	CodeSha256  string `json:"CodeSha256"`
	Description string `json:"Description"`
	RevisionID  string `json:"RevisionId"`
}

// POST /2015-03-31/functions/{name}/versions
func (a *API) publishVersion(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in publishVersionInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	c, err := a.svc.PublishVersion(r.Context(), scope(r), ref, in.CodeSha256, in.Description, in.RevisionID)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, c)
}

type listVersionsOutput struct {
	Versions   []lambda.FunctionConfiguration `json:"Versions"`
	NextMarker *string                        `json:"NextMarker"`
}

// GET /2015-03-31/functions/{name}/versions?Marker=&MaxItems=
func (a *API) listVersionsByFunction(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	n, err := maxItems(r, 50)
	if err != nil {
		return err
	}
	vs, next, err := a.svc.ListVersionsByFunction(r.Context(), scope(r), ref, r.URL.Query().Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listVersionsOutput{Versions: vs}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}

// POST /2015-03-31/functions/{name}/aliases
func (a *API) createAlias(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.AliasInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	al, err := a.svc.CreateAlias(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, al)
}

// GET /2015-03-31/functions/{name}/aliases/{alias}
func (a *API) getAlias(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	al, err := a.svc.GetAlias(r.Context(), scope(r), ref, r.PathValue("alias"))
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, al)
}

// PUT /2015-03-31/functions/{name}/aliases/{alias}
func (a *API) updateAlias(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.AliasInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	in.Name = r.PathValue("alias")
	al, err := a.svc.UpdateAlias(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, al)
}

// DELETE /2015-03-31/functions/{name}/aliases/{alias}
func (a *API) deleteAlias(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteAlias(r.Context(), scope(r), ref, r.PathValue("alias")); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

type listAliasesOutput struct {
	Aliases    []lambda.AliasConfiguration `json:"Aliases"`
	NextMarker *string                     `json:"NextMarker"`
}

// GET /2015-03-31/functions/{name}/aliases?FunctionVersion=&Marker=&MaxItems=
func (a *API) listAliases(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	n, err := maxItems(r, 50)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	as, next, err := a.svc.ListAliases(r.Context(), scope(r), ref, q.Get("FunctionVersion"), q.Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listAliasesOutput{Aliases: as}
	if out.Aliases == nil {
		out.Aliases = []lambda.AliasConfiguration{}
	}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}
