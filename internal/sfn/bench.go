package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gureum-dev/gureum/internal/store"
)

// BenchOptions configure BenchStandard.
type BenchOptions struct {
	// Executions run at once (default 1000) of a machine of States Pass
	// states (default 20).
	Executions int
	States     int
	// Service tunes the service under test (its WaitScale and clock are
	// kept; Logger defaults to discard).
	Service Options
}

// BenchResult is what BenchStandard measured.
type BenchResult struct {
	Driver      string        `json:"driver"`
	Executions  int           `json:"executions"`
	Transitions int           `json:"transitions"` // states entered
	Events      int           `json:"events"`      // history events committed
	Elapsed     time.Duration `json:"elapsedNs"`
	PerSecond   float64       `json:"transitionsPerSecond"`
	Commits     int64         `json:"commits"` // group commits (transactions)
}

// BenchStandard measures durable Standard executions on st: it starts
// Executions executions of a chain of States Pass states at once (through
// StartExecution, each a store row) and waits until every one has committed
// its end. Every step is durable: its events and state are committed before
// the execution moves on. The store should be empty; the state machine it
// creates is named "gureum-bench-<n>".
func BenchStandard(ctx context.Context, st store.Store, o BenchOptions) (*BenchResult, error) {
	if o.Executions <= 0 {
		o.Executions = 1000
	}
	if o.States <= 0 {
		o.States = 20
	}
	counter := &countingStore{Store: st}
	s := New(counter, o.Service)
	defer s.Close(context.Background())

	var (
		ended atomic.Int64
		done  = make(chan struct{})
	)
	s.exec.onEnd = func(string) {
		if ended.Add(1) == int64(o.Executions) {
			close(done)
		}
	}

	states := map[string]any{}
	for i := range o.States {
		st := map[string]any{"Type": "Pass", "Result": i, "ResultPath": "$.step"}
		if i == o.States-1 {
			st["End"] = true
		} else {
			st["Next"] = fmt.Sprintf("S%d", i+1)
		}
		states[fmt.Sprintf("S%d", i)] = st
	}
	def, err := json.Marshal(map[string]any{"StartAt": "S0", "States": states})
	if err != nil {
		return nil, err
	}
	sc := Scope{Account: "000000000000", Region: "us-east-1"}
	smArn, _, err := s.CreateStateMachine(ctx, sc, CreateStateMachineInput{
		Name: fmt.Sprintf("gureum-bench-%d", time.Now().UnixNano()), Definition: string(def),
		RoleArn: "arn:aws:iam::000000000000:role/gureum-bench", Type: "STANDARD"})
	if err != nil {
		return nil, err
	}

	began := time.Now()
	var (
		wg       sync.WaitGroup
		startErr error
		errOnce  sync.Once
	)
	// Start from 64 goroutines, as many API requests at once would.
	next := make(chan int)
	for range 64 {
		wg.Go(func() {
			for i := range next {
				_, _, err := s.StartExecution(ctx, StartExecutionInput{StateMachineArn: smArn,
					Name: fmt.Sprintf("run-%d", i), Input: `{"bench": true}`})
				if err != nil {
					errOnce.Do(func() { startErr = err })
				}
			}
		})
	}
	for i := range o.Executions {
		next <- i
	}
	close(next)
	wg.Wait()
	if startErr != nil {
		return nil, startErr
	}
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	elapsed := time.Since(began)
	r := &BenchResult{Driver: st.Driver(), Executions: o.Executions, Transitions: o.Executions * o.States,
		Events: o.Executions * (2*o.States + 2), Elapsed: elapsed, Commits: counter.commits.Load()}
	r.PerSecond = float64(r.Transitions) / elapsed.Seconds()
	return r, nil
}

// countingStore counts group commits.
type countingStore struct {
	store.Store
	commits atomic.Int64
}

func (c *countingStore) HistoryAppend(ctx context.Context, params *store.HistoryAppendParams) ([]error, error) {
	c.commits.Add(1)
	return c.Store.HistoryAppend(ctx, params)
}
