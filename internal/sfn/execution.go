package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// StartExecutionInput is what StartExecution needs. StateMachineArn may end
// with "#TestCase" to run a test case of the mock configuration (Step
// Functions Local's convention). Input is JSON text ("" means "{}"); the API
// layer checks its size and syntax.
type StartExecutionInput struct {
	StateMachineArn string
	Name            string
	Input           string
	TraceHeader     string

	parent *parentRef // the Task state starting it (nested.go)
}

// Execution is an execution as DescribeExecution reports it.
type Execution struct {
	ExecutionArn    string
	StateMachineArn string
	Name            string
	Status          string
	Input           string
	Output          string
	Error           string
	Cause           string
	TraceHeader     string
	StartDate       time.Time
	StopDate        time.Time // zero while running

	StateMachineVersionArn string
	StateMachineAliasArn   string
	RedriveCount           int
	RedriveDate            time.Time // zero: never redriven
	RedriveStatus          string    // REDRIVABLE or NOT_REDRIVABLE
	RedriveStatusReason    string    // why not, when NOT_REDRIVABLE
}

// ExecutionListItem is one entry of ListExecutions.
type ExecutionListItem struct {
	ExecutionArn    string
	StateMachineArn string
	Name            string
	Status          string
	StartDate       time.Time
	StopDate        time.Time

	StateMachineVersionArn string
	StateMachineAliasArn   string
	RedriveCount           int
	RedriveDate            time.Time
}

// startTarget is what an execution starts: a state machine, or the version
// of it a version ARN or an alias names, and the test case it runs.
type startTarget struct {
	*stateMachineEntry
	testCase   string
	versionArn string
	aliasArn   string
}

// resolveStart splits an optional "#TestCase" off a state machine, version
// or alias ARN and loads what it names.
func (s *Service) resolveStart(ctx context.Context, smArn string) (*startTarget, error) {
	base, testCase, hasCase := strings.Cut(smArn, "#")
	e, versionArn, aliasArn, err := s.resolveRef(ctx, base)
	if err != nil {
		return nil, err
	}
	if hasCase && s.testCase(e.row.Name, testCase) == nil {
		return nil, newError(ErrInvalidMockTestCase,
			"Invalid mock test case name '%s' for state machine '%s'. Either the test case is not defined or the mock configuration file could not be loaded.",
			testCase, e.row.Name)
	}
	return &startTarget{stateMachineEntry: e, testCase: testCase, versionArn: versionArn, aliasArn: aliasArn}, nil
}

func (s *Service) executionSpec(t *startTarget, traceHeader string) executionSpec {
	return executionSpec{
		Definition: t.spec.Definition, RoleArn: t.spec.RoleArn, StateMachineName: t.row.Name,
		TraceHeader: traceHeader, TestCase: t.testCase, Logging: t.spec.Logging, Tracing: t.spec.Tracing,
		RevisionID: t.spec.RevisionID, MachineUpdated: t.row.UpdatedAt, TokenKey: newTokenKey(),
		VersionArn: t.versionArn, AliasArn: t.aliasArn,
	}
}

