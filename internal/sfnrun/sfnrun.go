// Package sfnrun runs a state machine to completion in-process: it drives the
// pure interpreter (package asl), answers Task states from a mock
// configuration or a Lambda endpoint, and sleeps through Wait states and
// retry backoff (optionally scaled). It is what `gureum sfn run` does.
package sfnrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gureum-dev/gureum/internal/arn"
	"github.com/gureum-dev/gureum/internal/asl"
	"github.com/gureum-dev/gureum/internal/lambdaclient"
	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/sfntask"
)

// Tasks answers Task states. Invoke returns ErrUnanswered (wrapped) when it
// has no way to run inv.
type Tasks interface {
	Invoke(ctx context.Context, inv *asl.Invoke) (asl.Result, error)
}

// ErrUnanswered means no mock and no endpoint can answer a Task state.
var ErrUnanswered = errors.New("task state has no answer")

// ErrStuck means the execution waits on something that cannot happen here
// (a task token callback with no timeout).
var ErrStuck = errors.New("execution cannot make progress")

// Options configure a run.
type Options struct {
	Input            string
	ExecutionName    string
	StateMachineName string
	Region           string
	Account          string
	// History records every history event for the Report.
	History bool
	// WaitScale multiplies real waiting for Wait states, retry backoff and
	// timeouts: 1 waits for real, 0 not at all (history still shows the
	// full times).
	WaitScale float64
	// Tasks answers Task states; nil means every Task is unanswered.
	Tasks Tasks
	// Express runs without AWS's 25,000-event history limit of Standard
	// executions.
	Express bool
	// Now is the clock (default time.Now); Seed seeds the interpreter's
	// randomness.
	Now  func() time.Time
	Seed uint64
}

// Report is the outcome of a run, shaped like `gureum sfn run` prints it.
type Report struct {
	Status string          `json:"status"`
	Output json.RawMessage `json:"output"`
	Error  string          `json:"error,omitempty"`
	Cause  string          `json:"cause,omitempty"`
	Events []asl.Event     `json:"events,omitempty"`
}

// Run executes m to its end.
func Run(ctx context.Context, m *asl.Machine, o Options) (*Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	if o.StateMachineName == "" {
		o.StateMachineName = "gureum-local"
	}
	if o.ExecutionName == "" {
		o.ExecutionName = fmt.Sprintf("local-%d", o.Now().UnixNano())
	}
	var skipped time.Duration // virtual time not waited for (WaitScale < 1)
	now := func() time.Time { return o.Now().Add(skipped) }
	// Without History no events are built or kept, so memory follows the
	// live state, not the length of the run.
	mode := asl.HistoryOff
	if o.History {
		mode = asl.HistoryStream // collected here, so not kept twice
	}
	var history []asl.Event
	record := func(evs []asl.Event) {
		if o.History {
			history = append(history, evs...)
		}
	}
	maxEvents := 0
	if o.Express {
		maxEvents = -1
	}
	ex, first, err := m.Start(asl.StartOptions{
		MaxEvents:       maxEvents,
		Input:           o.Input,
		ExecutionArn:    arn.Execution(o.Region, o.Account, o.StateMachineName, o.ExecutionName),
		StateMachineArn: arn.StateMachine(o.Region, o.Account, o.StateMachineName),
		RoleArn:         "arn:aws:iam::" + o.Account + ":role/gureum-local",
		Region:          o.Region,
		StartTime:       now(),
		Seed:            o.Seed,
		History:         mode,
	})
	if err != nil {
		return nil, err
	}
	record(first)
	for !ex.Done() {
		var invokes []*asl.Invoke
		callbacks := 0
		for _, e := range ex.Pending() {
			switch e := e.(type) {
			case *asl.Invoke:
				invokes = append(invokes, e)
			case *asl.Callback:
				callbacks++
			}
		}
		if len(invokes) > 0 {
			results, err := runWave(ctx, o.Tasks, invokes, now, o.WaitScale)
			if err != nil {
				return nil, err
			}
			for i, inv := range invokes {
				if results[i].timedOut {
					record(ex.Expire(inv.Deadline))
					continue
				}
				evs, err := ex.Complete(inv.ID, results[i].res, now())
				if err != nil && !errors.Is(err, asl.ErrUnknownEffect) && !errors.Is(err, asl.ErrExecutionDone) {
					return nil, err
				}
				record(evs)
			}
			continue
		}
		next, ok := ex.NextDeadline()
		if !ok {
			if callbacks > 0 {
				return nil, fmt.Errorf("%w: a .waitForTaskToken task waits for a callback that `gureum sfn run` cannot receive; mock that state", ErrStuck)
			}
			return nil, fmt.Errorf("%w: nothing pending and nothing timed", ErrStuck)
		}
		if d := next.Sub(now()); d > 0 {
			real := time.Duration(float64(d) * o.WaitScale)
			if real > 0 {
				t := time.NewTimer(real)
				select {
				case <-ctx.Done():
					t.Stop()
					return nil, ctx.Err()
				case <-t.C:
				}
			}
			skipped += d - real
		}
		record(ex.Expire(next))
	}
	rep := &Report{Status: string(ex.Status()), Error: ex.Error(), Cause: ex.Cause()}
	if ex.Status() == asl.StatusSucceeded {
		rep.Output = json.RawMessage(ex.Output())
	} else {
		rep.Output = json.RawMessage("null")
	}
	if o.History {
		rep.Events = history
		if rep.Events == nil {
			rep.Events = []asl.Event{}
		}
	}
	return rep, nil
}

