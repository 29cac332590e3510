package logsapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/logs"
)

type getLogEventsInput struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int    `json:"limit"`
	StartFromHead      bool    `json:"startFromHead"`
	Unmask             bool    `json:"unmask"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

func (a *API) getLogEvents(ctx context.Context, r *awsapi.Request, in *getLogEventsInput) (*getLogEventsOutput, error) {
	v := &validator{}
	v.required("logStreamName", in.LogStreamName)
	v.streamName("logStreamName", in.LogStreamName)
	v.timestamp("startTime", in.StartTime)
	v.timestamp("endTime", in.EndTime)
	v.token("nextToken", in.NextToken)
	v.intRange("limit", in.Limit, 1, 10000)
	group, err := groupOf(v, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	res, err := a.svc.GetEvents(ctx, scope(r), &logs.GetEventsInput{Group: group, Stream: *in.LogStreamName, StartTime: in.StartTime,
		EndTime: in.EndTime, Token: deref(in.NextToken), Limit: deref(in.Limit), StartFromHead: in.StartFromHead})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &getLogEventsOutput{Events: make([]outputLogEvent, len(res.Events)), NextForwardToken: res.ForwardToken, NextBackwardToken: res.BackwardToken}
	for i, ev := range res.Events {
		out.Events[i] = outputLogEvent{Timestamp: ev.Timestamp, Message: ev.Message, IngestionTime: ev.IngestionTime}
	}
	return out, nil
}
