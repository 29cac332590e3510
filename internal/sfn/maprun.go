package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/pagetoken"
	"github.com/gureum-dev/gureum/internal/store"
)

// Map Runs. A Distributed Map's child executions run inside the parent
// execution, as the interpreter's silent child frames (they have no ARN,
// history or row of their own: DescribeExecution and ListExecutions do not
// show them). What AWS reports about the Map Run itself is real: its row
// (store.MapRunRow) is written with each step of the parent that changes
// it, with the counts of items and child executions by status, its
// configuration and its redrives; UpdateMapRun changes the running
// interpreter's concurrency and tolerated failures.

// MapRunCounts are DescribeMapRun's itemCounts or executionCounts.
type MapRunCounts struct {
	Pending        int64 `json:"pending"`
	Running        int64 `json:"running"`
	Succeeded      int64 `json:"succeeded"`
	Failed         int64 `json:"failed"`
	TimedOut       int64 `json:"timedOut"`
	Aborted        int64 `json:"aborted"`
	Total          int64 `json:"total"`
	ResultsWritten int64 `json:"resultsWritten"`
}

// mapRunSpec is the JSON document kept in store.MapRunRow.Spec.
type mapRunSpec struct {
	StateName                  string       `json:"stateName"`
	MaxConcurrency             int64        `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ItemCounts                 MapRunCounts `json:"itemCounts"`
	ExecutionCounts            MapRunCounts `json:"executionCounts"`
	RedriveCount               int          `json:"redriveCount"`
	RedriveDate                time.Time    `json:"redriveDate,omitzero"`
}

// MapRun is a Map Run as DescribeMapRun reports it.
type MapRun struct {
	MapRunArn    string
	ExecutionArn string
	Status       string
	StartDate    time.Time
	StopDate     time.Time // zero while RUNNING
	mapRunSpec
}

// MapRunListItem is one entry of ListMapRuns.
type MapRunListItem struct {
	ExecutionArn    string
	MapRunArn       string
	StateMachineArn string
	StartDate       time.Time
	StopDate        time.Time
}

func counts(c asl.MapRunCounts) MapRunCounts {
	return MapRunCounts{Pending: c.Pending, Running: c.Running, Succeeded: c.Succeeded, Failed: c.Failed,
		TimedOut: c.TimedOut, Aborted: c.Aborted, Total: c.Total, ResultsWritten: c.ResultsWritten}
}

// mapRunRow turns the interpreter's view of a Map Run into its row.
func mapRunRow(executionArn string, info asl.MapRunInfo) (*store.MapRunRow, error) {
	p, err := parseExecutionArn(executionArn)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(mapRunSpec{StateName: info.StateName, MaxConcurrency: info.MaxConcurrency,
		ToleratedFailurePercentage: info.ToleratedFailurePercentage, ToleratedFailureCount: info.ToleratedFailureCount,
		ItemCounts: counts(info.Items), ExecutionCounts: counts(info.Executions), RedriveCount: info.RedriveCount,
		RedriveDate: truncOrZero(info.RedriveTime)})
	if err != nil {
		return nil, err
	}
	return &store.MapRunRow{ARN: info.Arn, ExecutionARN: executionArn,
		StateMachineARN: arn.StateMachine(p.Region, p.Account, p.Machine), Status: store.MapRunStatus(info.Status),
		StartDate: truncMilli(info.StartTime), StopDate: truncOrZero(info.StopTime), Spec: doc}, nil
}

func truncOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return truncMilli(t)
}

// mapRunBook remembers the Map Run rows a run committed, so that a step
// writes only those that changed.
type mapRunBook struct {
	last    map[string]asl.MapRunInfo
	pending map[string]asl.MapRunInfo
}

// rows returns the rows of the Map Runs that changed since the last commit.
func (b *mapRunBook) rows(r *run) []*store.MapRunRow {
	b.pending = nil
	var out []*store.MapRunRow
	for _, info := range r.ex.MapRuns() {
		if old, ok := b.last[info.Arn]; ok && reflect.DeepEqual(old, info) {
			continue
		}
		row, err := mapRunRow(r.arn, info)
		if err != nil {
			r.e.s.log.Error("map run row", "execution", r.arn, "err", err)
			continue
		}
		if b.pending == nil {
			b.pending = map[string]asl.MapRunInfo{}
		}
		b.pending[info.Arn] = info
		out = append(out, row)
	}
	return out
}

// written records that the last rows were committed.
func (b *mapRunBook) written() {
	if len(b.pending) == 0 {
		return
	}
	if b.last == nil {
		b.last = map[string]asl.MapRunInfo{}
	}
	for k, v := range b.pending {
		b.last[k] = v
	}
	b.pending = nil
}

// mapRunUpdate is UpdateMapRun as a run's mailbox message.
type mapRunUpdate struct {
	arn            string
	maxConcurrency *int64
	toleratedPct   *float64
	toleratedCount *int64
	reply          chan error
}

func (r *run) applyMapRunUpdate(m *mapRunUpdate) ([]asl.Event, error) {
	if r.ex.Done() {
		return nil, asl.ErrExecutionDone
	}
	return r.ex.UpdateMapRun(m.arn, m.maxConcurrency, m.toleratedPct, m.toleratedCount, r.vnow())
}

// replyMapRunUpdates answers the UpdateMapRun requests a step carried, once
// it is committed (ok) or could not be.
func (r *run) replyMapRunUpdates(updates []*mapRunUpdate, ok bool) {
	for _, u := range updates {
		var err error
		if !ok && r.durable {
			err = errors.New("the execution's step could not be committed")
		}
		select {
		case u.reply <- err:
		default:
		}
	}
}

// parseMapRunArn checks s is a Map Run ARN
// (arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID).
func parseMapRunArn(s string) error {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "states" || a.Region == "" || a.Account == "" {
		return newError(ErrInvalidArn, "%s", s)
	}
	parts := strings.Split(a.Resource, ":")
	if parts[0] != "mapRun" {
		return newError(ErrInvalidResourceType, "%s", strings.ToLower(parts[0]))
	}
	if len(parts) != 3 || parts[2] == "" || !strings.Contains(parts[1], "/") {
		return newError(ErrInvalidArn, "%s", s)
	}
	return nil
}

func (s *Service) mapRun(ctx context.Context, mapRunArn string) (*store.MapRunRow, *mapRunSpec, error) {
	if err := parseMapRunArn(mapRunArn); err != nil {
		return nil, nil, err
	}
	row, err := s.store.MapRunGet(ctx, &store.MapRunGetParams{ARN: mapRunArn})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, newError(ErrResourceNotFound, "%s", mapRunArn)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get map run %s: %w", mapRunArn, err)
	}
	var spec mapRunSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("map run %s: corrupt spec: %w", mapRunArn, err)
	}
	return row, &spec, nil
}

// DescribeMapRun returns a Map Run.
func (s *Service) DescribeMapRun(ctx context.Context, mapRunArn string) (*MapRun, error) {
	row, spec, err := s.mapRun(ctx, mapRunArn)
	if err != nil {
		return nil, err
	}
	return &MapRun{MapRunArn: row.ARN, ExecutionArn: row.ExecutionARN, Status: string(row.Status),
		StartDate: row.StartDate, StopDate: row.StopDate, mapRunSpec: *spec}, nil
}

// ListMapRuns returns one page of the Map Runs an execution started, newest
// first, and the token of the next page ("" at the end).
func (s *Service) ListMapRuns(ctx context.Context, executionArn, token string, maxResults int) ([]MapRunListItem, string, error) {
	after, err := pagetoken.Decode(token)
	if err == nil && after != "" {
		_, _, err = store.ParseTimeCursor(after)
	}
	if err != nil {
		return nil, "", newError(ErrInvalidToken, "%s", token)
	}
	if _, err := s.getExecution(ctx, executionArn); err != nil {
		return nil, "", err
	}
	res, err := s.store.MapRunList(ctx, &store.MapRunListParams{ExecutionARN: executionArn, After: after, Limit: maxResults})
	if err != nil {
		return nil, "", fmt.Errorf("list map runs of %s: %w", executionArn, err)
	}
	out := make([]MapRunListItem, 0, len(res.MapRuns))
	for _, m := range res.MapRuns {
		out = append(out, MapRunListItem{ExecutionArn: m.ExecutionARN, MapRunArn: m.ARN, StateMachineArn: m.StateMachineARN,
			StartDate: m.StartDate, StopDate: m.StopDate})
	}
	return out, pagetoken.Encode(res.Next), nil
}

// UpdateMapRun changes a running Map Run's maximum concurrency and
// tolerated failures (nil: unchanged). The running execution applies it at
// once: more concurrency starts more child executions, and the new
// tolerance decides the next failures.
func (s *Service) UpdateMapRun(ctx context.Context, mapRunArn string, maxConcurrency *int64, toleratedPct *float64, toleratedCount *int64) error {
	row, _, err := s.mapRun(ctx, mapRunArn)
	if err != nil {
		return err
	}
	if maxConcurrency == nil && toleratedPct == nil && toleratedCount == nil {
		return newError(ErrValidation, "At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be specified")
	}
	if row.Status != store.MapRunRunning {
		return newError(ErrValidation, "Map Run '%s' is %s and cannot be updated", mapRunArn, row.Status)
	}
	u := &mapRunUpdate{arn: mapRunArn, maxConcurrency: maxConcurrency, toleratedPct: toleratedPct,
		toleratedCount: toleratedCount, reply: make(chan error, 1)}
	if r := s.exec.lookup(row.ExecutionARN); r != nil {
		r.post(u)
		select {
		case err := <-u.reply:
			return s.mapRunUpdateError(mapRunArn, err)
		case <-r.done:
			select {
			case err := <-u.reply:
				return s.mapRunUpdateError(mapRunArn, err)
			default: // the run ended first: update through the store
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.updateMapRunInStore(ctx, row.ExecutionARN, u)
}

func (s *Service) mapRunUpdateError(mapRunArn string, err error) error {
	if errors.Is(err, asl.ErrUnknownMapRun) || errors.Is(err, asl.ErrExecutionDone) {
		return newError(ErrValidation, "Map Run '%s' is not running and cannot be updated", mapRunArn)
	}
	if err != nil {
		return fmt.Errorf("update map run %s: %w", mapRunArn, err)
	}
	return nil
}

// updateMapRunInStore applies an UpdateMapRun to an execution no run of
// this node holds: it restores the last committed state, applies the update
// and commits that step, fenced by the row's version, leaving the execution
// due so that a node (this one or its owner) claims and resumes it (tasks
// the previous owner was running are then invoked again, as after a
// crash).
func (s *Service) updateMapRunInStore(ctx context.Context, executionArn string, u *mapRunUpdate) error {
	for range 20 {
		row, err := s.getExecution(ctx, executionArn)
		if err != nil {
			return err
		}
		if row.Status != store.ExecutionRunning || row.State == nil {
			return s.mapRunUpdateError(u.arn, asl.ErrExecutionDone)
		}
		var spec executionSpec
		if err := json.Unmarshal(row.Spec, &spec); err != nil {
			return fmt.Errorf("execution %s: corrupt spec: %w", executionArn, err)
		}
		var st runState
		if err := json.Unmarshal(row.State, &st); err != nil {
			return fmt.Errorf("execution %s: corrupt state: %w", executionArn, err)
		}
		p, _ := parseExecutionArn(executionArn)
		r := s.exec.newRun(executionArn, p.Account, p.Region, true)
		r.cancel()
		if r.machine, err = s.machines.compile(spec.Definition); err != nil {
			return fmt.Errorf("execution %s: %w", executionArn, err)
		}
		r.skew, r.mocks = time.Duration(st.Skew), st.Mocks
		if r.ex, err = r.machine.Restore(st.ASL); err != nil {
			return fmt.Errorf("execution %s: %w", executionArn, err)
		}
		events, err := r.applyMapRunUpdate(u)
		if err != nil {
			return s.mapRunUpdateError(u.arn, err)
		}
		encoded, err := encodeEvents(events)
		if err != nil {
			return err
		}
		step := &store.HistoryStep{ExecutionARN: executionArn, ExpectedVersion: row.Version, Events: encoded,
			Status: store.ExecutionRunning, WakeAt: s.now(), MapRuns: r.mapRuns.rows(r)}
		if r.ex.Done() {
			step.Status = store.ExecutionStatus(r.ex.Status())
			step.Output, step.Error, step.Cause, step.StopDate = r.ex.Output(), r.ex.Error(), r.ex.Cause(), truncMilli(r.vnow())
			step.WakeAt = time.Time{}
		}
		if step.Status != store.ExecutionSucceeded {
			if step.State, err = r.snapshot(time.Time{}); err != nil {
				return err
			}
		}
		errs, err := s.store.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{step}})
		if err != nil {
			return fmt.Errorf("update map run %s: %w", u.arn, err)
		}
		if errors.Is(errs[0], store.ErrConflict) {
			continue
		}
		if errs[0] != nil {
			return fmt.Errorf("update map run %s: %w", u.arn, errs[0])
		}
		return nil
	}
	return fmt.Errorf("update map run %s: too many concurrent steps", u.arn)
}
