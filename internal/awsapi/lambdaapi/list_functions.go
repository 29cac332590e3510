package lambdaapi

import (
	"net/http"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

type listFunctionsOutput struct {
	Functions  []*lambda.FunctionConfiguration `json:"Functions"`
	NextMarker *string                         `json:"NextMarker"`
}

// GET /2015-03-31/functions/?Marker=&MaxItems=&FunctionVersion=&MasterRegion=
func (a *API) listFunctions(w http.ResponseWriter, r *awsapi.Request) error {
	q := r.URL.Query()
	maxItems := 50
	if s := q.Get("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return validation("maxItems", s, "Member must be an integer")
		}
		if n < 1 {
			return validation("maxItems", s, "Member must have value greater than or equal to 1")
		}
		if n > 10000 {
			return validation("maxItems", s, "Member must have value less than or equal to 10000")
		}
		maxItems = n
	}
	if v := q.Get("FunctionVersion"); v != "" && v != "ALL" {
		return validation("functionVersion", v, "Member must satisfy enum value set: [ALL]")
	}
	fns, next, err := a.svc.ListFunctions(r.Context(), scope(r), q.Get("Marker"), maxItems)
	if err != nil {
		return serviceError(err)
	}
	out := listFunctionsOutput{Functions: fns}
	if next != "" {
		out.NextMarker = &next
	}
	return awsapi.WriteJSON(w, http.StatusOK, awsapi.ContentTypeJSON, out)
}
