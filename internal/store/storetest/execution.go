package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

const machineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:flow"

func executionARN(machine, name string) string {
	return fmt.Sprintf("arn:aws:states:us-east-1:000000000000:execution:%s:%s", machine, name)
}

// baseTime is a fixed instant with microsecond precision for execution
// timestamps (they come from the caller, not the store's clock).
var baseTime = time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)

func newExecutionParams(name string, start time.Time) *store.ExecutionCreateParams {
	return &store.ExecutionCreateParams{
		ARN:             executionARN("flow", name),
		StateMachineARN: machineARN,
		Account:         account1,
		Region:          region1,
		Name:            name,
		Type:            store.StateMachineTypeStandard,
		Input:           `{"n": 1}`,
		Spec:            []byte(`{"definition": "{}",  "roleArn": "arn:aws:iam::000000000000:role/r"}`),
		StartDate:       start,
		WakeAt:          start,
	}
}

func createExecution(t *testing.T, s store.Store, params *store.ExecutionCreateParams) *store.ExecutionRow {
	t.Helper()
	e, err := s.ExecutionCreate(t.Context(), params)
	require.NoError(t, err)
	return e
}

// events returns n history events with ids from..from+n-1.
func events(from int64, n int) []store.HistoryEvent {
	out := make([]store.HistoryEvent, n)
	for i := range out {
		id := from + int64(i)
		out[i] = store.HistoryEvent{ID: id, Body: fmt.Appendf(nil, `{"id": %d, "type": "PassStateEntered"}`, id)}
	}
	return out
}

