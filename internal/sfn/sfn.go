// Package sfn is the Step Functions service: state machines, executions and
// their history, the durable executor, timers, activities and task tokens.
// It runs definitions with package asl and reaches Lambda only through the
// Invoker interface it declares. awsapi/sfnapi turns its types into the wire
// protocol.
package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Errors returned by the service.
var (
	ErrStateMachineNotFound = errors.New("state machine does not exist")
	ErrInvalidArn           = errors.New("invalid ARN")
	ErrInvalidToken         = errors.New("invalid token")
	ErrExecutionsDisabled   = errors.New("executions are not available in this build")
)

// Limits from the Step Functions quotas.
const (
	MaxNameLength = 80
	MaxInputBytes = 256 * 1024 // execution input, state input/output
)

// Scope is the account and region a request acts in.
type Scope struct {
	Account string
	Region  string
}

// Service is the Step Functions service.
type Service struct {
	store store.Store
	log   *slog.Logger
}

// New returns a Step Functions service over st.
func New(st store.Store, log *slog.Logger) *Service {
	return &Service{store: st, log: log}
}

// StateMachine is a state machine as DescribeStateMachine reports it.
type StateMachine struct {
	StateMachineArn string    `json:"stateMachineArn"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	Definition      string    `json:"definition"`
	RoleArn         string    `json:"roleArn"`
	Type            string    `json:"type"`
	CreationDate    time.Time `json:"-"`
}

// StateMachineListItem is one entry of ListStateMachines.
type StateMachineListItem struct {
	StateMachineArn string
	Name            string
	Type            string
	CreationDate    time.Time
}

var nameRE = regexp.MustCompile(`^[^\s<>{}\[\]?*"#%\\^|~` + "`" + `$&,;:/\x00-\x1f\x7f-\x9f]{1,80}$`)

// ValidName reports whether s is a valid state machine / execution name
// (1–80 characters, none of whitespace, brackets, wildcards, special
// characters or control characters). Unicode letters, Korean included, are
// valid.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// ParseStateMachineArn checks s is a state machine ARN and returns its scope
// and name.
func ParseStateMachineArn(s string) (Scope, string, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || a.Account == "" {
		return Scope{}, "", fmt.Errorf("%w: %s", ErrInvalidArn, s)
	}
	kind, name, ok := cutColon(a.Resource)
	if !ok || kind != "stateMachine" || name == "" {
		return Scope{}, "", fmt.Errorf("%w: %s", ErrInvalidArn, s)
	}
	return Scope{Account: a.Account, Region: a.Region}, name, nil
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// DescribeStateMachine returns the state machine with ARN smArn.
func (s *Service) DescribeStateMachine(ctx context.Context, smArn string) (*StateMachine, error) {
	if _, _, err := ParseStateMachineArn(smArn); err != nil {
		return nil, err
	}
	row, err := s.store.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: smArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrStateMachineNotFound, smArn)
	}
	if err != nil {
		return nil, fmt.Errorf("describe state machine %s: %w", smArn, err)
	}
	var sm StateMachine
	if err := json.Unmarshal(row.Spec, &sm); err != nil {
		return nil, fmt.Errorf("state machine %s: corrupt spec: %w", smArn, err)
	}
	sm.StateMachineArn, sm.Name, sm.Type, sm.CreationDate = row.ARN, row.Name, string(row.Type), row.CreatedAt
	return &sm, nil
}

// ListStateMachines returns one page of the scope's state machines ordered by
// name, and the token of the next page ("" at the end).
func (s *Service) ListStateMachines(ctx context.Context, sc Scope, token string, maxResults int) ([]StateMachineListItem, string, error) {
	after, err := pagetoken.Decode(token)
	if err != nil {
		return nil, "", ErrInvalidToken
	}
	res, err := s.store.StateMachineList(ctx, &store.StateMachineListParams{Account: sc.Account, Region: sc.Region, After: after, Limit: maxResults})
	if err != nil {
		return nil, "", fmt.Errorf("list state machines: %w", err)
	}
	out := make([]StateMachineListItem, 0, len(res.StateMachines))
	for _, r := range res.StateMachines {
		out = append(out, StateMachineListItem{StateMachineArn: r.ARN, Name: r.Name, Type: string(r.Type), CreationDate: r.CreatedAt})
	}
	return out, pagetoken.Encode(res.Next), nil
}

// StartExecutionInput is what StartExecution needs.
type StartExecutionInput struct {
	StateMachineArn string
	Name            string
	Input           string
	TraceHeader     string
}

// StartExecution starts an execution. Until the executor lands (issue 6) it
// resolves the state machine and then reports ErrExecutionsDisabled.
func (s *Service) StartExecution(ctx context.Context, in StartExecutionInput) (string, time.Time, error) {
	if _, err := s.DescribeStateMachine(ctx, in.StateMachineArn); err != nil {
		return "", time.Time{}, err
	}
	return "", time.Time{}, ErrExecutionsDisabled
}
