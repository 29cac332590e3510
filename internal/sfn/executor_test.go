package sfn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/sfnmock"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

var scope = Scope{Account: "000000000000", Region: "us-east-1"}

const testRole = "arn:aws:iam::000000000000:role/sfn"

func drivers() []string {
	if os.Getenv("GUREUM_TEST_POSTGRES") != "" {
		return []string{store.DriverSQLite, store.DriverPostgres}
	}
	return []string{store.DriverSQLite}
}

// newStoreFactory returns a function opening stores on one database: every
// call opens another connection to the same data, as another process would.
func newStoreFactory(t *testing.T, driver string) func() store.Store {
	t.Helper()
	switch driver {
	case store.DriverPostgres:
		dsn := os.Getenv("GUREUM_TEST_POSTGRES")
		var b [6]byte
		_, _ = rand.Read(b[:])
		schema := "gureum_sfn_" + hex.EncodeToString(b[:])
		t.Cleanup(func() {
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Errorf("drop schema: %v", err)
				return
			}
			defer conn.Close(ctx)
			_, _ = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		})
		return func() store.Store {
			st, err := pgstore.Open(t.Context(), dsn, &pgstore.Options{Schema: schema, MaxConns: 8})
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
	default:
		path := filepath.Join(t.TempDir(), "gureum.db")
		return func() store.Store {
			st, err := sqlitestore.Open(t.Context(), path, nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		}
	}
}

// abandon stops a service the way a crash would, as far as the store can
// tell: runs stop where they are, nothing more is committed, and no lease is
// released.
func (s *Service) abandon() {
	e := s.exec
	e.closeOnce.Do(func() {
		e.mu.Lock()
		e.closed = true
		e.mu.Unlock()
		e.cancel()
		e.loopWG.Wait()
		e.runWG.Wait()
		close(e.commits)
		e.commitWG.Wait()
	})
}

// loopDef counts $.i to $.limit with a one-second Wait per round.
const loopDef = `{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Parameters": {"i": 0, "limit.$": "$.limit"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Wait"}], "Default": "Done"},
    "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"}, "Next": "Check"},
    "Done": {"Type": "Succeed"}
  }
}`

// loopTypes is loopDef's history for a limit.
func loopTypes(limit int) []string {
	out := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited"}
	for range limit {
		out = append(out, "ChoiceStateEntered", "ChoiceStateExited", "WaitStateEntered", "WaitStateExited",
			"PassStateEntered", "PassStateExited")
	}
	return append(out, "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded")
}

// checkHistory requires every execution to have succeeded with exactly
// loopDef's history: contiguous ids, no step applied twice.
func checkHistory(t *testing.T, st store.Store, arns []string, limit int) {
	t.Helper()
	want := loopTypes(limit)
	for _, a := range arns {
		row, err := st.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: a})
		require.NoError(t, err)
		require.Equal(t, store.ExecutionSucceeded, row.Status, "%s: %s %s", a, row.Error, row.Cause)
		require.JSONEq(t, fmt.Sprintf(`{"i": %d, "limit": %d}`, limit, limit), row.Output)
		require.Empty(t, row.LeaseOwner)
		require.True(t, row.WakeAt.IsZero())
		page, err := st.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: a, Limit: 1000})
		require.NoError(t, err)
		var types []string
		for i, ev := range page.Events {
			require.Equal(t, int64(i+1), ev.ID)
			var e struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			}
			require.NoError(t, json.Unmarshal(ev.Body, &e))
			require.Equal(t, ev.ID, e.ID)
			types = append(types, e.Type)
		}
		require.Equal(t, want, types, a)
	}
}

