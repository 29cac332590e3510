package sfn

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/store"
)

// Callbacks: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat.
//
// A task token (asl/tasktoken.go) names its execution and is signed with a
// key kept in the execution's spec, so the service finds the execution from
// the token alone and tells forged tokens apart. What a callback does to
// the execution is a step like any other: if a run of this node holds the
// execution, the callback goes through its mailbox and is answered once the
// step it made is committed; otherwise the step is made from the execution's
// last committed state and committed here, fenced by the row's version, with
// the execution due at once, so that a node claims it and carries on.

// Kinds of callback errors (see Error).
var (
	ErrTaskDoesNotExist = errors.New("task does not exist")
	ErrTaskTimedOut     = errors.New("task timed out")
	ErrInvalidOutput    = errors.New("invalid output")
)

// newTokenKey returns a fresh secret for an execution's task tokens.
func newTokenKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}

// taskOp is what a callback asks of an execution.
type taskOp struct {
	kind     taskOpKind
	token    string
	result   asl.Result // opComplete
	effectID string     // opStarted
	worker   string     // opStarted
}

type taskOpKind uint8

const (
	opComplete  taskOpKind = iota // SendTaskSuccess / SendTaskFailure
	opHeartbeat                   // SendTaskHeartbeat
	opStarted                     // GetActivityTask handed the task to a worker
)

// errTaskGone means the execution no longer waits on the task.
var errTaskGone = errors.New("task is not pending")

// taskOpRequest carries a taskOp to a run's mailbox.
type taskOpRequest struct {
	op    *taskOp
	reply chan error
}

// invokeSubmitted is a .sync task's submission (Task.Submit).
type invokeSubmitted struct {
	id  string
	res asl.Result
}

// apply performs op on the run's execution and returns the events.
func (op *taskOp) apply(ex *asl.Execution, now time.Time) ([]asl.Event, error) {
	var (
		events []asl.Event
		err    error
	)
	switch op.kind {
	case opComplete:
		events, err = ex.CompleteToken(op.token, op.result, now)
	case opHeartbeat:
		err = ex.Heartbeat(op.token, now)
	case opStarted:
		if !ex.HasToken(op.token) {
			return nil, errTaskGone
		}
		events, err = ex.ActivityStarted(op.effectID, op.worker, now)
	}
	if errors.Is(err, asl.ErrUnknownEffect) || errors.Is(err, asl.ErrExecutionDone) {
		return nil, errTaskGone
	}
	return events, err
}

// handle processes the mailbox messages executor.go does not know: it
// returns the events they produced and whether the execution changed.
func (r *run) handle(m any) ([]asl.Event, bool) {
	switch m := m.(type) {
	case *taskOpRequest:
		if r.ex.Done() {
			m.reply <- errTaskGone
			return nil, false
		}
		events, err := m.op.apply(r.ex, r.vnow())
		if err != nil {
			m.reply <- err
			return nil, false
		}
		r.replies = append(r.replies, func(err error) { m.reply <- err })
		return events, true
	case *invokeSubmitted:
		if _, ok := r.inflight[m.id]; !ok || r.ex.Done() {
			return nil, false
		}
		m.res.Submitted = true
		events, err := r.ex.Complete(m.id, m.res, r.vnow())
		if err != nil {
			return nil, false
		}
		return events, true
	}
	return nil, false
}

// committed answers the requests waiting for the step just committed (err
// nil), or that failed to commit, and records the activity tasks the step
// left scheduled.
func (r *run) committed(ch *activityChange, err error) {
	for _, reply := range r.replies {
		reply(err)
	}
	r.replies = nil
	if err == nil && ch != nil {
		r.activities = ch.tokens
		r.e.s.activitiesScheduled(ch)
	}
}

// SendTaskSuccess completes the task token names with output (JSON text).
func (s *Service) SendTaskSuccess(ctx context.Context, token, output string) error {
	executionArn, err := s.checkTaskToken(ctx, token)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(output)) {
		return newError(ErrInvalidOutput, "Output is not valid JSON")
	}
	return s.taskCallback(ctx, executionArn, &taskOp{kind: opComplete, token: token, result: asl.Result{OutputJSON: output}})
}

// SendTaskFailure fails the task token names with error and cause.
func (s *Service) SendTaskFailure(ctx context.Context, token, errName, cause string) error {
	executionArn, err := s.checkTaskToken(ctx, token)
	if err != nil {
		return err
	}
	return s.taskCallback(ctx, executionArn, &taskOp{kind: opComplete, token: token, result: asl.Result{Error: errName, Cause: cause}})
}

// SendTaskHeartbeat records a heartbeat for the task token names, which
// restarts its HeartbeatSeconds clock.
func (s *Service) SendTaskHeartbeat(ctx context.Context, token string) error {
	executionArn, err := s.checkTaskToken(ctx, token)
	if err != nil {
		return err
	}
	return s.taskCallback(ctx, executionArn, &taskOp{kind: opHeartbeat, token: token})
}

