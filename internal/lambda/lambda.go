// Package lambda is the Lambda service: functions, their configuration and
// code, versions, aliases, permissions, concurrency, invocation and the pool
// of sandboxes that runs them. Its methods take and return the service's own
// types (shaped like Lambda's API documents them); awsapi/lambdaapi turns
// them into the wire protocol.
//
// A function is one store row whose Spec is a functionDoc: $LATEST's
// configuration, the published versions, aliases, the resource policy, tags
// and concurrency settings. Every change is a read-modify-write fenced by the
// row's Version (optimistic concurrency), retried on conflict.
package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// ErrInvalidName is returned by ParseFunctionRef.
var ErrInvalidName = errors.New("invalid function name")

// Scope is the account and region a request acts in.
type Scope struct {
	Account string
	Region  string
}

// Options configure the service.
type Options struct {
	// DataDir holds function code (content-addressed zips and their unpacked
	// trees).
	DataDir string
	// Runtimes says which runtimes this host can run; nil accepts every
	// runtime Lambda knows (used by tests that never invoke).
	Runtimes func(runtime string) error
	// GoCommand is the go command that builds Go source for provided
	// runtimes; "go" (looked up in PATH) when empty.
	GoCommand string
	// PidsMax caps each environment's processes and threads; 0 is the
	// sandbox's default (1024, Lambda's quota).
	PidsMax int
	Logger  *slog.Logger
	Now     func() time.Time
	// Logs receives each invocation's log events (the server passes the
	// CloudWatch Logs writer); nil keeps them only for LogType Tail.
	Logs LogSink
	// Metrics records per-function invocation metrics; nil records none.
	Metrics *Metrics
	// WaitScale multiplies the real waiting of asynchronous invocations'
	// retries and divides their age (the server's --wait-scale): 1 is
	// Lambda's timing, 0.01 runs a one-minute retry after 0.6 s, 0 retries
	// at once and ages events in real time.
	WaitScale float64
}

// LogSink takes functions' log events. Append must not block on I/O: it is
// called on every invocation's path.
type LogSink interface {
	Append(store.LogEventBatch)
}

// Service is the Lambda service.
type Service struct {
	store store.Store
	code  *codeStore
	opts  Options
	log   *slog.Logger
	pool  *pool
	docs  *docCache

	mu       sync.Mutex
	endpoint string

	goBuilds goBuilds // background Go builds (gobuild.go)
	optDirs  sync.Map // environment key -> host directory of its /opt (layer.go)
	events   EventQueue
}

// New returns a Lambda service over st.
func New(st store.Store, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cs, err := newCodeStore(opts.DataDir)
	if err != nil {
		return nil, err
	}
	return &Service{store: st, code: cs, opts: opts, log: opts.Logger, pool: newPool(), docs: newDocCache(st.Driver())}, nil
}

// FunctionRef is a parsed FunctionName parameter: a name, a full ARN or a
// partial ARN ("123456789012:function:name"), each with an optional
// qualifier.
type FunctionRef struct {
	Name      string
	Qualifier string
	Account   string // empty when not given
	Region    string // empty when not given
}

