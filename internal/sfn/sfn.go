// Package sfn is the Step Functions service: state machines, executions and
// their history, the durable executor and its timers. It runs definitions
// with package asl and reaches Lambda only through the Invoker interface it
// declares. awsapi/sfnapi turns its types into the wire protocol.
//
// # Standard executions
//
// A Standard execution is a row in the store plus its history events. The
// executor advances it in steps: a step is one call into the pure
// interpreter (Start, a task's result, a timer, StopExecution) and everything
// that call produced. The step's events and the execution's new serialized
// state are committed together, fenced by the row's version, and many
// executions' steps share one transaction (group commit, see commit.go).
// Nothing a step did is visible, and no task it scheduled is invoked, before
// that commit; so a crash loses at most the uncommitted step, which is
// replayed from the last committed state. Transitions are therefore
// exactly-once, while a task that was in flight when the process died is
// invoked again after resumption (at-least-once, as on AWS).
//
// Each execution a node runs is leased to it (store.ExecutionRow's lease).
// Wait states and retry backoff become the row's wake time: short waits are
// kept in memory with a timer (the row still carries the wake time), long
// ones release the execution, and a poller claims executions whose wake time
// has come, and those whose owner died (its lease expired), and resumes them
// from their last committed state.
//
// # Express executions
//
// Express executions run in memory with the same interpreter and no history
// (as on AWS, where it goes to logs only): StartSyncExecution answers with the
// result, StartExecution on an Express machine runs it in the background.
package sfn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/store"
)

// Kinds of service errors, wrapped in *Error. awsapi/sfnapi maps each to its
// Step Functions wire error.
var (
	ErrStateMachineNotFound      = errors.New("state machine does not exist")
	ErrStateMachineAlreadyExists = errors.New("state machine already exists")
	ErrStateMachineTypeNotSupp   = errors.New("operation not supported by this type of state machine")
	ErrExecutionNotFound         = errors.New("execution does not exist")
	ErrExecutionAlreadyExists    = errors.New("execution already exists")
	ErrInvalidArn                = errors.New("invalid ARN")
	ErrInvalidResourceType       = errors.New("resource type not valid in this context")
	ErrInvalidName               = errors.New("invalid name")
	ErrInvalidToken              = errors.New("invalid token")
	ErrInvalidExecutionInput     = errors.New("invalid execution input")
	ErrInvalidLogging            = errors.New("invalid logging configuration")
	ErrMissingParameter          = errors.New("missing required parameter")
	ErrResourceNotFound          = errors.New("resource not found")
	ErrTooManyTags               = errors.New("too many tags")
	ErrInvalidMockTestCase       = errors.New("invalid mock test case")
	ErrClosed                    = errors.New("step functions service is closed")
)

// Error is a service error: Kind is one of the Err* values above, Detail
// what AWS's message names (an ARN, a name, a reason).
type Error struct {
	Kind   error
	Detail string
}

func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Detail }

// Unwrap lets errors.Is match Kind.
func (e *Error) Unwrap() error { return e.Kind }

