package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gureum-dev/gureum/internal/awsclient"
	"github.com/gureum-dev/gureum/internal/lambdaclient"
)

// fnLogsOptions are the flags of gureum fn logs.
type fnLogsOptions struct {
	follow   bool
	since    string
	filter   string
	format   string
	interval time.Duration
}

func fnLogsFlags(fs *flag.FlagSet) *fnLogsOptions {
	o := &fnLogsOptions{}
	fs.BoolVar(&o.follow, "follow", false, "keep printing new lines until interrupted")
	fs.StringVar(&o.since, "since", "10m", "start from this long ago (`10m`, 2h, 1d: s, m, h, d or w) or from an RFC 3339 time")
	fs.StringVar(&o.filter, "filter-pattern", "", "CloudWatch Logs text filter pattern (ERROR, \"a phrase\", -term, ?term)")
	fs.StringVar(&o.format, "format", "detailed", "detailed (time, stream, message) or short (time, message), as aws logs tail prints")
	fs.DurationVar(&o.interval, "interval", time.Second, "with --follow, how often to look for new lines")
	return o
}

// logsClient calls the CloudWatch Logs JSON 1.1 API of a running gureum.
type logsClient struct {
	aws awsclient.Client
}

func (c *logsClient) call(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {"Logs_20140328." + op}}
	resp, raw, err := c.aws.Send(ctx, "logs", http.MethodPost, "/", nil, h, body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &sfnError{} // the same {"__type", "message"} shape
		if json.Unmarshal(raw, e) != nil || e.Type == "" {
			return fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
		}
		return e
	}
	return json.Unmarshal(raw, out)
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	EventID       string `json:"eventId"`
}

// runFnLogs prints a function's log lines as `aws logs tail` does, and with
// follow keeps polling FilterLogEvents for new ones, as `aws logs tail
// --follow` does: from the newest timestamp seen, skipping the events
// already printed at that timestamp.
func runFnLogs(ctx context.Context, lc *lambdaclient.Client, name string, o *fnLogsOptions, stdout io.Writer) error {
	if o.format != "detailed" && o.format != "short" {
		return errUsage("--format detailed|short")
	}
	start, err := parseSince(o.since, time.Now())
	if err != nil {
		return err
	}
	c := &logsClient{aws: awsclient.Client{Endpoint: lc.Endpoint, Region: lc.Region, AccessKeyID: lc.AccessKeyID, SecretKey: lc.SecretKey, HTTP: lc.HTTP}}
	group := logGroupOf(ctx, lc, name)
	in := map[string]any{"logGroupName": group, "startTime": start, "interleaved": true}
	if o.filter != "" {
		in["filterPattern"] = o.filter
	}
	var (
		newest int64
		seen   = map[string]bool{} // ids of the events printed at newest
	)
	for {
		var page struct {
			Events    []filteredEvent `json:"events"`
			NextToken string          `json:"nextToken"`
		}
		err := c.call(ctx, "FilterLogEvents", in, &page)
		var apiErr *sfnError
		switch {
		case ctx.Err() != nil:
			return nil
		case o.follow && errors.As(err, &apiErr) && apiErr.Type == "ResourceNotFoundException":
			// The group appears with the function's first invocation.
		case err != nil:
			return err
		}
		for _, ev := range page.Events {
			if ev.Timestamp < newest || (ev.Timestamp == newest && seen[ev.EventID]) {
				continue
			}
			if ev.Timestamp > newest {
				newest, seen = ev.Timestamp, map[string]bool{}
			}
			seen[ev.EventID] = true
			printLogEvent(stdout, o.format, ev)
		}
		if page.NextToken != "" {
			in["nextToken"] = page.NextToken
			continue
		}
		if !o.follow {
			return nil
		}
		delete(in, "nextToken")
		if newest > 0 {
			in["startTime"] = newest
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.interval):
		}
	}
}

// logGroupOf is the function's log group (LoggingConfig.LogGroup), or
// /aws/lambda/NAME when the function cannot be read (logs outlive their
// function).
func logGroupOf(ctx context.Context, lc *lambdaclient.Client, name string) string {
	_, body, err := lc.Call(ctx, http.MethodGet, "/2015-03-31/functions/"+url.PathEscape(name)+"/configuration", nil, nil, nil)
	if err == nil {
		var cfg struct {
			LoggingConfig struct{ LogGroup string }
		}
		if json.Unmarshal(body, &cfg) == nil && cfg.LoggingConfig.LogGroup != "" {
			return cfg.LoggingConfig.LogGroup
		}
	}
	return "/aws/lambda/" + name
}

// printLogEvent writes one event in aws logs tail's formats.
func printLogEvent(w io.Writer, format string, ev filteredEvent) {
	t := time.UnixMilli(ev.Timestamp).UTC()
	msg := strings.TrimRight(ev.Message, " \t\r\n\v\f") + "\n"
	if format == "short" {
		fmt.Fprintf(w, "%s %s", t.Format("2006-01-02T15:04:05"), msg)
		return
	}
	fmt.Fprintf(w, "%s %s %s", t.Format("2006-01-02T15:04:05.000000-07:00"), ev.LogStreamName, msg)
}

var relativeSince = regexp.MustCompile(`^(\d+)([smhdw])$`)

// parseSince reads --since as aws logs tail does: a number and one unit
// (s, m, h, d, w) before now, or a timestamp; it returns unix milliseconds.
func parseSince(s string, now time.Time) (int64, error) {
	if m := relativeSince.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit).UnixMilli(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, errUsage("--since wants a relative time (10m, 2h, 1d; one unit of s, m, h, d or w) or an RFC 3339 timestamp, got " + strconv.Quote(s))
}
