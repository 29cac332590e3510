package logsapi

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/logs"
)

// putLogEventsInput is PutLogEvents' request. sequenceToken is ignored, as
// AWS now ignores it; entity is not supported.
type putLogEventsInput struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
	LogEvents     []struct {
		Timestamp *int64  `json:"timestamp"`
		Message   *string `json:"message"`
	} `json:"logEvents"`
	SequenceToken *string `json:"sequenceToken"`
}

type rejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// sequence numbers the deprecated nextSequenceToken, which clients may
// still read but AWS no longer checks.
var sequence atomic.Int64

func (a *API) putLogEvents(ctx context.Context, r *awsapi.Request, in *putLogEventsInput) (*putLogEventsOutput, error) {
	v := &validator{}
	v.required("logGroupName", in.LogGroupName)
	v.required("logStreamName", in.LogStreamName)
	v.groupName("logGroupName", in.LogGroupName)
	v.streamName("logStreamName", in.LogStreamName)
	switch n := len(in.LogEvents); {
	case in.LogEvents == nil:
		v.fail("logEvents", nil, "Member must not be null")
	case n < 1:
		v.msgs = append(v.msgs, "Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case n > 10000:
		v.msgs = append(v.msgs, "Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000")
	}
	events := make([]logs.InputEvent, 0, len(in.LogEvents))
	for i, ev := range in.LogEvents {
		field := "logEvents." + strconv.Itoa(i+1) + ".member."
		v.required(field+"timestamp", nil2(ev.Timestamp))
		v.required(field+"message", ev.Message)
		v.timestamp(field+"timestamp", ev.Timestamp)
		v.str(field+"message", ev.Message, 1, 1<<20, "", nil)
		if ev.Timestamp != nil && ev.Message != nil {
			events = append(events, logs.InputEvent{Timestamp: *ev.Timestamp, Message: *ev.Message})
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	rej, err := a.svc.PutEvents(ctx, scope(r), *in.LogGroupName, *in.LogStreamName, events)
	if err != nil {
		return nil, serviceError(err)
	}
	out := &putLogEventsOutput{NextSequenceToken: fmt.Sprintf("%056d", sequence.Add(1))}
	if rej != nil {
		out.RejectedLogEventsInfo = &rejectedLogEventsInfo{TooNewLogEventStartIndex: rej.TooNewStart, TooOldLogEventEndIndex: rej.TooOldEnd}
	}
	return out, nil
}

// nil2 turns a missing timestamp into a nil *string for required().
func nil2(p *int64) *string {
	if p == nil {
		return nil
	}
	s := strconv.FormatInt(*p, 10)
	return &s
}