func waitAll(t *testing.T, st store.Store, arns []string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for _, a := range arns {
		for {
			row, err := st.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: a})
			require.NoError(t, err)
			if row.Status != store.ExecutionRunning {
				break
			}
			require.True(t, time.Now().Before(deadline), "%s still running", a)
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func startLoops(t *testing.T, s *Service, machine string, n, limit int) []string {
	t.Helper()
	smArn, _, err := s.CreateStateMachine(t.Context(), scope, CreateStateMachineInput{Name: machine, Definition: loopDef, RoleArn: testRole, Type: "STANDARD"})
	require.NoError(t, err)
	arns := make([]string, n)
	for i := range n {
		// Retried like a client would: a failed commit may or may not have
		// created the execution, and the same name and input are idempotent.
		in := StartExecutionInput{StateMachineArn: smArn, Name: fmt.Sprintf("run-%d", i), Input: fmt.Sprintf(`{"limit": %d}`, limit)}
		for attempt := 0; ; attempt++ {
			arns[i], _, err = s.StartExecution(t.Context(), in)
			if errors.Is(err, ErrExecutionAlreadyExists) { // it ran to its end meanwhile
				arns[i], err = fmt.Sprintf("arn:aws:states:us-east-1:000000000000:execution:%s:%s", machine, in.Name), nil
			}
			if err == nil || attempt == 10 {
				break
			}
		}
		require.NoError(t, err)
	}
	return arns
}

// TestResumeAfterCrash stops a node abruptly in the middle of its
// executions; another node on the same database finishes them, each step
// applied exactly once.
func TestResumeAfterCrash(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			st1 := open()
			a := New(st1, Options{WaitScale: 0.05, LeaseTTL: 300 * time.Millisecond, PollInterval: 20 * time.Millisecond})
			arns := startLoops(t, a, "loop", 60, 6)
			time.Sleep(120 * time.Millisecond) // a few rounds in
			a.abandon()
			require.NoError(t, st1.Close())

			st2 := open()
			var running int
			for _, arn := range arns {
				row, err := st2.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: arn})
				require.NoError(t, err)
				if row.Status == store.ExecutionRunning {
					running++
				}
			}
			require.Positive(t, running, "the crash should leave executions mid-run")

			b := New(st2, Options{WaitScale: 0.05, LeaseTTL: 300 * time.Millisecond, PollInterval: 20 * time.Millisecond})
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			waitAll(t, st2, arns, 120*time.Second)
			checkHistory(t, st2, arns, 6)
		})
	}
}

// TestTakeOverAtStart: a single node restarting on its own database resumes
// at once, without waiting for its old leases to expire.
func TestTakeOverAtStart(t *testing.T) {
	t.Parallel()
	open := newStoreFactory(t, store.DriverSQLite)
	st1 := open()
	a := New(st1, Options{WaitScale: 0.05, LeaseTTL: time.Hour})
	arns := startLoops(t, a, "loop", 20, 4)
	time.Sleep(80 * time.Millisecond)
	a.abandon()
	require.NoError(t, st1.Close())

	st2 := open()
	b := New(st2, Options{WaitScale: 0.05, LeaseTTL: time.Hour, TakeOver: true, PollInterval: 20 * time.Millisecond})
	defer func() { require.NoError(t, b.Close(context.Background())) }()
	waitAll(t, st2, arns, 120*time.Second)
	checkHistory(t, st2, arns, 4)
}

// TestGracefulCloseReleases: Close releases the node's leases, so another
// node resumes at once even with long leases.
func TestGracefulCloseReleases(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			st1 := open()
			a := New(st1, Options{WaitScale: 0.05, LeaseTTL: time.Hour})
			arns := startLoops(t, a, "loop", 20, 4)
			time.Sleep(60 * time.Millisecond)
			require.NoError(t, a.Close(context.Background()))
			require.NoError(t, a.Close(context.Background()), "idempotent")

			st2 := open()
			b := New(st2, Options{WaitScale: 0.05, LeaseTTL: time.Hour, PollInterval: 20 * time.Millisecond})
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			waitAll(t, st2, arns, 120*time.Second)
			checkHistory(t, st2, arns, 4)
		})
	}
}

// flakyStore fails a share of group commits, half of them after the
// transaction committed (the caller cannot tell which).
type flakyStore struct {
	store.Store
	rate     float64
	failures atomic.Int64
}

var errInjected = errors.New("injected store failure")

