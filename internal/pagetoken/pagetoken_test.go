package pagetoken

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"a", "함수-1", "x:y/z"} {
		got, err := Decode(Encode(c))
		require.NoError(t, err)
		require.Equal(t, c, got)
	}
	require.Equal(t, "", Encode(""))
	got, err := Decode("")
	require.NoError(t, err)
	require.Equal(t, "", got)
	for _, bad := range []string{"!!", "Zm9v", Encode("x")[1:]} {
		_, err := Decode(bad)
		require.ErrorIs(t, err, ErrInvalid, bad)
	}
}
