package migration

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	t.Parallel()

	t.Run("Ordered", func(t *testing.T) {
		t.Parallel()
		fsys := fstest.MapFS{
			"m/0002_second.sql": {Data: []byte("two")},
			"m/0001_first.sql":  {Data: []byte("one")},
			"m/README.md":       {Data: []byte("ignored")},
		}
		migrations, err := Load(fsys, "m")
		require.NoError(t, err)
		require.Equal(t, []Migration{
			{Version: 1, Name: "0001_first.sql", SQL: "one"},
			{Version: 2, Name: "0002_second.sql", SQL: "two"},
		}, migrations)
	})

	for name, fsys := range map[string]fstest.MapFS{
		"Gap":       {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"Duplicate": {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
		"BadName":   {"m/first.sql": {}},
		"Zero":      {"m/0000_a.sql": {}},
		"Empty":     {"m/README.md": {}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(fsys, "m")
			require.Error(t, err)
		})
	}
}
