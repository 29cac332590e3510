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

func activityARN(account, region, name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:activity:%s", region, account, name)
}

func newActivityParams(account, region, name string) *store.ActivityCreateParams {
	return &store.ActivityCreateParams{ARN: activityARN(account, region, name), Account: account, Region: region,
		Name: name, Spec: specJSON(name)}
}

func activityTask(token, activity string, at time.Time) *store.ActivityTaskRow {
	return &store.ActivityTaskRow{Token: token, ActivityARN: activity, EffectID: "e-" + token,
		Input: `{"token": "` + token + `"}`, ScheduledAt: at}
}

func exerciseActivity(t *testing.T, setup setupFunc) {
	t.Run("CreateGetDelete", func(t *testing.T) {
		s, ctx := setup(t)
		before := time.Now()
		p := newActivityParams(account1, region1, "work")
		a, err := s.ActivityCreate(ctx, p)
		require.NoError(t, err)
		require.Equal(t, p.ARN, a.ARN)
		require.Equal(t, "work", a.Name)
		require.Equal(t, int64(1), a.Version)
		require.Equal(t, p.Spec, a.Spec)
		requireRecent(t, before, a.CreatedAt)

		_, err = s.ActivityCreate(ctx, p)
		require.ErrorIs(t, err, store.ErrAlreadyExists)
		other := newActivityParams(account1, region1, "work")
		other.ARN += "-other-arn"
		_, err = s.ActivityCreate(ctx, other)
		require.ErrorIs(t, err, store.ErrAlreadyExists, "names are unique within account and region")
		_, err = s.ActivityCreate(ctx, newActivityParams(account2, region1, "work"))
		require.NoError(t, err)

		got, err := s.ActivityGet(ctx, &store.ActivityGetParams{ARN: p.ARN})
		require.NoError(t, err)
		require.Equal(t, a, got)

		updated, err := s.ActivityUpdate(ctx, &store.ActivityUpdateParams{ARN: p.ARN, ExpectedVersion: 1, Spec: []byte(`{"tags": []}`)})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.Version)
		require.Equal(t, `{"tags": []}`, string(updated.Spec))
		_, err = s.ActivityUpdate(ctx, &store.ActivityUpdateParams{ARN: p.ARN, ExpectedVersion: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.ActivityUpdate(ctx, &store.ActivityUpdateParams{ARN: p.ARN + "x", ExpectedVersion: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound)

		deleted, err := s.ActivityDelete(ctx, &store.ActivityDeleteParams{ARN: p.ARN})
		require.NoError(t, err)
		require.Equal(t, updated, deleted)
		_, err = s.ActivityGet(ctx, &store.ActivityGetParams{ARN: p.ARN})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.ActivityDelete(ctx, &store.ActivityDeleteParams{ARN: p.ARN})
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("List", func(t *testing.T) {
		s, ctx := setup(t)
		for _, name := range shuffled(unicodeNames) {
			_, err := s.ActivityCreate(ctx, newActivityParams(account1, region1, name))
			require.NoError(t, err)
		}
		_, err := s.ActivityCreate(ctx, newActivityParams(account1, region2, "elsewhere"))
		require.NoError(t, err)
		var got []string
		after := ""
		for {
			res, err := s.ActivityList(ctx, &store.ActivityListParams{Account: account1, Region: region1, After: after, Limit: 3})
			require.NoError(t, err)
			require.LessOrEqual(t, len(res.Activities), 3)
			for _, a := range res.Activities {
				got = append(got, a.Name)
			}
			if res.Next == "" {
				break
			}
			after = res.Next
		}
		want := slices.Clone(unicodeNames)
		slices.Sort(want) // byte order
		require.Equal(t, want, got)
	})

	t.Run("TasksFollowSteps", func(t *testing.T) {
		s, ctx := setup(t)
		act := activityARN(account1, region1, "work")
		e := createExecution(t, s, newExecutionParams("with-tasks", baseTime))
		step := func(version int64, status store.ExecutionStatus, add []*store.ActivityTaskRow, done []string) error {
			errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
				ExecutionARN: e.ARN, ExpectedVersion: version, Status: status, State: []byte("s"),
				ActivityTasks: add, ActivityTasksDone: done,
			}}})
			require.NoError(t, err)
			return errs[0]
		}
		claim := func(worker string) *store.ActivityTaskRow {
			task, err := s.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: act, WorkerName: worker, Now: baseTime.Add(time.Minute)})
			if err != nil {
				require.ErrorIs(t, err, store.ErrNotFound)
				return nil
			}
			return task
		}

		require.Nil(t, claim("w"))
		require.NoError(t, step(1, store.ExecutionRunning, []*store.ActivityTaskRow{
			activityTask("t2", act, baseTime.Add(2*time.Second)),
			activityTask("t1", act, baseTime.Add(time.Second)),
			activityTask("other", activityARN(account1, region1, "other"), baseTime),
		}, nil))
		// A step that does not apply writes no task.
		require.ErrorIs(t, step(1, store.ExecutionRunning, []*store.ActivityTaskRow{activityTask("t0", act, baseTime)}, nil), store.ErrConflict)

		got := claim("worker-1")
		require.NotNil(t, got)
		require.Equal(t, &store.ActivityTaskRow{Token: "t1", ActivityARN: act, ExecutionARN: e.ARN, EffectID: "e-t1",
			Input: `{"token": "t1"}`, ScheduledAt: baseTime.Add(time.Second), StartedAt: baseTime.Add(time.Minute),
			WorkerName: "worker-1"}, got)

		// Scheduling a task again (a resumed execution) keeps its claim.
		require.NoError(t, step(2, store.ExecutionRunning, []*store.ActivityTaskRow{activityTask("t1", act, baseTime.Add(time.Hour))}, nil))
		require.Equal(t, "t2", claim("worker-2").Token)
		require.Nil(t, claim("worker-3"))

		// The step in which t2 ends deletes it; a task scheduled again after
		// that is new.
		require.NoError(t, step(3, store.ExecutionRunning, nil, []string{"t2"}))
		require.NoError(t, step(4, store.ExecutionRunning, []*store.ActivityTaskRow{activityTask("t2", act, baseTime)}, nil))
		require.Equal(t, "t2", claim("worker-4").Token)

		require.NoError(t, s.ActivityTaskDelete(ctx, &store.ActivityTaskDeleteParams{Token: "t2"}))
		require.NoError(t, s.ActivityTaskDelete(ctx, &store.ActivityTaskDeleteParams{Token: "t2"}))

		// The execution's end deletes all its tasks.
		require.NoError(t, step(5, store.ExecutionRunning, []*store.ActivityTaskRow{activityTask("t3", act, baseTime)}, nil))
		require.NoError(t, step(6, store.ExecutionSucceeded, nil, nil))
		require.Nil(t, claim("worker-5"))
		_, err := s.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: activityARN(account1, region1, "other"), Now: baseTime})
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("CreateStepSchedules", func(t *testing.T) {
		s, ctx := setup(t)
		act := activityARN(account1, region1, "work")
		p := newExecutionParams("first-step", baseTime)
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: p.ARN, Create: p, Status: store.ExecutionRunning, State: []byte("s"),
			ActivityTasks: []*store.ActivityTaskRow{activityTask("t", act, baseTime)},
		}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		task, err := s.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: act, Now: baseTime})
		require.NoError(t, err)
		require.Equal(t, p.ARN, task.ExecutionARN)
		require.Empty(t, task.WorkerName)
	})

	t.Run("ConcurrentClaims", func(t *testing.T) {
		s, ctx := setup(t)
		act := activityARN(account1, region1, "work")
		e := createExecution(t, s, newExecutionParams("many-tasks", baseTime))
		const n = 40
		var tasks []*store.ActivityTaskRow
		for i := range n {
			tasks = append(tasks, activityTask(fmt.Sprintf("t%02d", i), act, baseTime.Add(time.Duration(i)*time.Millisecond)))
		}
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: e.ARN, ExpectedVersion: 1, Status: store.ExecutionRunning, ActivityTasks: tasks}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		var (
			mu  sync.Mutex
			got []string
			wg  sync.WaitGroup
		)
		for w := range 8 {
			wg.Go(func() {
				for {
					task, err := s.ActivityTaskClaim(ctx, &store.ActivityTaskClaimParams{ActivityARN: act, WorkerName: fmt.Sprint(w), Now: baseTime})
					if err != nil {
						if !assertErrorIs(t, err, store.ErrNotFound) {
							return
						}
						return
					}
					mu.Lock()
					got = append(got, task.Token)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(got)
		want := make([]string, n)
		for i := range want {
			want[i] = fmt.Sprintf("t%02d", i)
		}
		require.Equal(t, want, got, "every task claimed exactly once")
	})
}

// assertErrorIs is require.ErrorIs for goroutines other than the test's.
func assertErrorIs(t *testing.T, err, target error) bool {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("error %v is not %v", err, target)
		return false
	}
	return true
}
