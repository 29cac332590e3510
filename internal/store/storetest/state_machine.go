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

func stateMachineARN(account, region, name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", region, account, name)
}

func newStateMachineParams(account, region, name string) *store.StateMachineCreateParams {
	return &store.StateMachineCreateParams{
		ARN:     stateMachineARN(account, region, name),
		Account: account,
		Region:  region,
		Name:    name,
		Type:    store.StateMachineTypeStandard,
		Spec:    specJSON(name),
	}
}

func createStateMachine(t *testing.T, s store.Store, account, region, name string) *store.StateMachineRow {
	t.Helper()
	sm, err := s.StateMachineCreate(t.Context(), newStateMachineParams(account, region, name))
	require.NoError(t, err)
	return sm
}

func listAllStateMachines(t *testing.T, s store.Store, account, region string, limit int) []string {
	t.Helper()
	var (
		names []string
		after string
	)
	for range 10_000 {
		page, err := s.StateMachineList(t.Context(), &store.StateMachineListParams{Account: account, Region: region, After: after, Limit: limit})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.StateMachines), store.ListLimit(limit))
		for _, sm := range page.StateMachines {
			require.Equal(t, account, sm.Account)
			require.Equal(t, region, sm.Region)
			names = append(names, sm.Name)
		}
		if page.Next == "" {
			return names
		}
		require.Len(t, page.StateMachines, store.ListLimit(limit), "a page with a Next cursor is full")
		require.Equal(t, page.StateMachines[len(page.StateMachines)-1].Name, page.Next)
		after = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func exerciseStateMachine(t *testing.T, setup setupFunc) {
	t.Run("CRUD", func(t *testing.T) {
		s, ctx := setup(t)
		before := time.Now()

		params := newStateMachineParams(account1, region1, "flow")
		params.Type = store.StateMachineTypeExpress
		params.Spec = []byte(`{"definition": "{\"StartAt\":\"A\"}",  "roleArn": "arn:aws:iam::000000000000:role/r", "tags": [{"key":"k","value":"v"}]}`)
		created, err := s.StateMachineCreate(ctx, params)
		require.NoError(t, err)
		require.Equal(t, params.ARN, created.ARN)
		require.Equal(t, account1, created.Account)
		require.Equal(t, region1, created.Region)
		require.Equal(t, "flow", created.Name)
		require.Equal(t, store.StateMachineTypeExpress, created.Type)
		require.Equal(t, string(params.Spec), string(created.Spec), "Spec is returned byte for byte")
		require.Equal(t, int64(1), created.Version)
		requireRecent(t, before, created.CreatedAt)
		require.Equal(t, created.CreatedAt, created.UpdatedAt)

		got, err := s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: params.ARN})
		require.NoError(t, err)
		require.Equal(t, created, got)

		updated, err := s.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{
			ARN: params.ARN, ExpectedVersion: 1, Spec: []byte(`{"definition":"{}"}`),
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.Version)
		require.Equal(t, `{"definition":"{}"}`, string(updated.Spec))
		require.Equal(t, store.StateMachineTypeExpress, updated.Type, "type never changes")
		require.Equal(t, created.CreatedAt, updated.CreatedAt)
		require.False(t, updated.UpdatedAt.Before(created.UpdatedAt))

		got, err = s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: params.ARN})
		require.NoError(t, err)
		require.Equal(t, updated, got)

		deleted, err := s.StateMachineDelete(ctx, &store.StateMachineDeleteParams{ARN: params.ARN})
		require.NoError(t, err)
		require.Equal(t, updated, deleted)

		_, err = s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: params.ARN})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.StateMachineDelete(ctx, &store.StateMachineDeleteParams{ARN: params.ARN})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{ARN: params.ARN, ExpectedVersion: 2, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound)

		createStateMachine(t, s, account1, region1, "flow")
	})

	t.Run("AlreadyExists", func(t *testing.T) {
		s, ctx := setup(t)
		createStateMachine(t, s, account1, region1, "dup")

		_, err := s.StateMachineCreate(ctx, newStateMachineParams(account1, region1, "dup"))
		require.ErrorIs(t, err, store.ErrAlreadyExists)
		require.NotErrorIs(t, err, store.ErrConflict)

		// Same name, different ARN, same account and region: still taken.
		params := newStateMachineParams(account1, region1, "dup")
		params.ARN += "-other"
		_, err = s.StateMachineCreate(ctx, params)
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		// Same ARN, different name: taken.
		params = newStateMachineParams(account1, region1, "other")
		params.ARN = stateMachineARN(account1, region1, "dup")
		_, err = s.StateMachineCreate(ctx, params)
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		// Same name elsewhere is fine.
		createStateMachine(t, s, account1, region2, "dup")
		createStateMachine(t, s, account2, region1, "dup")
		require.Equal(t, []string{"dup"}, listAllStateMachines(t, s, account1, region1, 0))
	})

	t.Run("InvalidType", func(t *testing.T) {
		s, ctx := setup(t)
		for _, typ := range []store.StateMachineType{"", "standard", "SOMETHING"} {
			params := newStateMachineParams(account1, region1, "flow")
			params.Type = typ
			_, err := s.StateMachineCreate(ctx, params)
			require.Error(t, err, "type %q", typ)
		}
		params := newStateMachineParams(account1, region1, "flow")
		params.Spec = []byte("{")
		_, err := s.StateMachineCreate(ctx, params)
		require.Error(t, err)
		require.Empty(t, listAllStateMachines(t, s, account1, region1, 0))
	})

	t.Run("UpdateConflict", func(t *testing.T) {
		s, ctx := setup(t)
		sm := createStateMachine(t, s, account1, region1, "flow")

		_, err := s.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{ARN: sm.ARN, ExpectedVersion: 1, Spec: []byte(`{"v":2}`)})
		require.NoError(t, err)
		_, err = s.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{ARN: sm.ARN, ExpectedVersion: 1, Spec: []byte(`{"v":3}`)})
		require.ErrorIs(t, err, store.ErrConflict)

		got, err := s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: sm.ARN})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, `{"v":2}`, string(got.Spec))
	})

	t.Run("ConcurrentUpdates", func(t *testing.T) {
		s, ctx := setup(t)
		sm := createStateMachine(t, s, account1, region1, "flow")

		const writers = 8
		var (
			wg              sync.WaitGroup
			mu              sync.Mutex
			wins, conflicts int
			winningSpec     string
			start           = make(chan struct{})
		)
		for i := range writers {
			spec := fmt.Sprintf(`{"writer":%d}`, i)
			wg.Go(func() {
				<-start
				_, err := s.StateMachineUpdate(ctx, &store.StateMachineUpdateParams{ARN: sm.ARN, ExpectedVersion: 1, Spec: []byte(spec)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
					winningSpec = spec
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("update: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, wins)
		require.Equal(t, writers-1, conflicts)

		got, err := s.StateMachineGet(ctx, &store.StateMachineGetParams{ARN: sm.ARN})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, winningSpec, string(got.Spec))
	})

	t.Run("PaginationAndIsolation", func(t *testing.T) {
		s, ctx := setup(t)
		names := slices.Clone(unicodeNames)
		for i := range 13 {
			names = append(names, fmt.Sprintf("sm-%02d", i))
		}
		for _, name := range shuffled(names) {
			createStateMachine(t, s, account1, region1, name)
		}
		createStateMachine(t, s, account2, region1, "other-account")
		createStateMachine(t, s, account1, region2, "other-region")

		slices.Sort(names)
		for _, limit := range []int{1, 4, len(names) - 1, len(names), 0} {
			require.Equal(t, names, listAllStateMachines(t, s, account1, region1, limit), "limit %d", limit)
		}
		require.Equal(t, []string{"other-account"}, listAllStateMachines(t, s, account2, region1, 0))
		require.Equal(t, []string{"other-region"}, listAllStateMachines(t, s, account1, region2, 0))
		require.Empty(t, listAllStateMachines(t, s, account2, region2, 0))

		page, err := s.StateMachineList(ctx, &store.StateMachineListParams{Account: account1, Region: region1, After: names[len(names)-1]})
		require.NoError(t, err)
		require.Empty(t, page.StateMachines)
		require.Empty(t, page.Next)

		page, err = s.StateMachineList(ctx, &store.StateMachineListParams{Account: account1, Region: region1, Limit: -3})
		require.NoError(t, err)
		require.Len(t, page.StateMachines, len(names), "fewer rows than the default limit")
		require.Empty(t, page.Next)
	})

	t.Run("ConcurrentCreates", func(t *testing.T) {
		s, ctx := setup(t)
		const goroutines = 32
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				_, err := s.StateMachineCreate(ctx, newStateMachineParams(account1, region1, fmt.Sprintf("sm-%02d", g)))
				assertNoError(t, err)
			})
		}
		wg.Wait()
		require.Len(t, listAllStateMachines(t, s, account1, region1, 10), goroutines)
	})
}
