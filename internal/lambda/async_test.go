package lambda

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAsyncDelays(t *testing.T) {
	t.Parallel()
	require.Equal(t, time.Minute, retryDelay(0))
	require.Equal(t, 2*time.Minute, retryDelay(1))
	for throttles, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second, 5 * time.Minute} {
		require.Equal(t, want, throttleDelay(throttles), "after %d throttles", throttles)
	}
	require.Equal(t, 5*time.Minute, throttleDelay(100))

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := &Service{opts: Options{WaitScale: 0.01, Now: func() time.Time { return now }}}
	require.Equal(t, 600*time.Millisecond, s.scaled(time.Minute))
	require.Equal(t, time.Minute, s.virtualAge(now.Add(-600*time.Millisecond)))
	s.opts.WaitScale = 0
	require.Zero(t, s.scaled(time.Minute))
	require.Equal(t, time.Second, s.virtualAge(now.Add(-time.Second)), "scale 0: real age")
}

func TestEventSettingsDefaults(t *testing.T) {
	t.Parallel()
	zero, age := 0, 120
	d := &functionDoc{EventInvoke: map[string]*FunctionEventInvokeConfig{
		"$LATEST": {MaximumRetryAttempts: &zero},
		"live":    {MaximumEventAgeInSeconds: &age, DestinationConfig: DestinationConfig{OnFailure: Destination{Destination: "arn:x"}}},
	}}
	require.Equal(t, eventSettings{maxRetries: 0, maxAge: 21600}, d.eventSettings(""))
	require.Equal(t, eventSettings{maxRetries: 0, maxAge: 21600}, d.eventSettings("$LATEST"))
	require.Equal(t, eventSettings{maxRetries: 2, maxAge: 120, onFailure: "arn:x"}, d.eventSettings("live"))
	require.Equal(t, eventSettings{maxRetries: 2, maxAge: 21600}, d.eventSettings("1"), "a version without its own configuration")
}
