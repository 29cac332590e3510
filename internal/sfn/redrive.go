package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/store"
)

// Redrive statuses (DescribeExecution's redriveStatus).
const (
	RedriveStatusRedrivable    = "REDRIVABLE"
	RedriveStatusNotRedrivable = "NOT_REDRIVABLE"
)

// Redrive limits, from the Step Functions documentation.
const (
	// RedrivePeriod is how long after it ended an execution can be redriven.
	RedrivePeriod = 14 * 24 * time.Hour
	// MaxOpenTime is the longest an execution may stay open, redrives
	// included.
	MaxOpenTime = 365 * 24 * time.Hour
	// redriveHistoryLimit: a redrive needs room for ExecutionRedriven and at
	// least one more event below the 25,000-event history limit.
	redriveHistoryLimit = asl.DefaultMaxEvents - 1
	// redriveTokens and redriveTokenTTL bound client token idempotency:
	// the last 10 tokens, for 15 minutes.
	redriveTokens   = 10
	redriveTokenTTL = 15 * time.Minute
)

// redriveStatus tells whether RedriveExecution would accept the execution,
// and why not, in DescribeExecution's words.
func (s *Service) redriveStatus(ctx context.Context, row *store.ExecutionRow) (string, string) {
	no := func(reason string) (string, string) { return RedriveStatusNotRedrivable, reason }
	switch row.Status {
	case store.ExecutionRunning:
		return no("Execution is RUNNING and cannot be redriven.")
	case store.ExecutionSucceeded:
		return no("Execution is SUCCEEDED and cannot be redriven.")
	}
	now := s.now()
	if row.State == nil {
		// Ended before its final state was kept (an older gureum, or an
		// execution whose state could not be used): nothing to resume.
		return no("Execution was started before the launch of RedriveExecution.")
	}
	if now.Sub(row.StartDate) > MaxOpenTime {
		return no("Execution has exceeded the max execution time.")
	}
	if now.Sub(row.StopDate) > RedrivePeriod {
		return no("Execution redrivable period exceeded.")
	}
	if _, err := s.store.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: row.StateMachineARN}); errors.Is(err, store.ErrNotFound) {
		return no("State machine is in DELETING status.")
	}
	last, err := s.store.HistoryList(ctx, &store.HistoryListParams{ExecutionARN: row.ARN, Reverse: true, Limit: 1})
	if err == nil && len(last.Events) == 1 && last.Events[0].ID >= redriveHistoryLimit {
		return no("Execution history event limit exceeded.")
	}
	return RedriveStatusRedrivable, ""
}

// redriveToken is one client token a redrive was made with.
type redriveToken struct {
	Token string    `json:"token"`
	Date  time.Time `json:"date"`
}

// recentTokens decodes an execution's RedriveTokens, keeping those still
// valid at now.
func recentTokens(doc string, now time.Time) []redriveToken {
	var all, out []redriveToken
	if doc != "" {
		_ = json.Unmarshal([]byte(doc), &all)
	}
	for _, t := range all {
		if now.Sub(t.Date) <= redriveTokenTTL {
			out = append(out, t)
		}
	}
	return out
}

// RedriveExecution restarts a Standard execution that ended FAILED,
// TIMED_OUT or ABORTED in the last 14 days from where it stopped (see
// asl.Machine.Redrive) and returns the redrive date. A clientToken already
// used for a successful redrive of the execution in the last 15 minutes
// (among its last 10) returns that redrive's date and changes nothing.
func (s *Service) RedriveExecution(ctx context.Context, executionArn, clientToken string) (time.Time, error) {
	for range 10 {
		row, err := s.getExecution(ctx, executionArn)
		if err != nil {
			return time.Time{}, err
		}
		now := truncMilli(s.now())
		tokens := recentTokens(row.RedriveTokens, now)
		for _, t := range tokens {
			if clientToken != "" && t.Token == clientToken {
				return t.Date, nil
			}
		}
		if status, reason := s.redriveStatus(ctx, row); status != RedriveStatusRedrivable {
			return time.Time{}, newError(ErrExecutionNotRedrivable, "%s", reason)
		}
		var spec executionSpec
		if err := json.Unmarshal(row.Spec, &spec); err != nil {
			return time.Time{}, fmt.Errorf("execution %s: corrupt spec: %w", executionArn, err)
		}
		var st runState
		if err := json.Unmarshal(row.State, &st); err != nil {
			return time.Time{}, fmt.Errorf("execution %s: corrupt state: %w", executionArn, err)
		}
		p, _ := parseExecutionArn(executionArn)
		r := s.exec.newRun(executionArn, p.Account, p.Region, true)
		if r.machine, err = s.machines.compile(spec.Definition); err != nil {
			r.cancel()
			return time.Time{}, fmt.Errorf("execution %s: %w", executionArn, err)
		}
		r.version, r.skew, r.mocks = row.Version, time.Duration(st.Skew), st.Mocks
		r.mock = s.testCase(spec.StateMachineName, spec.TestCase)
		ex, events, err := r.machine.Redrive(st.ASL, r.vnow())
		if err != nil {
			r.cancel()
			if errors.Is(err, asl.ErrNotRedrivable) {
				return time.Time{}, newError(ErrExecutionNotRedrivable, "Execution history event limit exceeded.")
			}
			return time.Time{}, fmt.Errorf("redrive execution %s: %w", executionArn, err)
		}
		r.ex = ex
		if clientToken != "" {
			tokens = append(tokens, redriveToken{Token: clientToken, Date: now})
			if len(tokens) > redriveTokens {
				tokens = tokens[len(tokens)-redriveTokens:]
			}
		}
		doc, err := json.Marshal(tokens)
		if err != nil {
			r.cancel()
			return time.Time{}, err
		}
		if len(tokens) == 0 {
			doc = nil
		}
		r.redrive = &store.ExecutionRedrive{Date: now, Tokens: string(doc)}
		r.created = make(chan error, 1)
		if !s.exec.spawn(r, func() ([]asl.Event, error) { return events, nil }) {
			return time.Time{}, ErrClosed
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
		switch {
		case errors.Is(err, store.ErrConflict):
			continue // redriven or stopped meanwhile: look again
		case err != nil:
			return time.Time{}, fmt.Errorf("redrive execution %s: %w", executionArn, err)
		}
		return now, nil
	}
	return time.Time{}, fmt.Errorf("redrive execution %s: too many concurrent changes", executionArn)
}
