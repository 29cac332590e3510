package store

import "time"

// FunctionRow is a Lambda function as stored. Spec is owned by the Lambda
// service (runtime, handler, environment, memory size, tags, ...): the store
// requires it to be a JSON document and otherwise never looks inside.
type FunctionRow struct {
	Account    string
	Region     string
	Name       string
	ARN        string
	Spec       []byte // JSON document
	CodeSHA256 string
	RevisionID string
	Version    int64 // 1 on create, +1 per update
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// FunctionCreateParams are the parameters of Store.FunctionCreate.
type FunctionCreateParams struct {
	Account    string
	Region     string
	Name       string
	ARN        string
	Spec       []byte // must be valid JSON
	CodeSHA256 string
	RevisionID string
}

// FunctionGetParams address one function.
type FunctionGetParams struct {
	Account string
	Region  string
	Name    string
}

// FunctionDeleteParams address the function to delete.
type FunctionDeleteParams struct {
	Account string
	Region  string
	Name    string
}

// FunctionUpdateParams are the parameters of Store.FunctionUpdate. Spec,
// CodeSHA256 and RevisionID replace the stored values.
type FunctionUpdateParams struct {
	Account string
	Region  string
	Name    string

	// ExpectedVersion is the Version the caller read. The update applies only
	// if the row still has it; otherwise ErrConflict.
	ExpectedVersion int64

	Spec       []byte // must be valid JSON
	CodeSHA256 string
	RevisionID string
}

// FunctionListParams select one page of functions.
type FunctionListParams struct {
	Account string
	Region  string

	// After is the cursor: only names strictly greater than After (byte
	// order) are returned. Empty starts at the beginning; pass the previous
	// result's Next to continue. A cursor past the last name yields an empty
	// page.
	After string

	// Limit is the page size; see ListLimit for defaults and bounds.
	Limit int
}

// FunctionListResult is one page of functions.
type FunctionListResult struct {
	Functions []*FunctionRow

	// Next is the cursor for the following page, or empty when this page is
	// the last one.
	Next string
}
