package arn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	t.Parallel()
	a, err := Parse("arn:aws:lambda:us-east-1:000000000000:function:f:prod")
	require.NoError(t, err)
	require.Equal(t, ARN{"aws", "lambda", "us-east-1", "000000000000", "function:f:prod"}, a)
	require.Equal(t, "arn:aws:lambda:us-east-1:000000000000:function:f:prod", a.String())
	for _, bad := range []string{"", "arn", "arn:aws:lambda", "xrn:aws:s:r:a:res", "arn::s:r:a:res", "arn:aws::r:a:res"} {
		_, err := Parse(bad)
		require.ErrorIs(t, err, ErrInvalid, bad)
	}
	require.Equal(t, "arn:aws:states:eu-west-1:1:stateMachine:m", StateMachine("eu-west-1", "1", "m"))
	require.Equal(t, "arn:aws:states:r:1:execution:m:e", Execution("r", "1", "m", "e"))
	require.Equal(t, "arn:aws:lambda:r:1:function:f", Lambda("r", "1", "f", ""))
}

func FuzzParse(f *testing.F) {
	f.Add("arn:aws:states:us-east-1:000000000000:stateMachine:m")
	f.Add("arn:::::")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("round trip %q -> %q", s, a.String())
		}
	})
}