func newError(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// Limits from the Step Functions quotas.
const (
	MaxNameLength = 80
	MaxInputBytes = 256 * 1024 // execution input, state input/output
	MaxTags       = 50
)

// Scope is the account and region a request acts in.
type Scope struct {
	Account string
	Region  string
}

// Options configure the service. The zero value is valid; see each field.
type Options struct {
	// Logger receives the executor's errors. Default: discard.
	Logger *slog.Logger

	// Now is the clock. Default time.Now.
	Now func() time.Time

	// Invoker answers Task states. Default: a TaskInvoker over Lambda.
	// Tasks the service answers itself never reach it: activities
	// (activity.go), states:startExecution (nested.go) and the aws-sdk:sfn
	// callback actions (sdksfn.go).
	Invoker Invoker

	// Lambda runs Lambda functions for the default TaskInvoker. Nil means
	// no function exists: Lambda tasks fail as AWS reports a missing
	// function (Lambda.ResourceNotFoundException), never hang.
	Lambda Lambda

	// MockConfig is the server-wide Step Functions Local mock configuration
	// (--sfn-mock-config): StartExecution with "stateMachineArn#TestCase"
	// answers the test case's mocked states from it.
	MockConfig *sfnmock.Config

	// WaitScale multiplies the real time spent in Wait states, retry
	// backoff, task timeouts and execution timeouts: 1 waits for real, 0 not
	// at all (history still shows the full times: executions keep a virtual
	// clock that runs ahead by what was skipped). With 0, task and execution
	// timeouts are only checked when a Wait or backoff ends.
	WaitScale float64

	// TakeOver releases every lease at start, so that executions a crashed
	// process left behind resume at once instead of when their leases
	// expire. Only for a store no other node uses (SQLite).
	TakeOver bool

	// LeaseTTL is how long an execution stays leased to this node without
	// renewal. Default 30 s.
	LeaseTTL time.Duration

	// PollInterval is how often the executor looks for due executions
	// (released timers, executions of dead nodes). Default 500 ms.
	PollInterval time.Duration

	// MaxHotWait is the longest (real) wait an execution spends in memory;
	// longer waits release it to the store until its wake time. Default 1
	// minute.
	MaxHotWait time.Duration

	// MaxRuns caps the executions the poller keeps in memory at once.
	// Default 10,000.
	MaxRuns int

	// BatchMax and BatchWindow tune group commit: a commit takes up to
	// BatchMax steps, waiting up to BatchWindow for more once the queue is
	// empty. Defaults 512 and 200 µs.
	BatchMax    int
	BatchWindow time.Duration

	// Committers is how many group commits may run at once. Default 1 on
	// SQLite (one writer), 4 on PostgreSQL.
	Committers int

	// Owner names this node in leases. Default: a random UUID.
	Owner string
}

// Service is the Step Functions service.
type Service struct {
	store   store.Store
	log     *slog.Logger
	opts    Options
	now     func() time.Time
	invoker Invoker

	machines machineCache
	smMu     sync.RWMutex
	sms      map[string]*stateMachineEntry // ARN -> parsed row, by version

	exec *executor

	activityWaiters waiters // GetActivityTask calls, by activity ARN (activity.go)
	endWaiters      waiters // nested .sync tasks, by child execution ARN (nested.go)
	pollsStop       chan struct{}
	pollsStopOnce   sync.Once
}

// New returns a Step Functions service over st and starts its executor.
// Call Close to stop it.
func New(st store.Store, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 30 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = 500 * time.Millisecond
	}
	if opts.MaxHotWait <= 0 {
		opts.MaxHotWait = time.Minute
	}
	if opts.MaxRuns <= 0 {
		opts.MaxRuns = 10_000
	}
	if opts.BatchMax <= 0 {
		opts.BatchMax = 512
	}
	if opts.BatchWindow == 0 {
		opts.BatchWindow = 200 * time.Microsecond
	}
	if opts.Committers <= 0 {
		opts.Committers = 1
		if st.Driver() == store.DriverPostgres {
			opts.Committers = 4
		}
	}
	if opts.WaitScale < 0 {
		opts.WaitScale = 0
	}
	if opts.Owner == "" {
		opts.Owner = uuid.NewString()
	}
	s := &Service{store: st, log: opts.Logger, opts: opts, now: opts.Now, sms: map[string]*stateMachineEntry{},
		pollsStop: make(chan struct{})}
	s.invoker = opts.Invoker
	if s.invoker == nil {
		s.invoker = &TaskInvoker{Lambda: opts.Lambda}
	}
	s.exec = newExecutor(s)
	s.exec.start()
	return s
}

// Close stops the executor: running executions stop where they are (their
// last committed step is kept, and they resume when a node starts again or
// claims them), group commits in progress finish, and this node's leases are
// released. Call it before closing the store. It is idempotent.
func (s *Service) Close(ctx context.Context) error {
	return s.exec.close(ctx)
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
		return Scope{}, "", newError(ErrInvalidArn, "%s", s)
	}
	kind, name, ok := strings.Cut(a.Resource, ":")
	if kind != "stateMachine" {
		return Scope{}, "", newError(ErrInvalidResourceType, "%s", strings.ToLower(kind))
	}
	if !ok || name == "" || strings.Contains(name, ":") {
		return Scope{}, "", newError(ErrInvalidArn, "%s", s)
	}
	return Scope{Account: a.Account, Region: a.Region}, name, nil
}

// executionArnParts is a parsed execution ARN.
type executionArnParts struct {
	Scope
	Express bool
	Machine string
	Name    string
}

// parseExecutionArn checks s is a Standard or Express execution ARN.
func parseExecutionArn(s string) (executionArnParts, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || a.Account == "" {
		return executionArnParts{}, newError(ErrInvalidArn, "%s", s)
	}
	parts := strings.Split(a.Resource, ":")
	p := executionArnParts{Scope: Scope{Account: a.Account, Region: a.Region}}
	switch {
	case parts[0] == "execution" && len(parts) == 3 && parts[1] != "" && parts[2] != "":
		p.Machine, p.Name = parts[1], parts[2]
	case parts[0] == "express" && len(parts) == 4 && parts[1] != "" && parts[2] != "":
		p.Express, p.Machine, p.Name = true, parts[1], parts[2]
	case parts[0] != "execution" && parts[0] != "express":
		return executionArnParts{}, newError(ErrInvalidResourceType, "%s", strings.ToLower(parts[0]))
	default:
		return executionArnParts{}, newError(ErrInvalidArn, "%s", s)
	}
	return p, nil
}

// expressExecutionArn returns an Express execution's ARN, which ends with a
// unique id (names need not be unique for Express).
func expressExecutionArn(region, account, machine, name string) string {
	return "arn:aws:states:" + region + ":" + account + ":express:" + machine + ":" + name + ":" + uuid.NewString()
}

// truncMilli is the precision of Step Functions' timestamps.
func truncMilli(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
