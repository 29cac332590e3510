// Package logsapi serves the CloudWatch Logs API subset that reading and
// writing function logs needs (what `aws logs tail [--follow]`,
// `aws logs filter-log-events`, `get-log-events` and the SDKs' log writers
// call): AWS JSON 1.1 with X-Amz-Target Logs_20140328.<Operation>, one file
// per operation. Service errors become wire errors in one place,
// serviceError.
package logsapi

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/logs"
)

// TargetPrefix is CloudWatch Logs' X-Amz-Target prefix.
const TargetPrefix = "Logs_20140328."

// API holds the CloudWatch Logs service the operations call.
type API struct {
	svc *logs.Service
}

// Register adds the CloudWatch Logs operations to mux.
func Register(mux *awsapi.Mux, svc *logs.Service) {
	a := &API{svc: svc}
	for name, h := range map[string]awsapi.HandlerFunc{
		"CreateLogGroup":     awsapi.JSON11Handler(a.createLogGroup),
		"CreateLogStream":    awsapi.JSON11Handler(a.createLogStream),
		"DeleteLogGroup":     awsapi.JSON11Handler(a.deleteLogGroup),
		"DeleteLogStream":    awsapi.JSON11Handler(a.deleteLogStream),
		"DescribeLogGroups":  awsapi.JSON11Handler(a.describeLogGroups),
		"DescribeLogStreams": awsapi.JSON11Handler(a.describeLogStreams),
		"PutLogEvents":       awsapi.JSON11Handler(a.putLogEvents),
		"GetLogEvents":       awsapi.JSON11Handler(a.getLogEvents),
		"FilterLogEvents":    awsapi.JSON11Handler(a.filterLogEvents),
	} {
		mux.HandleTarget(TargetPrefix+name, &awsapi.Operation{Service: "logs", Name: name, Protocol: awsapi.JSON11, Handler: h})
	}
}

func scope(r *awsapi.Request) logs.Scope { return logs.Scope{Account: r.Account, Region: r.Region} }

// empty is the body of operations that return nothing.
type empty struct{}

// serviceError maps the service's errors to CloudWatch Logs' wire errors. It
// is the one place that does.
func serviceError(err error) error {
	var le *logs.Error
	if !errors.As(err, &le) {
		return err
	}
	switch le.Kind {
	case logs.KindGroupNotFound, logs.KindStreamNotFound:
		return awsapi.NewError(awsapi.LogsResourceNotFound, "%s", le.Message)
	case logs.KindGroupExists, logs.KindStreamExists:
		return awsapi.NewError(awsapi.LogsResourceAlreadyExists, "%s", le.Message)
	case logs.KindInvalidParameter:
		return awsapi.NewError(awsapi.LogsInvalidParameter, "%s", le.Message)
	}
	return fmt.Errorf("unmapped service error: %w", err)
}

// Constraints of the API's shapes.
var (
	groupNameRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)
	// A log group ARN as logGroupIdentifier takes it, with or without the
	// trailing ":*".
	groupARNRE = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:([\.\-_/#A-Za-z0-9]+)(:\*)?$`)
)

const (
	groupNamePattern  = `[\.\-_/#A-Za-z0-9]+`
	streamNamePattern = `[^:*]*`
)

// validator collects constraint violations and reports them as AWS does:
// "2 validation errors detected: Value 'x' at 'a' failed to satisfy
// constraint: ...; Value ...".
type validator struct {
	msgs []string
}

func (v *validator) fail(field string, value *string, constraint string) {
	shown := "null"
	if value != nil {
		shown = "'" + *value + "'"
	}
	v.msgs = append(v.msgs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, field, constraint))
}

// required checks that a member is present.
func (v *validator) required(field string, value *string) {
	if value == nil {
		v.fail(field, nil, "Member must not be null")
	}
}

