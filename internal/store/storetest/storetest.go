// Package storetest is the conformance suite every store.Store
// implementation must pass. A driver's tests call Exercise with a constructor
// for fresh, empty, migrated stores; behaviour this suite does not check is
// not part of the store contract.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

// Exercise runs the suite. newStore must return a new, empty, migrated store
// that no other test uses, and arrange its own cleanup with t.Cleanup (the
// suite may Close the store first; Close is idempotent). Subtests run in
// parallel.
func Exercise(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()

	setup := func(t *testing.T) (store.Store, context.Context) {
		t.Helper()
		t.Parallel()
		return newStore(t), t.Context()
	}

	t.Run("DriverAndPing", func(t *testing.T) {
		s, ctx := setup(t)
		require.Contains(t, []string{store.DriverSQLite, store.DriverPostgres}, s.Driver())
		require.NoError(t, s.Ping(ctx))
	})

	t.Run("Function", func(t *testing.T) {
		t.Parallel()
		exerciseFunction(t, setup)
	})

	t.Run("StateMachine", func(t *testing.T) {
		t.Parallel()
		exerciseStateMachine(t, setup)
	})

	t.Run("Execution", func(t *testing.T) {
		t.Parallel()
		exerciseExecution(t, setup)
	})

	t.Run("Activity", func(t *testing.T) {
		t.Parallel()
		exerciseActivity(t, setup)
	})

	t.Run("Logs", func(t *testing.T) {
		t.Parallel()
		exerciseLogs(t, setup)
	})

	t.Run("Layer", func(t *testing.T) {
		t.Parallel()
		exerciseLayer(t, setup)
	})

	t.Run("VersionsAliasesMapRuns", func(t *testing.T) {
		t.Parallel()
		exerciseVersionsAndAliases(t, setup)
	})

	t.Run("Close", func(t *testing.T) {
		t.Parallel()

		t.Run("Idempotent", func(t *testing.T) {
			s, ctx := setup(t)
			require.NoError(t, s.Close())
			require.NoError(t, s.Close())

			_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "f"})
			require.ErrorIs(t, err, store.ErrClosed)
			_, err = s.FunctionCreate(ctx, newFunctionParams(account1, region1, "f"))
			require.ErrorIs(t, err, store.ErrClosed)
			require.ErrorIs(t, s.Ping(ctx), store.ErrClosed)
			_, err = s.HistoryAppend(ctx, &store.HistoryAppendParams{})
			require.ErrorIs(t, err, store.ErrClosed)
			_, err = s.ExecutionClaimDue(ctx, &store.ExecutionClaimDueParams{Owner: "me"})
			require.ErrorIs(t, err, store.ErrClosed)
			require.ErrorIs(t, s.LogEventsPut(ctx, &store.LogEventsPutParams{Create: true}), store.ErrClosed)
			_, err = s.LogEventList(ctx, &store.LogEventListParams{Account: account1, Region: region1, Group: "g"})
			require.ErrorIs(t, err, store.ErrClosed)
		})

		t.Run("ConcurrentClose", func(t *testing.T) {
			s, _ := setup(t)
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() { require.NoError(t, s.Close()) })
			}
			wg.Wait()
		})

		// Close while writers are busy: every operation either completes or
		// is turned away with ErrClosed; none fails half-way.
		t.Run("WhileBusy", func(t *testing.T) {
			s, ctx := setup(t)
			var (
				wg        sync.WaitGroup
				succeeded atomic.Int64
			)
			for i := range 16 {
				wg.Go(func() {
					for j := 0; ; j++ {
						_, err := s.FunctionCreate(ctx, newFunctionParams(account1, region1, fmt.Sprintf("f-%d-%d", i, j)))
						if errors.Is(err, store.ErrClosed) {
							return
						}
						if !assertNoError(t, err) {
							return
						}
						succeeded.Add(1)
					}
				})
			}
			for succeeded.Load() < 20 {
				time.Sleep(time.Millisecond)
			}
			require.NoError(t, s.Close())
			wg.Wait()
		})
	})

	t.Run("CanceledContext", func(t *testing.T) {
		s, ctx := setup(t)
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.FunctionGet(ctx, &store.FunctionGetParams{Account: account1, Region: region1, Name: "f"})
		require.ErrorIs(t, err, context.Canceled)
		_, err = s.FunctionCreate(ctx, newFunctionParams(account1, region1, "f"))
		require.ErrorIs(t, err, context.Canceled)
	})
}

const (
	account1 = "000000000000"
	account2 = "111111111111"
	region1  = "us-east-1"
	region2  = "eu-west-1"
)

type setupFunc func(t *testing.T) (store.Store, context.Context)

// assertNoError is require.NoError for goroutines other than the test's (where
// FailNow must not be called). It reports whether err was nil.
func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("unexpected error: %v", err)
		return false
	}
	return true
}

// requireRecent checks that a store timestamp is in UTC, has microsecond
// precision and lies between before and now.
func requireRecent(t *testing.T, before time.Time, got time.Time) {
	t.Helper()
	require.Equal(t, time.UTC, got.Location())
	require.Zero(t, got.Nanosecond()%1000, "timestamps have microsecond precision")
	require.False(t, got.Before(before.Truncate(time.Microsecond)), "%v is before %v", got, before)
	require.False(t, got.After(time.Now()), "%v is in the future", got)
}

// specJSON returns a JSON document with deliberate formatting, which the store
// must return byte for byte.
func specJSON(fields ...string) []byte {
	doc := map[string]any{"Runtime": "python3.12", "Tags": map[string]string{"team": "a"}}
	for i, f := range fields {
		doc[fmt.Sprintf("f%d", i)] = f
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// shuffled returns names in a random order, so insertion order never equals
// listing order by accident.
func shuffled(names []string) []string {
	names = slices.Clone(names)
	rand.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return names
}

// unicodeNames are names whose byte order differs from most locales'
// collation order; both drivers must list them in byte order.
var unicodeNames = []string{
	"Zeta", "alpha", "Alpha", "_under", "a-b", "a_b", "a.b", "ñandú", "nandu", "함수",
	"関数", "émigré", "emigre", "😀-emoji", "ǅ-digraph", "z", "ß", "ss", "İstanbul", "istanbul",
}
