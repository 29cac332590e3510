package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestListLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want int }{
		{-5, DefaultListLimit},
		{0, DefaultListLimit},
		{1, 1},
		{DefaultListLimit + 1, DefaultListLimit + 1},
		{MaxListLimit, MaxListLimit},
		{MaxListLimit + 1, MaxListLimit},
	} {
		require.Equal(t, tc.want, ListLimit(tc.in), "ListLimit(%d)", tc.in)
	}
}