// str checks an optional string member's length and pattern.
func (v *validator) str(field string, value *string, minLen, maxLen int, pattern string, re *regexp.Regexp) {
	if value == nil {
		return
	}
	n := len([]rune(*value))
	switch {
	case n < minLen:
		v.fail(field, value, "Member must have length greater than or equal to "+strconv.Itoa(minLen))
	case n > maxLen:
		v.fail(field, value, "Member must have length less than or equal to "+strconv.Itoa(maxLen))
	case re != nil && !re.MatchString(*value):
		v.fail(field, value, "Member must satisfy regular expression pattern: "+pattern)
	}
}

func (v *validator) groupName(field string, value *string) {
	v.str(field, value, 1, 512, groupNamePattern, groupNameRE)
}

func (v *validator) streamName(field string, value *string) {
	v.str(field, value, 1, 512, streamNamePattern, streamNameRE)
}

var streamNameRE = regexp.MustCompile(`^[^:*]*$`)

// intRange checks an optional integer member.
func (v *validator) intRange(field string, value *int, lo, hi int) {
	if value == nil {
		return
	}
	s := strconv.Itoa(*value)
	switch {
	case *value < lo:
		v.fail(field, &s, "Member must have value greater than or equal to "+strconv.Itoa(lo))
	case *value > hi:
		v.fail(field, &s, "Member must have value less than or equal to "+strconv.Itoa(hi))
	}
}

// timestamp checks an optional time member (milliseconds, >= 0).
func (v *validator) timestamp(field string, value *int64) {
	if value != nil && *value < 0 {
		s := strconv.FormatInt(*value, 10)
		v.fail(field, &s, "Member must have value greater than or equal to 0")
	}
}

func (v *validator) token(field string, value *string) {
	v.str(field, value, 1, 1<<20, "", nil)
}

// err returns the collected violations as one InvalidParameterException.
func (v *validator) err() error {
	switch len(v.msgs) {
	case 0:
		return nil
	case 1:
		return awsapi.NewError(awsapi.LogsInvalidParameter, "1 validation error detected: %s", v.msgs[0])
	}
	return awsapi.NewError(awsapi.LogsInvalidParameter, "%d validation errors detected: %s", len(v.msgs), strings.Join(v.msgs, "; "))
}

var identifierRE = regexp.MustCompile(`^[\w#+=/:,.@-]*$`)

// groupOf resolves logGroupName / logGroupIdentifier (a name or a log group
// ARN), of which exactly one must be given, after reporting every
// constraint violation v has collected.
func groupOf(v *validator, name, identifier *string) (string, error) {
	v.groupName("logGroupName", name)
	v.str("logGroupIdentifier", identifier, 1, 2048, `[\w#+=/:,.@-]*`, identifierRE)
	if err := v.err(); err != nil {
		return "", err
	}
	switch {
	case name != nil && identifier != nil:
		return "", awsapi.NewError(awsapi.LogsInvalidParameter, "LogGroupName and LogGroupIdentifier are mutually exclusive. Specify only one of them.")
	case name != nil:
		return *name, nil
	case identifier == nil:
		return "", awsapi.NewError(awsapi.LogsInvalidParameter, "Either LogGroupName or LogGroupIdentifier is required.")
	}
	if m := groupARNRE.FindStringSubmatch(*identifier); m != nil {
		return m[1], nil
	}
	if groupNameRE.MatchString(*identifier) {
		return *identifier, nil
	}
	v.fail("logGroupIdentifier", identifier, "Member must be a log group name or a log group ARN")
	return "", v.err()
}

// groupARN is a log group's ARN with the trailing ":*" (LogGroup.arn) or
// without (LogGroup.logGroupArn).
func groupARN(r *awsapi.Request, name string) string {
	return "arn:aws:logs:" + r.Region + ":" + r.Account + ":log-group:" + name
}

func streamARN(r *awsapi.Request, group, stream string) string {
	return groupARN(r, group) + ":log-stream:" + stream
}