func listAllExecutions(t *testing.T, s store.Store, status store.ExecutionStatus, limit int) []string {
	t.Helper()
	var (
		names []string
		after string
	)
	for range 10_000 {
		page, err := s.ExecutionList(t.Context(), &store.ExecutionListParams{StateMachineARN: machineARN, Status: status, After: after, Limit: limit})
		require.NoError(t, err)
		for _, e := range page.Executions {
			require.Empty(t, e.Input, "listing leaves out the input")
			require.Nil(t, e.State, "listing leaves out the state")
			names = append(names, e.Name)
		}
		if page.Next == "" {
			return names
		}
		require.Len(t, page.Executions, store.ListLimit(limit), "a page with a Next cursor is full")
		after = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func allHistory(t *testing.T, s store.Store, arn string, reverse bool, limit int) []int64 {
	t.Helper()
	var (
		ids   []int64
		after int64
	)
	for range 10_000 {
		page, err := s.HistoryList(t.Context(), &store.HistoryListParams{ExecutionARN: arn, After: after, Reverse: reverse, Limit: limit})
		require.NoError(t, err)
		for _, ev := range page.Events {
			require.JSONEq(t, fmt.Sprintf(`{"id": %d, "type": "PassStateEntered"}`, ev.ID), string(ev.Body))
			ids = append(ids, ev.ID)
		}
		if page.Next == 0 {
			return ids
		}
		after = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func exerciseExecution(t *testing.T, setup setupFunc) {
	t.Run("CreateGet", func(t *testing.T) {
		s, ctx := setup(t)
		params := newExecutionParams("run-1", baseTime)
		params.LeaseOwner, params.LeaseExpires = "node-a", baseTime.Add(time.Minute)
		created, err := s.ExecutionCreate(ctx, params)
		require.NoError(t, err)
		want := &store.ExecutionRow{
			ARN: params.ARN, StateMachineARN: machineARN, Account: account1, Region: region1, Name: "run-1",
			Type: store.StateMachineTypeStandard, Status: store.ExecutionRunning, Input: `{"n": 1}`,
			Spec: params.Spec, StartDate: baseTime, WakeAt: baseTime, LeaseOwner: "node-a",
			LeaseExpires: baseTime.Add(time.Minute), Version: 1,
		}
		require.Equal(t, want, created)

		got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: params.ARN})
		require.NoError(t, err)
		require.Equal(t, want, got)

		_, err = s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: params.ARN + "-nope"})
		require.ErrorIs(t, err, store.ErrNotFound)

		// The ARN is the identity.
		_, err = s.ExecutionCreate(ctx, newExecutionParams("run-1", baseTime.Add(time.Second)))
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		// Bad rows are refused.
		bad := newExecutionParams("run-2", baseTime)
		bad.Spec = []byte("{")
		_, err = s.ExecutionCreate(ctx, bad)
		require.Error(t, err)
		bad = newExecutionParams("run-3", baseTime)
		bad.Type = "standard"
		_, err = s.ExecutionCreate(ctx, bad)
		require.Error(t, err)
	})

	t.Run("ListNewestFirst", func(t *testing.T) {
		s, ctx := setup(t)
		var want []string
		for i := range 23 {
			// Several executions share a start date: ties are broken by ARN.
			start := baseTime.Add(time.Duration(i/3) * time.Second)
			name := fmt.Sprintf("run-%02d", i)
			createExecution(t, s, newExecutionParams(name, start))
			want = append(want, name)
		}
		other := newExecutionParams("elsewhere", baseTime)
		other.ARN = executionARN("other", "elsewhere")
		other.StateMachineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:other"
		createExecution(t, s, other)

		slices.Reverse(want)
		for _, limit := range []int{1, 2, 5, 22, 23, 0} {
			require.Equal(t, want, listAllExecutions(t, s, "", limit), "limit %d", limit)
		}

		// Finish some, then filter by status.
		var succeeded []string
		for i, name := range want {
			if i%4 != 0 {
				continue
			}
			e, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", name)})
			require.NoError(t, err)
			errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
				ExecutionARN: e.ARN, ExpectedVersion: e.Version, Status: store.ExecutionSucceeded,
				Output: `{}`, StopDate: baseTime.Add(time.Hour),
			}}})
			require.NoError(t, err)
			require.NoError(t, errs[0])
			succeeded = append(succeeded, name)
		}
		require.Equal(t, succeeded, listAllExecutions(t, s, store.ExecutionSucceeded, 2))
		require.Len(t, listAllExecutions(t, s, store.ExecutionRunning, 3), len(want)-len(succeeded))
		require.Empty(t, listAllExecutions(t, s, store.ExecutionAborted, 0))

		_, err := s.ExecutionList(ctx, &store.ExecutionListParams{StateMachineARN: machineARN, After: "garbage"})
		require.Error(t, err)
	})

	t.Run("HistoryAppendAndList", func(t *testing.T) {
		s, ctx := setup(t)
		e := createExecution(t, s, newExecutionParams("run", baseTime))

		// Three steps of one execution, each fenced by the previous version.
		version := e.Version
		next := int64(1)
		for step, n := range []int{1, 130, 7} {
			status, stop, state := store.ExecutionRunning, time.Time{}, fmt.Appendf(nil, "state-%d", step)
			if step == 2 {
				status, stop, state = store.ExecutionFailed, baseTime.Add(time.Minute), nil
			}
			errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
				ExecutionARN: e.ARN, ExpectedVersion: version, Events: events(next, n),
				Status: status, StopDate: stop, State: state, Error: "E", Cause: "C",
				WakeAt: baseTime.Add(time.Duration(step) * time.Second), LeaseOwner: "node-a",
				LeaseExpires: baseTime.Add(time.Hour),
			}}})
			require.NoError(t, err)
			require.Equal(t, []error{nil}, errs)
			version++
			next += int64(n)

			got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: e.ARN})
			require.NoError(t, err)
			require.Equal(t, version, got.Version)
			require.Equal(t, status, got.Status)
			require.Equal(t, state, got.State)
			require.Equal(t, stop, got.StopDate)
			require.Equal(t, baseTime.Add(time.Duration(step)*time.Second), got.WakeAt)
			require.Equal(t, "node-a", got.LeaseOwner)
			require.Equal(t, `{"n": 1}`, got.Input, "input never changes")
		}
		var want []int64
		for id := int64(1); id < next; id++ {
			want = append(want, id)
		}
		for _, limit := range []int{1, 7, 100, 138, 0} {
			require.Equal(t, want, allHistory(t, s, e.ARN, false, limit), "limit %d", limit)
			rev := slices.Clone(want)
			slices.Reverse(rev)
			require.Equal(t, rev, allHistory(t, s, e.ARN, true, limit), "reverse, limit %d", limit)
		}
		require.Empty(t, allHistory(t, s, executionARN("flow", "nope"), false, 0))

		// A stale version writes nothing.
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: e.ARN, ExpectedVersion: 1, Events: events(next, 3), Status: store.ExecutionAborted,
		}}})
		require.NoError(t, err)
		require.ErrorIs(t, errs[0], store.ErrConflict)
		require.Equal(t, want, allHistory(t, s, e.ARN, false, 0))
		got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: e.ARN})
		require.NoError(t, err)
		require.Equal(t, store.ExecutionFailed, got.Status)
		require.Equal(t, "E", got.Error)
		require.Nil(t, got.State)
	})

	t.Run("HistoryIDsWithGaps", func(t *testing.T) {
		s, ctx := setup(t)
		e := createExecution(t, s, newExecutionParams("gaps", baseTime))
		var evs []store.HistoryEvent
		for _, id := range []int64{1, 2, 5, 9} {
			evs = append(evs, events(id, 1)...)
		}
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{
			{ExecutionARN: e.ARN, ExpectedVersion: 1, Events: evs[:3], Status: store.ExecutionRunning}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		errs, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{
			{ExecutionARN: e.ARN, ExpectedVersion: 2, Events: evs[3:], Status: store.ExecutionRunning}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		for _, limit := range []int{1, 2, 3, 0} {
			require.Equal(t, []int64{1, 2, 5, 9}, allHistory(t, s, e.ARN, false, limit))
			require.Equal(t, []int64{9, 5, 2, 1}, allHistory(t, s, e.ARN, true, limit))
		}
		page, err := s.HistoryList(ctx, &store.HistoryListParams{ExecutionARN: e.ARN, After: 3})
		require.NoError(t, err)
		require.Len(t, page.Events, 2, "a cursor between ids")
		require.Equal(t, int64(5), page.Events[0].ID)

		// Ids must increase.
		_, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{
			{ExecutionARN: e.ARN, ExpectedVersion: 3, Events: []store.HistoryEvent{evs[3], evs[0]}, Status: store.ExecutionRunning}}})
		require.Error(t, err)
	})

	t.Run("GroupCommitIsolatesFailedSteps", func(t *testing.T) {
		s, ctx := setup(t)
		var rows []*store.ExecutionRow
		for i := range 5 {
			rows = append(rows, createExecution(t, s, newExecutionParams(fmt.Sprintf("run-%d", i), baseTime)))
		}
		steps := []*store.HistoryStep{}
		for i, e := range rows {
			expected := e.Version
			if i == 1 {
				expected = 7 // stale
			}
			steps = append(steps, &store.HistoryStep{ExecutionARN: e.ARN, ExpectedVersion: expected,
				Events: events(1, 3+i), Status: store.ExecutionRunning, State: []byte("s")})
		}
		steps = append(steps, &store.HistoryStep{ExecutionARN: executionARN("flow", "missing"), ExpectedVersion: 1,
			Events: events(1, 2), Status: store.ExecutionRunning})
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: steps})
		require.NoError(t, err)
		require.Len(t, errs, 6)
		for i, err := range errs {
			switch i {
			case 1:
				require.ErrorIs(t, err, store.ErrConflict)
			case 5:
				require.ErrorIs(t, err, store.ErrNotFound)
			default:
				require.NoError(t, err)
			}
		}
		for i, e := range rows {
			ids := allHistory(t, s, e.ARN, false, 0)
			got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: e.ARN})
			require.NoError(t, err)
			if i == 1 {
				require.Empty(t, ids)
				require.Equal(t, int64(1), got.Version)
				require.Nil(t, got.State)
				continue
			}
			require.Len(t, ids, 3+i)
			require.Equal(t, int64(2), got.Version)
		}
	})

	t.Run("CreateStep", func(t *testing.T) {
		s, ctx := setup(t)
		existing := createExecution(t, s, newExecutionParams("taken", baseTime))
		steps := []*store.HistoryStep{
			{Create: newExecutionParams("fresh", baseTime), Events: events(1, 70), Status: store.ExecutionRunning,
				State: []byte("s1"), WakeAt: baseTime.Add(time.Second), LeaseOwner: "me", LeaseExpires: baseTime.Add(time.Minute)},
			{Create: newExecutionParams("taken", baseTime.Add(time.Hour)), Events: events(1, 2), Status: store.ExecutionSucceeded},
			{Create: newExecutionParams("done", baseTime), Events: events(1, 3), Status: store.ExecutionSucceeded,
				Output: `{"ok": true}`, StopDate: baseTime.Add(time.Second)},
			{ExecutionARN: existing.ARN, ExpectedVersion: 1, Events: events(1, 1), Status: store.ExecutionRunning},
		}
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: steps})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		require.ErrorIs(t, errs[1], store.ErrAlreadyExists)
		require.NoError(t, errs[2])
		require.NoError(t, errs[3])

		fresh, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", "fresh")})
		require.NoError(t, err)
		require.Equal(t, &store.ExecutionRow{
			ARN: executionARN("flow", "fresh"), StateMachineARN: machineARN, Account: account1, Region: region1,
			Name: "fresh", Type: store.StateMachineTypeStandard, Status: store.ExecutionRunning, Input: `{"n": 1}`,
			Spec: steps[0].Create.Spec, State: []byte("s1"), StartDate: baseTime, WakeAt: baseTime.Add(time.Second),
			LeaseOwner: "me", LeaseExpires: baseTime.Add(time.Minute), Version: 1,
		}, fresh)
		require.Len(t, allHistory(t, s, fresh.ARN, false, 0), 70)

		taken, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: existing.ARN})
		require.NoError(t, err)
		require.Equal(t, baseTime, taken.StartDate, "the refused create changed nothing")
		require.Equal(t, []int64{1}, allHistory(t, s, existing.ARN, false, 0))

		done, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", "done")})
		require.NoError(t, err)
		require.Equal(t, store.ExecutionSucceeded, done.Status)
		require.Equal(t, `{"ok": true}`, done.Output)
		require.Equal(t, baseTime.Add(time.Second), done.StopDate)
		require.Equal(t, []string{"taken", "fresh", "done"}, listAllExecutions(t, s, "", 0), "same start date: ARN descending")
	})

	t.Run("ConcurrentStepsAreFenced", func(t *testing.T) {
		s, ctx := setup(t)
		e := createExecution(t, s, newExecutionParams("run", baseTime))
		const writers = 8
		var (
			wg              sync.WaitGroup
			mu              sync.Mutex
			wins, conflicts int
			start           = make(chan struct{})
		)
		for w := range writers {
			wg.Go(func() {
				<-start
				errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
					ExecutionARN: e.ARN, ExpectedVersion: 1, Events: events(1, 5),
					Status: store.ExecutionRunning, State: fmt.Appendf(nil, "writer-%d", w),
				}}})
				if !assertNoError(t, err) {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errs[0] == nil:
					wins++
				case errors.Is(errs[0], store.ErrConflict):
					conflicts++
				default:
					t.Errorf("append: %v", errs[0])
				}
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, wins)
		require.Equal(t, writers-1, conflicts)
		require.Equal(t, []int64{1, 2, 3, 4, 5}, allHistory(t, s, e.ARN, false, 0))
	})

	t.Run("ClaimDue", func(t *testing.T) {
		s, ctx := setup(t)
		now := baseTime.Add(time.Hour)
		mk := func(name string, wake time.Time, owner string, expires time.Time) *store.ExecutionRow {
			p := newExecutionParams(name, baseTime)
			p.WakeAt, p.LeaseOwner, p.LeaseExpires = wake, owner, expires
			return createExecution(t, s, p)
		}
		mk("due-free", now.Add(-time.Second), "", time.Time{})
		mk("due-expired", now.Add(-2*time.Second), "dead", now.Add(-time.Millisecond))
		mk("due-expires-now", now.Add(-3*time.Second), "dead", now)
		mk("due-leased", now.Add(-time.Second), "alive", now.Add(time.Minute))
		mk("future", now.Add(time.Second), "", time.Time{})
		mk("no-wake", time.Time{}, "", time.Time{})
		done := mk("done", now.Add(-time.Hour), "", time.Time{})
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: done.ARN, ExpectedVersion: 1, Status: store.ExecutionSucceeded, StopDate: now,
			WakeAt: now.Add(-time.Hour), // a finished execution is never due, whatever its wake time
		}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])

		claimed, err := s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: "me", LeaseExpires: now.Add(time.Minute), Now: now, Limit: 2})
		require.NoError(t, err)
		require.Len(t, claimed, 2, "Limit caps a claim")
		more, err := s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: "me", LeaseExpires: now.Add(time.Minute), Now: now})
		require.NoError(t, err)
		claimed = append(claimed, more...)
		var names []string
		for _, e := range claimed {
			names = append(names, e.Name)
			require.Equal(t, "me", e.LeaseOwner)
			require.Equal(t, now.Add(time.Minute), e.LeaseExpires)
			require.Equal(t, int64(2), e.Version, "a claim fences the previous owner")
			require.Equal(t, `{"n": 1}`, e.Input)
			require.NotEmpty(t, e.Spec)
		}
		require.Equal(t, []string{"due-expires-now", "due-expired", "due-free"}, names, "earliest wake first")

		again, err := s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: "other", LeaseExpires: now.Add(time.Minute), Now: now})
		require.NoError(t, err)
		require.Empty(t, again, "claimed rows are leased")

		// Renew moves only the owner's leases; Release frees them.
		n, err := s.ExecutionLeaseRenew(ctx, &store.ExecutionLeaseRenewParams{Owner: "me", LeaseExpires: now.Add(time.Hour)})
		require.NoError(t, err)
		require.Equal(t, int64(3), n)
		later := now.Add(2 * time.Minute)
		again, err = s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: "other", LeaseExpires: later.Add(time.Minute), Now: later})
		require.NoError(t, err)
		require.Len(t, again, 2)
		require.Equal(t, "due-leased", again[0].Name, "its lease (not renewed) has expired")
		require.Equal(t, "future", again[1].Name, "its time has come")

		got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", "due-free")})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version, "renewal keeps the version")

		n, err = s.ExecutionLeaseRelease(ctx, &store.ExecutionLeaseReleaseParams{Owner: "other", ARN: executionARN("flow", "due-free")})
		require.NoError(t, err)
		require.Zero(t, n, "not other's lease")
		n, err = s.ExecutionLeaseRelease(ctx, &store.ExecutionLeaseReleaseParams{Owner: "me", ARN: executionARN("flow", "due-expired")})
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		n, err = s.ExecutionLeaseRelease(ctx, &store.ExecutionLeaseReleaseParams{Owner: "me"})
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
		got, err = s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", "due-free")})
		require.NoError(t, err)
		require.Empty(t, got.LeaseOwner)
		require.True(t, got.LeaseExpires.IsZero())

		n, err = s.ExecutionLeaseRelease(ctx, &store.ExecutionLeaseReleaseParams{})
		require.NoError(t, err)
		require.Equal(t, int64(2), n, "every remaining lease: other's")
	})

	t.Run("ConcurrentClaimsNeverOverlap", func(t *testing.T) {
		s, ctx := setup(t)
		const total = 60
		for i := range total {
			createExecution(t, s, newExecutionParams(fmt.Sprintf("run-%02d", i), baseTime.Add(time.Duration(i)*time.Millisecond)))
		}
		now := baseTime.Add(time.Hour)
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			owner = map[string]string{}
		)
		for c := range 6 {
			wg.Go(func() {
				me := fmt.Sprintf("node-%d", c)
				for {
					rows, err := s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: me, LeaseExpires: now.Add(time.Minute), Now: now, Limit: 4})
					if !assertNoError(t, err) || len(rows) == 0 {
						return
					}
					mu.Lock()
					for _, e := range rows {
						if prev, dup := owner[e.ARN]; dup {
							t.Errorf("%s claimed by %s and %s", e.ARN, prev, me)
						}
						owner[e.ARN] = me
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		require.Len(t, owner, total)
	})
}
