package logsapi

import (
	"context"
	"strconv"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/logs"
)

// filterLogEventsInput is FilterLogEvents' request. interleaved is ignored
// (AWS always interleaves now); filterPattern supports the text patterns of
// package filterpattern.
type filterLogEventsInput struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int     `json:"limit"`
	Interleaved         bool     `json:"interleaved"`
	Unmask              bool     `json:"unmask"`
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

// filterLogEventsOutput: searchedLogStreams is always empty, as AWS has
// returned it since 2020.
type filterLogEventsOutput struct {
	Events             []filteredLogEvent  `json:"events"`
	SearchedLogStreams []searchedLogStream `json:"searchedLogStreams"`
	NextToken          string              `json:"nextToken,omitempty"`
}

func (a *API) filterLogEvents(ctx context.Context, r *awsapi.Request, in *filterLogEventsInput) (*filterLogEventsOutput, error) {
	v := &validator{}
	if in.LogStreamNames != nil {
		switch n := len(in.LogStreamNames); {
		case n < 1:
			v.msgs = append(v.msgs, "Value '[]' at 'logStreamNames' failed to satisfy constraint: Member must have length greater than or equal to 1")
		case n > 100:
			v.msgs = append(v.msgs, "Value at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
		for i := range in.LogStreamNames {
			v.streamName("logStreamNames."+strconv.Itoa(i+1)+".member", &in.LogStreamNames[i])
		}
	}
	v.streamName("logStreamNamePrefix", in.LogStreamNamePrefix)
	v.timestamp("startTime", in.StartTime)
	v.timestamp("endTime", in.EndTime)
	v.str("filterPattern", in.FilterPattern, 0, 1024, "", nil)
	v.token("nextToken", in.NextToken)
	v.intRange("limit", in.Limit, 1, 10000)
	group, err := groupOf(v, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	events, next, err := a.svc.FilterEvents(ctx, scope(r), &logs.FilterEventsInput{Group: group, Streams: in.LogStreamNames,
		StreamPrefix: deref(in.LogStreamNamePrefix), StartTime: in.StartTime, EndTime: in.EndTime, Pattern: deref(in.FilterPattern),
		Token: deref(in.NextToken), Limit: deref(in.Limit)})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &filterLogEventsOutput{Events: make([]filteredLogEvent, len(events)), SearchedLogStreams: []searchedLogStream{}, NextToken: next}
	for i, ev := range events {
		out.Events[i] = filteredLogEvent{LogStreamName: ev.Stream, Timestamp: ev.Timestamp, Message: ev.Message,
			IngestionTime: ev.IngestionTime, EventID: ev.ID}
	}
	return out, nil
}
