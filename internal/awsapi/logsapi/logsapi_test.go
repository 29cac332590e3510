package logsapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/awsapi/logsapi"
	"github.com/gureum-dev/gureum/internal/logs"
	"github.com/gureum-dev/gureum/internal/store"
	"github.com/gureum-dev/gureum/internal/store/pgstore"
	"github.com/gureum-dev/gureum/internal/store/sqlitestore"
)

type env struct {
	url    string
	client *cwl.Client
	store  store.Store
}

// eachDriver runs body on SQLite, and on PostgreSQL when
// GUREUM_TEST_POSTGRES is set, in parallel subtests.
func eachDriver(t *testing.T, body func(t *testing.T, e *env)) {
	t.Helper()
	drivers := []string{store.DriverSQLite}
	if os.Getenv("GUREUM_TEST_POSTGRES") != "" {
		drivers = append(drivers, store.DriverPostgres)
	}
	for _, d := range drivers {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			body(t, start(t, d))
		})
	}
}

func start(t *testing.T, driver string) *env {
	t.Helper()
	var (
		st  store.Store
		err error
	)
	if driver == store.DriverPostgres {
		st, err = pgstore.Open(t.Context(), os.Getenv("GUREUM_TEST_POSTGRES"), &pgstore.Options{Schema: testSchema(t), MaxConns: 4})
	} else {
		st, err = sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "gureum.db"), nil)
	}
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	mux := awsapi.NewMux(awsapi.Config{Logger: slog.New(slog.DiscardHandler)})
	logsapi.Register(mux, logs.New(st))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	client := cwl.NewFromConfig(aws.Config{
		HTTPClient:       &http.Client{Transport: eagerBody{http.DefaultTransport}},
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(hs.URL),
		RetryMaxAttempts: 1,
	})
	return &env{url: hs.URL, client: client, store: st}
}

func testSchema(t *testing.T) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "gureum_logsapi_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, os.Getenv("GUREUM_TEST_POSTGRES"))
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	return schema
}

// eagerBody reads each response whole before the SDK sees it (see the note
// in sfnapi's tests: the SDK's lazy reads fail intermittently on a loaded
// machine).
type eagerBody struct{ http.RoundTripper }

func (t eagerBody) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.RoundTripper.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// requireAPIError checks an SDK error's code and message.
func requireAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "want an AWS API error, got %v", err)
	require.Equal(t, code, ae.ErrorCode())
	if message != "" {
		require.Equal(t, message, ae.ErrorMessage())
	}
}

// call sends a raw request (for what the SDK refuses to send) and returns
// the status, content type and decoded body.
func (e *env) call(t *testing.T, op, body string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", e.url+"/", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Target", "Logs_20140328."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, resp.Header.Get("Content-Type"), out
}

func (e *env) put(t *testing.T, group, stream string, events ...cwltypes.InputLogEvent) {
	t.Helper()
	_, err := e.client.PutLogEvents(t.Context(), &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
	require.NoError(t, err)
}

func ev(ts int64, msg string) cwltypes.InputLogEvent {
	return cwltypes.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(msg)}
}

