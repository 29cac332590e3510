package lambdaapi

import (
	"net/http"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

// registerLayers adds the layer operations (API version 2018-10-31).
func registerLayers(mux *awsapi.Mux, a *API, op func(string, awsapi.HandlerFunc) *awsapi.Operation) {
	const layers = "/2018-10-31/layers"
	const version = layers + "/{layer}/versions/{version}"
	list := op("ListLayers", a.listLayers)
	mux.HandleREST("GET "+layers, list)
	mux.HandleREST("GET "+layers+"/{$}", list)
	mux.HandleREST("POST "+layers+"/{layer}/versions", op("PublishLayerVersion", a.publishLayerVersion))
	mux.HandleREST("GET "+layers+"/{layer}/versions", op("ListLayerVersions", a.listLayerVersions))
	mux.HandleREST("GET "+version, op("GetLayerVersion", a.getLayerVersion))
	mux.HandleREST("DELETE "+version, op("DeleteLayerVersion", a.deleteLayerVersion))
	mux.HandleREST("POST "+version+"/policy", op("AddLayerVersionPermission", a.addLayerVersionPermission))
	mux.HandleREST("GET "+version+"/policy", op("GetLayerVersionPolicy", a.getLayerVersionPolicy))
	mux.HandleREST("DELETE "+version+"/policy/{sid}", op("RemoveLayerVersionPermission", a.removeLayerVersionPermission))
}

// layerVersionNumber parses the {version} path parameter.
func layerVersionNumber(r *awsapi.Request) (int64, error) {
	s := r.PathValue("version")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, validation("versionNumber", s, "Member must be a number")
	}
	return n, nil
}

// layerMaxItems reads the MaxItems query parameter of the layer listings
// (1–50).
func layerMaxItems(r *awsapi.Request) (int, error) {
	s := r.URL.Query().Get("MaxItems")
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, validation("maxItems", s, "Member must be an integer")
	case n < 1:
		return 0, validation("maxItems", s, "Member must have value greater than or equal to 1")
	case n > 50:
		return 0, validation("maxItems", s, "Member must have value less than or equal to 50")
	}
	return n, nil
}

func layerFilter(r *awsapi.Request) lambda.LayerFilter {
	q := r.URL.Query()
	return lambda.LayerFilter{CompatibleRuntime: q.Get("CompatibleRuntime"), CompatibleArchitecture: q.Get("CompatibleArchitecture")}
}

// withLocation fills in where the layer's archive can be downloaded: the
// code endpoint of the server the client called, like Code.Location.
func withLocation(r *awsapi.Request, v *lambda.LayerVersion) *lambda.LayerVersion {
	if v.Content != nil && v.CodeHex != "" {
		v.Content.Location = "http://" + r.Host + "/_gureum/code/" + v.CodeHex + ".zip"
	}
	return v
}

// POST /2018-10-31/layers/{layer}/versions
func (a *API) publishLayerVersion(w http.ResponseWriter, r *awsapi.Request) error {
	var in lambda.PublishLayerVersionInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	v, err := a.svc.PublishLayerVersion(r.Context(), scope(r), r.PathValue("layer"), &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, withLocation(r, v))
}

// GET /2018-10-31/layers/{layer}/versions/{version}
func (a *API) getLayerVersion(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerVersionNumber(r)
	if err != nil {
		return err
	}
	v, err := a.svc.GetLayerVersion(r.Context(), scope(r), r.PathValue("layer"), n)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, withLocation(r, v))
}

type listLayersOutput struct {
	Layers     []lambda.LayersListItem `json:"Layers"`
	NextMarker *string                 `json:"NextMarker,omitempty"`
}

// GET /2018-10-31/layers?CompatibleRuntime=&CompatibleArchitecture=&Marker=&MaxItems=
// and GetLayerVersionByArn: GET /2018-10-31/layers?find=LayerVersion&Arn=
func (a *API) listLayers(w http.ResponseWriter, r *awsapi.Request) error {
	q := r.URL.Query()
	if q.Get("find") == "LayerVersion" {
		arn := q.Get("Arn")
		if arn == "" {
			return validation("arn", "null", "Member must not be null")
		}
		v, err := a.svc.GetLayerVersionByArn(r.Context(), scope(r), arn)
		if err != nil {
			return serviceError(err)
		}
		return writeJSON(w, http.StatusOK, withLocation(r, v))
	}
	n, err := layerMaxItems(r)
	if err != nil {
		return err
	}
	items, next, err := a.svc.ListLayers(r.Context(), scope(r), layerFilter(r), q.Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listLayersOutput{Layers: items}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}

type listLayerVersionsOutput struct {
	LayerVersions []lambda.LayerVersionsListItem `json:"LayerVersions"`
	NextMarker    *string                        `json:"NextMarker,omitempty"`
}

// GET /2018-10-31/layers/{layer}/versions?CompatibleRuntime=&CompatibleArchitecture=&Marker=&MaxItems=
func (a *API) listLayerVersions(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerMaxItems(r)
	if err != nil {
		return err
	}
	items, next, err := a.svc.ListLayerVersions(r.Context(), scope(r), r.PathValue("layer"), layerFilter(r), r.URL.Query().Get("Marker"), n)
	if err != nil {
		return serviceError(err)
	}
	out := listLayerVersionsOutput{LayerVersions: items}
	if next != "" {
		out.NextMarker = &next
	}
	return writeJSON(w, http.StatusOK, out)
}

// DELETE /2018-10-31/layers/{layer}/versions/{version}
func (a *API) deleteLayerVersion(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerVersionNumber(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteLayerVersion(r.Context(), scope(r), r.PathValue("layer"), n); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

// POST /2018-10-31/layers/{layer}/versions/{version}/policy?RevisionId=
func (a *API) addLayerVersionPermission(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerVersionNumber(r)
	if err != nil {
		return err
	}
	var in lambda.AddLayerVersionPermissionInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	st, rev, err := a.svc.AddLayerVersionPermission(r.Context(), scope(r), r.PathValue("layer"), n, r.URL.Query().Get("RevisionId"), &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"Statement": st, "RevisionId": rev})
}

// GET /2018-10-31/layers/{layer}/versions/{version}/policy
func (a *API) getLayerVersionPolicy(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerVersionNumber(r)
	if err != nil {
		return err
	}
	policy, rev, err := a.svc.GetLayerVersionPolicy(r.Context(), scope(r), r.PathValue("layer"), n)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"Policy": policy, "RevisionId": rev})
}

// DELETE /2018-10-31/layers/{layer}/versions/{version}/policy/{sid}?RevisionId=
func (a *API) removeLayerVersionPermission(w http.ResponseWriter, r *awsapi.Request) error {
	n, err := layerVersionNumber(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemoveLayerVersionPermission(r.Context(), scope(r), r.PathValue("layer"), n, r.PathValue("sid"), r.URL.Query().Get("RevisionId")); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}