// StartExecution starts an execution and returns its ARN and start date.
// For a Standard state machine it is idempotent as on AWS: the same name and
// input as a running execution return that execution; a name already used
// otherwise fails with ErrExecutionAlreadyExists. An Express execution runs
// in the background, in memory.
func (s *Service) StartExecution(ctx context.Context, in StartExecutionInput) (string, time.Time, error) {
	sm, err := s.resolveStart(ctx, in.StateMachineArn)
	if err != nil {
		return "", time.Time{}, err
	}
	testCase := sm.testCase
	if in.Input == "" {
		in.Input = "{}"
	}
	if in.Name == "" {
		in.Name = uuid.NewString()
	}
	sc := Scope{Account: sm.row.Account, Region: sm.row.Region}
	spec := s.executionSpec(sm, in.TraceHeader)
	spec.Parent = in.parent
	now := truncMilli(s.now())

	if sm.row.Type == store.StateMachineTypeExpress {
		exArn := expressExecutionArn(sc.Region, sc.Account, sm.row.Name, in.Name)
		r := s.exec.newRun(exArn, sc.Account, sc.Region, false)
		r.machine, r.mock = sm.machine, s.testCase(sm.row.Name, testCase)
		if !s.exec.spawn(r, func() ([]asl.Event, error) { return r.start(spec, in.Input, now) }) {
			return "", time.Time{}, ErrClosed
		}
		return exArn, now, nil
	}

	exArn := arn.Execution(sc.Region, sc.Account, sm.row.Name, in.Name)
	doc, err := json.Marshal(spec)
	if err != nil {
		return "", time.Time{}, err
	}
	// The first step runs here and commits together with the new row, so
	// that a started execution is durable (and often finished) when this
	// returns.
	r := s.exec.newRun(exArn, sc.Account, sc.Region, true)
	r.machine, r.mock = sm.machine, s.testCase(sm.row.Name, testCase)
	events, err := r.start(spec, in.Input, now)
	if err != nil {
		r.cancel()
		return "", time.Time{}, err
	}
	r.create = &store.ExecutionCreateParams{
		ARN: exArn, StateMachineARN: sm.row.ARN, Account: sc.Account, Region: sc.Region, Name: in.Name,
		Type: sm.row.Type, Input: in.Input, Spec: doc, StartDate: now,
		VersionARN: sm.versionArn, AliasARN: sm.aliasArn,
	}
	r.created = make(chan error, 1)
	if !s.exec.spawn(r, func() ([]asl.Event, error) { return events, nil }) {
		return "", time.Time{}, ErrClosed
	}
	select {
	case err = <-r.created:
	case <-r.done:
		select {
		case err = <-r.created:
		default:
			err = ErrClosed
		}
	}
	if errors.Is(err, store.ErrAlreadyExists) {
		old, gerr := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: exArn})
		if gerr != nil {
			return "", time.Time{}, fmt.Errorf("start execution %s: %w", exArn, gerr)
		}
		if old.Status == store.ExecutionRunning && old.Input == in.Input && old.StateMachineARN == sm.row.ARN &&
			old.VersionARN == sm.versionArn && old.AliasARN == sm.aliasArn {
			return old.ARN, old.StartDate, nil
		}
		return "", time.Time{}, newError(ErrExecutionAlreadyExists, "%s", exArn)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("start execution %s: %w", exArn, err)
	}
	return exArn, now, nil
}

// getExecution loads a Standard execution.
func (s *Service) getExecution(ctx context.Context, executionArn string) (*store.ExecutionRow, error) {
	p, err := parseExecutionArn(executionArn)
	if err != nil {
		return nil, err
	}
	if p.Express {
		return nil, newError(ErrInvalidResourceType, "express")
	}
	row, err := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, newError(ErrExecutionNotFound, "%s", executionArn)
	}
	if err != nil {
		return nil, fmt.Errorf("get execution %s: %w", executionArn, err)
	}
	return row, nil
}

// DescribeExecution returns a Standard execution.
func (s *Service) DescribeExecution(ctx context.Context, executionArn string) (*Execution, error) {
	row, err := s.getExecution(ctx, executionArn)
	if err != nil {
		return nil, err
	}
	var spec executionSpec
	_ = json.Unmarshal(row.Spec, &spec)
	ex := &Execution{
		ExecutionArn: row.ARN, StateMachineArn: row.StateMachineARN, Name: row.Name, Status: string(row.Status),
		Input: row.Input, Output: row.Output, Error: row.Error, Cause: row.Cause, TraceHeader: spec.TraceHeader,
		StartDate: row.StartDate, StopDate: row.StopDate,
		StateMachineVersionArn: row.VersionARN, StateMachineAliasArn: row.AliasARN,
		RedriveCount: row.RedriveCount, RedriveDate: row.RedriveDate,
	}
	ex.RedriveStatus, ex.RedriveStatusReason = s.redriveStatus(ctx, row)
	return ex, nil
}

// ListExecutions returns one page of a Standard state machine's executions,
// newest first, optionally only those with status statusFilter, and the
// token of the next page ("" at the end). See ListExecutionsFiltered.
func (s *Service) ListExecutions(ctx context.Context, smArn, statusFilter, token string, maxResults int) ([]ExecutionListItem, string, error) {
	return s.ListExecutionsFiltered(ctx, ListExecutionsInput{StateMachineArn: smArn, StatusFilter: statusFilter,
		NextToken: token, MaxResults: maxResults})
}

// StopExecution aborts a running Standard execution (ExecutionAborted with
// errName and cause) and returns the stop date. Stopping an execution that
// has already ended changes nothing and returns its stop date.
func (s *Service) StopExecution(ctx context.Context, executionArn, errName, cause string) (time.Time, error) {
	if _, err := s.getExecution(ctx, executionArn); err != nil {
		return time.Time{}, err
	}
	defer s.ended(executionArn) // nested.go
	if r := s.exec.lookup(executionArn); r != nil {
		if res, ok := r.requestStop(ctx, errName, cause); ok {
			return res.date, res.err
		}
	}
	return s.stopInStore(ctx, executionArn, errName, cause)
}