func TestGroupsAndStreams(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.client
		for _, name := range []string{"/aws/lambda/b", "/aws/lambda/a", "/aws/lambda/c", "/app/x", "aws.lambda"} {
			_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)})
			require.NoError(t, err)
		}
		_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/a")})
		requireAPIError(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
		_, err = c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("AWS/mine")})
		requireAPIError(t, err, "InvalidParameterException", "Log groups starting with AWS/ are reserved for AWS.")
		_, err = c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("no spaces")})
		requireAPIError(t, err, "InvalidParameterException",
			`1 validation error detected: Value 'no spaces' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)

		// Pages of 2 through the SDK's paginator, with a prefix.
		var names []string
		pages := 0
		for p := cwl.NewDescribeLogGroupsPaginator(c, &cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/"), Limit: aws.Int32(2)}); p.HasMorePages(); {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			pages++
			for _, g := range out.LogGroups {
				names = append(names, *g.LogGroupName)
			}
		}
		require.Equal(t, []string{"/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c"}, names)
		require.Equal(t, 2, pages)
		out, err := c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("lambda")})
		require.NoError(t, err)
		require.Len(t, out.LogGroups, 4)
		g := out.LogGroups[0]
		require.Equal(t, "/aws/lambda/a", *g.LogGroupName)
		require.Equal(t, "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*", *g.Arn)
		require.Equal(t, "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a", *g.LogGroupArn)
		require.InDelta(t, time.Now().UnixMilli(), *g.CreationTime, 60_000)
		_, err = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("a"), LogGroupNamePrefix: aws.String("a")})
		requireAPIError(t, err, "InvalidParameterException", "")
		_, err = c.DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{NextToken: aws.String("forged")})
		requireAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")

		// Streams.
		_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("/nope"), LogStreamName: aws.String("s")})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
		group := "/aws/lambda/a"
		for _, s := range []string{"2024/01/02/[$LATEST]b", "2024/01/02/[$LATEST]a", "2024/01/01/[1]c"} {
			_, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(s)})
			require.NoError(t, err)
		}
		_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("2024/01/01/[1]c")})
		requireAPIError(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
		now := time.Now().UnixMilli()
		e.put(t, group, "2024/01/02/[$LATEST]a", ev(now-3000, "x"))
		e.put(t, group, "2024/01/01/[1]c", ev(now-2000, "x"))
		e.put(t, group, "2024/01/02/[$LATEST]b", ev(now-1000, "x"))

		streams := func(in *cwl.DescribeLogStreamsInput) []string {
			var names []string
			for p := cwl.NewDescribeLogStreamsPaginator(c, in); p.HasMorePages(); {
				out, err := p.NextPage(ctx)
				require.NoError(t, err)
				for _, s := range out.LogStreams {
					names = append(names, *s.LogStreamName)
				}
			}
			return names
		}
		require.Equal(t, []string{"2024/01/01/[1]c", "2024/01/02/[$LATEST]a", "2024/01/02/[$LATEST]b"},
			streams(&cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), Limit: aws.Int32(1)}))
		require.Equal(t, []string{"2024/01/02/[$LATEST]b", "2024/01/01/[1]c", "2024/01/02/[$LATEST]a"},
			streams(&cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:" + group),
				OrderBy: cwltypes.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(2)}))
		require.Equal(t, []string{"2024/01/02/[$LATEST]a", "2024/01/02/[$LATEST]b"},
			streams(&cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), LogStreamNamePrefix: aws.String("2024/01/02")}))
		_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), OrderBy: cwltypes.OrderByLastEventTime,
			LogStreamNamePrefix: aws.String("2024")})
		requireAPIError(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
		// A token belongs to its ordering.
		first, err := c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), Limit: aws.Int32(1)})
		require.NoError(t, err)
		require.NotNil(t, first.NextToken)
		_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(group), OrderBy: cwltypes.OrderByLastEventTime, NextToken: first.NextToken})
		requireAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
		s := first.LogStreams[0]
		require.Equal(t, now-2000, *s.FirstEventTimestamp)
		require.Equal(t, now-2000, *s.LastEventTimestamp)
		require.Equal(t, "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:log-stream:2024/01/01/[1]c", *s.Arn)
		_, err = c.DescribeLogStreams(ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("/nope")})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

		// Deletes.
		_, err = c.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("2024/01/01/[1]c")})
		require.NoError(t, err)
		_, err = c.DeleteLogStream(ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("2024/01/01/[1]c")})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
		_, err = c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(group)})
		require.NoError(t, err)
		_, err = c.DeleteLogGroup(ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String(group)})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

		// Wire details the SDK hides: status 400 and the JSON 1.1 content type
		// on errors, AWS's validation messages for missing members.
		status, ct, body := e.call(t, "DeleteLogGroup", `{"logGroupName": "/nope"}`)
		require.Equal(t, 400, status)
		require.Equal(t, "application/x-amz-json-1.1", ct)
		require.Equal(t, "ResourceNotFoundException", body["__type"])
		status, _, body = e.call(t, "CreateLogStream", `{}`)
		require.Equal(t, 400, status)
		require.Equal(t, "InvalidParameterException", body["__type"])
		require.Equal(t, "2 validation errors detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null; "+
			"Value null at 'logStreamName' failed to satisfy constraint: Member must not be null", body["message"])
		_, _, body = e.call(t, "DescribeLogStreams", `{}`)
		require.Equal(t, "InvalidParameterException", body["__type"])
		_, _, body = e.call(t, "DescribeLogGroups", `{"limit": 51}`)
		require.Equal(t, "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50", body["message"])
		_, _, body = e.call(t, "NoSuchOperation", `{}`)
		require.Equal(t, "UnknownOperationException", body["__type"])
	})
}

func TestPutAndGetLogEvents(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.client
		g, s := "/app/events", "stream-1"
		_, err := c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(g)})
		require.NoError(t, err)
		_, err = c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: []cwltypes.InputLogEvent{ev(1, "x")}})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
		_, err = c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s)})
		require.NoError(t, err)

		base := time.Now().Add(-time.Hour).UnixMilli()
		_, err = c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s),
			LogEvents: []cwltypes.InputLogEvent{ev(base+1, "b"), ev(base, "a")}})
		requireAPIError(t, err, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.")
		// Too old and too new events are reported and left out; the rest is kept.
		out, err := c.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s),
			LogEvents: []cwltypes.InputLogEvent{ev(base-15*24*3600_000, "ancient"), ev(base-1, "kept"), ev(base+4*3600_000, "future")}})
		require.NoError(t, err)
		require.NotNil(t, out.RejectedLogEventsInfo)
		require.Equal(t, int32(1), *out.RejectedLogEventsInfo.TooOldLogEventEndIndex)
		require.Equal(t, int32(2), *out.RejectedLogEventsInfo.TooNewLogEventStartIndex)
		require.Len(t, *out.NextSequenceToken, 56)

		var batch []cwltypes.InputLogEvent
		for i := range 25 {
			batch = append(batch, ev(base+int64(i), fmt.Sprintf("m%02d", i)))
		}
		e.put(t, g, s, batch...)
		want := []string{"kept"}
		for i := range 25 {
			want = append(want, fmt.Sprintf("m%02d", i))
		}
		msgs := func(evs []cwltypes.OutputLogEvent) []string {
			out := make([]string, len(evs))
			for i, ev := range evs {
				out[i] = *ev.Message
			}
			return out
		}
		get := func(in cwl.GetLogEventsInput) *cwl.GetLogEventsOutput {
			in.LogGroupName, in.LogStreamName = aws.String(g), aws.String(s)
			out, err := c.GetLogEvents(ctx, &in)
			require.NoError(t, err)
			return out
		}

		// From the tail (the default): the last page, then backwards to the start.
		page := get(cwl.GetLogEventsInput{Limit: aws.Int32(10)})
		require.Equal(t, want[16:], msgs(page.Events))
		got := msgs(page.Events)
		for {
			back := get(cwl.GetLogEventsInput{Limit: aws.Int32(10), NextToken: page.NextBackwardToken})
			if *back.NextBackwardToken == *page.NextBackwardToken {
				require.Empty(t, back.Events, "the same token back means the start")
				break
			}
			got = append(msgs(back.Events), got...)
			page = back
		}
		require.Equal(t, want, got)

		// From the head, forwards to the end, where the token stays put until
		// new events arrive.
		page = get(cwl.GetLogEventsInput{Limit: aws.Int32(10), StartFromHead: aws.Bool(true)})
		require.Equal(t, want[:10], msgs(page.Events))
		require.True(t, strings.HasPrefix(*page.NextForwardToken, "f/") && len(*page.NextForwardToken) == 58)
		require.True(t, strings.HasPrefix(*page.NextBackwardToken, "b/"))
		got = msgs(page.Events)
		for {
			next := get(cwl.GetLogEventsInput{Limit: aws.Int32(10), StartFromHead: aws.Bool(true), NextToken: page.NextForwardToken})
			got = append(got, msgs(next.Events)...)
			if *next.NextForwardToken == *page.NextForwardToken {
				break
			}
			page = next
		}
		require.Equal(t, want, got)
		e.put(t, g, s, ev(base+100, "late"))
		next := get(cwl.GetLogEventsInput{StartFromHead: aws.Bool(true), NextToken: page.NextForwardToken})
		require.Equal(t, []string{"late"}, msgs(next.Events))
		require.InDelta(t, time.Now().UnixMilli(), *next.Events[0].IngestionTime, 60_000)

		// Time range: start inclusive, end exclusive.
		page = get(cwl.GetLogEventsInput{StartTime: aws.Int64(base + 2), EndTime: aws.Int64(base + 5), StartFromHead: aws.Bool(true)})
		require.Equal(t, []string{"m02", "m03", "m04"}, msgs(page.Events))
		// An empty range still gives tokens.
		page = get(cwl.GetLogEventsInput{StartTime: aws.Int64(base + 1000)})
		require.Empty(t, page.Events)
		require.NotEmpty(t, *page.NextForwardToken)
		require.NotEmpty(t, *page.NextBackwardToken)

		for _, tok := range []string{"f/123", "x/00000000000000000000000000000000000000000000000000000000", "garbage"} {
			_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: aws.String(tok)})
			requireAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
		}
		_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("nope")})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
		_, err = c.GetLogEvents(ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("/nope"), LogStreamName: aws.String(s)})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	})
}

func TestFilterLogEvents(t *testing.T) {
	t.Parallel()
	eachDriver(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		c := e.client
		g := "/aws/lambda/filter"
		_, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g)})
		requireAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
		_, err = c.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(g)})
		require.NoError(t, err)
		for _, s := range []string{"a/1", "a/2", "b/1"} {
			_, err := c.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s)})
			require.NoError(t, err)
		}
		base := time.Now().Add(-time.Minute).UnixMilli()
		// Interleaved in time across streams; every third line is an ERROR.
		var want []string
		for i := range 30 {
			s := []string{"a/1", "a/2", "b/1"}[i%3]
			level := "INFO"
			if i%3 == 2 {
				level = "ERROR"
			}
			msg := fmt.Sprintf("%s line %02d\n", level, i)
			e.put(t, g, s, ev(base+int64(i), msg))
			want = append(want, s+" "+msg)
		}
		filter := func(in cwl.FilterLogEventsInput, limit int32) []string {
			in.LogGroupName = aws.String(g)
			var got []string
			ids := map[string]bool{}
			for p := cwl.NewFilterLogEventsPaginator(c, &in, func(o *cwl.FilterLogEventsPaginatorOptions) { o.Limit = limit }); p.HasMorePages(); {
				out, err := p.NextPage(ctx)
				require.NoError(t, err)
				require.NotNil(t, out.SearchedLogStreams)
				require.LessOrEqual(t, len(out.Events), int(limit))
				for _, ev := range out.Events {
					require.False(t, ids[*ev.EventId], "event ids are unique")
					ids[*ev.EventId] = true
					got = append(got, *ev.LogStreamName+" "+*ev.Message)
				}
			}
			return got
		}
		require.Equal(t, want, filter(cwl.FilterLogEventsInput{}, 7))
		require.Equal(t, want, filter(cwl.FilterLogEventsInput{Interleaved: aws.Bool(false)}, 10000))
		pick := func(keep func(i int) bool) []string {
			var out []string
			for i, w := range want {
				if keep(i) {
					out = append(out, w)
				}
			}
			return out
		}
		require.Equal(t, pick(func(i int) bool { return i%3 == 2 }), filter(cwl.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}, 4))
		require.Equal(t, pick(func(i int) bool { return i%3 == 0 }), filter(cwl.FilterLogEventsInput{LogStreamNames: []string{"a/1"}}, 3))
		require.Equal(t, pick(func(i int) bool { return i%3 != 2 }), filter(cwl.FilterLogEventsInput{LogStreamNamePrefix: aws.String("a/")}, 100))
		require.Equal(t, pick(func(i int) bool { return i == 5 || i == 7 }),
			filter(cwl.FilterLogEventsInput{FilterPattern: aws.String(`?"line 05" ?"line 07"`)}, 1))
		require.Equal(t, pick(func(i int) bool { return i%3 != 2 && i >= 10 && i <= 12 }),
			filter(cwl.FilterLogEventsInput{FilterPattern: aws.String("-ERROR"), StartTime: aws.Int64(base + 10), EndTime: aws.Int64(base + 12)}, 100))

		// The event ids are stable: aws logs tail --follow dedups by them.
		one := func() []string {
			out, err := c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g), Limit: aws.Int32(3)})
			require.NoError(t, err)
			var ids []string
			for _, ev := range out.Events {
				ids = append(ids, *ev.EventId)
				require.NotZero(t, *ev.IngestionTime)
			}
			return ids
		}
		require.Equal(t, one(), one())

		_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g), FilterPattern: aws.String(`{ $.level = "ERROR" }`)})
		requireAPIError(t, err, "InvalidParameterException",
			`JSON filter patterns are not supported by gureum; use text terms, "quoted phrases", -term and ?term.`)
		_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g), FilterPattern: aws.String(`"open`)})
		requireAPIError(t, err, "InvalidParameterException", "Invalid filter pattern: unterminated quoted phrase")
		_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g), LogStreamNames: []string{"a/1"}, LogStreamNamePrefix: aws.String("a")})
		requireAPIError(t, err, "InvalidParameterException", "Cannot specify both logStreamNames and logStreamNamePrefix.")
		_, err = c.FilterLogEvents(ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String(g), NextToken: aws.String("forged")})
		requireAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	})
}