// checkTaskToken returns the execution a task token belongs to, once its
// signature checks out.
func (s *Service) checkTaskToken(ctx context.Context, token string) (string, error) {
	executionArn, ok := asl.TaskTokenExecution(token)
	if !ok {
		return "", newError(ErrInvalidToken, "Invalid token")
	}
	row, err := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionArn})
	if errors.Is(err, store.ErrNotFound) {
		return "", newError(ErrTaskDoesNotExist, "Provided task does not exist")
	}
	if err != nil {
		return "", fmt.Errorf("task token of %s: %w", executionArn, err)
	}
	var spec executionSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil || !asl.VerifyTaskToken(spec.TokenKey, token) {
		return "", newError(ErrInvalidToken, "Invalid token")
	}
	return executionArn, nil
}

// taskCallback applies a callback's op to the execution.
func (s *Service) taskCallback(ctx context.Context, executionArn string, op *taskOp) error {
	err := s.applyTaskOp(ctx, executionArn, op)
	if errors.Is(err, errTaskGone) {
		return newError(ErrTaskTimedOut, "Provided task does not exist anymore")
	}
	return err
}

// applyTaskOp applies op to a Standard execution and returns once the step
// it made is committed.
func (s *Service) applyTaskOp(ctx context.Context, executionArn string, op *taskOp) error {
	for attempt := range 20 {
		if attempt > 0 { // a step got there first, or a run was leaving
			t := time.NewTimer(time.Duration(attempt) * time.Millisecond)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
		if r := s.exec.lookup(executionArn); r != nil {
			req := &taskOpRequest{op: op, reply: make(chan error, 1)}
			r.post(req)
			select {
			case err := <-req.reply:
				if err == nil || errors.Is(err, errTaskGone) {
					return err
				}
				// The step did not commit: try again from what is.
			case <-r.done:
				select {
				case err := <-req.reply:
					if err == nil || errors.Is(err, errTaskGone) {
						return err
					}
				default:
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := s.applyInStore(ctx, executionArn, op)
		if errors.Is(err, store.ErrConflict) || errors.Is(err, errHeldHere) {
			continue
		}
		return err
	}
	return fmt.Errorf("execution %s: too many concurrent steps", executionArn)
}

// errHeldHere means a run of this node took the execution meanwhile.
var errHeldHere = errors.New("execution is held by a run of this node")

// applyInStore applies op to the execution's last committed state and
// commits that step, fenced by the row's version. The execution is then due
// at once (without a lease): a node claims it and goes on from there.
func (s *Service) applyInStore(ctx context.Context, executionArn string, op *taskOp) error {
	row, err := s.store.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionArn})
	if err != nil {
		return fmt.Errorf("execution %s: %w", executionArn, err)
	}
	if row.Status != store.ExecutionRunning || row.State == nil {
		return errTaskGone
	}
	if s.exec.lookup(executionArn) != nil {
		return errHeldHere
	}
	var spec executionSpec
	if err := json.Unmarshal(row.Spec, &spec); err != nil {
		return fmt.Errorf("execution %s: corrupt spec: %w", executionArn, err)
	}
	p, _ := parseExecutionArn(executionArn)
	r := s.exec.newRun(executionArn, p.Account, p.Region, true)
	r.cancel()
	if r.machine, err = s.machines.compile(spec.Definition); err != nil {
		return fmt.Errorf("execution %s: %w", executionArn, err)
	}
	var st runState
	if err := json.Unmarshal(row.State, &st); err != nil {
		return fmt.Errorf("execution %s: corrupt state: %w", executionArn, err)
	}
	if r.ex, err = r.machine.Restore(st.ASL); err != nil {
		return fmt.Errorf("execution %s: %w", executionArn, err)
	}
	r.ex.SetActivityExists(s.activityExists)
	r.skew, r.mocks = time.Duration(st.Skew), st.Mocks
	if !st.Target.IsZero() && !row.WakeAt.IsZero() && !s.now().Before(row.WakeAt) {
		r.reach(st.Target)
	}
	r.activities = activityTokens(r.ex)
	events, err := op.apply(r.ex, r.vnow())
	if err != nil {
		return err
	}
	encoded, err := encodeEvents(events)
	if err != nil {
		return err
	}
	now := s.now()
	step := &store.HistoryStep{ExecutionARN: executionArn, ExpectedVersion: row.Version, Events: encoded,
		Status: store.ExecutionRunning}
	activities := r.activityStep(step, now)
	if r.ex.Done() {
		step.Status = store.ExecutionStatus(r.ex.Status())
		step.Output, step.Error, step.Cause = r.ex.Output(), r.ex.Error(), r.ex.Cause()
		step.StopDate = r.vnow()
		if len(events) > 0 {
			step.StopDate = events[len(events)-1].Timestamp
		}
	} else {
		step.WakeAt = now
		if step.State, err = r.snapshot(time.Time{}); err != nil {
			return err
		}
	}
	errs, err := s.store.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{step}})
	if err != nil {
		return fmt.Errorf("execution %s: %w", executionArn, err)
	}
	if errs[0] != nil {
		if errors.Is(errs[0], store.ErrNotFound) {
			return errTaskGone
		}
		return errs[0]
	}
	s.activitiesScheduled(activities)
	if r.ex.Done() {
		s.ended(executionArn)
	} else {
		go s.exec.claim() // carry on now rather than at the next poll
	}
	return nil
}
