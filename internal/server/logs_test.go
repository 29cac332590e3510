package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/require"
)

// logLines reads a log group through FilterLogEvents (every page) until
// done says the lines are all there: the writer stores them a moment after
// the invocation.
func logLines(t *testing.T, c *cwl.Client, group string, done func([]string) bool) ([]string, []string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var msgs, streams []string
		p := cwl.NewFilterLogEventsPaginator(c, &cwl.FilterLogEventsInput{LogGroupName: aws.String(group)})
		for p.HasMorePages() {
			out, err := p.NextPage(context.Background())
			if err != nil {
				break // the group appears with the first write
			}
			for _, ev := range out.Events {
				msgs = append(msgs, *ev.Message)
				streams = append(streams, *ev.LogStreamName)
			}
		}
		if done(msgs) {
			return msgs, streams
		}
		require.True(t, time.Now().Before(deadline), "log lines never arrived; have %q", msgs)
		time.Sleep(20 * time.Millisecond)
	}
}

func countPrefix(msgs []string, prefix string) int {
	n := 0
	for _, m := range msgs {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}

// Functions' output lands in /aws/lambda/NAME as Lambda writes it, readable
// with the CloudWatch Logs API.
func TestFunctionLogs(t *testing.T) {
	t.Parallel()
	needSandbox(t)
	url := start(t, nil)
	ctx := context.Background()
	cfg := awsConfig(url, "test", "test")
	lc := awslambda.NewFromConfig(cfg)
	logs := cwl.NewFromConfig(cfg)

	for _, tc := range []struct {
		name    string
		runtime lambdatypes.Runtime
		handler string
		files   map[string]string
		line    func(who string) string // the function's line, as its runtime prints it
	}{
		{"node-logs", lambdatypes.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
exports.handler = async (event) => { console.log("hello from " + event.who); console.error("second line"); return {ok: true}; };`},
			func(who string) string { return "\tINFO\thello from " + who + "\n" }},
		{"python-logs", lambdatypes.RuntimePython312, "app.handler", map[string]string{"app.py": `
def handler(event, context):
    print("hello from " + event["who"])
    print("second line")
    return {"ok": True}
`}, func(who string) string { return "hello from " + who + "\n" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			group := "/aws/lambda/" + tc.name
			createFn(t, lc, tc.name, tc.runtime, tc.handler, tc.files, nil)
			// Creating a function does not create its log group.
			groups, err := logs.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
			require.NoError(t, err)
			require.Empty(t, groups.LogGroups)

			var reqIDs []string
			for _, who := range []string{"서연", "minjun"} {
				out, err := lc.Invoke(ctx, &awslambda.InvokeInput{FunctionName: aws.String(tc.name), Payload: fmt.Appendf(nil, `{"who": %q}`, who)})
				require.NoError(t, err)
				require.Nil(t, out.FunctionError, string(out.Payload))
			}
			msgs, streams := logLines(t, logs, group, func(m []string) bool { return countPrefix(m, "REPORT ") == 2 })
			for _, m := range msgs {
				require.True(t, strings.HasSuffix(m, "\n"), "each event is one line ending in a newline: %q", m)
				require.Equal(t, 1, strings.Count(m, "\n"), m)
				if id, ok := strings.CutPrefix(m, "START RequestId: "); ok {
					id, _, _ = strings.Cut(id, " ")
					reqIDs = append(reqIDs, id)
				}
			}
			require.Len(t, reqIDs, 2)
			// START, the function's two lines, END, REPORT: per invocation, in order.
			require.Len(t, msgs, 10)
			for i, who := range []string{"서연", "minjun"} {
				inv := msgs[5*i : 5*i+5]
				require.Equal(t, "START RequestId: "+reqIDs[i]+" Version: $LATEST\n", inv[0])
				require.Contains(t, inv[1], tc.line(who))
				require.Contains(t, inv[2], "second line")
				require.Equal(t, "END RequestId: "+reqIDs[i]+"\n", inv[3])
				require.Regexp(t, `^REPORT RequestId: `+reqIDs[i]+`\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t`, inv[4])
			}
			require.Contains(t, msgs[4], "Init Duration", "the first invocation was a cold start")
			require.NotContains(t, msgs[9], "Init Duration", "the second one was warm")
			// One warm environment: one stream, named as Lambda names them.
			for _, s := range streams {
				require.Equal(t, streams[0], s)
			}
			require.Regexp(t, `^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`, streams[0])

			// GetLogEvents reads the same stream.
			got, err := logs.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(streams[0]),
				StartFromHead: aws.Bool(true)})
			require.NoError(t, err)
			require.Len(t, got.Events, 10)
			for i, ev := range got.Events {
				require.Equal(t, msgs[i], *ev.Message)
				if i > 0 {
					require.GreaterOrEqual(t, *ev.Timestamp, *got.Events[i-1].Timestamp)
				}
			}
			// A filter pattern finds one invocation's lines.
			out, err := logs.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String(`"hello from minjun"`)})
			require.NoError(t, err)
			require.Len(t, out.Events, 1)
			require.Contains(t, *out.Events[0].Message, tc.line("minjun"))

			// Deleting the function leaves its logs.
			_, err = lc.DeleteFunction(ctx, &awslambda.DeleteFunctionInput{FunctionName: aws.String(tc.name)})
			require.NoError(t, err)
			groups, err = logs.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
			require.NoError(t, err)
			require.Len(t, groups.LogGroups, 1)
			require.Positive(t, *groups.LogGroups[0].StoredBytes)
		})
	}
}
