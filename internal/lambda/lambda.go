// Package lambda is the Lambda service: functions, their configuration and
// code, versions, aliases, invocation and the pool of sandboxes that runs
// them. Its methods take and return the service's own types; awsapi/lambdaapi
// turns them into the wire protocol.
package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Errors returned by the service.
var (
	ErrFunctionNotFound = errors.New("function not found")
	ErrInvalidName      = errors.New("invalid function name")
	ErrInvalidMarker    = errors.New("invalid marker")
)

// Scope is the account and region a request acts in.
type Scope struct {
	Account string
	Region  string
}

// Service is the Lambda service.
type Service struct {
	store store.Store
	log   *slog.Logger
}

// New returns a Lambda service over st.
func New(st store.Store, log *slog.Logger) *Service {
	return &Service{store: st, log: log}
}

// FunctionConfiguration is a function's configuration as Lambda reports it
// (the FunctionConfiguration shape of the API).
type FunctionConfiguration struct {
	FunctionName     string   `json:"FunctionName"`
	FunctionArn      string   `json:"FunctionArn"`
	Runtime          string   `json:"Runtime,omitempty"`
	Role             string   `json:"Role"`
	Handler          string   `json:"Handler,omitempty"`
	CodeSize         int64    `json:"CodeSize"`
	Description      string   `json:"Description"`
	Timeout          int      `json:"Timeout"`
	MemorySize       int      `json:"MemorySize"`
	LastModified     string   `json:"LastModified"`
	CodeSha256       string   `json:"CodeSha256"`
	Version          string   `json:"Version"`
	State            string   `json:"State,omitempty"`
	LastUpdateStatus string   `json:"LastUpdateStatus,omitempty"`
	PackageType      string   `json:"PackageType"`
	Architectures    []string `json:"Architectures"`
	RevisionID       string   `json:"RevisionId"`
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
	if len(ref.Name) > 64 {
		return FunctionRef{}, fmt.Errorf("%w: name longer than 64 characters", ErrInvalidName)
	}
	return ref, nil
}

// resolve fills a ref's account and region from the scope when absent.
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

// GetFunction returns the configuration of the function ref names.
func (s *Service) GetFunction(ctx context.Context, sc Scope, ref FunctionRef) (*FunctionConfiguration, error) {
	sc = ref.in(sc)
	row, err := s.store.FunctionGet(ctx, &store.FunctionGetParams{Account: sc.Account, Region: sc.Region, Name: ref.Name})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrFunctionNotFound, FunctionARN(sc, ref.Name))
	}
	if err != nil {
		return nil, fmt.Errorf("get function %s: %w", ref.Name, err)
	}
	return decodeConfig(row)
}

// ListFunctions returns one page of the scope's functions, ordered by name,
// and the marker of the next page ("" at the end).
func (s *Service) ListFunctions(ctx context.Context, sc Scope, marker string, maxItems int) ([]*FunctionConfiguration, string, error) {
	after, err := pagetoken.Decode(marker)
	if err != nil {
		return nil, "", ErrInvalidMarker
	}
	res, err := s.store.FunctionList(ctx, &store.FunctionListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: maxItems})
	if err != nil {
		return nil, "", fmt.Errorf("list functions: %w", err)
	}
	out := make([]*FunctionConfiguration, 0, len(res.Functions))
	for _, row := range res.Functions {
		c, err := decodeConfig(row)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	return out, pagetoken.Encode(res.Next), nil
}

func decodeConfig(row *store.FunctionRow) (*FunctionConfiguration, error) {
	var c FunctionConfiguration
	if err := json.Unmarshal(row.Spec, &c); err != nil {
		return nil, fmt.Errorf("function %s: corrupt spec: %w", row.Name, err)
	}
	return &c, nil
}
