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

func functionARN(account, region, name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, name)
}

func newFunctionParams(account, region, name string) *store.FunctionCreateParams {
	return &store.FunctionCreateParams{
		Account:    account,
		Region:     region,
		Name:       name,
		ARN:        functionARN(account, region, name),
		Spec:       specJSON(name),
		CodeSHA256: "sha-" + name,
		RevisionID: "rev-1-" + name,
	}
}

func createFunction(t *testing.T, s store.Store, account, region, name string) *store.FunctionRow {
	t.Helper()
	f, err := s.FunctionCreate(t.Context(), newFunctionParams(account, region, name))
	require.NoError(t, err)
	return f
}

func functionNames(rows []*store.FunctionRow) []string {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r.Name
	}
	return names
}

// listAllFunctions pages through every function with the given page size and
// checks the paging invariants on the way.
func listAllFunctions(t *testing.T, s store.Store, account, region string, limit int) []string {
	t.Helper()
	var (
		names []string
		after string
	)
	for range 10_000 {
		page, err := s.FunctionList(t.Context(), &store.FunctionListParams{Account: account, Region: region, After: after, Limit: limit})
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Functions), store.ListLimit(limit))
		names = append(names, functionNames(page.Functions)...)
		if page.Next == "" {
			return names
		}
		require.Len(t, page.Functions, store.ListLimit(limit), "a page with a Next cursor is full")
		require.Equal(t, page.Functions[len(page.Functions)-1].Name, page.Next)
		after = page.Next
	}
	t.Fatal("pagination did not terminate")
	return nil
}