// stopInStore stops an execution no run of this node holds: it restores the
// last committed state, stops it and commits that step, fenced by the row's
// version (a node still running the execution then finds its next step
// refused, and drops it).
func (s *Service) stopInStore(ctx context.Context, executionArn, errName, cause string) (time.Time, error) {
	for range 20 {
		row, err := s.getExecution(ctx, executionArn)
		if err != nil {
			return time.Time{}, err
		}
		if row.Status != store.ExecutionRunning {
			return row.StopDate, nil
		}
		var spec executionSpec
		if err := json.Unmarshal(row.Spec, &spec); err != nil {
			return time.Time{}, fmt.Errorf("execution %s: corrupt spec: %w", executionArn, err)
		}
		p, _ := parseExecutionArn(executionArn)
		r := s.exec.newRun(executionArn, p.Account, p.Region, true)
		r.cancel()
		if r.machine, err = s.machines.compile(spec.Definition); err != nil {
			return time.Time{}, fmt.Errorf("execution %s: %w", executionArn, err)
		}
		var events []asl.Event
		if row.State == nil {
			events, err = r.start(spec, row.Input, row.StartDate)
		} else {
			var st runState
			if err = json.Unmarshal(row.State, &st); err == nil {
				r.skew, r.mocks = time.Duration(st.Skew), st.Mocks
				r.ex, err = r.machine.Restore(st.ASL)
			}
			if err == nil && !st.Target.IsZero() && !row.WakeAt.IsZero() && !s.now().Before(row.WakeAt) {
				r.reach(st.Target)
			}
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("stop execution %s: %w", executionArn, err)
		}
		stopDate := truncMilli(r.vnow())
		events = append(events, r.ex.Stop(errName, cause, stopDate)...)
		encoded, err := encodeEvents(events)
		if err != nil {
			return time.Time{}, err
		}
		state, err := r.snapshot(time.Time{}) // kept for RedriveExecution
		if err != nil {
			return time.Time{}, err
		}
		errs, err := s.store.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: executionArn, ExpectedVersion: row.Version, Events: encoded,
			Status: store.ExecutionAborted, Error: errName, Cause: cause, StopDate: stopDate, State: state,
		}}})
		if err != nil {
			return time.Time{}, fmt.Errorf("stop execution %s: %w", executionArn, err)
		}
		if errors.Is(errs[0], store.ErrConflict) {
			continue
		}
		if errs[0] != nil {
			return time.Time{}, fmt.Errorf("stop execution %s: %w", executionArn, errs[0])
		}
		return stopDate, nil
	}
	return time.Time{}, fmt.Errorf("stop execution %s: too many concurrent steps", executionArn)
}

// HistoryPage is one page of GetExecutionHistory: the events as JSON
// documents in GetExecutionHistory's shape.
type HistoryPage struct {
	Events    []json.RawMessage
	NextToken string
}

// GetExecutionHistory returns one page of a Standard execution's history.
// Without includeData the events carry no input or output.
func (s *Service) GetExecutionHistory(ctx context.Context, executionArn string, maxResults int, reverse bool, token string, includeData bool) (*HistoryPage, error) {
	if _, err := parseExecutionArn(executionArn); err != nil {
		return nil, err
	}
	var after int64
	if cur, err := pagetoken.Decode(token); err != nil {
		return nil, newError(ErrInvalidToken, "%s", token)
	} else if cur != "" {
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil || n <= 0 {
			return nil, newError(ErrInvalidToken, "%s", token)
		}
		after = n
	}
	if _, err := s.getExecution(ctx, executionArn); err != nil {
		return nil, err
	}
	res, err := s.store.HistoryList(ctx, &store.HistoryListParams{ExecutionARN: executionArn, After: after, Reverse: reverse, Limit: maxResults})
	if err != nil {
		return nil, fmt.Errorf("get execution history %s: %w", executionArn, err)
	}
	page := &HistoryPage{Events: make([]json.RawMessage, len(res.Events))}
	for i, ev := range res.Events {
		page.Events[i] = ev.Body
		if !includeData {
			page.Events[i] = stripData(ev.Body)
		}
	}
	if res.Next != 0 {
		page.NextToken = pagetoken.Encode(strconv.FormatInt(res.Next, 10))
	}
	return page, nil
}

