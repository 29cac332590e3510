package sfnmock

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const awsExample = `{
  "StateMachines": {
    "LambdaSQSIntegration": {
      "TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}
      }
    }
  },
  "MockedResponses": {
    "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
    "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb", "MessageId": "3bcb-8b51"}}},
    "MockedLambdaRetry": {
      "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
      "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
    }
  }
}`

func TestAWSExample(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(awsExample))
	require.NoError(t, err)
	tc, err := c.TestCase("LambdaSQSIntegration", "RetryPath")
	require.NoError(t, err)
	for i, want := range []string{"Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"} {
		r, ok, err := tc.Response("LambdaState", i)
		require.NoError(t, err)
		require.True(t, ok)
		require.True(t, r.Throws())
		require.Equal(t, want, r.Error)
	}
	r, ok, err := tc.Response("LambdaState", 3)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, r.Throws())
	require.JSONEq(t, `{"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}`, string(r.Return))
	_, _, err = tc.Response("LambdaState", 4)
	require.ErrorContains(t, err, "no entry for invocation 4")

	hybrid, err := c.TestCase("LambdaSQSIntegration", "HybridPath")
	require.NoError(t, err)
	require.False(t, hybrid.Mocked("SQSState"))
	_, ok, err = hybrid.Response("SQSState", 0)
	require.NoError(t, err)
	require.False(t, ok)

	_, err = c.TestCase("LambdaSQSIntegration", "Nope")
	require.ErrorIs(t, err, ErrNoTestCase)
	_, err = c.TestCase("Other", "HappyPath")
	require.ErrorIs(t, err, ErrNoTestCase)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]string{
		"not json":       `{`,
		"unknown field":  `{"StateMachine": {}}`,
		"dangling ref":   `{"StateMachines": {"M": {"TestCases": {"T": {"S": "Missing"}}}}, "MockedResponses": {}}`,
		"both":           `{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}`,
		"neither":        `{"MockedResponses": {"R": {"0": {}}}}`,
		"bad key":        `{"MockedResponses": {"R": {"x": {"Return": 1}}}}`,
		"reversed range": `{"MockedResponses": {"R": {"3-1": {"Return": 1}}}}`,
		"overlap":        `{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}`,
		"throw no error": `{"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}`,
		"empty":          `{"MockedResponses": {"R": {}}}`,
	} {
		_, err := Parse([]byte(cfg))
		require.Error(t, err, name)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(awsExample)
	f.Add(`{"MockedResponses": {"R": {"0-99999999999999999999": {"Return": null}}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse([]byte(s))
		if err != nil {
			return
		}
		for m, cases := range c.machines {
			for name, states := range cases {
				tc, err := c.TestCase(m, name)
				if err != nil {
					t.Fatal(err)
				}
				for st := range states {
					_, _, _ = tc.Response(st, 0)
				}
			}
		}
	})
}