func exerciseFunction(t *testing.T, setup setupFunc) {
	t.Run("CRUD", func(t *testing.T) {
		s, ctx := setup(t)
		before := time.Now()

		params := newFunctionParams(account1, region1, "hello")
		params.Spec = []byte(`{"Runtime":  "nodejs20.x",` + "\n" + ` "Handler": "index.handler", "Env": {"A": "ü\u00e9"}}`)
		created, err := s.FunctionCreate(ctx, params)
		require.NoError(t, err)
		require.Equal(t, account1, created.Account)
		require.Equal(t, region1, created.Region)
		require.Equal(t, "hello", created.Name)
		require.Equal(t, params.ARN, created.ARN)
		require.Equal(t, string(params.Spec), string(created.Spec), "Spec is returned byte for byte")
		require.Equal(t, params.CodeSHA256, created.CodeSHA256)
		require.Equal(t, params.RevisionID, created.RevisionID)
		require.Equal(t, int64(1), created.Version)
		requireRecent(t, before, created.CreatedAt)
		require.Equal(t, created.CreatedAt, created.UpdatedAt)

		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "hello"})
		require.NoError(t, err)
		require.Equal(t, created, got)

		updated, err := s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
			Account: account1, Region: region1, Name: "hello",
			ExpectedVersion: 1,
			Spec:            []byte(`{"Runtime":"python3.13"}`),
			CodeSHA256:      "sha-2",
			RevisionID:      "rev-2",
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.Version)
		require.JSONEq(t, `{"Runtime":"python3.13"}`, string(updated.Spec))
		require.Equal(t, "sha-2", updated.CodeSHA256)
		require.Equal(t, "rev-2", updated.RevisionID)
		require.Equal(t, created.ARN, updated.ARN)
		require.Equal(t, created.CreatedAt, updated.CreatedAt)
		require.False(t, updated.UpdatedAt.Before(created.UpdatedAt))
		requireRecent(t, before, updated.UpdatedAt)

		got, err = s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "hello"})
		require.NoError(t, err)
		require.Equal(t, updated, got)

		deleted, err := s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account1, Region: region1, Name: "hello"})
		require.NoError(t, err)
		require.Equal(t, updated, deleted)

		_, err = s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "hello"})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account1, Region: region1, Name: "hello"})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
			Account: account1, Region: region1, Name: "hello", ExpectedVersion: 2, Spec: []byte(`{}`),
		})
		require.ErrorIs(t, err, store.ErrNotFound)

		// The name is free again.
		recreated := createFunction(t, s, account1, region1, "hello")
		require.Equal(t, int64(1), recreated.Version)
	})

	t.Run("NotFound", func(t *testing.T) {
		s, ctx := setup(t)
		_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "missing"})
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NotErrorIs(t, err, store.ErrConflict)
	})

	t.Run("AlreadyExists", func(t *testing.T) {
		s, ctx := setup(t)
		createFunction(t, s, account1, region1, "dup")

		_, err := s.FunctionCreate(ctx, newFunctionParams(account1, region1, "dup"))
		require.ErrorIs(t, err, store.ErrAlreadyExists)
		require.NotErrorIs(t, err, store.ErrConflict)

		// Same ARN under another name is a collision too.
		params := newFunctionParams(account1, region1, "other")
		params.ARN = functionARN(account1, region1, "dup")
		_, err = s.FunctionCreate(ctx, params)
		require.ErrorIs(t, err, store.ErrAlreadyExists)

		// The same name is fine in another region or account.
		createFunction(t, s, account1, region2, "dup")
		createFunction(t, s, account2, region1, "dup")

		// The failed creates changed nothing.
		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "dup"})
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
		require.Equal(t, []string{"dup"}, listAllFunctions(t, s, account1, region1, 0))
	})

	t.Run("UpdateConflict", func(t *testing.T) {
		s, ctx := setup(t)
		createFunction(t, s, account1, region1, "f")
		update := func(expected int64, rev string) (*store.FunctionRow, error) {
			return s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
				Account: account1, Region: region1, Name: "f",
				ExpectedVersion: expected, Spec: []byte(`{"rev":"` + rev + `"}`), CodeSHA256: "c", RevisionID: rev,
			})
		}

		v2, err := update(1, "a")
		require.NoError(t, err)
		require.Equal(t, int64(2), v2.Version)

		for _, stale := range []int64{0, 1, 3, -1} {
			_, err = update(stale, "stale")
			require.ErrorIs(t, err, store.ErrConflict, "expected version %d", stale)
			require.NotErrorIs(t, err, store.ErrNotFound)
		}

		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "f"})
		require.NoError(t, err)
		require.Equal(t, v2, got, "failed updates changed nothing")

		v3, err := update(2, "b")
		require.NoError(t, err)
		require.Equal(t, int64(3), v3.Version)
	})

	t.Run("ConcurrentUpdates", func(t *testing.T) {
		s, ctx := setup(t)
		createFunction(t, s, account1, region1, "f")

		const writers = 8
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			winners   []string
			conflicts int
		)
		start := make(chan struct{})
		for i := range writers {
			rev := fmt.Sprintf("rev-%d", i)
			wg.Go(func() {
				<-start
				_, err := s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
					Account: account1, Region: region1, Name: "f",
					ExpectedVersion: 1, Spec: []byte(`{}`), CodeSHA256: "c", RevisionID: rev,
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					winners = append(winners, rev)
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("update: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()

		require.Len(t, winners, 1, "exactly one update with the same version wins")
		require.Equal(t, writers-1, conflicts)
		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "f"})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version)
		require.Equal(t, winners[0], got.RevisionID)
	})

	t.Run("Pagination", func(t *testing.T) {
		s, ctx := setup(t)
		var names []string
		for i := range 25 {
			names = append(names, fmt.Sprintf("fn-%02d", i))
		}
		for _, name := range shuffled(names) {
			createFunction(t, s, account1, region1, name)
		}

		for _, limit := range []int{1, 7, 10, 24, 25, 26, 1000} {
			require.Equal(t, names, listAllFunctions(t, s, account1, region1, limit), "limit %d", limit)
		}

		page, err := s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, Limit: 10})
		require.NoError(t, err)
		require.Equal(t, names[:10], functionNames(page.Functions))
		require.Equal(t, "fn-09", page.Next)

		// A page that ends exactly at the last row has no Next.
		page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, After: "fn-14", Limit: 10})
		require.NoError(t, err)
		require.Equal(t, names[15:], functionNames(page.Functions))
		require.Empty(t, page.Next)

		// The cursor need not be an existing name.
		page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, After: "fn-10a", Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"fn-11", "fn-12"}, functionNames(page.Functions))

		// Cursors at and past the end give an empty page.
		for _, after := range []string{"fn-24", "fn-99", "zzz", "\U0010FFFF"} {
			page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, After: after, Limit: 10})
			require.NoError(t, err)
			require.Empty(t, page.Functions, "after %q", after)
			require.Empty(t, page.Next)
		}

		// Rows deleted between pages do not disturb the cursor.
		page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, Limit: 5})
		require.NoError(t, err)
		_, err = s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account1, Region: region1, Name: "fn-04"})
		require.NoError(t, err)
		_, err = s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account1, Region: region1, Name: "fn-05"})
		require.NoError(t, err)
		page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, After: page.Next, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []string{"fn-06", "fn-07"}, functionNames(page.Functions))

		// Empty account/region: empty page, no cursor.
		page, err = s.FunctionList(ctx, &store.FunctionListParams{Account: account2, Region: region1})
		require.NoError(t, err)
		require.Empty(t, page.Functions)
		require.Empty(t, page.Next)
	})

	t.Run("ListLimitBounds", func(t *testing.T) {
		s, ctx := setup(t)
		total := store.DefaultListLimit + 7
		names := make([]string, total)
		for i := range names {
			names[i] = fmt.Sprintf("f%03d", i)
		}
		for _, name := range shuffled(names) {
			createFunction(t, s, account1, region1, name)
		}

		for _, limit := range []int{0, -1, -1000} {
			page, err := s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, Limit: limit})
			require.NoError(t, err)
			require.Equal(t, names[:store.DefaultListLimit], functionNames(page.Functions), "limit %d uses the default", limit)
			require.Equal(t, names[store.DefaultListLimit-1], page.Next)
		}

		page, err := s.FunctionList(ctx, &store.FunctionListParams{Account: account1, Region: region1, Limit: store.MaxListLimit * 10})
		require.NoError(t, err)
		require.Equal(t, names, functionNames(page.Functions), "a limit above the maximum is clamped, not refused")
		require.Empty(t, page.Next)
	})

	t.Run("Isolation", func(t *testing.T) {
		s, ctx := setup(t)
		createFunction(t, s, account1, region1, "a1r1")
		createFunction(t, s, account1, region2, "a1r2")
		createFunction(t, s, account2, region1, "a2r1")
		createFunction(t, s, account2, region1, "shared")
		createFunction(t, s, account1, region1, "shared")

		require.Equal(t, []string{"a1r1", "shared"}, listAllFunctions(t, s, account1, region1, 0))
		require.Equal(t, []string{"a1r2"}, listAllFunctions(t, s, account1, region2, 0))
		require.Equal(t, []string{"a2r1", "shared"}, listAllFunctions(t, s, account2, region1, 0))
		require.Empty(t, listAllFunctions(t, s, account2, region2, 0))

		_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account2, Region: region1, Name: "a1r1"})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region2, Name: "a1r1"})
		require.ErrorIs(t, err, store.ErrNotFound)

		// Deleting and updating in one account leaves the other alone.
		_, err = s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account2, Region: region1, Name: "a1r1"})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
			Account: account2, Region: region1, Name: "shared", ExpectedVersion: 1, Spec: []byte(`{"v":2}`),
		})
		require.NoError(t, err)
		_, err = s.FunctionDelete(ctx, &store.FunctionDeleteParams{Account: account2, Region: region1, Name: "shared"})
		require.NoError(t, err)
		got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "shared"})
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version)
	})

	t.Run("UnicodeNames", func(t *testing.T) {
		s, ctx := setup(t)
		for _, name := range shuffled(unicodeNames) {
			createFunction(t, s, account1, region1, name)
		}
		want := slices.Clone(unicodeNames)
		slices.Sort(want) // byte order
		require.Equal(t, want, listAllFunctions(t, s, account1, region1, 3))

		for _, name := range unicodeNames {
			got, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: name})
			require.NoError(t, err)
			require.Equal(t, name, got.Name)
			require.Equal(t, functionARN(account1, region1, name), got.ARN)
		}
		// Names are compared exactly: no case or accent folding.
		_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "ZETA"})
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("InvalidSpec", func(t *testing.T) {
		s, ctx := setup(t)
		for _, spec := range [][]byte{nil, []byte(""), []byte(`{"unterminated"`), []byte("not json")} {
			params := newFunctionParams(account1, region1, "f")
			params.Spec = spec
			_, err := s.FunctionCreate(ctx, params)
			require.Error(t, err, "spec %q", spec)
			require.NotErrorIs(t, err, store.ErrAlreadyExists)
		}
		createFunction(t, s, account1, region1, "f")
		_, err := s.FunctionUpdate(ctx, &store.FunctionUpdateParams{
			Account: account1, Region: region1, Name: "f", ExpectedVersion: 1, Spec: []byte("{"),
		})
		require.Error(t, err)
		require.NotErrorIs(t, err, store.ErrConflict)
	})

	t.Run("ConcurrentCreates", func(t *testing.T) {
		s, ctx := setup(t)
		const goroutines, perGoroutine = 32, 4
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range perGoroutine {
					_, err := s.FunctionCreate(ctx, newFunctionParams(account1, region1, fmt.Sprintf("g%02d-%d", g, i)))
					assertNoError(t, err)
				}
			})
		}
		wg.Wait()
		require.Len(t, listAllFunctions(t, s, account1, region1, 50), goroutines*perGoroutine)

		// Many goroutines racing for one name: exactly one wins.
		const racers = 16
		var (
			mu                sync.Mutex
			created, refusals int
		)
		start := make(chan struct{})
		for range racers {
			wg.Go(func() {
				<-start
				_, err := s.FunctionCreate(ctx, newFunctionParams(account2, region1, "contended"))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					created++
				case errors.Is(err, store.ErrAlreadyExists):
					refusals++
				default:
					t.Errorf("create: %v", err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, created)
		require.Equal(t, racers-1, refusals)
	})
}