// stripData removes execution data (input, output and their details) from a
// history event's details, as includeExecutionData=false asks.
func stripData(body []byte) []byte {
	var ev map[string]json.RawMessage
	if err := json.Unmarshal(body, &ev); err != nil {
		return body
	}
	for k, v := range ev {
		if !strings.HasSuffix(k, "EventDetails") {
			continue
		}
		var details map[string]json.RawMessage
		if err := json.Unmarshal(v, &details); err != nil {
			continue
		}
		for _, f := range []string{"input", "inputDetails", "output", "outputDetails"} {
			delete(details, f)
		}
		ev[k], _ = json.Marshal(details)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		return body
	}
	return out
}

// StateMachineForExecution is what DescribeStateMachineForExecution reports:
// the state machine as the execution runs it.
type StateMachineForExecution struct {
	StateMachineArn string
	Name            string
	Definition      string
	RoleArn         string
	UpdateDate      time.Time
	Logging         LoggingConfiguration
	Tracing         TracingConfiguration
	RevisionID      string
}

// DescribeStateMachineForExecution returns the definition and configuration
// an execution runs with (later updates of the state machine do not change
// it).
func (s *Service) DescribeStateMachineForExecution(ctx context.Context, executionArn string) (*StateMachineForExecution, error) {
	row, err := s.getExecution(ctx, executionArn)
	if err != nil {
		return nil, err
	}
	var spec executionSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, fmt.Errorf("execution %s: corrupt spec: %w", executionArn, err)
	}
	out := &StateMachineForExecution{StateMachineArn: row.StateMachineARN, Name: spec.StateMachineName,
		Definition: spec.Definition, RoleArn: spec.RoleArn, UpdateDate: spec.MachineUpdated,
		Logging: LoggingConfiguration{Level: "OFF"}, RevisionID: spec.RevisionID}
	if spec.Logging != nil {
		out.Logging = *spec.Logging
	}
	if spec.Tracing != nil {
		out.Tracing = *spec.Tracing
	}
	return out, nil
}

// SyncExecution is StartSyncExecution's result.
type SyncExecution struct {
	ExecutionArn    string
	StateMachineArn string
	Name            string
	Status          string
	Input           string
	Output          string
	Error           string
	Cause           string
	TraceHeader     string
	StartDate       time.Time
	StopDate        time.Time
}

// StartSyncExecution runs an Express execution to its end, in memory, and
// returns its result. Standard state machines are refused with
// ErrStateMachineTypeNotSupp.
func (s *Service) StartSyncExecution(ctx context.Context, in StartExecutionInput) (*SyncExecution, error) {
	sm, err := s.resolveStart(ctx, in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	testCase := sm.testCase
	if sm.row.Type != store.StateMachineTypeExpress {
		return nil, newError(ErrStateMachineTypeNotSupp, "%s", sm.row.ARN)
	}
	if in.Input == "" {
		in.Input = "{}"
	}
	if in.Name == "" {
		in.Name = uuid.NewString()
	}
	start := truncMilli(s.now())
	exArn := expressExecutionArn(sm.row.Region, sm.row.Account, sm.row.Name, in.Name)
	r := s.exec.newRun(exArn, sm.row.Account, sm.row.Region, false)
	r.machine, r.mock = sm.machine, s.testCase(sm.row.Name, testCase)
	spec := s.executionSpec(sm, in.TraceHeader)

	// Fast path: a machine that needs nothing from the world finishes
	// inside Start, on this goroutine.
	events, err := r.start(spec, in.Input, start)
	if err != nil {
		r.cancel()
		return nil, err
	}
	if !r.ex.Done() {
		ex := r.ex
		if !s.exec.spawn(r, func() ([]asl.Event, error) { r.ex = ex; return events, nil }) {
			return nil, ErrClosed
		}
		select {
		case <-r.done:
		case <-ctx.Done():
			r.cancel()
			<-r.done
			return nil, ctx.Err()
		}
		if r.ex == nil || !r.ex.Done() {
			return nil, ErrClosed
		}
	} else {
		r.cancel()
	}
	out := &SyncExecution{ExecutionArn: exArn, StateMachineArn: sm.row.ARN, Name: in.Name,
		Status: string(r.ex.Status()), Input: in.Input, Output: r.ex.Output(), Error: r.ex.Error(), Cause: r.ex.Cause(),
		TraceHeader: in.TraceHeader, StartDate: start, StopDate: truncMilli(r.vnow())}
	if out.StopDate.Before(start) {
		out.StopDate = start
	}
	return out, nil
}
