package filterpattern

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	msgs := []string{
		"START RequestId: 1 Version: $LATEST\n",
		"2024-01-01T00:00:00.000Z\t1\tERROR\tInvoke Error MainThread\n",
		"2024-01-01T00:00:00.000Z\t1\tWARN\tDeadlock detected\n",
		"2024-01-01T00:00:00.000Z\t1\tINFO\tRetrying ERROR later\n",
		"2024-01-01T00:00:00.000Z\t1\tTask timed out after 3.00 seconds\n",
		"END RequestId: 1\n",
	}
	for _, c := range []struct {
		pattern string
		want    []int // indexes of msgs that match
	}{
		{"", []int{0, 1, 2, 3, 4, 5}},
		{"   ", []int{0, 1, 2, 3, 4, 5}},
		{"ERROR", []int{1, 3}},
		{"error", nil}, // case-sensitive
		{"ERROR MainThread", []int{1}},
		{"ERROR -Retrying", []int{1}},
		{"-RequestId:", []int{1, 2, 3, 4}},
		{`"Task timed out"`, []int{4}},
		{`"timed  out"`, nil},
		{"?START ?END", []int{0, 5}},
		{"?ERROR MainThread ?WARN Deadlock", []int{1, 2}},
		{"?ERROR -Retrying ?Deadlock", []int{1, 2}},
		{`?"Task timed" ?Deadlock`, []int{2, 4}},
		{`"RequestId: 1" Version`, []int{0}},
		{`"say \"hi\""`, nil},
	} {
		p, err := Parse(c.pattern)
		require.NoError(t, err, c.pattern)
		var got []int
		for i, m := range msgs {
			if p.Match(m) {
				got = append(got, i)
			}
		}
		require.Equal(t, c.want, got, "pattern %q", c.pattern)
	}
	p, err := Parse(`"say \"hi\" \\ now"`)
	require.NoError(t, err)
	require.True(t, p.Match(`they say "hi" \ now`))
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for pattern, kind := range map[string]string{
		`{ $.level = "ERROR" }`:  "JSON",
		`[ip, user, status=404]`: "space-delimited",
		`%ERROR|WARN%`:           "regular expression",
	} {
		_, err := Parse(pattern)
		var ue *UnsupportedError
		require.True(t, errors.As(err, &ue), pattern)
		require.Equal(t, kind, ue.Kind)
	}
	for _, pattern := range []string{`"open`, `?`, `ERROR -`, `"a"b`, `? ERROR`} {
		_, err := Parse(pattern)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", pattern, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "ERROR", `?a -b "c d"`, `"x\"y"`, "{", "-", "?"} {
		f.Add(s, "message ERROR c d")
	}
	f.Fuzz(func(t *testing.T, pattern, message string) {
		p, err := Parse(pattern)
		if err != nil {
			return
		}
		p.Match(message) // must not panic
	})
}
