package sfn

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFunctionArn(t *testing.T) {
	t.Parallel()
	const base = "arn:aws:lambda:us-east-1:000000000000:function:"
	for _, tc := range []struct{ name, qualifier, want string }{
		{"fn", "", base + "fn:$LATEST"},
		{"fn", "prod", base + "fn:prod"},
		{"fn:3", "", base + "fn:3"},
		{"111122223333:function:fn", "", "arn:aws:lambda:us-east-1:111122223333:function:fn:$LATEST"},
		{base + "fn", "", base + "fn:$LATEST"},
		{base + "fn", "live", base + "fn:live"},
		{base + "fn:live", "", base + "fn:live"},
	} {
		require.Equal(t, tc.want, functionArn(tc.name, tc.qualifier, "us-east-1", "000000000000"), "%s %s", tc.name, tc.qualifier)
	}
}
