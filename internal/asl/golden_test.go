package asl

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestHistoryGolden pins the complete history (every event, detail and
// previousEventId) of a machine that uses Map, Parallel, Task retries,
// callbacks, Wait and variables. Run with -update after an intended change.
func TestHistoryGolden(t *testing.T) {
	t.Parallel()
	ex := runDef(t, persistDef, `{}`, persistTasks())
	require.Equal(t, StatusSucceeded, ex.Status(), ex.Cause())
	got, err := json.MarshalIndent(ex.History(), "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", "history.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(got))
}