type waveResult struct {
	res      asl.Result
	timedOut bool
}

// runWave answers a set of pending invokes concurrently and returns their
// results in the same order, so runs are deterministic.
func runWave(ctx context.Context, tasks Tasks, invokes []*asl.Invoke, now func() time.Time, scale float64) ([]waveResult, error) {
	out := make([]waveResult, len(invokes))
	errs := make([]error, len(invokes))
	var wg sync.WaitGroup
	for i, inv := range invokes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := ctx, context.CancelFunc(func() {})
			if !inv.Deadline.IsZero() && scale > 0 {
				cctx, cancel = context.WithTimeout(ctx, time.Duration(float64(inv.Deadline.Sub(now()))*scale))
			}
			defer cancel()
			if tasks == nil {
				errs[i] = unanswered(inv)
				return
			}
			res, err := tasks.Invoke(cctx, inv)
			switch {
			case err != nil && cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil:
				out[i].timedOut = true
			case err != nil:
				errs[i] = err
			default:
				out[i].res = res
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func unanswered(inv *asl.Invoke) error {
	return fmt.Errorf("%w: state %q (resource %s): give it a mocked response (--mock-config/--test-case) or an --endpoint that can run it",
		ErrUnanswered, inv.StateName, inv.Resource)
}

// Mock answers Task states from a mock configuration's test case, counting
// each state's invocations (retries included); states the test case does
// not mock go to Next.
type Mock struct {
	TestCase *sfnmock.TestCase
	Next     Tasks

	mu    sync.Mutex
	count map[string]int
}

// Invoke implements Tasks.
func (m *Mock) Invoke(ctx context.Context, inv *asl.Invoke) (asl.Result, error) {
	if !m.TestCase.Mocked(inv.StateName) {
		if m.Next == nil {
			return asl.Result{}, unanswered(inv)
		}
		return m.Next.Invoke(ctx, inv)
	}
	m.mu.Lock()
	if m.count == nil {
		m.count = map[string]int{}
	}
	n := m.count[inv.StateName]
	m.count[inv.StateName] = n + 1
	m.mu.Unlock()
	r, _, err := m.TestCase.Response(inv.StateName, n)
	if err != nil {
		return asl.Result{}, fmt.Errorf("%w: %v", ErrUnanswered, err)
	}
	if r.Throws() {
		return asl.Result{Error: r.Error, Cause: r.Cause}, nil
	}
	return asl.Result{OutputJSON: string(r.Return)}, nil
}

// Lambda answers Lambda tasks by invoking functions at a Lambda endpoint;
// other resources are unanswered.
type Lambda struct {
	Client *lambdaclient.Client
}

// Invoke implements Tasks.
func (l *Lambda) Invoke(ctx context.Context, inv *asl.Invoke) (asl.Result, error) {
	if !sfntask.IsLambda(inv) {
		return asl.Result{}, unanswered(inv)
	}
	call, fail := sfntask.LambdaCallFor(inv)
	if fail != nil {
		return *fail, nil
	}
	resp, err := l.Client.Invoke(ctx, lambdaclient.Request{FunctionName: call.FunctionName, Qualifier: call.Qualifier,
		Payload: call.Payload, InvocationType: call.InvocationType, LogType: call.LogType, ClientContext: call.ClientContext})
	var apiErr *lambdaclient.APIError
	switch {
	case errors.As(err, &apiErr):
		return sfntask.LambdaResult(inv, nil, &sfntask.LambdaAPIError{StatusCode: apiErr.StatusCode, Code: apiErr.Code,
			Message: apiErr.Message, RequestID: apiErr.RequestID}), nil
	case err != nil:
		return asl.Result{}, fmt.Errorf("state %q: invoke %s: %w", inv.StateName, call.FunctionName, err)
	}
	return sfntask.LambdaResult(inv, &sfntask.LambdaReply{StatusCode: resp.StatusCode, Payload: resp.Payload,
		FunctionError: resp.FunctionError, ExecutedVersion: resp.ExecutedVersion, RequestID: resp.RequestID}, nil), nil
}
