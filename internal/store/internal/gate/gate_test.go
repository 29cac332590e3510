package gate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/store"
)

func TestGate(t *testing.T) {
	t.Parallel()

	var g Gate
	require.NoError(t, g.Enter())

	closed := make(chan bool)
	go func() { closed <- g.Close() }()

	select {
	case <-closed:
		t.Fatal("Close returned while an operation was in flight")
	case <-time.After(20 * time.Millisecond):
	}

	g.Exit()
	require.True(t, <-closed)
	require.False(t, g.Close())
	require.ErrorIs(t, g.Enter(), store.ErrClosed)
}