func (f *flakyStore) HistoryAppend(ctx context.Context, params *store.HistoryAppendParams) ([]error, error) {
	r := mrand.Float64()
	if r < f.rate/2 {
		f.failures.Add(1)
		return nil, errInjected
	}
	errs, err := f.Store.HistoryAppend(ctx, params)
	if err == nil && r < f.rate {
		f.failures.Add(1)
		return nil, errInjected
	}
	return errs, err
}

// TestFailedCommits: a commit that fails (or seems to) drops the step's
// run; the execution is claimed again and resumes from what was committed.
func TestFailedCommits(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			st := &flakyStore{Store: newStoreFactory(t, driver)(), rate: 0.15}
			// A lease of 500 ms (not less): under a loaded CI machine with
			// -race, shorter leases expired before renewal and executions
			// bounced between claims until the wait gave up.
			s := New(st, Options{WaitScale: 0.02, LeaseTTL: 500 * time.Millisecond, PollInterval: 10 * time.Millisecond})
			defer func() { require.NoError(t, s.Close(context.Background())) }()
			arns := startLoops(t, s, "loop", 40, 5)
			waitAll(t, st, arns, 120*time.Second)
			checkHistory(t, st, arns, 5)
			require.Positive(t, st.failures.Load())
		})
	}
}

// TestTwoNodes runs executions on two nodes sharing one database; one dies,
// the other takes its executions over when their leases expire.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			opts := Options{WaitScale: 0.05, LeaseTTL: 200 * time.Millisecond, PollInterval: 10 * time.Millisecond}
			stA, stB := open(), open()
			a, b := New(stA, opts), New(stB, opts)
			defer func() { require.NoError(t, b.Close(context.Background())) }()
			arns := startLoops(t, a, "loop-a", 30, 5)
			smB, _, err := b.CreateStateMachine(t.Context(), scope, CreateStateMachineInput{Name: "loop-b", Definition: loopDef, RoleArn: testRole, Type: "STANDARD"})
			require.NoError(t, err)
			for range 30 {
				arn, _, err := b.StartExecution(t.Context(), StartExecutionInput{StateMachineArn: smB, Input: `{"limit": 5}`})
				require.NoError(t, err)
				arns = append(arns, arn)
			}
			time.Sleep(100 * time.Millisecond)
			a.abandon()
			waitAll(t, stB, arns, 120*time.Second)
			checkHistory(t, stB, arns, 5)
		})
	}
}

// TestStopRacesSteps stops executions while they run, from the node that
// runs them and from another: each ends ABORTED or SUCCEEDED with a
// contiguous history that ends once.
func TestStopRacesSteps(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			open := newStoreFactory(t, driver)
			opts := Options{WaitScale: 0.01, LeaseTTL: time.Second, PollInterval: 10 * time.Millisecond}
			stA, stB := open(), open()
			a, b := New(stA, opts), New(stB, opts)
			defer func() {
				require.NoError(t, a.Close(context.Background()))
				require.NoError(t, b.Close(context.Background()))
			}()
			arns := startLoops(t, a, "loop", 40, 10)
			var wg sync.WaitGroup
			for i, arn := range arns {
				wg.Go(func() {
					time.Sleep(time.Duration(mrand.IntN(100)) * time.Millisecond)
					via := a
					if i%2 == 1 {
						via = b
					}
					_, err := via.StopExecution(t.Context(), arn, "Stop", fmt.Sprint(i))
					if err != nil {
						t.Errorf("stop %s: %v", arn, err)
					}
				})
			}
			wg.Wait()
			for _, arn := range arns {
				row, err := stA.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: arn})
				require.NoError(t, err)
				require.Contains(t, []store.ExecutionStatus{store.ExecutionAborted, store.ExecutionSucceeded}, row.Status)
				page, err := stA.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: arn, Limit: 1000})
				require.NoError(t, err)
				var types []string
				for i, ev := range page.Events {
					require.Equal(t, int64(i+1), ev.ID)
					var e struct{ Type string }
					require.NoError(t, json.Unmarshal(ev.Body, &e))
					types = append(types, e.Type)
				}
				terminal := 0
				for _, ty := range types {
					if ty == "ExecutionAborted" || ty == "ExecutionSucceeded" {
						terminal++
					}
				}
				require.Equal(t, 1, terminal, "%s: %v", arn, types)
				require.Equal(t, "Execution"+map[store.ExecutionStatus]string{store.ExecutionAborted: "Aborted", store.ExecutionSucceeded: "Succeeded"}[row.Status],
					types[len(types)-1])
				require.True(t, slices.Equal(loopTypes(10)[:len(types)-1], types[:len(types)-1]) || row.Status == store.ExecutionSucceeded)
			}
		})
	}
}

