package histchunk

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

func events(ids ...int64) []store.HistoryEvent {
	out := make([]store.HistoryEvent, len(ids))
	for i, id := range ids {
		out[i] = store.HistoryEvent{ID: id, Body: fmt.Appendf(nil, `{"id":%d,"pad":"%*s"}`, id, int(id%300), "")}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, ids := range [][]int64{{1}, {1, 2, 3}, {7, 9, 300, 301, 100000}} {
		in := events(ids...)
		c, err := Encode(in)
		require.NoError(t, err)
		require.Equal(t, ids[0], c.FirstID)
		require.Equal(t, ids[len(ids)-1], c.LastID)
		out, err := Decode(c.FirstID, c.Index, c.Bodies)
		require.NoError(t, err)
		require.Equal(t, in, out)
	}
	_, err := Encode(nil)
	require.Error(t, err)
	_, err = Encode(events(3, 2))
	require.Error(t, err)
	_, err = Encode(events(0))
	require.Error(t, err)
}

func TestDecodeCorrupt(t *testing.T) {
	t.Parallel()
	c, err := Encode(events(1, 2, 3))
	require.NoError(t, err)
	_, err = Decode(1, c.Index, c.Bodies[:len(c.Bodies)-1])
	require.Error(t, err)
	_, err = Decode(1, c.Index[:len(c.Index)-1], c.Bodies)
	require.Error(t, err)
	_, err = Decode(1, append(c.Index, 0x80), c.Bodies)
	require.Error(t, err)
}

func FuzzDecode(f *testing.F) {
	c, _ := Encode(events(1, 2, 5))
	f.Add(c.Index, c.Bodies)
	f.Fuzz(func(t *testing.T, index, bodies []byte) {
		_, _ = Decode(1, index, bodies)
	})
}
