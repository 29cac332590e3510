package lambdaapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/lambda"
)

type concurrency struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions,omitempty"`
}

// PUT /2017-10-31/functions/{name}/concurrency
func (a *API) putFunctionConcurrency(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in concurrency
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	if in.ReservedConcurrentExecutions == nil {
		return validation("reservedConcurrentExecutions", "null", "Member must not be null")
	}
	n, err := a.svc.PutFunctionConcurrency(r.Context(), scope(r), ref, *in.ReservedConcurrentExecutions)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: &n})
}

// GET /2019-09-30/functions/{name}/concurrency
func (a *API) getFunctionConcurrency(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	n, err := a.svc.GetFunctionConcurrency(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: n})
}

// DELETE /2017-10-31/functions/{name}/concurrency
func (a *API) deleteFunctionConcurrency(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	if err := a.svc.DeleteFunctionConcurrency(r.Context(), scope(r), ref); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

// GET /2016-08-19/account-settings/
func (a *API) getAccountSettings(w http.ResponseWriter, r *awsapi.Request) error {
	s, err := a.svc.GetAccountSettings(r.Context(), scope(r))
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, s)
}

// POST /2015-03-31/functions/{name}/policy
func (a *API) addPermission(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	var in lambda.AddPermissionInput
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	st, err := a.svc.AddPermission(r.Context(), scope(r), ref, &in)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"Statement": st})
}

// GET /2015-03-31/functions/{name}/policy?Qualifier=
func (a *API) getPolicy(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	p, rev, err := a.svc.GetPolicy(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"Policy": p, "RevisionId": rev})
}

// DELETE /2015-03-31/functions/{name}/policy/{sid}?Qualifier=&RevisionId=
func (a *API) removePermission(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := functionRef(r)
	if err != nil {
		return err
	}
	if err := a.svc.RemovePermission(r.Context(), scope(r), ref, r.PathValue("sid"), r.URL.Query().Get("RevisionId")); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

// tagTarget parses the {arn} of the tagging operations: a function ARN.
func tagTarget(r *awsapi.Request) (lambda.FunctionRef, error) {
	raw, err := url.PathUnescape(r.PathValue("arn"))
	if err != nil || !strings.HasPrefix(raw, "arn:") {
		return lambda.FunctionRef{}, validation("resource", raw, "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
	}
	ref, err := lambda.ParseFunctionRef(raw)
	if err != nil {
		return ref, validation("resource", raw, "Member must satisfy regular expression pattern: "+lambda.FunctionNamePattern)
	}
	return ref, nil
}

type tagsBody struct {
	Tags map[string]string `json:"Tags"`
}

// POST /2017-03-31/tags/{arn}
func (a *API) tagResource(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := tagTarget(r)
	if err != nil {
		return err
	}
	var in tagsBody
	if err := awsapi.DecodeLambdaJSON(r.Body, &in); err != nil {
		return err
	}
	if err := a.svc.TagResource(r.Context(), scope(r), ref, in.Tags); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

// DELETE /2017-03-31/tags/{arn}?tagKeys=a&tagKeys=b
func (a *API) untagResource(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := tagTarget(r)
	if err != nil {
		return err
	}
	if err := a.svc.UntagResource(r.Context(), scope(r), ref, r.URL.Query()["tagKeys"]); err != nil {
		return serviceError(err)
	}
	return noContent(w)
}

// GET /2017-03-31/tags/{arn}
func (a *API) listTags(w http.ResponseWriter, r *awsapi.Request) error {
	ref, err := tagTarget(r)
	if err != nil {
		return err
	}
	tags, err := a.svc.ListTags(r.Context(), scope(r), ref)
	if err != nil {
		return serviceError(err)
	}
	return writeJSON(w, http.StatusOK, tagsBody{Tags: tags})
}