// TestReleasedTimers: waits longer than MaxHotWait release the execution to
// the store; the poller claims it again when its wake time comes.
func TestReleasedTimers(t *testing.T) {
	t.Parallel()
	for _, driver := range drivers() {
		t.Run(driver, func(t *testing.T) {
			t.Parallel()
			st := newStoreFactory(t, driver)()
			s := New(st, Options{WaitScale: 0.05, MaxHotWait: time.Millisecond, PollInterval: 10 * time.Millisecond})
			defer func() { require.NoError(t, s.Close(context.Background())) }()
			// Watch the rows from before the first start (on a loaded
			// machine the starts can take longer than the executions):
			// some execution is seen released to the store while it waits.
			var released atomic.Int64
			stop := make(chan struct{})
			watched := make(chan struct{})
			go func() {
				defer close(watched)
				for {
					select {
					case <-stop:
						return
					default:
					}
					for i := range 30 {
						arn := fmt.Sprintf("arn:aws:states:us-east-1:000000000000:execution:loop:run-%d", i)
						row, err := st.ExecutionGet(context.Background(), &store.ExecutionGetParams{ARN: arn})
						if err == nil && row.Status == store.ExecutionRunning && row.LeaseOwner == "" && !row.WakeAt.IsZero() {
							released.Add(1)
						}
					}
					time.Sleep(time.Millisecond)
				}
			}()
			arns := startLoops(t, s, "loop", 30, 3)
			waitAll(t, st, arns, 120*time.Second)
			close(stop)
			<-watched
			require.Positive(t, released.Load(), "waiting executions are released to the store")
			checkHistory(t, st, arns, 3)
		})
	}
}

// TestMockCountsSurviveRestore: a test case's invocation counts are part of
// the committed state, so an execution resumed from the store goes on with
// the next mocked response.
func TestMockCountsSurviveRestore(t *testing.T) {
	t.Parallel()
	cfg, err := sfnmock.Parse([]byte(`{
		"StateMachines": {"mocked": {"TestCases": {"Flaky": {"Call": "TwoFailures"}}}},
		"MockedResponses": {"TwoFailures": {
			"0-1": {"Throw": {"Error": "Busy", "Cause": "try again"}},
			"2": {"Return": {"ok": true}}}}}`))
	require.NoError(t, err)
	st := newStoreFactory(t, store.DriverSQLite)()
	s := New(st, Options{MockConfig: cfg, WaitScale: 0.01, MaxHotWait: time.Millisecond, PollInterval: 10 * time.Millisecond})
	defer func() { require.NoError(t, s.Close(context.Background())) }()
	smArn, _, err := s.CreateStateMachine(t.Context(), scope, CreateStateMachineInput{Name: "mocked", RoleArn: testRole, Type: "STANDARD",
		Definition: `{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"Parameters": {"FunctionName": "f"}, "End": true,
			"Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 2, "MaxAttempts": 5}]}}}`})
	require.NoError(t, err)
	arn, _, err := s.StartExecution(t.Context(), StartExecutionInput{StateMachineArn: smArn + "#Flaky"})
	require.NoError(t, err)
	waitAll(t, st, []string{arn}, 120*time.Second)
	row, err := st.ExecutionGet(t.Context(), &store.ExecutionGetParams{ARN: arn})
	require.NoError(t, err)
	require.Equal(t, store.ExecutionSucceeded, row.Status, row.Cause)
	require.JSONEq(t, `{"ok": true}`, row.Output)
}
