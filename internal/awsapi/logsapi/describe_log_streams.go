package logsapi

import (
	"context"

	"github.com/gureum-dev/gureum/internal/awsapi"
	"github.com/gureum-dev/gureum/internal/logs"
)

type describeLogStreamsInput struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          bool    `json:"descending"`
	NextToken           *string `json:"nextToken"`
	Limit               *int    `json:"limit"`
}

// logStream leaves out the event times of a stream without events, as AWS
// does.
type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

func (a *API) describeLogStreams(ctx context.Context, r *awsapi.Request, in *describeLogStreamsInput) (*describeLogStreamsOutput, error) {
	v := &validator{}
	v.streamName("logStreamNamePrefix", in.LogStreamNamePrefix)
	if o := in.OrderBy; o != nil && *o != "LogStreamName" && *o != "LastEventTime" {
		v.fail("orderBy", o, "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	v.token("nextToken", in.NextToken)
	v.intRange("limit", in.Limit, 1, 50)
	group, err := groupOf(v, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit := 50
	if in.Limit != nil {
		limit = *in.Limit
	}
	streams, next, err := a.svc.DescribeStreams(ctx, scope(r), &logs.DescribeStreamsInput{Group: group, Prefix: deref(in.LogStreamNamePrefix),
		ByLastEvent: deref(in.OrderBy) == "LastEventTime", Descending: in.Descending, Token: deref(in.NextToken), Limit: limit})
	if err != nil {
		return nil, serviceError(err)
	}
	out := &describeLogStreamsOutput{LogStreams: make([]logStream, len(streams)), NextToken: next}
	for i, st := range streams {
		out.LogStreams[i] = logStream{LogStreamName: st.Name, CreationTime: st.CreationTime, FirstEventTimestamp: st.FirstEventTimestamp,
			LastEventTimestamp: st.LastEventTimestamp, LastIngestionTime: st.LastIngestionTime, Arn: streamARN(r, group, st.Name)}
	}
	return out, nil
}
