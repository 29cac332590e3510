package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

func exerciseVersionsAndAliases(t *testing.T, setup setupFunc) {
	t.Run("Versions", func(t *testing.T) {
		s, ctx := setup(t)
		sm := createStateMachine(t, s, account1, region1, "flow")
		before := time.Now()

		_, err := s.StateMachineVersionCreate(ctx, &store.StateMachineVersionCreateParams{
			ARN: sm.ARN + ":1", StateMachineARN: stateMachineARN(account1, region1, "nope"), Number: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound, "a version needs its state machine")

		var arns []string
		for n := int64(1); n <= 7; n++ {
			spec := specJSON(fmt.Sprint(n))
			v, err := s.StateMachineVersionCreate(ctx, &store.StateMachineVersionCreateParams{
				ARN: fmt.Sprintf("%s:%d", sm.ARN, n), StateMachineARN: sm.ARN, Number: n, Spec: spec})
			require.NoError(t, err)
			require.Equal(t, n, v.Number)
			require.Equal(t, string(spec), string(v.Spec), "Spec is returned byte for byte")
			requireRecent(t, before, v.CreatedAt)
			got, err := s.StateMachineVersionGet(ctx, &store.StateMachineVersionGetParams{ARN: v.ARN})
			require.NoError(t, err)
			require.Equal(t, v, got)
			arns = append(arns, v.ARN)
		}
		_, err = s.StateMachineVersionCreate(ctx, &store.StateMachineVersionCreateParams{
			ARN: sm.ARN + ":x", StateMachineARN: sm.ARN, Number: 3, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrAlreadyExists, "numbers are unique per state machine")
		_, err = s.StateMachineVersionCreate(ctx, &store.StateMachineVersionCreateParams{
			ARN: arns[0], StateMachineARN: sm.ARN, Number: 99, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		// Highest number first, in pages of every size.
		for _, limit := range []int{1, 2, 3, 7, 0} {
			var got []int64
			var cursor int64
			for {
				page, err := s.StateMachineVersionList(ctx, &store.StateMachineVersionListParams{
					StateMachineARN: sm.ARN, Before: cursor, Limit: limit})
				require.NoError(t, err)
				for _, v := range page.Versions {
					got = append(got, v.Number)
				}
				if page.Next == 0 {
					break
				}
				cursor = page.Next
			}
			require.Equal(t, []int64{7, 6, 5, 4, 3, 2, 1}, got, "limit %d", limit)
		}

		deleted, err := s.StateMachineVersionDelete(ctx, &store.StateMachineVersionDeleteParams{ARN: arns[2]})
		require.NoError(t, err)
		require.Equal(t, int64(3), deleted.Number)
		_, err = s.StateMachineVersionDelete(ctx, &store.StateMachineVersionDeleteParams{ARN: arns[2]})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.StateMachineVersionGet(ctx, &store.StateMachineVersionGetParams{ARN: arns[2]})
		require.ErrorIs(t, err, store.ErrNotFound)

		// Deleting the state machine deletes its versions.
		_, err = s.StateMachineDelete(ctx, &store.StateMachineDeleteParams{ARN: sm.ARN})
		require.NoError(t, err)
		page, err := s.StateMachineVersionList(ctx, &store.StateMachineVersionListParams{StateMachineARN: sm.ARN})
		require.NoError(t, err)
		require.Empty(t, page.Versions)
	})

	t.Run("Aliases", func(t *testing.T) {
		s, ctx := setup(t)
		sm := createStateMachine(t, s, account1, region1, "flow")
		before := time.Now()

		_, err := s.StateMachineAliasCreate(ctx, &store.StateMachineAliasCreateParams{
			ARN: sm.ARN + ":prod", StateMachineARN: stateMachineARN(account1, region1, "nope"), Name: "prod", Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound)

		var want []string
		for i := range 5 {
			name := fmt.Sprintf("alias%d", i)
			a, err := s.StateMachineAliasCreate(ctx, &store.StateMachineAliasCreateParams{
				ARN: sm.ARN + ":" + name, StateMachineARN: sm.ARN, Name: name, Spec: specJSON(name)})
			require.NoError(t, err)
			require.Equal(t, int64(1), a.Version)
			require.Equal(t, name, a.Name)
			require.Equal(t, a.CreatedAt, a.UpdatedAt)
			requireRecent(t, before, a.CreatedAt)
			want = append([]string{a.ARN}, want...)
			time.Sleep(time.Millisecond) // distinct creation times
		}
		_, err = s.StateMachineAliasCreate(ctx, &store.StateMachineAliasCreateParams{
			ARN: sm.ARN + ":alias0", StateMachineARN: sm.ARN, Name: "alias0", Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		for _, limit := range []int{1, 2, 5, 0} {
			var got []string
			after := ""
			for {
				page, err := s.StateMachineAliasList(ctx, &store.StateMachineAliasListParams{StateMachineARN: sm.ARN, After: after, Limit: limit})
				require.NoError(t, err)
				for _, a := range page.Aliases {
					got = append(got, a.ARN)
				}
				if page.Next == "" {
					break
				}
				after = page.Next
			}
			require.Equal(t, want, got, "newest first, limit %d", limit)
		}
		_, err = s.StateMachineAliasList(ctx, &store.StateMachineAliasListParams{StateMachineARN: sm.ARN, After: "garbage"})
		require.Error(t, err)

		arn := sm.ARN + ":alias0"
		updated, err := s.StateMachineAliasUpdate(ctx, &store.StateMachineAliasUpdateParams{ARN: arn, ExpectedVersion: 1, Spec: []byte(`{"d": 2}`)})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.Version)
		require.Equal(t, `{"d": 2}`, string(updated.Spec))
		require.False(t, updated.UpdatedAt.Before(updated.CreatedAt))
		_, err = s.StateMachineAliasUpdate(ctx, &store.StateMachineAliasUpdateParams{ARN: arn, ExpectedVersion: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.StateMachineAliasUpdate(ctx, &store.StateMachineAliasUpdateParams{ARN: arn + "x", ExpectedVersion: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound)
		got, err := s.StateMachineAliasGet(ctx, &store.StateMachineAliasGetParams{ARN: arn})
		require.NoError(t, err)
		require.Equal(t, updated, got)

		deleted, err := s.StateMachineAliasDelete(ctx, &store.StateMachineAliasDeleteParams{ARN: arn})
		require.NoError(t, err)
		require.Equal(t, updated, deleted)
		_, err = s.StateMachineAliasGet(ctx, &store.StateMachineAliasGetParams{ARN: arn})
		require.ErrorIs(t, err, store.ErrNotFound)

		_, err = s.StateMachineDelete(ctx, &store.StateMachineDeleteParams{ARN: sm.ARN})
		require.NoError(t, err)
		_, err = s.StateMachineAliasGet(ctx, &store.StateMachineAliasGetParams{ARN: sm.ARN + ":alias1"})
		require.ErrorIs(t, err, store.ErrNotFound, "deleting the state machine deletes its aliases")
	})

	t.Run("ExecutionsOfVersionsAndRedrives", func(t *testing.T) {
		s, ctx := setup(t)
		version, alias := machineARN+":1", machineARN+":prod"
		for i := range 6 {
			p := newExecutionParams(fmt.Sprintf("run-%d", i), baseTime.Add(time.Duration(i)*time.Second))
			switch i % 3 {
			case 1:
				p.VersionARN = version
			case 2:
				p.VersionARN, p.AliasARN = version, alias
			}
			if i == 5 { // through the group commit's Create step
				errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
					ExecutionARN: p.ARN, Create: p, Status: store.ExecutionRunning}}})
				require.NoError(t, err)
				require.NoError(t, errs[0])
				continue
			}
			createExecution(t, s, p)
		}
		list := func(p store.ExecutionListParams) []string {
			t.Helper()
			p.StateMachineARN = machineARN
			res, err := s.ExecutionList(ctx, &p)
			require.NoError(t, err)
			var names []string
			for _, e := range res.Executions {
				names = append(names, e.Name)
			}
			return names
		}
		require.Equal(t, []string{"run-5", "run-4", "run-3", "run-2", "run-1", "run-0"}, list(store.ExecutionListParams{}))
		require.Equal(t, []string{"run-5", "run-4", "run-2", "run-1"}, list(store.ExecutionListParams{VersionARN: version}))
		require.Equal(t, []string{"run-5", "run-2"}, list(store.ExecutionListParams{AliasARN: alias}))
		got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: executionARN("flow", "run-5")})
		require.NoError(t, err)
		require.Equal(t, version, got.VersionARN)
		require.Equal(t, alias, got.AliasARN)
		require.Zero(t, got.RedriveCount)
		require.True(t, got.RedriveDate.IsZero())

		// Fail run-1, then redrive it twice.
		arn := executionARN("flow", "run-1")
		e, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: arn})
		require.NoError(t, err)
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: arn, ExpectedVersion: e.Version, Events: events(1, 2), Status: store.ExecutionFailed,
			Error: "E", StopDate: baseTime.Add(time.Minute), State: []byte("kept")}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		version2 := e.Version + 1
		for n := 1; n <= 2; n++ {
			date := baseTime.Add(time.Duration(n) * time.Hour)
			errs, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
				ExecutionARN: arn, ExpectedVersion: version2, Events: events(int64(n*2+1), 2), Status: store.ExecutionRunning,
				State: []byte("redriven"), Redrive: &store.ExecutionRedrive{Date: date, Tokens: fmt.Sprintf(`["t%d"]`, n)}}}})
			require.NoError(t, err)
			require.NoError(t, errs[0])
			version2++
			got, err := s.ExecutionGet(ctx, &store.ExecutionGetParams{ARN: arn})
			require.NoError(t, err)
			require.Equal(t, n, got.RedriveCount)
			require.Equal(t, date, got.RedriveDate)
			require.Equal(t, fmt.Sprintf(`["t%d"]`, n), got.RedriveTokens)
			require.Equal(t, store.ExecutionRunning, got.Status)
			require.True(t, got.StopDate.IsZero())
			require.Empty(t, got.Error)
			require.Equal(t, version, got.VersionARN, "a redrive keeps the version")
		}
		// A stale redrive is refused and changes nothing.
		errs, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: arn, ExpectedVersion: 1, Status: store.ExecutionRunning,
			Redrive: &store.ExecutionRedrive{Date: baseTime, Tokens: "x"}}}})
		require.NoError(t, err)
		require.ErrorIs(t, errs[0], store.ErrConflict)
		require.Equal(t, []int64{1, 2, 3, 4, 5, 6}, allHistory(t, s, arn, false, 0))

		require.Equal(t, []string{"run-1"}, list(store.ExecutionListParams{Redrive: store.ExecutionRedriven}))
		require.Equal(t, []string{"run-5", "run-4", "run-2"}, list(store.ExecutionListParams{VersionARN: version, Redrive: store.ExecutionNotRedriven, Status: store.ExecutionRunning}))
		res, err := s.ExecutionList(ctx, &store.ExecutionListParams{StateMachineARN: machineARN, Redrive: store.ExecutionRedriven})
		require.NoError(t, err)
		require.Equal(t, 2, res.Executions[0].RedriveCount)
		require.Equal(t, baseTime.Add(2*time.Hour), res.Executions[0].RedriveDate)
	})

	t.Run("MapRuns", func(t *testing.T) {
		s, ctx := setup(t)
		e := createExecution(t, s, newExecutionParams("run", baseTime))
		runARN := func(i int) string {
			return fmt.Sprintf("arn:aws:states:us-east-1:000000000000:mapRun:flow/Map%d:%d", i, i)
		}
		version := e.Version
		for i := range 3 {
			errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
				ExecutionARN: e.ARN, ExpectedVersion: version, Status: store.ExecutionRunning,
				MapRuns: []*store.MapRunRow{{ARN: runARN(i), ExecutionARN: e.ARN, StateMachineARN: machineARN,
					Status: store.MapRunRunning, StartDate: baseTime.Add(time.Duration(i) * time.Second), Spec: []byte(`{"n": 0}`)}},
			}}})
			require.NoError(t, err)
			require.NoError(t, errs[0])
			version++
		}
		// A step replaces its map runs' rows.
		errs, err := s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: e.ARN, ExpectedVersion: version, Status: store.ExecutionRunning,
			MapRuns: []*store.MapRunRow{{ARN: runARN(1), ExecutionARN: e.ARN, StateMachineARN: machineARN,
				Status: store.MapRunSucceeded, StartDate: baseTime.Add(time.Second), StopDate: baseTime.Add(time.Minute),
				Spec: []byte(`{"n": 5}`)}},
		}}})
		require.NoError(t, err)
		require.NoError(t, errs[0])
		// A refused step writes none.
		errs, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{Steps: []*store.HistoryStep{{
			ExecutionARN: e.ARN, ExpectedVersion: 1, Status: store.ExecutionRunning,
			MapRuns: []*store.MapRunRow{{ARN: runARN(9), ExecutionARN: e.ARN, StateMachineARN: machineARN,
				Status: store.MapRunRunning, StartDate: baseTime, Spec: []byte(`{}`)}},
		}}})
		require.NoError(t, err)
		require.ErrorIs(t, errs[0], store.ErrConflict)
		_, err = s.MapRunGet(ctx, &store.MapRunGetParams{ARN: runARN(9)})
		require.ErrorIs(t, err, store.ErrNotFound)

		got, err := s.MapRunGet(ctx, &store.MapRunGetParams{ARN: runARN(1)})
		require.NoError(t, err)
		require.Equal(t, &store.MapRunRow{ARN: runARN(1), ExecutionARN: e.ARN, StateMachineARN: machineARN,
			Status: store.MapRunSucceeded, StartDate: baseTime.Add(time.Second), StopDate: baseTime.Add(time.Minute),
			Spec: []byte(`{"n": 5}`)}, got)

		for _, limit := range []int{1, 2, 0} {
			var arns []string
			after := ""
			for {
				page, err := s.MapRunList(ctx, &store.MapRunListParams{ExecutionARN: e.ARN, After: after, Limit: limit})
				require.NoError(t, err)
				for _, m := range page.MapRuns {
					arns = append(arns, m.ARN)
				}
				if page.Next == "" {
					break
				}
				after = page.Next
			}
			require.Equal(t, []string{runARN(2), runARN(1), runARN(0)}, arns, "limit %d", limit)
		}
		page, err := s.MapRunList(ctx, &store.MapRunListParams{ExecutionARN: executionARN("flow", "other")})
		require.NoError(t, err)
		require.Empty(t, page.MapRuns)
	})
}
