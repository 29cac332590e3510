package config

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAndEnv(t *testing.T) {
	t.Parallel()
	c := Default(env(map[string]string{"XDG_DATA_HOME": "/x"}))
	require.Equal(t, "/x/gureum", c.DataDir)
	require.Equal(t, DefaultAddr, c.Addr)
	require.Equal(t, 1024, c.MaxProcesses, "Lambda's quota of processes and threads")
	require.Equal(t, "/h/.local/share/gureum", Default(env(map[string]string{"HOME": "/h"})).DataDir)
	require.NoError(t, c.Validate())
	require.False(t, c.AuthRequired())

	require.NoError(t, c.FromEnv(env(map[string]string{"GUREUM_ACCESS_KEYS": "a:b, c:d", "GUREUM_DATA": "/d"})))
	require.Equal(t, map[string]string{"a": "b", "c": "d"}, c.AccessKeys)
	require.Equal(t, "/d", c.DataDir)

	var fe *FieldError
	require.ErrorAs(t, c.FromEnv(env(map[string]string{"GUREUM_ACCESS_KEYS": "nocolon"})), &fe)
	require.Equal(t, "GUREUM_ACCESS_KEYS", fe.Field)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args  []string
		field string
	}{
		{[]string{"--addr", "nope"}, "addr"},
		{[]string{"--store", "mysql://x"}, "store"},
		{[]string{"--auth"}, "GUREUM_ACCESS_KEYS"},
		{[]string{"--addr", "0.0.0.0:4566"}, "GUREUM_ACCESS_KEYS"},
		{[]string{"--log-format", "xml"}, "log-format"},
		{[]string{"--wait-scale", "-1"}, "wait-scale"},
		{[]string{"--max-processes", "8"}, "max-processes"},
	} {
		c := Default(env(map[string]string{"HOME": "/h"}))
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		c.Bind(fs)
		require.NoError(t, fs.Parse(tc.args))
		var fe *FieldError
		require.ErrorAs(t, c.Validate(), &fe, tc.args)
		require.Equal(t, tc.field, fe.Field, tc.args)
	}
	c := Default(env(map[string]string{"HOME": "/h"}))
	c.Addr, c.AccessKeys = "0.0.0.0:4566", map[string]string{"k": "s"}
	require.NoError(t, c.Validate())
	require.True(t, c.AuthRequired())
	c.Addr = "localhost:1"
	require.True(t, c.Loopback())
	c.Addr = "[::1]:1"
	require.True(t, c.Loopback())
}
