package store

import (
	"context"
	"time"
)

// LayerStore persists Lambda layers: each layer is a name within an account
// and region with numbered, immutable versions. Version numbers are never
// reused: deleting versions (even all of them) does not reset the layer's
// counter, as on Lambda.
type LayerStore interface {
	// LayerVersionCreate allocates the layer's next version number (1 for a
	// new name), inserts the version with Revision 1 and CreatedAt now, and
	// returns it. Concurrent creates of one layer get distinct numbers.
	LayerVersionCreate(ctx context.Context, params *LayerVersionCreateParams) (*LayerVersionRow, error)

	// LayerVersionDelete removes one version and returns the row as it was,
	// or ErrNotFound. The layer's version counter is kept.
	LayerVersionDelete(ctx context.Context, params *LayerVersionGetParams) (*LayerVersionRow, error)

	// LayerVersionGet returns one version, or ErrNotFound.
	LayerVersionGet(ctx context.Context, params *LayerVersionGetParams) (*LayerVersionRow, error)

	// LayerVersionList returns one page of a layer's versions, newest first.
	// An unknown layer has no versions. See LayerVersionListParams.
	LayerVersionList(ctx context.Context, params *LayerVersionListParams) (*LayerVersionListResult, error)

	// LayerVersionUpdate replaces a version's Spec if its Revision still
	// equals ExpectedRevision, increments Revision and returns the new row.
	// It returns ErrNotFound when there is no such version and ErrConflict
	// when the Revision differs. Everything but Spec is immutable.
	LayerVersionUpdate(ctx context.Context, params *LayerVersionUpdateParams) (*LayerVersionRow, error)

	// LayerList returns one page of an account and region's layers that have
	// at least one version matching the filters, in ascending byte order of
	// name, each with its newest matching version. See LayerListParams.
	LayerList(ctx context.Context, params *LayerListParams) (*LayerListResult, error)
}

// LayerVersionRow is one version of a layer. Spec is owned by the Lambda
// service (description, license, content size, policy, ...); the store only
// requires it to be a JSON document. The compatibility lists are columns so
// that listings can filter on them.
type LayerVersionRow struct {
	Account                 string
	Region                  string
	Name                    string
	Version                 int64 // the layer version number: 1, 2, ...
	LayerARN                string
	ARN                     string // LayerARN + ":" + Version
	Spec                    []byte // JSON document
	CodeSHA256              string
	CompatibleRuntimes      []string // never nil
	CompatibleArchitectures []string // never nil
	Revision                int64    // 1 on create, +1 per update
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// LayerVersionCreateParams are the parameters of LayerVersionCreate. The
// store appends ":<version>" to LayerARN to make the version's ARN.
type LayerVersionCreateParams struct {
	Account                 string
	Region                  string
	Name                    string
	LayerARN                string
	Spec                    []byte // must be valid JSON
	CodeSHA256              string
	CompatibleRuntimes      []string
	CompatibleArchitectures []string
}

// LayerVersionGetParams address one layer version.
type LayerVersionGetParams struct {
	Account string
	Region  string
	Name    string
	Version int64
}

// LayerVersionUpdateParams are the parameters of LayerVersionUpdate.
type LayerVersionUpdateParams struct {
	Account string
	Region  string
	Name    string
	Version int64

	// ExpectedRevision is the Revision the caller read.
	ExpectedRevision int64

	Spec []byte // must be valid JSON
}

// LayerFilter selects versions by compatibility; an empty field matches
// every version, a set one only versions whose list contains it.
type LayerFilter struct {
	CompatibleRuntime      string
	CompatibleArchitecture string
}

// LayerVersionListParams select one page of a layer's versions.
type LayerVersionListParams struct {
	Account string
	Region  string
	Name    string
	LayerFilter

	// Before is the cursor: only versions strictly lower than Before are
	// returned; 0 starts at the newest. Pass the previous result's Next to
	// continue.
	Before int64

	// Limit is the page size; see ListLimit.
	Limit int
}

// LayerVersionListResult is one page of layer versions.
type LayerVersionListResult struct {
	Versions []*LayerVersionRow

	// Next is the cursor for the following page, 0 when this page is the
	// last one.
	Next int64
}

// LayerListParams select one page of layers.
type LayerListParams struct {
	Account string
	Region  string
	LayerFilter

	// After is the cursor: only names strictly greater than After (byte
	// order) are returned. Empty starts at the beginning.
	After string

	// Limit is the page size; see ListLimit.
	Limit int
}

// LayerListResult is one page of layers: the newest matching version of
// each.
type LayerListResult struct {
	Latest []*LayerVersionRow

	// Next is the cursor for the following page, or empty when this page is
	// the last one.
	Next string
}