// FunctionNamePattern is Lambda's pattern for the FunctionName parameter.
const FunctionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`

var functionNameRE = regexp.MustCompile(`^` + FunctionNamePattern + `$`)

// ParseFunctionRef parses a FunctionName parameter.
func ParseFunctionRef(s string) (FunctionRef, error) {
	m := functionNameRE.FindStringSubmatch(s)
	if m == nil || len(s) > 170 {
		return FunctionRef{}, fmt.Errorf("%w: %q", ErrInvalidName, s)
	}
	ref := FunctionRef{
		Region:    strings.TrimSuffix(m[3], ":"),
		Account:   strings.TrimSuffix(m[5], ":"),
		Name:      m[7],
		Qualifier: m[9],
	}
	if len(ref.Name) > 64 || strings.Contains(ref.Name, ".") {
		return FunctionRef{}, fmt.Errorf("%w: %q", ErrInvalidName, s)
	}
	return ref, nil
}

func (r FunctionRef) in(sc Scope) Scope {
	if r.Account != "" {
		sc.Account = r.Account
	}
	if r.Region != "" {
		sc.Region = r.Region
	}
	return sc
}

// FunctionARN is the unqualified ARN of name in scope.
func FunctionARN(sc Scope, name string) string { return arn.Lambda(sc.Region, sc.Account, name, "") }

func notFound(sc Scope, name string) *Error {
	return errorf(KindResourceNotFound, "Function not found: %s", FunctionARN(sc, name))
}

// load reads a function's row and document.
func (s *Service) load(ctx context.Context, sc Scope, name string) (*store.FunctionRow, *functionDoc, error) {
	row, err := s.store.FunctionGet(ctx, &store.FunctionGetParams{Account: sc.Account, Region: sc.Region, Name: name})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound(sc, name)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get function %s: %w", name, err)
	}
	var doc functionDoc
	if err := json.Unmarshal(row.Spec, &doc); err != nil {
		return nil, nil, fmt.Errorf("function %s: corrupt spec: %w", name, err)
	}
	s.resumeGoBuild(sc, name, &doc)
	return row, &doc, nil
}

// update applies fn to the function's document and saves it, retrying when
// another writer got there first. fn may return an error to abort.
func (s *Service) update(ctx context.Context, sc Scope, name string, fn func(doc *functionDoc) error) (*functionDoc, error) {
	for attempt := 0; ; attempt++ {
		row, doc, err := s.load(ctx, sc, name)
		if err != nil {
			return nil, err
		}
		if err := fn(doc); err != nil {
			return nil, err
		}
		spec, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		_, err = s.store.FunctionUpdate(ctx, &store.FunctionUpdateParams{Account: sc.Account, Region: sc.Region, Name: name,
			ExpectedVersion: row.Version, Spec: spec, CodeSHA256: doc.Latest.CodeSha256, RevisionID: doc.Latest.RevisionID})
		s.docs.forget(sc, name)
		switch {
		case err == nil:
			return doc, nil
		case errors.Is(err, store.ErrConflict) && attempt < 20:
			continue
		case errors.Is(err, store.ErrNotFound):
			return nil, notFound(sc, name)
		default:
			return nil, fmt.Errorf("update function %s: %w", name, err)
		}
	}
}

// ListFunctions returns one page of the scope's functions ($LATEST
// configurations), ordered by name, and the marker of the next page.
func (s *Service) ListFunctions(ctx context.Context, sc Scope, marker string, maxItems int) ([]*FunctionConfiguration, string, error) {
	after, err := pagetoken.Decode(marker)
	if err != nil {
		return nil, "", errorf(KindInvalidParameterValue, "Invalid Marker")
	}
	res, err := s.store.FunctionList(ctx, &store.FunctionListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: maxItems})
	if err != nil {
		return nil, "", fmt.Errorf("list functions: %w", err)
	}
	out := make([]*FunctionConfiguration, 0, len(res.Functions))
	for _, row := range res.Functions {
		var doc functionDoc
		if err := json.Unmarshal(row.Spec, &doc); err != nil {
			return nil, "", fmt.Errorf("function %s: corrupt spec: %w", row.Name, err)
		}
		c := doc.Latest
		out = append(out, &c)
	}
	return out, pagetoken.Encode(res.Next), nil
}

// listDocs returns one page of the scope's function documents.
func (s *Service) listDocs(ctx context.Context, sc Scope, after string) ([]*functionDoc, string, error) {
	res, err := s.store.FunctionList(ctx, &store.FunctionListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: store.MaxListLimit})
	if err != nil {
		return nil, "", fmt.Errorf("list functions: %w", err)
	}
	out := make([]*functionDoc, 0, len(res.Functions))
	for _, row := range res.Functions {
		var doc functionDoc
		if err := json.Unmarshal(row.Spec, &doc); err != nil {
			return nil, "", fmt.Errorf("function %s: corrupt spec: %w", row.Name, err)
		}
		out = append(out, &doc)
	}
	return out, res.Next, nil
}
