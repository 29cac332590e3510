package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

func layerARN(account, region, name string) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s", region, account, name)
}

func newLayerParams(account, region, name string, runtimes, archs []string) *store.LayerVersionCreateParams {
	return &store.LayerVersionCreateParams{
		Account:                 account,
		Region:                  region,
		Name:                    name,
		LayerARN:                layerARN(account, region, name),
		Spec:                    specJSON(name),
		CodeSHA256:              "sha-" + name,
		CompatibleRuntimes:      runtimes,
		CompatibleArchitectures: archs,
	}
}

func publishLayer(t *testing.T, s store.Store, account, region, name string, runtimes, archs []string) *store.LayerVersionRow {
	t.Helper()
	v, err := s.LayerVersionCreate(t.Context(), newLayerParams(account, region, name, runtimes, archs))
	require.NoError(t, err)
	return v
}

func versionNumbers(rows []*store.LayerVersionRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.Version
	}
	return out
}

func layerNames(rows []*store.LayerVersionRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

func exerciseLayer(t *testing.T, setup setupFunc) {
	t.Run("CreateGetDelete", func(t *testing.T) {
		s, ctx := setup(t)
		before := time.Now()

		params := newLayerParams(account1, region1, "deps", []string{"nodejs20.x", "nodejs22.x"}, []string{"x86_64"})
		params.Spec = []byte(`{"Description":  "ü",` + "\n" + ` "CodeSize": 12}`)
		v1, err := s.LayerVersionCreate(ctx, params)
		require.NoError(t, err)
		require.Equal(t, int64(1), v1.Version)
		require.Equal(t, account1, v1.Account)
		require.Equal(t, region1, v1.Region)
		require.Equal(t, "deps", v1.Name)
		require.Equal(t, layerARN(account1, region1, "deps"), v1.LayerARN)
		require.Equal(t, layerARN(account1, region1, "deps")+":1", v1.ARN)
		require.Equal(t, string(params.Spec), string(v1.Spec), "spec is kept byte for byte")
		require.Equal(t, "sha-deps", v1.CodeSHA256)
		require.Equal(t, []string{"nodejs20.x", "nodejs22.x"}, v1.CompatibleRuntimes)
		require.Equal(t, []string{"x86_64"}, v1.CompatibleArchitectures)
		require.Equal(t, int64(1), v1.Revision)
		requireRecent(t, before, v1.CreatedAt)
		require.Equal(t, v1.CreatedAt, v1.UpdatedAt)

		v2 := publishLayer(t, s, account1, region1, "deps", nil, nil)
		require.Equal(t, int64(2), v2.Version)
		require.Equal(t, layerARN(account1, region1, "deps")+":2", v2.ARN)
		require.Equal(t, []string{}, v2.CompatibleRuntimes, "nil lists come back empty")
		require.Equal(t, []string{}, v2.CompatibleArchitectures)

		// Numbers are per layer, account and region.
		require.Equal(t, int64(1), publishLayer(t, s, account1, region1, "other", nil, nil).Version)
		require.Equal(t, int64(1), publishLayer(t, s, account2, region1, "deps", nil, nil).Version)
		require.Equal(t, int64(1), publishLayer(t, s, account1, region2, "deps", nil, nil).Version)

		got, err := s.LayerVersionGet(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "deps", Version: 1})
		require.NoError(t, err)
		require.Equal(t, v1, got)

		for _, p := range []store.LayerVersionGetParams{
			{Account: account1, Region: region1, Name: "deps", Version: 3},
			{Account: account1, Region: region1, Name: "deps", Version: 0},
			{Account: account1, Region: region1, Name: "nope", Version: 1},
			{Account: account2, Region: region2, Name: "deps", Version: 1},
		} {
			_, err := s.LayerVersionGet(ctx, &p)
			require.ErrorIs(t, err, store.ErrNotFound, "%+v", p)
		}

		deleted, err := s.LayerVersionDelete(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "deps", Version: 2})
		require.NoError(t, err)
		require.Equal(t, v2, deleted)
		_, err = s.LayerVersionGet(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "deps", Version: 2})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.LayerVersionDelete(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "deps", Version: 2})
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.LayerVersionDelete(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "deps", Version: 1})
		require.NoError(t, err)

		// Every version gone: the next one still gets a new number.
		v3 := publishLayer(t, s, account1, region1, "deps", nil, nil)
		require.Equal(t, int64(3), v3.Version, "version numbers are never reused")
	})

	t.Run("Update", func(t *testing.T) {
		s, ctx := setup(t)
		v := publishLayer(t, s, account1, region1, "pol", []string{"python3.12"}, nil)
		spec := []byte(`{"policy": {"statements": ["a"]}}`)
		got, err := s.LayerVersionUpdate(ctx, &store.LayerVersionUpdateParams{Account: account1, Region: region1, Name: "pol",
			Version: 1, ExpectedRevision: v.Revision, Spec: spec})
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Revision)
		require.Equal(t, string(spec), string(got.Spec))
		require.Equal(t, v.ARN, got.ARN)
		require.Equal(t, v.CreatedAt, got.CreatedAt)
		require.Equal(t, []string{"python3.12"}, got.CompatibleRuntimes)
		require.False(t, got.UpdatedAt.Before(got.CreatedAt))

		_, err = s.LayerVersionUpdate(ctx, &store.LayerVersionUpdateParams{Account: account1, Region: region1, Name: "pol",
			Version: 1, ExpectedRevision: v.Revision, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = s.LayerVersionUpdate(ctx, &store.LayerVersionUpdateParams{Account: account1, Region: region1, Name: "pol",
			Version: 2, ExpectedRevision: 1, Spec: []byte(`{}`)})
		require.ErrorIs(t, err, store.ErrNotFound)

		again, err := s.LayerVersionGet(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "pol", Version: 1})
		require.NoError(t, err)
		require.Equal(t, got, again)
	})

	t.Run("VersionList", func(t *testing.T) {
		s, ctx := setup(t)
		for i := range 7 {
			rt := []string{"nodejs20.x"}
			if i%2 == 1 {
				rt = []string{"python3.12", "python3.13"}
			}
			arch := []string{"x86_64"}
			if i >= 4 {
				arch = []string{"arm64", "x86_64"}
			}
			publishLayer(t, s, account1, region1, "lib", rt, arch)
		}
		publishLayer(t, s, account1, region1, "lib2", nil, nil)
		publishLayer(t, s, account2, region1, "lib", nil, nil)

		list := func(f store.LayerFilter, limit int) []int64 {
			var (
				all    []int64
				before int64
			)
			for range 100 {
				page, err := s.LayerVersionList(ctx, &store.LayerVersionListParams{Account: account1, Region: region1, Name: "lib",
					LayerFilter: f, Before: before, Limit: limit})
				require.NoError(t, err)
				all = append(all, versionNumbers(page.Versions)...)
				if page.Next == 0 {
					return all
				}
				require.Len(t, page.Versions, limit, "a page with a Next cursor is full")
				require.Equal(t, page.Versions[len(page.Versions)-1].Version, page.Next)
				before = page.Next
			}
			t.Fatal("pagination did not terminate")
			return nil
		}
		require.Equal(t, []int64{7, 6, 5, 4, 3, 2, 1}, list(store.LayerFilter{}, 0))
		require.Equal(t, []int64{7, 6, 5, 4, 3, 2, 1}, list(store.LayerFilter{}, 2))
		require.Equal(t, []int64{7, 6, 5, 4, 3, 2, 1}, list(store.LayerFilter{}, 7))
		require.Equal(t, []int64{7, 5, 3, 1}, list(store.LayerFilter{CompatibleRuntime: "nodejs20.x"}, 3))
		require.Equal(t, []int64{6, 4, 2}, list(store.LayerFilter{CompatibleRuntime: "python3.13"}, 1))
		require.Equal(t, []int64{7, 6, 5}, list(store.LayerFilter{CompatibleArchitecture: "arm64"}, 0))
		require.Equal(t, []int64{6}, list(store.LayerFilter{CompatibleRuntime: "python3.12", CompatibleArchitecture: "arm64"}, 0))
		require.Empty(t, list(store.LayerFilter{CompatibleRuntime: "java21"}, 0))

		page, err := s.LayerVersionList(ctx, &store.LayerVersionListParams{Account: account1, Region: region1, Name: "unknown"})
		require.NoError(t, err)
		require.Empty(t, page.Versions)
		require.NotNil(t, page.Versions)
		require.Zero(t, page.Next)
	})

	t.Run("LayerList", func(t *testing.T) {
		s, ctx := setup(t)
		for _, name := range shuffled(unicodeNames) {
			publishLayer(t, s, account1, region1, name, []string{"nodejs22.x"}, nil)
			publishLayer(t, s, account1, region1, name, []string{"python3.13"}, []string{"arm64"})
		}
		publishLayer(t, s, account2, region1, "elsewhere", nil, nil)
		publishLayer(t, s, account1, region2, "elsewhere", nil, nil)
		// A layer whose every version is deleted is not listed.
		publishLayer(t, s, account1, region1, "gone", nil, nil)
		_, err := s.LayerVersionDelete(ctx, &store.LayerVersionGetParams{Account: account1, Region: region1, Name: "gone", Version: 1})
		require.NoError(t, err)

		want := slices.Clone(unicodeNames)
		slices.Sort(want) // Go compares strings bytewise
		list := func(f store.LayerFilter, limit int) []*store.LayerVersionRow {
			var (
				all   []*store.LayerVersionRow
				after string
			)
			for range 100 {
				page, err := s.LayerList(ctx, &store.LayerListParams{Account: account1, Region: region1, LayerFilter: f, After: after, Limit: limit})
				require.NoError(t, err)
				all = append(all, page.Latest...)
				if page.Next == "" {
					return all
				}
				require.Len(t, page.Latest, store.ListLimit(limit))
				require.Equal(t, page.Latest[len(page.Latest)-1].Name, page.Next)
				after = page.Next
			}
			t.Fatal("pagination did not terminate")
			return nil
		}
		for _, limit := range []int{0, 1, 3, len(want)} {
			all := list(store.LayerFilter{}, limit)
			require.Equal(t, want, layerNames(all), "limit %d", limit)
			for _, v := range all {
				require.Equal(t, int64(2), v.Version, "the newest version")
			}
		}
		all := list(store.LayerFilter{CompatibleRuntime: "nodejs22.x"}, 4)
		require.Equal(t, want, layerNames(all))
		for _, v := range all {
			require.Equal(t, int64(1), v.Version, "the newest matching version")
			require.Equal(t, []string{"nodejs22.x"}, v.CompatibleRuntimes)
		}
		all = list(store.LayerFilter{CompatibleArchitecture: "arm64"}, 0)
		require.Equal(t, want, layerNames(all))
		require.Equal(t, int64(2), all[0].Version)
		require.Empty(t, list(store.LayerFilter{CompatibleRuntime: "nodejs22.x", CompatibleArchitecture: "arm64"}, 0))

		page, err := s.LayerList(ctx, &store.LayerListParams{Account: account2, Region: region2})
		require.NoError(t, err)
		require.Empty(t, page.Latest)
		require.Empty(t, page.Next)
	})

	t.Run("ConcurrentCreate", func(t *testing.T) {
		s, ctx := setup(t)
		const n = 16
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			got []int64
		)
		for range n {
			wg.Go(func() {
				v, err := s.LayerVersionCreate(ctx, newLayerParams(account1, region1, "race", nil, nil))
				if !assertNoError(t, err) {
					return
				}
				mu.Lock()
				got = append(got, v.Version)
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(got)
		want := make([]int64, n)
		for i := range want {
			want[i] = int64(i + 1)
		}
		require.Equal(t, want, got, "every create gets its own number")
	})
}
